"""The stack model against the real runtime of the pinned toolchain.

A Go program passes a pointer to a local of the goroutine's outermost frame
down a recursion and counts how often its value changes: every change is a
stack copy whose ``adjustpointers`` rebased it. The frame sizes come from the
compiler (``-gcflags=-S``: ``locals=0x..``); the model, given the same frames,
must predict the same number of copies at every depth.
"""
import re
import subprocess
import textwrap

import pytest

from whygo.golang.toolchain import go_command, go_env
from whygo.stack import GStack
from whygo.stack.model import Grow

DEPTHS = [1, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000]

PROGRAM = textwrap.dedent("""
    package main

    import (
        "fmt"
        "os"
        "strconv"
        "unsafe"
    )

    var moves int
    var last uintptr

    //go:noinline
    func f(p *int, depth int) int {
        var pad [25]int // a fixed-size local: a frame of about 240 bytes
        pad[depth%25] = depth
        if a := uintptr(unsafe.Pointer(p)); a != last { // p points into the outermost frame
            moves++
            last = a
        }
        if depth == 0 {
            return pad[0]
        }
        return f(p, depth-1) + pad[depth%25]
    }

    func main() {
        for _, arg := range os.Args[1:] {
            depth, _ := strconv.Atoi(arg)
            done := make(chan int)
            go func() {
                x := 1
                moves, last = 0, 0
                f(&x, depth)
                done <- moves - 1 // the first observation is not a move
            }()
            fmt.Println(depth, <-done)
        }
    }
""")

# runtime/proc.go: newproc1 leaves 4*PtrSize (+ MinFrameSize = 0 on amd64) at the
# top of a new stack, and gostartcallfn pushes goexit's return address: 40 bytes.
GOROUTINE_START_BYTES = 4 * 8 + 8


def model_moves(frame_f: int, frame_func1: int, depth: int) -> int:
    g = GStack()
    calls = [GOROUTINE_START_BYTES, frame_func1] + [frame_f] * (depth + 1)
    return sum(isinstance(e, Grow) for size in calls for e in g.call("fn", size))


def model_thresholds(frame_f: int, frame_func1: int, up_to: int) -> list[int]:
    """The depths at which the model says one more stack copy happens."""
    g = GStack()
    g.call("goexit", GOROUTINE_START_BYTES)
    g.call("func1", frame_func1)
    return [depth for depth in range(up_to + 1)
            if any(isinstance(e, Grow) for e in g.call("f", frame_f))]


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    d = tmp_path_factory.mktemp("stackmoves")
    (d / "go.mod").write_text("module stackmoves\n\ngo 1.27\n")
    (d / "main.go").write_text(PROGRAM)
    build = go_command("build", "-gcflags=-S", "-o", str(d / "stackmoves"), ".", cwd=d, timeout=240)
    locals_ = dict(re.findall(r"^(main\.f|main\.main\.func1) STEXT .*?locals=(0x[0-9a-f]+)",
                              build.stderr, re.M))
    # a frame is the compiler's locals plus the return address the CALL pushes
    frame_f = int(locals_["main.f"], 16) + 8
    frame_func1 = int(locals_["main.main.func1"], 16) + 8
    # ask the real runtime exactly at the model's thresholds, and one call before each
    edges = model_thresholds(frame_f, frame_func1, 5000)
    depths = sorted(set(DEPTHS) | set(edges) | {e - 1 for e in edges if e > 0})
    out = subprocess.run([str(d / "stackmoves"), *map(str, depths)], capture_output=True,
                         text=True, timeout=60, env=go_env({"GOGC": "off"}), check=True).stdout
    moves = {int(a): int(b) for a, b in (line.split() for line in out.splitlines())}
    return frame_f, frame_func1, edges, moves


def test_stack_copies_match_the_real_runtime_at_every_depth(real):
    frame_f, frame_func1, _, moves = real
    assert moves[5000] >= 8                # the real stack did move, many times
    for depth in moves:
        assert model_moves(frame_f, frame_func1, depth) == moves[depth], depth


def test_each_copy_happens_at_exactly_the_call_the_model_predicts(real):
    frame_f, frame_func1, edges, moves = real
    assert len(edges) >= 8
    for e in edges:
        if e > 0:
            assert moves[e] == moves[e - 1] + 1, f"the real stack did not move at depth {e}"
