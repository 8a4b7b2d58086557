// Command ctxleak is chapter 2.5's goroutine leak, found and fixed.
//
// Every request starts a background watcher that waits for updates on a
// channel. The leaky watcher ranges over the channel, which nobody ever
// closes, so it never returns: one goroutine is left behind per request. The
// fixed watcher also selects on the request's ctx.Done(), and the handler's
// deferred cancel() ends it.
//
// The program serves -requests requests, prints runtime.NumGoroutine before
// and after, then summarises the goroutine profile (pprof.Lookup("goroutine"))
// to show where the remaining goroutines are stuck: each record's count and
// its frames in package main, without addresses, so the output is the same
// on every run.
//
//	go run ./cmd/ctxleak            leaky watchers: 100 goroutines left behind
//	go run ./cmd/ctxleak -fixed     every watcher returns
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"time"
)

// watchLeaky waits for updates until the channel is closed, which never happens.
func watchLeaky(ctx context.Context, updates <-chan string) {
	for u := range updates {
		_ = u
	}
}

// watchFixed also returns when the request's context is done.
func watchFixed(ctx context.Context, updates <-chan string) {
	for {
		select {
		case u := <-updates:
			_ = u
		case <-ctx.Done():
			return
		}
	}
}

// handle serves one request: it starts a watcher, does its work, and returns.
func handle(parent context.Context, fixed bool) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel() // the fixed watcher sees ctx.Done() when handle returns
	updates := make(chan string)
	if fixed {
		go watchFixed(ctx, updates)
	} else {
		go watchLeaky(ctx, updates)
	}
	// ... the request's real work would go here ...
}

// settle waits until the goroutine count is back to want, or has not moved
// for 200 ms (goroutines that are stuck stay stuck), and returns it.
func settle(want int) int {
	n, still := runtime.NumGoroutine(), 0
	for n > want && still < 200 {
		time.Sleep(time.Millisecond)
		if m := runtime.NumGoroutine(); m == n {
			still++
		} else {
			n, still = m, 0
		}
	}
	return n
}

// profileSummary reads the debug=1 goroutine profile and keeps, for each
// record, its count and the frames of package main ("main.watchLeaky main.go:34").
func profileSummary() []string {
	var buf bytes.Buffer
	pprof.Lookup("goroutine").WriteTo(&buf, 1)
	var out []string
	for _, rec := range strings.Split(buf.String(), "\n\n") {
		lines := strings.Split(strings.TrimSpace(rec), "\n")
		if len(lines) == 0 || strings.HasPrefix(lines[0], "goroutine profile") && len(lines) == 1 {
			continue
		}
		head := lines[0]
		if strings.HasPrefix(head, "goroutine profile") {
			lines = lines[1:]
			head = lines[0]
		}
		count, _, _ := strings.Cut(head, " @ ")
		var frames []string
		for _, l := range lines[1:] {
			f := strings.Fields(l) // "#", pc, function+offset, file:line
			if len(f) < 4 {
				continue
			}
			// Under "go test" the package is called by its import path, not main.
			fn, _, _ := strings.Cut(f[2][strings.LastIndex(f[2], "/")+1:], "+")
			fn = strings.Replace(fn, "ctxleak.", "main.", 1)
			if !strings.HasPrefix(fn, "main.") {
				continue
			}
			frames = append(frames, fn+" "+filepath.Base(f[3]))
		}
		if len(frames) > 0 {
			out = append(out, fmt.Sprintf("%4s goroutine(s) in %s", count, strings.Join(frames, " <- ")))
		}
	}
	sort.Strings(out)
	return out
}

func main() {
	fixed := flag.Bool("fixed", false, "use the watcher that selects on ctx.Done()")
	requests := flag.Int("requests", 100, "requests to serve")
	flag.Parse()

	before := runtime.NumGoroutine()
	for i := 0; i < *requests; i++ {
		handle(context.Background(), *fixed)
	}
	after := settle(before)
	fmt.Printf("goroutines before %d requests: %d, after: %d (left behind: %d)\n",
		*requests, before, after, after-before)
	fmt.Println("goroutine profile, frames in package main:")
	for _, line := range profileSummary() {
		fmt.Println(line)
	}
}
