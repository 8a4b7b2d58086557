// Tenant A's code built as a Go plugin (go build -buildmode=plugin). It lives
// under testdata/ so that `go build ./...` (cgo off) never tries to build it;
// chapter 4.4 builds it explicitly, with cgo on.
package main

import (
	"whygo.dev/gocode/cmd/pluginhost/api"
	"whygo.dev/gocode/cmd/pluginhost/tenanta"
)

// Handler is the plugin's one exported symbol, found with plugin.Lookup("Handler").
var Handler api.Handler = tenanta.Handle

func main() {}
