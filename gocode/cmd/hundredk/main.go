// Command hundredk is the source article's "100,000 goroutines" experiment
// (chapter 2.1), run for real: start -n goroutines from main, let each do a
// little CPU work and one small heap allocation, and wait for all of them.
//
// It reports, as one JSON object on stdout:
//   - create_ns: how long main's loop of `go` statements took;
//   - total_ns: from the first `go` until the last goroutine finished, and
//     cpu_ns: the CPU time all threads of the process used in that interval
//     (on a busy machine wall time includes waiting for a CPU; CPU time does not);
//   - peak_live: goroutines alive when the loop ended (how many overlapped);
//   - mem_bytes: memory the runtime had mapped at that moment, minus what it
//     had before the loop (runtime/metrics /memory/classes/total:bytes);
//   - stack_bytes: goroutine stack memory in use at that moment;
//   - gcs, max_pause_ns, total_pause_ns: the GC cycles that ran during the
//     experiment and their stop-the-world pauses (runtime.MemStats.PauseNs).
//
// The article does not say what its goroutines did, so -work (CPU rounds)
// and -alloc (bytes allocated by each) are flags. GOMAXPROCS comes from the
// environment. Every figure but the counts is a measurement and varies.
package main

import (
	"encoding/json"
	"flag"
	"log"
	"os"
	"runtime"
	"runtime/metrics"
	"sync"
	"syscall"
	"time"

	"whygo.dev/gocode/internal/scenario"
)

type config struct {
	n     int // goroutines to start
	work  int // scenario.Spin rounds per goroutine
	alloc int // bytes each goroutine allocates on the heap
}

// Result is what the notebook reads.
type Result struct {
	Goroutines   int     `json:"goroutines"`
	Finished     int     `json:"finished"`
	GOMAXPROCS   int     `json:"gomaxprocs"`
	CreateNs     int64   `json:"create_ns"`
	TotalNs      int64   `json:"total_ns"`
	CPUNs        int64   `json:"cpu_ns"`
	PeakLive     int     `json:"peak_live"`
	MemBytes     int64   `json:"mem_bytes"`
	StackBytes   uint64  `json:"stack_bytes"`
	GCs          uint32  `json:"gcs"`
	MaxPauseNs   uint64  `json:"max_pause_ns"`
	TotalPauseNs uint64  `json:"total_pause_ns"`
	Checksum     uint64  `json:"checksum"`
	NsPerGo      float64 `json:"ns_per_go"`
}

var sink [][]byte // where the goroutines' allocations go (so they are real heap objects)

func mappedBytes() int64 {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}

// cpuTime is the user+system CPU time of the whole process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func run(cfg config) Result {
	var before runtime.MemStats
	runtime.GC() // start from a clean heap so the cycles counted are the experiment's
	runtime.ReadMemStats(&before)
	mem0 := mappedBytes()
	sink = make([][]byte, cfg.n)
	sums := make([]uint64, cfg.n)

	var wg sync.WaitGroup
	cpu0 := cpuTime()
	start := time.Now()
	for i := range cfg.n {
		wg.Go(func() {
			sums[i] = scenario.Spin(uint64(i), cfg.work)
			if cfg.alloc > 0 {
				sink[i] = make([]byte, cfg.alloc)
			}
		})
	}
	created := time.Since(start)
	live := runtime.NumGoroutine() - 1 // main is not one of them
	mem := mappedBytes() - mem0
	var mid runtime.MemStats
	runtime.ReadMemStats(&mid)
	wg.Wait()
	total := time.Since(start)
	cpu := cpuTime() - cpu0

	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	r := Result{Goroutines: cfg.n, GOMAXPROCS: runtime.GOMAXPROCS(0), CreateNs: created.Nanoseconds(),
		TotalNs: total.Nanoseconds(), CPUNs: cpu.Nanoseconds(), PeakLive: live, MemBytes: mem, StackBytes: mid.StackInuse,
		GCs: after.NumGC - before.NumGC, NsPerGo: float64(created.Nanoseconds()) / float64(max(cfg.n, 1))}
	// PauseNs is a ring of the last 256 pauses; cycle k's pause is at (k+255)%256.
	for k := before.NumGC + 1; k <= after.NumGC && after.NumGC-k < 256; k++ {
		p := after.PauseNs[(k+255)%256]
		r.TotalPauseNs += p
		r.MaxPauseNs = max(r.MaxPauseNs, p)
	}
	for i, s := range sums {
		r.Checksum += s
		if cfg.alloc == 0 || len(sink[i]) == cfg.alloc {
			r.Finished++
		}
	}
	return r
}

func main() {
	var cfg config
	flag.IntVar(&cfg.n, "n", 100_000, "goroutines to start")
	flag.IntVar(&cfg.work, "work", 200, "CPU rounds per goroutine")
	flag.IntVar(&cfg.alloc, "alloc", 256, "bytes each goroutine allocates")
	flag.Parse()
	if cfg.n < 0 || cfg.work < 0 || cfg.alloc < 0 {
		log.Fatal("hundredk: -n, -work and -alloc must be >= 0")
	}
	if err := json.NewEncoder(os.Stdout).Encode(run(cfg)); err != nil {
		log.Fatal(err)
	}
}
