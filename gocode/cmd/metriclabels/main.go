// Command metriclabels records metric samples the way a metrics client does,
// many small objects per sample, in one of two ways:
//
//   - "new":  every sample allocates a Metric, its []LabelPair and its
//     encode buffer (3 heap objects), and the sample is handed on (stored),
//     so all three escape;
//   - "pool": the Metric, its labels and its buffer come from a sync.Pool
//     and go back after the sample is encoded: no allocation once warm.
//
// One goroutine per P (GOMAXPROCS) records -points samples in total. At the
// end it prints one JSON object: throughput, GC cycles and the total GC
// stop-the-world pause (MemStats.PauseTotalNs), the CPU time the process used
// (getrusage: the workers and the GC's, which waiting for a busy CPU does not
// inflate), mallocs per sample, and a checksum of every encoded sample. The checksum depends only on -points and
// -labels, never on the mode or the scheduling: both modes do the same work.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// LabelPair is one label of a sample: two string headers, 32 bytes on a
// 64-bit platform, and pointers inside (never the tiny allocator).
type LabelPair struct {
	Name, Value string
}

// Metric is one sample with its labels and its encoded form.
type Metric struct {
	Name    string
	Labels  []LabelPair
	Value   float64
	TS      int64
	Encoded []byte // the text exposition line, built by encode
}

// Label names and values come from fixed sets, as in a real client: a label
// value is usually one of a few strings, not a new string per sample.
var (
	labelNames  = [...]string{"job", "instance", "method", "code", "handler", "zone", "pod", "le"}
	labelValues = [...]string{"api", "10.0.0.1:9090", "GET", "POST", "200", "404", "500", "/metrics",
		"eu-west-1", "us-east-1", "web-7f9c", "0.5", "+Inf"}
)

const metricName = "http_requests_total"

// fill writes sample i into m (labels must have room for n labels).
func fill(m *Metric, i, n int) {
	m.Name, m.Value, m.TS = metricName, float64(i%1000), int64(i)
	for j := range n {
		m.Labels[j] = LabelPair{labelNames[j%len(labelNames)], labelValues[(i+j)%len(labelValues)]}
	}
}

// encode appends the Prometheus text form of m to buf: name{k="v",...} value ts
func encode(buf []byte, m *Metric) []byte {
	buf = append(buf, m.Name...)
	buf = append(buf, '{')
	for j, l := range m.Labels {
		if j > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, l.Name...)
		buf = append(buf, '=', '"')
		buf = append(buf, l.Value...)
		buf = append(buf, '"')
	}
	buf = append(buf, '}', ' ')
	buf = strconv.AppendFloat(buf, m.Value, 'g', -1, 64)
	buf = append(buf, ' ')
	return strconv.AppendInt(buf, m.TS, 10)
}

// fnv32a is the FNV-1a hash of b (inline: hash/fnv would allocate its state).
func fnv32a(b []byte) uint32 {
	h := uint32(2166136261)
	for _, c := range b {
		h = (h ^ uint32(c)) * 16777619
	}
	return h
}

// worker is one goroutine's state, padded so workers do not share a cache line.
type worker struct {
	last *Metric // the last sample handed on ("new" mode): what makes it escape
	sum  uint32  // sum of the hashes of every encoded sample
	_    [52]byte
}

const bufSize = 128

// pointNew records sample i with fresh objects: Metric, labels, buffer.
func (w *worker) pointNew(i, n int) {
	m := &Metric{Labels: make([]LabelPair, n)}
	fill(m, i, n)
	m.Encoded = encode(make([]byte, 0, bufSize), m)
	w.sum += fnv32a(m.Encoded)
	w.last = m
}

var pool = sync.Pool{New: func() any { return &Metric{Encoded: make([]byte, 0, bufSize)} }}

// pointPool records sample i with a Metric taken from, and given back to, the pool.
func (w *worker) pointPool(i, n int) {
	m := pool.Get().(*Metric)
	if cap(m.Labels) < n {
		m.Labels = make([]LabelPair, n)
	}
	m.Labels = m.Labels[:n]
	fill(m, i, n)
	m.Encoded = encode(m.Encoded[:0], m)
	w.sum += fnv32a(m.Encoded)
	pool.Put(m)
}

// Report is what the program prints.
type Report struct {
	Mode            string  `json:"mode"`
	Points          int     `json:"points"`
	Labels          int     `json:"labels"`
	Workers         int     `json:"workers"`
	Seconds         float64 `json:"seconds"`
	OpsPerSecond    float64 `json:"ops_per_second"`
	CPUSeconds      float64 `json:"cpu_seconds"` // user + system time of the whole process
	OpsPerCPUSecond float64 `json:"ops_per_cpu_second"`
	GCCycles        uint32  `json:"gc_cycles"`
	GCPauseSeconds  float64 `json:"gc_pause_seconds"` // sum of every stop-the-world pause of the GC
	MallocsPerPoint float64 `json:"mallocs_per_point"`
	Checksum        uint32  `json:"checksum"`
}

// run records points samples with one worker per P and measures the run.
func run(mode string, points, labels int) (Report, error) {
	if mode != "new" && mode != "pool" {
		return Report{}, fmt.Errorf("-mode %q: use new or pool", mode)
	}
	if points < 1 || labels < 1 || labels > len(labelNames) {
		return Report{}, fmt.Errorf("-points must be >= 1 and -labels in 1..%d", len(labelNames))
	}
	nw := runtime.GOMAXPROCS(0)
	workers := make([]worker, nw)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpuBefore := cpuTime()
	start := time.Now()
	var wg sync.WaitGroup
	for k := range workers {
		wg.Add(1)
		go func(w *worker) {
			defer wg.Done()
			for i := k; i < points; i += nw { // sample i always has the same content
				if mode == "new" {
					w.pointNew(i, labels)
				} else {
					w.pointPool(i, labels)
				}
			}
		}(&workers[k])
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu := cpuTime() - cpuBefore
	runtime.ReadMemStats(&after)
	var sum uint32
	for _, w := range workers {
		sum += w.sum
	}
	return Report{
		Mode: mode, Points: points, Labels: labels, Workers: nw,
		Seconds:         elapsed.Seconds(),
		OpsPerSecond:    float64(points) / elapsed.Seconds(),
		CPUSeconds:      cpu.Seconds(),
		OpsPerCPUSecond: float64(points) / cpu.Seconds(),
		GCCycles:        after.NumGC - before.NumGC,
		GCPauseSeconds:  float64(after.PauseTotalNs-before.PauseTotalNs) / 1e9,
		MallocsPerPoint: float64(after.Mallocs-before.Mallocs) / float64(points),
		Checksum:        sum,
	}, nil
}

// cpuTime is the user + system CPU time this process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		log.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func main() {
	mode := flag.String("mode", "new", "new (fresh objects per sample) or pool (sync.Pool)")
	points := flag.Int("points", 2_000_000, "samples to record in total")
	labels := flag.Int("labels", 4, "labels per sample")
	flag.Parse()
	r, err := run(*mode, *points, *labels)
	if err != nil {
		log.Fatal(err)
	}
	if err := json.NewEncoder(os.Stdout).Encode(r); err != nil {
		log.Fatal(err)
	}
}
