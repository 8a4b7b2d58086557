//whygo: --save fetch
// fetch pretends to fetch a URL: it takes d, then returns the body.
func fetch(url string, d time.Duration) string {
	time.Sleep(d)
	return "body of " + url
}

// fetchAll fetches every URL concurrently and returns the bodies that
// arrived before ctx was done.
func fetchAll(ctx context.Context, urls []string, d time.Duration) []string {
	// One slot per URL: a fetch that finishes after we returned can still
	// send its body and exit, instead of blocking forever on the channel.
	results := make(chan string, len(urls))
	for _, u := range urls {
		go func() { results <- fetch(u, d) }()
	}
	var bodies []string
	for range urls {
		select {
		case body := <-results:
			bodies = append(bodies, body)
		case <-ctx.Done():
			return bodies
		}
	}
	return bodies
}
