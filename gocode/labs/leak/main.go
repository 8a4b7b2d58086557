// Command leak is the program of lab 4 outside the notebook: the usual first
// fix of a fan-out that ignored its context. It returns at the deadline, but
// every fetch that finishes later blocks forever on an unbuffered channel
// that nobody reads any more: a goroutine leak. The program prints the
// goroutine count before, right after and a while after the call.
//
//	go run ./labs/leak            goroutines: before 1, after return 9, 1 s later 9
//
// (The fix is the lab's task; it is not given here.)
package main

import (
	"context"
	"fmt"
	"runtime"
	"time"
)

func fetch(url string, d time.Duration) string {
	time.Sleep(d)
	return "body of " + url
}

// fetchAll returns the bodies that arrived before ctx was done, and leaks
// one goroutine per body that arrives after.
func fetchAll(ctx context.Context, urls []string, d time.Duration) []string {
	results := make(chan string)
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

// leaked runs fetchAll with a deadline shorter than the fetches and
// returns the goroutine counts before, right after, and after `wait`.
func leaked(urls int, d, deadline, wait time.Duration) (before, after, later int) {
	before = runtime.NumGoroutine()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	names := make([]string, urls)
	for i := range names {
		names[i] = fmt.Sprintf("url%d", i)
	}
	fetchAll(ctx, names, d)
	after = runtime.NumGoroutine()
	time.Sleep(wait)
	return before, after, runtime.NumGoroutine()
}

func main() {
	before, after, later := leaked(8, 200*time.Millisecond, 20*time.Millisecond, time.Second)
	fmt.Printf("goroutines: before %d, after return %d, 1 s later %d\n", before, after, later)
}
