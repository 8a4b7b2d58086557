// Command gosched runs goroutines that call runtime.Gosched in a loop.
// Gosched puts the caller at the tail of the GLOBAL run queue
// (runtime/proc.go: gosched_m -> goschedImpl -> globrunqput), not the local
// one, and the scheduler later picks it up again; in a -trace the yields show
// as Running->Runnable transitions followed by the same G running again.
//
// The printed summary counts yields (never times) and is the same on every run.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"runtime"
	"sync"
	"sync/atomic"

	"whygo.dev/gocode/internal/scenario"
)

type config struct {
	goroutines int    // goroutines that yield
	rounds     int    // Gosched calls per goroutine
	work       int    // Spin rounds between two yields
	trace      string // runtime/trace output file ("" = no trace)
}

func run(cfg config, w io.Writer) error {
	stop, err := scenario.StartTrace(cfg.trace)
	if err != nil {
		return err
	}
	var yields atomic.Int64
	results := make([]uint64, cfg.goroutines)
	var wg sync.WaitGroup
	for i := range cfg.goroutines {
		wg.Go(func() {
			x := uint64(i)
			for range cfg.rounds {
				x = scenario.Spin(x, cfg.work)
				runtime.Gosched()
				yields.Add(1) // counted after the G was resumed
			}
			results[i] = x
		})
	}
	wg.Wait()
	if err := stop(); err != nil {
		return err
	}
	var checksum uint64
	for _, r := range results {
		checksum += r
	}
	_, err = fmt.Fprintf(w, "gosched: goroutines=%d rounds=%d resumed=%d checksum=%016x\n",
		cfg.goroutines, cfg.rounds, yields.Load(), checksum)
	return err
}

func main() {
	var cfg config
	flag.IntVar(&cfg.goroutines, "goroutines", 4, "goroutines calling runtime.Gosched")
	flag.IntVar(&cfg.rounds, "rounds", 50, "Gosched calls per goroutine")
	flag.IntVar(&cfg.work, "work", 20_000, "CPU rounds between two yields")
	flag.StringVar(&cfg.trace, "trace", "", "write a runtime/trace to this file")
	flag.Parse()
	if cfg.goroutines < 0 || cfg.rounds < 0 || cfg.work < 0 {
		log.Fatal("gosched: -goroutines, -rounds and -work must be >= 0")
	}
	if err := run(cfg, os.Stdout); err != nil {
		log.Fatal(err)
	}
}
