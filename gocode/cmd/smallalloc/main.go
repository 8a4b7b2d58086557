// Command smallalloc allocates -n objects of each size in -sizes, keeps them
// all reachable, and prints what runtime.MemStats saw: how many mallocs, how
// many heap bytes, and which size class took them (MemStats.BySize). Set
// beside the allocator model, it shows the waste of rounding every request
// up to a size class (internal/runtime/gc/sizeclasses.go), and the tiny
// allocator packing small pointer-free objects into 16-byte blocks
// (runtime/malloc.go: mallocgcTiny).
//
// Two kinds of object: "noscan" ([]byte backing arrays, no pointers: tiny
// allocator below 16 bytes) and "scan" (arrays of pointers, never tiny; the
// size is rounded down to a whole number of pointers).
// Output is one JSON object per line, one line per (kind, size).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"runtime"
	"strconv"
	"strings"
	"unsafe"
)

// Result is what MemStats says about one batch of n objects of one size.
type Result struct {
	Kind           string  `json:"kind"`            // "noscan" or "scan"
	Size           int     `json:"size"`            // size asked for on the command line
	RequestedBytes int     `json:"requested_bytes"` // bytes really requested per object (scan: whole pointers)
	N              int     `json:"n"`
	Mallocs        uint64  `json:"mallocs"`          // MemStats.Mallocs delta (tiny allocs included)
	HeapAllocBytes uint64  `json:"heap_alloc_bytes"` // MemStats.HeapAlloc delta
	BytesPerObject float64 `json:"bytes_per_object"` // HeapAlloc delta / n
	// The size class whose BySize.Mallocs grew the most, and by how much.
	// 0 when no class took the batch: a large object (> 32 KiB, its own
	// span), or larger than the last class BySize reports (BySize[60]).
	ClassSize    uint32 `json:"class_size"`
	ClassMallocs uint64 `json:"class_mallocs"`
}

var ptrSize = int(unsafe.Sizeof(uintptr(0)))

// maxSmallSize is the largest size with a size class (runtime/malloc.go).
const maxSmallSize = 32768

// measure allocates n objects of one size between two MemStats readings.
// The slice that holds them is made before the first reading, so the
// deltas count the n objects and nothing else (plus the odd runtime
// allocation, which is why the class is the one that grew the most).
func measure(kind string, size, n int) Result {
	var noscan [][]byte
	var scan [][]*byte
	if kind == "scan" {
		scan = make([][]*byte, n)
	} else {
		noscan = make([][]byte, n)
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if kind == "scan" {
		for i := range scan {
			scan[i] = make([]*byte, max(1, size/ptrSize)) // size bytes of pointers
		}
	} else {
		for i := range noscan {
			noscan[i] = make([]byte, size)
		}
	}
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(noscan)
	runtime.KeepAlive(scan)

	requested := size
	if kind == "scan" {
		requested = max(1, size/ptrSize) * ptrSize
	}
	r := Result{Kind: kind, Size: size, RequestedBytes: requested, N: n,
		Mallocs:        after.Mallocs - before.Mallocs,
		HeapAllocBytes: after.HeapAlloc - before.HeapAlloc,
	}
	r.BytesPerObject = float64(r.HeapAllocBytes) / float64(n)
	if requested > maxSmallSize {
		return r // a large object has its own span and no size class
	}
	for i := range after.BySize {
		grew := after.BySize[i].Mallocs - before.BySize[i].Mallocs
		if grew > r.ClassMallocs {
			r.ClassSize, r.ClassMallocs = after.BySize[i].Size, grew
		}
	}
	// The batch shows as at least n/16 mallocs in its class (the tiny
	// allocator packs up to 16 objects in a block); fewer is runtime noise.
	if r.ClassMallocs < uint64(max(1, n/16)) {
		r.ClassSize, r.ClassMallocs = 0, 0
	}
	return r
}

func run(kinds []string, sizes []int, n int, w io.Writer) error {
	enc := json.NewEncoder(w)
	for _, kind := range kinds {
		for _, size := range sizes {
			if err := enc.Encode(measure(kind, size, n)); err != nil {
				return err
			}
		}
	}
	return nil
}

func parseSizes(list string) ([]int, error) {
	var sizes []int
	for f := range strings.SplitSeq(list, ",") {
		s, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || s < 1 {
			return nil, fmt.Errorf("smallalloc: bad size %q in -sizes (want positive integers separated by commas)", f)
		}
		sizes = append(sizes, s)
	}
	return sizes, nil
}

func parseKinds(list string) ([]string, error) {
	var kinds []string
	for k := range strings.SplitSeq(list, ",") {
		if k != "noscan" && k != "scan" {
			return nil, fmt.Errorf("smallalloc: bad kind %q in -kinds (want noscan, scan or both)", k)
		}
		kinds = append(kinds, k)
	}
	return kinds, nil
}

func main() {
	sizesFlag := flag.String("sizes", "8,16,24,32,48,64,100,128,1024", "object sizes in bytes")
	kindsFlag := flag.String("kinds", "noscan,scan", "object kinds: noscan ([]byte), scan ([]*byte)")
	n := flag.Int("n", 10_000, "objects per size")
	flag.Parse()
	sizes, err := parseSizes(*sizesFlag)
	if err != nil {
		log.Fatal(err)
	}
	kinds, err := parseKinds(*kindsFlag)
	if err != nil {
		log.Fatal(err)
	}
	if *n < 1 {
		log.Fatal("smallalloc: -n must be >= 1")
	}
	if err := run(kinds, sizes, *n, os.Stdout); err != nil {
		log.Fatal(err)
	}
}
