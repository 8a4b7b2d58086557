// Command fanout runs a fan-out/fan-in pipeline for real: one goroutine
// feeds jobs into a channel, -workers goroutines take them, burn a fixed
// amount of CPU each and send a result back, and main collects the results.
//
// With -trace out.trace it records runtime/trace, so the course can set the
// real per-P timeline beside the scheduler model. The printed summary counts
// things (never times) and is the same on every run.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"sync"

	"whygo.dev/gocode/internal/scenario"
)

type config struct {
	workers int    // goroutines taking jobs from the channel
	jobs    int    // jobs sent
	work    int    // Spin rounds per job: the CPU cost of one job
	trace   string // runtime/trace output file ("" = no trace)
}

func run(cfg config, w io.Writer) error {
	stop, err := scenario.StartTrace(cfg.trace)
	if err != nil {
		return err
	}
	jobs := make(chan int)
	results := make(chan uint64)

	// Fan out: every worker pulls from the same channel.
	var wg sync.WaitGroup
	for range cfg.workers {
		wg.Go(func() {
			for j := range jobs {
				results <- scenario.Spin(uint64(j), cfg.work)
			}
		})
	}
	go func() {
		for j := range cfg.jobs {
			jobs <- j
		}
		close(jobs)
	}()
	go func() {
		wg.Wait()
		close(results)
	}()

	// Fan in. A sum does not depend on the order results arrive in.
	var checksum uint64
	n := 0
	for r := range results {
		checksum += r
		n++
	}
	if err := stop(); err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "fanout: workers=%d jobs=%d results=%d checksum=%016x\n",
		cfg.workers, cfg.jobs, n, checksum)
	return err
}

func main() {
	var cfg config
	flag.IntVar(&cfg.workers, "workers", 4, "worker goroutines")
	flag.IntVar(&cfg.jobs, "jobs", 200, "jobs to process")
	flag.IntVar(&cfg.work, "work", 200_000, "CPU rounds per job")
	flag.StringVar(&cfg.trace, "trace", "", "write a runtime/trace to this file")
	flag.Parse()
	if cfg.workers < 1 || cfg.jobs < 0 || cfg.work < 0 {
		log.Fatal("fanout: -workers must be >= 1, -jobs and -work >= 0")
	}
	if err := run(cfg, os.Stdout); err != nil {
		log.Fatal(err)
	}
}
