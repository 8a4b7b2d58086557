//whygo: --save fetch
// Task 2 starts from the usual first fix of task 1: it returns on time,
// but look at what happens to the senders after it returns.
func fetch(url string, d time.Duration) string {
	time.Sleep(d)
	return "body of " + url
}

func fetchAll(ctx context.Context, urls []string, d time.Duration) []string {
	results := make(chan string)
	for _, u := range urls {
		go func() {
			body := fetch(u, d)
			select { // nobody may be listening any more: give up when ctx is done
			case results <- body:
			case <-ctx.Done():
			}
		}()
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
