// Command loadserver is chapter 2.3's scaled-down pressure test: an HTTP server
// and a load generator, both on loopback (127.0.0.1) only.
//
// Without -serve it is the load generator. For each -procs value it starts
// itself again with -serve as a child process, with GOMAXPROCS set to that
// value and GODEBUG=schedtrace on, so the server's scheduler is measured
// apart from the client's. For each -conc value it runs that many client
// goroutines against the server, each sending requests back to back over a
// keep-alive connection, until -requests have been sent or -duration has
// passed, whichever comes first. It then prints one JSON line per point:
// throughput, latency quantiles, what the server's runtime/metrics saw, and
// the schedtrace lines the server printed during the point.
//
// The server's handler burns a fixed amount of CPU (-work loop iterations),
// like a handler that decodes and encodes a request. It shuts itself down
// when the client asks (/quit), when its stdin closes (the client died),
// or after -lifetime, whichever comes first: no process is left behind.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"whygo.dev/gocode/internal/scenario"
)

func main() {
	serve := flag.Bool("serve", false, "run the server (started by the load generator)")
	work := flag.Int("work", 20000, "server: CPU loop iterations per request")
	lifetime := flag.Duration("lifetime", 60*time.Second, "server: exit after this long whatever happens")
	procs := flag.String("procs", "1,2", "client: the server's GOMAXPROCS values")
	conc := flag.String("conc", "1,4,16,64,256", "client: the numbers of client goroutines")
	requests := flag.Int("requests", 20000, "client: at most this many requests per point")
	duration := flag.Duration("duration", time.Second, "client: at most this long per point")
	schedtrace := flag.Int("schedtrace", 50, "client: the server's GODEBUG=schedtrace period in ms")
	trace := flag.String("trace", "", "record the server's runtime/trace in this file (one -procs value only)")
	flag.Parse()
	if *serve {
		stopTrace, err := scenario.StartTrace(*trace)
		if err == nil {
			err = runServer(*work, *lifetime, os.Stdout, os.Stdin)
			err = errors.Join(err, stopTrace())
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "server:", err)
			os.Exit(1)
		}
		return
	}
	ps, err1 := ints(*procs)
	cs, err2 := ints(*conc)
	if *trace != "" && len(ps) > 1 {
		err2 = errors.Join(err2, fmt.Errorf("-trace records one server: give one -procs value, not %q", *procs))
	}
	if err := errors.Join(err1, err2); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	out := json.NewEncoder(os.Stdout)
	for _, p := range ps {
		points, err := loadServer(p, cs, *requests, *duration, *work, *schedtrace, *trace)
		if err != nil {
			fmt.Fprintln(os.Stderr, "load:", err)
			os.Exit(1)
		}
		for _, pt := range points {
			out.Encode(pt)
		}
	}
}

func ints(list string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q: want a comma-separated list of numbers >= 1", list)
		}
		out = append(out, n)
	}
	return out, nil
}

// ---- the server -------------------------------------------------------------

// Stats is what the server's runtime/metrics saw since the last /mark.
type Stats struct {
	MaxGoroutines     uint64  `json:"max_goroutines"`
	MaxRunnable       uint64  `json:"max_runnable"`
	MaxThreads        uint64  `json:"max_threads"`
	SchedLatencyP50us float64 `json:"sched_latency_p50_us"`
	SchedLatencyP99us float64 `json:"sched_latency_p99_us"`
}

type sampler struct {
	mu      sync.Mutex
	stats   Stats
	samples []metrics.Sample
	base    *metrics.Float64Histogram // /sched/latencies:seconds at the last mark
}

func newSampler() *sampler {
	s := &sampler{samples: []metrics.Sample{
		{Name: "/sched/goroutines:goroutines"},
		{Name: "/sched/goroutines/runnable:goroutines"},
		{Name: "/sched/threads/total:threads"},
		{Name: "/sched/latencies:seconds"},
	}}
	s.mark()
	return s
}

func (s *sampler) read() *metrics.Float64Histogram {
	metrics.Read(s.samples)
	for i, name := range []*uint64{&s.stats.MaxGoroutines, &s.stats.MaxRunnable, &s.stats.MaxThreads} {
		if v := s.samples[i].Value; v.Kind() == metrics.KindUint64 {
			*name = max(*name, v.Uint64())
		}
	}
	h := s.samples[3].Value.Float64Histogram()
	return &metrics.Float64Histogram{Counts: slices.Clone(h.Counts), Buckets: h.Buckets}
}

func (s *sampler) tick() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.read()
}

// mark starts a new measurement period.
func (s *sampler) mark() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats = Stats{}
	s.base = s.read()
}

// report returns the maxima since the mark and the scheduling latency
// quantiles of the goroutines scheduled since then.
func (s *sampler) report() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.read()
	delta := make([]uint64, len(now.Counts))
	for i := range delta {
		delta[i] = now.Counts[i] - s.base.Counts[i]
	}
	st := s.stats
	st.SchedLatencyP50us = quantile(delta, now.Buckets, 0.50) * 1e6
	st.SchedLatencyP99us = quantile(delta, now.Buckets, 0.99) * 1e6
	return st
}

// quantile of a runtime/metrics histogram: the upper bound of the bucket that holds it.
func quantile(counts []uint64, buckets []float64, q float64) float64 {
	var total uint64
	for _, c := range counts {
		total += c
	}
	if total == 0 {
		return 0
	}
	need := uint64(q*float64(total) + 0.5)
	var seen uint64
	for i, c := range counts {
		seen += c
		if seen >= need && seen > 0 {
			return buckets[i+1]
		}
	}
	return buckets[len(buckets)-1]
}

// runServer prints its address on out, then serves until /quit, until
// parent (the client's pipe, if not nil) reaches EOF, or until lifetime.
func runServer(work int, lifetime time.Duration, out io.Writer, parent io.Reader) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	s := newSampler()
	go func() {
		for range time.Tick(20 * time.Millisecond) {
			s.tick()
		}
	}()
	var sink atomic.Uint64
	mux := http.NewServeMux()
	mux.HandleFunc("/work", func(w http.ResponseWriter, r *http.Request) {
		sink.Add(scenario.Spin(uint64(work), work))
		io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("/mark", func(w http.ResponseWriter, r *http.Request) {
		s.mark()
		// The marker goes to stderr, where schedtrace writes: it cuts the trace into points.
		fmt.Fprintf(os.Stderr, "MARK %s\n", r.URL.Query().Get("point"))
	})
	mux.HandleFunc("/stats", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(os.Stderr, "MARK end\n")
		json.NewEncoder(w).Encode(s.report())
	})
	srv := &http.Server{Handler: mux}
	quit := make(chan struct{})
	var once sync.Once
	stop := func() { once.Do(func() { close(quit) }) }
	mux.HandleFunc("/quit", func(w http.ResponseWriter, r *http.Request) { stop() })
	if parent != nil {
		go func() { io.Copy(io.Discard, parent); stop() }() // the client's pipe closed: it is gone
	}
	time.AfterFunc(lifetime, stop)
	go func() {
		<-quit
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}()
	fmt.Fprintln(out, ln.Addr()) // tells the client where to connect
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// ---- the load generator -----------------------------------------------------

// Point is one measurement: one server GOMAXPROCS, one client concurrency.
type Point struct {
	Procs      int     `json:"procs"`
	Conc       int     `json:"conc"`
	Requests   int     `json:"requests"`
	Errors     int     `json:"errors"`
	Seconds    float64 `json:"seconds"`
	QPS        float64 `json:"qps"`
	P50us      float64 `json:"p50_us"`
	P99us      float64 `json:"p99_us"`
	Server     Stats   `json:"server"`
	Schedtrace string  `json:"schedtrace"`
}

func loadServer(procs int, concs []int, maxRequests int, maxTime time.Duration, work, schedtrace int, trace string) ([]Point, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, "-serve", "-work", strconv.Itoa(work), "-trace", trace)
	cmd.Env = append(os.Environ(), "GOMAXPROCS="+strconv.Itoa(procs),
		fmt.Sprintf("GODEBUG=schedtrace=%d", schedtrace))
	stdin, err := cmd.StdinPipe() // closing it tells the server we are gone
	if err != nil {
		return nil, err
	}
	defer stdin.Close()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	defer cmd.Wait()
	defer cmd.Process.Kill() // a no-op once it has exited after /quit

	stderrText := make(chan string, 1) // the server's whole stderr, once it exits
	go func() { b, _ := io.ReadAll(stderr); stderrText <- string(b) }()
	addr, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		return nil, fmt.Errorf("server did not start: %v", err)
	}
	base := "http://" + strings.TrimSpace(addr)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		MaxIdleConnsPerHost: 1024, MaxIdleConns: 1024}}

	var points []Point
	for _, c := range concs {
		if _, err := get(client, fmt.Sprintf("%s/mark?point=%d", base, c)); err != nil {
			return nil, err
		}
		pt := run(client, base+"/work", c, maxRequests, maxTime)
		pt.Procs = procs
		body, err := get(client, base+"/stats")
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(body, &pt.Server); err != nil {
			return nil, err
		}
		points = append(points, pt)
	}
	get(client, base+"/quit")
	client.CloseIdleConnections()
	stdin.Close()
	cmd.Wait()
	for i, part := range splitMarks(<-stderrText) {
		if i < len(points) {
			points[i].Schedtrace = part
		}
	}
	return points, nil
}

func get(client *http.Client, url string) ([]byte, error) {
	resp, err := client.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// run drives conc goroutines until maxRequests are done or maxTime has passed.
func run(client *http.Client, url string, conc, maxRequests int, maxTime time.Duration) Point {
	var issued, failed atomic.Int64
	lat := make([][]time.Duration, conc)
	deadline := time.Now().Add(maxTime)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range conc {
		wg.Go(func() {
			for issued.Add(1) <= int64(maxRequests) && time.Now().Before(deadline) {
				t0 := time.Now()
				if _, err := get(client, url); err != nil {
					failed.Add(1)
					continue
				}
				lat[i] = append(lat[i], time.Since(t0))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	all := slices.Concat(lat...)
	slices.Sort(all)
	pt := Point{Conc: conc, Requests: len(all), Errors: int(failed.Load()), Seconds: elapsed.Seconds()}
	if len(all) > 0 {
		pt.QPS = float64(len(all)) / elapsed.Seconds()
		pt.P50us = float64(all[len(all)*50/100].Microseconds())
		pt.P99us = float64(all[min(len(all)-1, len(all)*99/100)].Microseconds())
	}
	return pt
}

// splitMarks cuts the server's stderr at "MARK <point>" ... "MARK end" lines:
// one block of schedtrace lines per point.
func splitMarks(stderr string) []string {
	var parts []string
	var cur *strings.Builder
	for _, line := range strings.Split(stderr, "\n") {
		switch {
		case line == "MARK end":
			if cur != nil {
				parts = append(parts, cur.String())
			}
			cur = nil
		case strings.HasPrefix(line, "MARK "):
			cur = &strings.Builder{}
		case cur != nil && strings.HasPrefix(line, "SCHED "):
			cur.WriteString(line + "\n")
		}
	}
	return parts
}
