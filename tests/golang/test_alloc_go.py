"""The allocator model against the real runtime of the pinned toolchain.

* A Go program makes ``append`` reveal the size classes (growslice rounds the
  new capacity up with runtime.roundupsize); the model must predict every
  capacity, for pointer-free bytes and for pointer slices (malloc header).
* A Go program allocates many objects of one type and prints how many land
  back to back in one span: 504 objects of 16 B, not the 512 of the
  comment table (Green Tea keeps mark bits inside the span).
* A Go program prints the addresses of tiny objects; the model must pack
  them into 16-byte blocks at the same offsets, and switch blocks at the
  same moments.
"""
import subprocess
import textwrap

import pytest

from whygo.alloc import Heap, load_table, size_to_class
from whygo.alloc.layout import load_layout
from whygo.alloc.malloc import roundupsize
from whygo.golang.toolchain import go_command, go_env

SIZES = [1, 7, 8, 9, 15, 16, 17, 24, 25, 100, 500, 511, 512, 513, 600, 1016, 1017, 1024, 1025,
         2000, 4097, 9000, 20000, 32760, 32761, 32768, 32769, 40000, 100001]
PTRS = [1, 3, 40, 63, 64, 65, 66, 100, 127, 129, 500, 1000, 4095, 4096]

PROGRAM = textwrap.dedent("""
    package main

    import "fmt"

    func main() {
        for _, n := range []int{%s} {
            fmt.Println("bytes", n, cap(append([]byte(nil), make([]byte, n)...)))
        }
        for _, n := range []int{%s} {
            fmt.Println("ptrs", n, cap(append([]*int(nil), make([]*int, n)...)))
        }
    }
""")


@pytest.fixture(scope="module")
def real_caps(tmp_path_factory):
    d = tmp_path_factory.mktemp("roundup")
    (d / "go.mod").write_text("module roundup\n\ngo 1.27\n")
    (d / "main.go").write_text(PROGRAM % (", ".join(map(str, SIZES)), ", ".join(map(str, PTRS))))
    out = go_command("run", ".", cwd=d, timeout=240).stdout
    return {(kind, int(n)): int(c) for kind, n, c in (line.split() for line in out.splitlines())}


def test_roundupsize_matches_append_capacity_for_bytes(real_caps):
    for n in SIZES:
        assert roundupsize(n, noscan=True) == real_caps[("bytes", n)], n


def test_roundupsize_matches_append_capacity_for_pointers_with_malloc_header(real_caps):
    for n in PTRS:
        assert roundupsize(8 * n, noscan=False) // 8 == real_caps[("ptrs", n)], n


TINY_SEQUENCE = [3, 5, 8, 4, 12, 2, 1, 7, 6, 15, 16, 9, 10, 11, 13, 14, 1, 1, 8, 8, 4, 4, 2, 6, 3]

TINY_PROGRAM = """package main

import (
	"fmt"
	"os"
	"strconv"
	"unsafe"
)

var sink []unsafe.Pointer

//go:noinline
func alloc(n int) unsafe.Pointer {
	switch n {
	case 1:
		return unsafe.Pointer(new([1]byte))
	case 2:
		return unsafe.Pointer(new([2]byte))
	case 3:
		return unsafe.Pointer(new([3]byte))
	case 4:
		return unsafe.Pointer(new([4]byte))
	case 5:
		return unsafe.Pointer(new([5]byte))
	case 6:
		return unsafe.Pointer(new([6]byte))
	case 7:
		return unsafe.Pointer(new([7]byte))
	case 8:
		return unsafe.Pointer(new([8]byte))
	case 9:
		return unsafe.Pointer(new([9]byte))
	case 10:
		return unsafe.Pointer(new([10]byte))
	case 11:
		return unsafe.Pointer(new([11]byte))
	case 12:
		return unsafe.Pointer(new([12]byte))
	case 13:
		return unsafe.Pointer(new([13]byte))
	case 14:
		return unsafe.Pointer(new([14]byte))
	case 15:
		return unsafe.Pointer(new([15]byte))
	}
	return unsafe.Pointer(new([16]byte))
}

func main() {
	// Fill the current tiny block to its last byte, so the next 1-byte object
	// starts a fresh block: the model starts from the same state.
	for {
		p := alloc(1)
		sink = append(sink, p)
		if uintptr(p)%16 == 15 {
			break
		}
	}
	sizes := []int{1}
	for _, a := range os.Args[1:] {
		n, _ := strconv.Atoi(a)
		sizes = append(sizes, n)
	}
	addrs := make([]uintptr, len(sizes))
	for i, n := range sizes {
		p := alloc(n)
		sink = append(sink, p)
		addrs[i] = uintptr(p)
	}
	for i, n := range sizes {
		fmt.Println(n, addrs[i])
	}
}
"""


def _blocks(addrs):
    """(offset in the 16 B block, block number in order of first use) per address."""
    ids = {}
    return [(a % 16, ids.setdefault(a // 16, len(ids))) for a in addrs]


def test_tiny_allocator_packs_exactly_like_the_real_runtime(tmp_path):
    (tmp_path / "go.mod").write_text("module tiny\n\ngo 1.27\n")
    (tmp_path / "main.go").write_text(TINY_PROGRAM)
    go_command("build", "-o", str(tmp_path / "tiny"), ".", cwd=tmp_path, timeout=240)
    # one P and no GC: nothing else touches this mcache's tiny block meanwhile
    out = subprocess.run([str(tmp_path / "tiny"), *map(str, TINY_SEQUENCE)], capture_output=True,
                         text=True, timeout=60, check=True,
                         env=go_env({"GOGC": "off", "GOMAXPROCS": "1"})).stdout
    real = [int(line.split()[1]) for line in out.splitlines()]
    # the program first fills the current tiny block, then allocates 1 byte: a fresh
    # block at offset 1, the same state as a fresh model after mallocgc(1)
    h = Heap()
    model = [h.mallocgc(n) for n in [1] + TINY_SEQUENCE]
    assert _blocks(model) == _blocks(real)


SPANS_PROGRAM = """package main

import (
	"fmt"
	"unsafe"
)

var keep []any

// collect allocates n objects of type T and prints the slot size the runtime
// used (the most common address step) and the length of every run of
// back-to-back slots: a run is one span.
func collect[T any](name string, n int) {
	addrs := make([]uintptr, n)
	for i := range addrs {
		p := new(T)
		keep = append(keep, p)
		addrs[i] = uintptr(unsafe.Pointer(p))
	}
	steps := map[uintptr]int{}
	for i := 1; i < n; i++ {
		steps[addrs[i]-addrs[i-1]]++
	}
	var step uintptr
	for s, c := range steps {
		if c > steps[step] {
			step = s
		}
	}
	fmt.Print(name, " ", unsafe.Sizeof(*new(T)), " ", step)
	run := 1
	for i := 1; i < n; i++ {
		if addrs[i]-addrs[i-1] == step {
			run++
		} else {
			fmt.Print(" ", run)
			run = 1
		}
	}
	fmt.Println(" ", run)
}

func main() {
	keep = make([]any, 0, 1<<16)
	collect[[16]byte]("noscan", 3000)
	collect[[2]*int]("scan", 3000)
	collect[[48]byte]("noscan", 1000)
	collect[[6]*int]("scan", 1000)
	collect[*int]("scan", 5000)
	collect[[1024]byte]("noscan", 60)
	collect[[128]*int]("scan", 60)
	collect[[3000]byte]("noscan", 60)
}
"""


def test_objects_per_span_match_the_real_runtime_not_the_comment_table(tmp_path):
    (tmp_path / "go.mod").write_text("module spans\n\ngo 1.27\n")
    (tmp_path / "main.go").write_text(SPANS_PROGRAM)
    go_command("build", "-o", str(tmp_path / "spans"), ".", cwd=tmp_path, timeout=240)
    out = subprocess.run([str(tmp_path / "spans")], capture_output=True, text=True, timeout=60,
                         check=True, env=go_env({"GOGC": "off", "GOMAXPROCS": "1"})).stdout
    table, layout = load_table(), load_layout()
    checked = 0
    for line in out.splitlines():
        kind, size, step, *runs = line.split()
        size, step, runs = int(size), int(step), [int(r) for r in runs]
        noscan = kind == "noscan"
        # the slot size: the size class, after the malloc header for big pointerful objects
        assert roundupsize(size, noscan) + (0 if noscan or size <= 512 else 8) == step, line
        nelems = layout.nelems(step, table.size_to_npages[size_to_class(step)] * 8192, noscan)
        # a run of back-to-back slots is one span; the first and last runs are partial
        for run in runs[1:-1]:
            assert run == nelems, line
            checked += 1
    assert checked >= 10
    # the point of the exercise: the comment table says 512 objects of 16 B per span
    assert table.row(2).objects == 512 and layout.nelems(16, 8192, True) == 504
