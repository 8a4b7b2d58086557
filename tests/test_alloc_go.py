"""The allocator model against the real runtime of the pinned toolchain.

A Go program makes ``append`` reveal the size classes (growslice rounds the
new capacity up with runtime.roundupsize); the model must predict every
capacity, for pointer-free bytes and for pointer slices (malloc header).
"""
import textwrap

import pytest

from whygo.alloc.malloc import roundupsize
from whygo.golang.toolchain import go_command

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
