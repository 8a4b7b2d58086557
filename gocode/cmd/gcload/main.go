// Command gcload is a scaled-down "daemon": for -duration it keeps a live
// heap of -live MiB and allocates garbage at about -rate MiB/s by replacing
// live objects with new ones. Run it with GODEBUG=gctrace=1 (one line per GC
// cycle on stderr) and GOGC=... set by the caller.
//
// At the end it prints one JSON object on stdout: the number of GC cycles
// and the GC pause histogram from runtime/metrics
// (/sched/pauses/total/gc:seconds; the deprecated twin /gc/pauses:seconds is
// printed too when this Go version still has it). Only non-empty buckets are
// printed, as [low, high, count] with null for an infinite bound.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"runtime"
	"runtime/metrics"
	"time"
)

type config struct {
	duration time.Duration // how long to allocate
	liveMiB  int           // live heap kept reachable the whole time
	rateMiB  int           // garbage allocated per second
	objSize  int           // bytes per object
	scan     bool          // objects hold pointers (the GC scans them) or not
}

// Bucket is one non-empty bucket of a runtime/metrics histogram, in seconds.
// Low or High is nil for an infinite bound.
type Bucket struct {
	Low, High *float64
	Count     uint64
}

func (b Bucket) MarshalJSON() ([]byte, error) {
	return json.Marshal([]any{b.Low, b.High, b.Count})
}

type Histogram struct {
	Metric  string   `json:"metric"`
	Buckets []Bucket `json:"buckets"`
	Total   uint64   `json:"total"`
}

type Report struct {
	Program        string     `json:"program"`
	GOGC           string     `json:"gogc"` // as given in the environment ("" = default 100)
	GOMAXPROCS     int        `json:"gomaxprocs"`
	Seconds        float64    `json:"seconds"`
	LiveMiB        int        `json:"live_mib"`
	RateMiB        int        `json:"rate_mib_per_s"`
	ObjectSize     int        `json:"object_size"`
	Scan           bool       `json:"scan"`
	AllocatedBytes uint64     `json:"allocated_bytes"`
	GCCycles       uint64     `json:"gc_cycles"`
	GCForced       uint64     `json:"gc_forced"`
	HeapGoalBytes  uint64     `json:"heap_goal_bytes"`
	Pauses         Histogram  `json:"pauses"`
	GCPauses       *Histogram `json:"gc_pauses,omitempty"`
}

const (
	pausesMetric     = "/sched/pauses/total/gc:seconds"
	oldPausesMetric  = "/gc/pauses:seconds" // deprecated since Go 1.22, same data
	cyclesMetric     = "/gc/cycles/total:gc-cycles"
	forcedMetric     = "/gc/cycles/forced:gc-cycles"
	heapGoalMetric   = "/gc/heap/goal:bytes"
	heapAllocsMetric = "/gc/heap/allocs:bytes"
)

func allocate(cfg config) {
	n := max(1, cfg.liveMiB<<20/cfg.objSize)
	if cfg.scan {
		// Pointer slots: the GC must scan every word of every live object.
		churn(cfg, n, func() []*byte { return make([]*byte, max(1, cfg.objSize/8)) })
	} else {
		// Plain bytes: the GC marks the object but never looks inside.
		churn(cfg, n, func() []byte { return make([]byte, cfg.objSize) })
	}
}

// churn keeps n objects live and, for cfg.duration, replaces them one after
// another with new ones at cfg.rateMiB MiB/s: every replaced object is garbage.
func churn[T any](cfg config, n int, newObject func() T) {
	live := make([]T, n)
	for i := range live {
		live[i] = newObject()
	}
	perSecond := float64(cfg.rateMiB << 20)
	start := time.Now()
	var done float64 // bytes allocated so far
	i := 0
	for {
		elapsed := time.Since(start)
		if elapsed >= cfg.duration {
			break
		}
		// Catch up with the target rate, then rest a millisecond.
		for done < perSecond*elapsed.Seconds() {
			live[i%n] = newObject()
			done += float64(cfg.objSize)
			i++
		}
		time.Sleep(time.Millisecond)
	}
	runtime.KeepAlive(live)
}

func histogram(name string, h *metrics.Float64Histogram) Histogram {
	out := Histogram{Metric: name, Buckets: []Bucket{}}
	for i, c := range h.Counts {
		if c == 0 {
			continue
		}
		out.Buckets = append(out.Buckets, Bucket{finite(h.Buckets[i]), finite(h.Buckets[i+1]), c})
		out.Total += c
	}
	return out
}

func finite(x float64) *float64 {
	if math.IsInf(x, 0) {
		return nil
	}
	return &x
}

func available(name string) bool {
	for _, d := range metrics.All() {
		if d.Name == name {
			return true
		}
	}
	return false
}

func run(cfg config, w io.Writer) error {
	start := time.Now()
	allocate(cfg)
	seconds := time.Since(start).Seconds()

	names := []string{pausesMetric, cyclesMetric, forcedMetric, heapGoalMetric, heapAllocsMetric}
	if available(oldPausesMetric) {
		names = append(names, oldPausesMetric)
	}
	samples := make([]metrics.Sample, len(names))
	for i, n := range names {
		samples[i].Name = n
	}
	metrics.Read(samples)

	r := Report{
		Program: "gcload", GOGC: os.Getenv("GOGC"), GOMAXPROCS: runtime.GOMAXPROCS(0),
		Seconds: math.Round(seconds*1000) / 1000, LiveMiB: cfg.liveMiB, RateMiB: cfg.rateMiB,
		ObjectSize: cfg.objSize, Scan: cfg.scan,
	}
	for _, s := range samples {
		switch s.Name {
		case pausesMetric:
			r.Pauses = histogram(s.Name, s.Value.Float64Histogram())
		case oldPausesMetric:
			h := histogram(s.Name, s.Value.Float64Histogram())
			r.GCPauses = &h
		case cyclesMetric:
			r.GCCycles = s.Value.Uint64()
		case forcedMetric:
			r.GCForced = s.Value.Uint64()
		case heapGoalMetric:
			r.HeapGoalBytes = s.Value.Uint64()
		case heapAllocsMetric:
			r.AllocatedBytes = s.Value.Uint64()
		}
	}
	out, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", out)
	return err
}

func main() {
	var cfg config
	flag.DurationVar(&cfg.duration, "duration", 2*time.Second, "how long to allocate")
	flag.IntVar(&cfg.liveMiB, "live", 32, "live heap in MiB")
	flag.IntVar(&cfg.rateMiB, "rate", 256, "garbage allocation rate in MiB/s")
	flag.IntVar(&cfg.objSize, "size", 1024, "object size in bytes")
	flag.BoolVar(&cfg.scan, "scan", true, "objects hold pointers the GC must scan (false: plain bytes)")
	flag.Parse()
	if cfg.duration <= 0 || cfg.liveMiB < 0 || cfg.rateMiB < 0 || cfg.objSize < 1 {
		log.Fatal("gcload: -duration must be > 0, -live and -rate >= 0, -size >= 1")
	}
	if err := run(cfg, os.Stdout); err != nil {
		log.Fatal(err)
	}
}
