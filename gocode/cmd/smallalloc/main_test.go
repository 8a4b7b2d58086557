package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestRoundsUpToASizeClass(t *testing.T) {
	// 33 bytes do not fit the 32-byte class: they take a 48-byte slot.
	r := measure("noscan", 33, 1000)
	if r.ClassSize != 48 || r.ClassMallocs < 1000 {
		t.Fatalf("33-byte objects: got class %d (%d mallocs), want class 48", r.ClassSize, r.ClassMallocs)
	}
	// HeapAlloc also counts whatever the runtime or the testing package allocates
	// meanwhile (more of it on a busy machine), so noise only adds bytes: the
	// fewest bytes over a few batches is the batch's own cost.
	fewest := r.BytesPerObject
	for try := 0; try < 5 && fewest > 49; try++ {
		fewest = min(fewest, measure("noscan", 33, 1000).BytesPerObject)
	}
	if fewest < 47 || fewest > 49 {
		t.Fatalf("33-byte objects: %.1f heap bytes each at best, want about 48", fewest)
	}
}

func TestTinyAllocatorPacksSmallNoscanObjects(t *testing.T) {
	// Eight 2-byte pointer-free objects share one 16-byte tiny block.
	r := measure("noscan", 2, 1600)
	if r.ClassSize != 16 || r.ClassMallocs > 1600/4 {
		t.Fatalf("2-byte noscan objects: class %d grew by %d, want 16-byte blocks, far fewer than 1600",
			r.ClassSize, r.ClassMallocs)
	}
	if r.Mallocs < 1600 {
		t.Fatalf("tiny allocations still count as mallocs: got %d, want >= 1600", r.Mallocs)
	}
}

func TestPointerObjectsAreNeverTiny(t *testing.T) {
	r := measure("scan", 8, 1000)
	if r.ClassSize != 8 || r.ClassMallocs < 1000 {
		t.Fatalf("8-byte pointer objects: class %d grew by %d, want class 8 by >= 1000", r.ClassSize, r.ClassMallocs)
	}
}

func TestRunPrintsOneJSONLinePerKindAndSize(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"noscan", "scan"}, []int{16, 64}, 100, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("want 4 lines, got %d:\n%s", len(lines), out.String())
	}
	for _, l := range lines {
		var r Result
		if err := json.Unmarshal([]byte(l), &r); err != nil || r.N != 100 {
			t.Fatalf("bad line %q: %v", l, err)
		}
	}
}

func TestBadSizesAreRejectedByName(t *testing.T) {
	if _, err := parseSizes("8,x"); err == nil || !strings.Contains(err.Error(), `"x"`) {
		t.Fatalf("want an error naming \"x\", got %v", err)
	}
	if _, err := parseKinds("noscan,big"); err == nil || !strings.Contains(err.Error(), `"big"`) {
		t.Fatalf("want an error naming \"big\", got %v", err)
	}
}

var sinkBytes []byte
var sinkPtrs []*byte

// BenchmarkAlloc allocates one object per iteration; run with -benchmem to
// see bytes/op round up to the size class (and below 16 B, the tiny allocator).
func BenchmarkAlloc(b *testing.B) {
	for _, size := range []int{8, 16, 24, 32, 48, 64, 100, 128, 1024} {
		b.Run(fmt.Sprintf("noscan/size=%d", size), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkBytes = make([]byte, size)
			}
		})
		b.Run(fmt.Sprintf("scan/size=%d", size), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkPtrs = make([]*byte, size/ptrSize)
			}
		})
	}
}

func TestObjectsWithoutAReportedClassSayZero(t *testing.T) {
	// 40000 bytes: a large object, no size class at all.
	if r := measure("noscan", 40000, 100); r.ClassSize != 0 || r.ClassMallocs != 0 {
		t.Fatalf("large objects: got class %d (%d mallocs), want 0", r.ClassSize, r.ClassMallocs)
	}
}
