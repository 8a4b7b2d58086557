// Command syscall blocks one goroutine in a real blocking system call, a
// read(2) on an empty pipe, while -workers goroutines burn CPU.
//
// A G in a syscall keeps its M. The runtime's sysmon notices that the
// syscall has lasted more than one tick and hands the P to another M
// (runtime/proc.go: sysmon -> retake -> handoffp), so the workers keep
// running even with GOMAXPROCS=1. When the workers are done, main writes
// one byte into the pipe and the reader returns from read(2).
//
// The pipe is made with syscall.Pipe, not os.Pipe: os.Pipe's descriptors go
// through the network poller (non-blocking, the G parks instead of blocking
// its thread), which is exactly what this program must avoid.
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
	"syscall"

	"whygo.dev/gocode/internal/scenario"
)

type config struct {
	workers int    // goroutines burning CPU while the reader is blocked
	work    int    // Spin rounds per worker
	trace   string // runtime/trace output file ("" = no trace)
}

func run(cfg config, w io.Writer) error {
	stop, err := scenario.StartTrace(cfg.trace)
	if err != nil {
		return err
	}
	var fds [2]int
	if err := syscall.Pipe(fds[:]); err != nil {
		return fmt.Errorf("pipe: %w", err)
	}
	defer syscall.Close(fds[0])
	defer syscall.Close(fds[1])

	// The reader announces itself, then blocks its thread in read(2).
	started := make(chan struct{})
	type readResult struct {
		n   int
		err error
	}
	done := make(chan readResult)
	go func() {
		close(started)
		buf := make([]byte, 1)
		n, err := syscall.Read(fds[0], buf)
		done <- readResult{n, err}
	}()
	<-started

	results := make([]uint64, cfg.workers)
	var wg sync.WaitGroup
	for i := range cfg.workers {
		wg.Go(func() { results[i] = scenario.Spin(uint64(i), cfg.work) })
	}
	wg.Wait()

	// Only now release the reader: it was blocked during all the work.
	if _, err := syscall.Write(fds[1], []byte{'x'}); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	r := <-done
	if r.err != nil {
		return fmt.Errorf("read: %w", r.err)
	}
	if err := stop(); err != nil {
		return err
	}
	var checksum uint64
	for _, x := range results {
		checksum += x
	}
	_, err = fmt.Fprintf(w, "syscall: workers=%d blocked_reads=1 bytes_read=%d checksum=%016x\n",
		cfg.workers, r.n, checksum)
	return err
}

func main() {
	var cfg config
	flag.IntVar(&cfg.workers, "workers", 4, "goroutines burning CPU during the blocked read")
	flag.IntVar(&cfg.work, "work", 2_000_000, "CPU rounds per worker")
	flag.StringVar(&cfg.trace, "trace", "", "write a runtime/trace to this file")
	flag.Parse()
	if cfg.workers < 0 || cfg.work < 0 {
		log.Fatal("syscall: -workers and -work must be >= 0")
	}
	if err := run(cfg, os.Stdout); err != nil {
		log.Fatal(err)
	}
}
