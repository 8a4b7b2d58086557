// Command poolpressure measures what sync.Pool saves in chapter 2.4's scenario:
// a service that builds a TagSet (a small struct with a slice of labels) for
// every request, as in the article's metadata service.
//
// It handles -requests requests twice, once allocating a new TagSet per
// request and once taking it from a sync.Pool, and prints one JSON line per
// way with the heap allocations, the bytes allocated and the number of GC
// cycles that runtime.MemStats counted, and the time taken.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"sync"
	"time"
)

// TagSet is the article's per-request object: parsed video labels.
type TagSet struct {
	Labels []string
}

var words = []string{"travel", "food", "music", "dance", "pets", "sport", "news", "comedy"}

// parse fills ts with n labels, as decoding a request would.
func parse(ts *TagSet, n int) {
	for i := range n {
		ts.Labels = append(ts.Labels, words[i%len(words)])
	}
}

// kept stands for whatever the handler hands the TagSet to (a response
// encoder, a cache): it makes the TagSet escape to the heap, as it does in a
// real service.
var kept *TagSet

func handleNew(n int) int {
	ts := &TagSet{Labels: make([]string, 0, 8)}
	parse(ts, n)
	kept = ts
	return len(ts.Labels)
}

var tagSetPool = sync.Pool{
	New: func() any { return &TagSet{Labels: make([]string, 0, 8)} },
}

func handlePooled(n int) int {
	ts := tagSetPool.Get().(*TagSet)
	ts.Labels = ts.Labels[:0] // reset before use: the pool hands back dirty objects
	parse(ts, n)
	kept = ts
	done := len(ts.Labels)
	kept = nil
	tagSetPool.Put(ts)
	return done
}

// Result is one way of handling the requests.
type Result struct {
	Way      string  `json:"way"`
	Requests int     `json:"requests"`
	Labels   int     `json:"labels"` // labels parsed in all: the same work both ways
	Mallocs  uint64  `json:"mallocs"`
	Bytes    uint64  `json:"bytes"`
	GCs      uint32  `json:"gcs"`
	Seconds  float64 `json:"seconds"`
}

func measure(way string, handle func(int) int, requests, labels int) Result {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	total := 0
	for range requests {
		total += handle(labels)
	}
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	return Result{Way: way, Requests: requests, Labels: total,
		Mallocs: after.Mallocs - before.Mallocs, Bytes: after.TotalAlloc - before.TotalAlloc,
		GCs: after.NumGC - before.NumGC, Seconds: elapsed.Seconds()}
}

func main() {
	requests := flag.Int("requests", 1_000_000, "requests to handle each way")
	labels := flag.Int("labels", 6, "labels per request (the pooled slice holds 8 without growing)")
	flag.Parse()
	if *requests < 1 || *labels < 0 {
		fmt.Fprintln(os.Stderr, "want -requests >= 1 and -labels >= 0")
		os.Exit(2)
	}
	out := json.NewEncoder(os.Stdout)
	out.Encode(measure("new", handleNew, *requests, *labels))
	out.Encode(measure("pool", handlePooled, *requests, *labels))
}
