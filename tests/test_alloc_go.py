"""The allocator model against the real runtime of the pinned toolchain.

* A Go program makes ``append`` reveal the size classes (growslice rounds the
  new capacity up with runtime.roundupsize); the model must predict every
  capacity, for pointer-free bytes and for pointer slices (malloc header).
* A Go program prints the addresses of tiny objects; the model must pack
  them into 16-byte blocks at the same offsets, and switch blocks at the
  same moments.
"""
import subprocess
import textwrap

import pytest

from whygo.alloc import Heap
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
