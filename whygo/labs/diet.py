"""Lab 5 checks: bring a benchmark's allocations per operation under a target.

The learner's ``%%task`` cell is benchmarked with ``go test -bench
-benchmem`` (a fixed ``-benchtime`` of iterations, so the run is short and
its ``allocs/op`` — an integer average the testing package computes from
the runtime's malloc counter — is deterministic) after a test has checked
the output. Only ``allocs/op`` is judged: ``ns/op`` varies with the
machine and is shown, marked as measured, by the notebook, never graded.
"""
from __future__ import annotations

import re

from whygo.golang.benchfmt import parse
from whygo.i18n import _
from whygo.labs.golab import go_check
from whygo.labs.protocol import Verdict, not_yet, passed
from whygo.labs.registry import ANSWERS

BENCH_ARGS = ["-test.run=TestValues", "-test.v", "-test.bench=.", "-test.benchmem",
              "-test.benchtime=2000x", "-test.count=1"]

COMMON = """package main

import (
	"bytes"
	"fmt"
	"io"
	"testing"
)

// Item is the type the tasks work on (given).
type Item struct {
	Name string
	N    int
}

var items = []Item{{"apples", 3}, {"pears", 12}, {"plums", 150}, {"figs", 7}}

var (
	_     = bytes.MinRead
	_     = io.EOF
	_     = fmt.Sprint
	_     testing.TB
	sinkS string
)
"""

CONTEXT = COMMON   # what a %%task cell of this lab compiles with (see whygo.labs.registry)

RENDER_HARNESS = COMMON + """
func TestValues(t *testing.T) {
	fmt.Printf("VALUE %q\\n", Render(items))
	fmt.Printf("VALUE %q\\n", Render(nil))
}

func BenchmarkRender(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkS = Render(items)
	}
}
"""
RENDER_EXPECTED = ['"apples=3,pears=12,plums=150,figs=7"', '""']

REPORT_HARNESS = COMMON + """
func TestValues(t *testing.T) {
	var out bytes.Buffer
	err := WriteReport(&out, items)
	fmt.Printf("VALUE %q %v\\n", out.String(), err)
}

func BenchmarkWriteReport(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if err := WriteReport(io.Discard, items); err != nil {
			b.Fatal(err)
		}
	}
}
"""
REPORT_EXPECTED = ['"apples: 3\\npears: 12\\nplums: 150\\nfigs: 7\\n" <nil>']


def measure(check: str, harness: str) -> tuple[list[str], float | None, str] | Verdict:
    """(values printed by the test, allocs/op, benchmark text) or a "not yet" verdict."""
    if check not in ANSWERS:
        return not_yet(check, _("no code saved for {check} yet").format(check=check),
                       _("run the task cell (the one starting with %%task {check}) first").format(check=check))
    run = go_check(ANSWERS[check], harness, gcflags="-m", run_args=BENCH_ARGS, timeout=120)
    if run.problem():
        return not_yet(check, run.problem(), _("fix the task cell until it runs without errors"))
    table = parse(run.stdout)
    rows = list(table)
    allocs = rows[0].allocs_per_op if rows else None
    return re.findall(r"^VALUE (.*)$", run.stdout, re.M), allocs, run.stdout


def _judge(check: str, name: str, harness: str, expected: list[str], target: int, *hints: str) -> Verdict:
    got = measure(check, harness)
    if isinstance(got, Verdict):
        return got
    values, allocs, _text = got
    if values != expected:
        return not_yet(check, _("{name} output changed: got {got}, expected {expected}").format(
                           name=name, got=values, expected=expected),
                       _("make it allocate less, but keep the exact output"))
    if allocs is None:
        return not_yet(check, _("the benchmark of {name} printed no allocs/op").format(name=name))
    if allocs <= target:
        return passed(check, _("{name} makes {allocs:g} allocs/op (target <= {target}) with the same "
                               "output").format(name=name, allocs=allocs, target=target))
    return not_yet(check, _("{name} makes {allocs:g} allocs/op; the target is <= {target}").format(
                       name=name, allocs=allocs, target=target), *hints)


def check_render(ns: dict) -> Verdict:
    return _judge("diet/1", "Render", RENDER_HARNESS, RENDER_EXPECTED, 1,
                  _("list what allocates on each call: the compiler's decisions under the task cell "
                    "name the values that escape"),
                  _("fmt.Sprintf and the parts slice each allocate: write into one strings.Builder "
                    "(Grow it first) and format numbers with strconv.AppendInt into a stack array"))


def check_report(ns: dict) -> Verdict:
    return _judge("diet/2", "WriteReport", REPORT_HARNESS, REPORT_EXPECTED, 0,
                  _("the buffer escapes (it reaches an interface call), so each call allocates a new one"),
                  _("reuse buffers with a sync.Pool, and avoid fmt's interface arguments"))


CHECKS = {"diet/1": check_render, "diet/2": check_report}
