// Command imbalance creates every goroutine from one goroutine, so all of
// them start in the run queue of a single P (runtime/proc.go: newproc puts the
// new G in the creating P's runnext/runq). Any other P only gets work by
// stealing it (findRunnable -> stealWork -> runqsteal). With GOMAXPROCS >= 2
// the -trace output shows the goroutines running on several Ps anyway.
//
// The printed summary counts things (never times) and is the same on every run.
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
	goroutines int    // goroutines created by main, one after another
	work       int    // Spin rounds per goroutine
	trace      string // runtime/trace output file ("" = no trace)
}

func run(cfg config, w io.Writer) error {
	stop, err := scenario.StartTrace(cfg.trace)
	if err != nil {
		return err
	}
	results := make([]uint64, cfg.goroutines) // one slot each: no lock needed
	var wg sync.WaitGroup
	for i := range cfg.goroutines {
		wg.Go(func() { results[i] = scenario.Spin(uint64(i), cfg.work) })
	}
	wg.Wait()
	if err := stop(); err != nil {
		return err
	}
	var checksum uint64
	for _, r := range results {
		checksum += r
	}
	_, err = fmt.Fprintf(w, "imbalance: goroutines=%d finished=%d checksum=%016x\n",
		cfg.goroutines, len(results), checksum)
	return err
}

func main() {
	var cfg config
	flag.IntVar(&cfg.goroutines, "goroutines", 64, "goroutines to create from main")
	flag.IntVar(&cfg.work, "work", 500_000, "CPU rounds per goroutine")
	flag.StringVar(&cfg.trace, "trace", "", "write a runtime/trace to this file")
	flag.Parse()
	if cfg.goroutines < 0 || cfg.work < 0 {
		log.Fatal("imbalance: -goroutines and -work must be >= 0")
	}
	if err := run(cfg, os.Stdout); err != nil {
		log.Fatal(err)
	}
}
