// Command spawncost measures what it costs to start goroutines and OS threads
// on this machine, in time and in memory (chapter 1, "goroutines versus threads").
//
// Goroutines: start -goroutines goroutines that all stay parked on a channel,
// and measure the time per start and the memory they hold (stack bytes from
// runtime.MemStats, resident memory from /proc/self/status).
//
// OS threads: start -threads goroutines that each call runtime.LockOSThread and
// then park. A locked goroutine keeps its thread to itself, so the runtime must
// create a new M, that is a new OS thread (clone(2)), for each of them. That
// measures the kernel's cost of a thread. It is a lower bound for a POSIX
// thread: the runtime gives its threads small system stacks, while
// pthread_create reserves RLIMIT_STACK bytes (usually 8 MiB) of virtual memory
// per thread, which the program also reports.
//
// Output: one JSON object on stdout.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Result is what the notebook reads.
type Result struct {
	Goroutines       int     `json:"goroutines"`
	GoroutineNs      float64 `json:"goroutine_ns"`          // time to start one goroutine
	GoroutineStack   float64 `json:"goroutine_stack_bytes"` // stack memory per parked goroutine
	GoroutineRSS     float64 `json:"goroutine_rss_bytes"`   // resident memory per parked goroutine
	Threads          int     `json:"threads"`
	ThreadsCreated   int     `json:"threads_created"`  // new OS threads seen in /proc (idle ones may be reused)
	DistinctThreads  int     `json:"distinct_threads"` // thread ids the locked goroutines ran on
	ThreadNs         float64 `json:"thread_ns"`        // time to start one locked goroutine (a new thread)
	ThreadRSS        float64 `json:"thread_rss_bytes"`
	RlimitStackBytes uint64  `json:"rlimit_stack_bytes"`   // what pthread_create would reserve per thread
	StartingStack    uint64  `json:"starting_stack_bytes"` // the runtime's starting goroutine stack
}

// procStatus reads one numeric field ("VmRSS", "Threads") of /proc/self/status, in bytes for kB values.
func procStatus(field string) int {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if !ok || name != field {
			continue
		}
		parts := strings.Fields(value)
		n, _ := strconv.Atoi(parts[0])
		if len(parts) > 1 && parts[1] == "kB" {
			n *= 1024
		}
		return n
	}
	return -1
}

func stackInuse() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.StackInuse
}

// goroutines starts n parked goroutines and returns time per start, stack and RSS per goroutine.
func goroutines(n int) (ns, stack, rss float64) {
	release := make(chan struct{})
	var started sync.WaitGroup
	started.Add(n)
	runtime.GC()
	stack0, rss0 := stackInuse(), procStatus("VmRSS")
	t0 := time.Now()
	for i := 0; i < n; i++ {
		go func() {
			started.Done()
			<-release
		}()
	}
	started.Wait()
	elapsed := time.Since(t0)
	stack1, rss1 := stackInuse(), procStatus("VmRSS")
	close(release)
	return float64(elapsed.Nanoseconds()) / float64(n),
		float64(stack1-stack0) / float64(n), float64(rss1-rss0) / float64(n)
}

// threads starts n goroutines locked to their own OS threads and returns the
// number of new threads, of distinct thread ids, time per start and RSS per thread.
func threads(n int) (created, distinct int, ns, rss float64) {
	release := make(chan struct{})
	var mu sync.Mutex
	tids := make(map[int]bool, n)
	var started, done sync.WaitGroup
	started.Add(n)
	done.Add(n)
	threads0, rss0 := procStatus("Threads"), procStatus("VmRSS")
	t0 := time.Now()
	for i := 0; i < n; i++ {
		go func() {
			defer done.Done()
			runtime.LockOSThread() // never unlocked: the thread exits with the goroutine
			mu.Lock()
			tids[syscall.Gettid()] = true
			mu.Unlock()
			started.Done()
			<-release
		}()
	}
	started.Wait()
	elapsed := time.Since(t0)
	threads1, rss1 := procStatus("Threads"), procStatus("VmRSS")
	close(release)
	done.Wait()
	return threads1 - threads0, len(tids), float64(elapsed.Nanoseconds()) / float64(n), float64(rss1-rss0) / float64(n)
}

func measure(nGoroutines, nThreads int) Result {
	sample := []metrics.Sample{{Name: "/gc/stack/starting-size:bytes"}}
	metrics.Read(sample)
	r := Result{Goroutines: nGoroutines, Threads: nThreads, StartingStack: sample[0].Value.Uint64()}
	r.GoroutineNs, r.GoroutineStack, r.GoroutineRSS = goroutines(nGoroutines)
	r.ThreadsCreated, r.DistinctThreads, r.ThreadNs, r.ThreadRSS = threads(nThreads)
	var lim syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_STACK, &lim) == nil {
		r.RlimitStackBytes = lim.Cur
	}
	return r
}

func main() {
	nGoroutines := flag.Int("goroutines", 100_000, "goroutines to start")
	nThreads := flag.Int("threads", 500, "OS threads to start (goroutines locked to their thread)")
	flag.Parse()
	if *nGoroutines < 1 || *nThreads < 1 {
		fmt.Fprintln(os.Stderr, "spawncost: -goroutines and -threads must be at least 1")
		os.Exit(2)
	}
	out, _ := json.Marshal(measure(*nGoroutines, *nThreads))
	fmt.Println(string(out))
}
