// Command stackgrow recurses deeply in a fresh goroutine and reports how its
// stack grows. A goroutine starts with a small stack (stackMin = 2048 bytes,
// or the adaptive starting size read from /gc/stack/starting-size:bytes);
// when a call needs more, morestack -> newstack allocates a stack twice as
// big and copystack moves every frame there (runtime/stack.go). After the
// recursion returns, a GC may shrink the stack by half again
// (shrinkstack, when less than a quarter is used).
//
// The program sees a move without any runtime internals: it keeps a pointer
// to a byte in the goroutine's first frame. copystack adjusts pointers into
// the stack, so when that pointer's address changes, the stack was moved.
// Output is one JSON object. With the pinned toolchain the growths (depth
// and bytes in use at each move) are the same on every run as long as the
// starting size is (GODEBUG=adaptivestackstart=0 fixes it at 2048);
// StackInuse counts every goroutine's stack and may vary a little.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"unsafe"
)

// framePad makes every frame of descend at least this big, so the depths
// needed to trigger a growth are modest.
const framePad = 128

// Move is one stack copy seen by the goroutine.
type Move struct {
	Depth     int `json:"depth"`      // recursion depth at which the move was noticed
	UsedBytes int `json:"used_bytes"` // stack in use at that point (first frame to current frame)
}

// Checkpoint is the state at one of the requested depths.
type Checkpoint struct {
	Depth           int    `json:"depth"`
	UsedBytes       int    `json:"used_bytes"`
	Moves           int    `json:"moves"`             // growths so far
	StackInuseBytes uint64 `json:"stack_inuse_bytes"` // runtime.MemStats.StackInuse, all goroutines
}

type Report struct {
	Program            string       `json:"program"`
	StartingStackBytes uint64       `json:"starting_stack_bytes"`
	FramePad           int          `json:"frame_pad"`
	MaxDepth           int          `json:"max_depth"`
	Growths            []Move       `json:"growths"`
	Checkpoints        []Checkpoint `json:"checkpoints"`
	ShrinksAfterGC     int          `json:"shrinks_after_gc"` // moves seen across -gcs runtime.GC calls after unwinding
}

// state is what the recursion updates; it holds addresses as numbers only.
type state struct {
	lastRoot    uintptr // address of the anchor byte when last looked at
	checkpoints map[int]bool
	report      *Report
}

func (s *state) look(depth int, root *byte, here *byte) {
	r := uintptr(unsafe.Pointer(root))
	used := int(r - uintptr(unsafe.Pointer(here))) // stacks grow down
	if r != s.lastRoot {
		s.report.Growths = append(s.report.Growths, Move{depth, used})
		s.lastRoot = r
	}
	if s.checkpoints[depth] {
		runtime.ReadMemStats(&memStats)
		s.report.Checkpoints = append(s.report.Checkpoints,
			Checkpoint{depth, used, len(s.report.Growths), memStats.StackInuse})
	}
}

// memStats is a global, not a local: a MemStats is about 5 KiB, and as a
// local it would sit in look's frame and itself force the stack to grow.
var memStats runtime.MemStats

//go:noinline
func descend(depth, maxDepth int, root *byte, s *state) byte {
	var pad [framePad]byte
	pad[depth%framePad] = byte(depth)
	s.look(depth, root, &pad[0])
	if depth == maxDepth {
		return pad[0]
	}
	return descend(depth+1, maxDepth, root, s) + pad[depth%framePad]
}

func startingSize() uint64 {
	sample := []metrics.Sample{{Name: "/gc/stack/starting-size:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return sample[0].Value.Uint64()
}

func run(maxDepth int, checkpoints []int, gcs int, w io.Writer) error {
	r := &Report{Program: "stackgrow", StartingStackBytes: startingSize(), FramePad: framePad,
		MaxDepth: maxDepth, Growths: []Move{}, Checkpoints: []Checkpoint{}}
	s := &state{checkpoints: map[int]bool{}, report: r}
	for _, d := range checkpoints {
		s.checkpoints[d] = true
	}
	done := make(chan struct{})
	go func() { // a fresh goroutine: it starts with the starting stack size
		defer close(done)
		var anchor byte
		s.lastRoot = uintptr(unsafe.Pointer(&anchor))
		descend(0, maxDepth, &anchor, s)
		// Back in the first frame with a big, nearly empty stack:
		// each GC may halve it (runtime/stack.go: shrinkstack).
		for range gcs {
			runtime.GC()
			if now := uintptr(unsafe.Pointer(&anchor)); now != s.lastRoot {
				r.ShrinksAfterGC++
				s.lastRoot = now
			}
		}
	}()
	<-done
	out, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", out)
	return err
}

func parseDepths(list string) ([]int, error) {
	var depths []int
	for f := range strings.SplitSeq(list, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		d, err := strconv.Atoi(f)
		if err != nil || d < 0 {
			return nil, fmt.Errorf("stackgrow: bad depth %q in -at (want non-negative integers separated by commas)", f)
		}
		depths = append(depths, d)
	}
	return depths, nil
}

func main() {
	maxDepth := flag.Int("depth", 10_000, "recursion depth")
	at := flag.String("at", "0,10,100,1000,10000", "depths at which to report a checkpoint")
	gcs := flag.Int("gcs", 4, "runtime.GC calls after the recursion returns (stack shrinking)")
	flag.Parse()
	depths, err := parseDepths(*at)
	if err != nil {
		log.Fatal(err)
	}
	if *maxDepth < 0 || *gcs < 0 {
		log.Fatal("stackgrow: -depth and -gcs must be >= 0")
	}
	if err := run(*maxDepth, depths, *gcs, os.Stdout); err != nil {
		log.Fatal(err)
	}
}
