module whygo.dev/gocode

go 1.27
