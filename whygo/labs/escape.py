"""Lab 1 checks: make two Go constructors stop allocating.

Each check compiles the learner's ``%%task`` cell with a harness test under
``-gcflags='-m -l'``: ``-l`` turns inlining off, so what is measured is the
function itself and not the caller it happened to be inlined into (inlining
can hide a ``*Point`` allocation in a benchmark while every other caller
still pays for it). Two pieces of evidence must agree: no "escapes to heap"
or "moved to heap" decision on the learner's lines, and
``testing.AllocsPerRun`` = 0. The values are checked too, so that a
function that no longer does its job cannot pass.
"""
from __future__ import annotations

import re

from whygo.i18n import _
from whygo.labs.golab import escapes, go_check
from whygo.labs.protocol import Verdict, not_yet, passed
from whygo.labs.registry import ANSWERS

GCFLAGS = "-m -l"

POINT_HARNESS = """package main

import (
	"fmt"
	"testing"
)

var sinkX int

func TestCheck(t *testing.T) {
	p := NewPoint(3, 4)
	fmt.Printf("VALUE %d %d\\n", p.X, p.Y)
	allocs := testing.AllocsPerRun(200, func() {
		q := NewPoint(1, 2)
		sinkX += q.X
	})
	fmt.Printf("ALLOCS %g\\n", allocs)
}
"""

MEAN_HARNESS = """package main

import (
	"fmt"
	"testing"
)

var sinkF float64

func TestCheck(t *testing.T) {
	for _, in := range [][]float64{{1, 2, -1, 3}, nil, {-5}, {2.5}} {
		fmt.Printf("VALUE %g\\n", Mean(in))
	}
	data := []float64{1, 2, 3, 4, 5, 6, 7, 8, -1, -2}
	allocs := testing.AllocsPerRun(200, func() { sinkF += Mean(data) })
	fmt.Printf("ALLOCS %g\\n", allocs)
}
"""


def _answer(check: str, task_cell: str) -> str | Verdict:
    if check not in ANSWERS:
        return not_yet(check, _("no code saved for {check} yet").format(check=check),
                       _("run the {cell} cell (the one starting with %%task {check}) first").format(
                           cell=task_cell, check=check))
    return ANSWERS[check]


def _measure(check: str, harness: str) -> tuple[list[str], float, list[str]] | Verdict:
    """(values printed, allocations per call, heap decisions) or a "not yet" verdict."""
    source = _answer(check, "task-" + check.split("/")[1])
    if isinstance(source, Verdict):
        return source
    run = go_check(source, harness, gcflags=GCFLAGS, timeout=60)
    if run.problem():
        return not_yet(check, run.problem(), _("fix the task cell until it runs without errors"))
    values = re.findall(r"^VALUE (.*)$", run.stdout, re.M)
    allocs = re.findall(r"^ALLOCS (\S+)$", run.stdout, re.M)
    if not allocs:
        return not_yet(check, _("the check's test printed nothing (did the function panic?)"))
    heap = [_("line {line}: {decision}").format(line=d.line, decision=d.message) for d in escapes(run.decisions, 1, 10**6)]
    return values, float(allocs[0]), heap


def _verdict(check: str, name: str, allocs: float, heap: list[str], *hints: str) -> Verdict:
    if allocs == 0 and not heap:
        return passed(check, _("{name} makes 0 allocations per call and the compiler keeps it on the "
                               "stack").format(name=name))
    if heap:
        what = _("{name} makes {allocs:g} allocation(s) per call; the compiler says {decisions}").format(
            name=name, allocs=allocs, decisions="; ".join(heap))
    else:
        what = _("{name} makes {allocs:g} allocation(s) per call").format(name=name, allocs=allocs)
    return not_yet(check, what, *hints)


def check_point(ns: dict) -> Verdict:
    check = "escape/1"
    got = _measure(check, POINT_HARNESS)
    if isinstance(got, Verdict):
        return got
    values, allocs, heap = got
    if values != ["3 4"]:
        return not_yet(check, _("NewPoint(3, 4) gave X, Y = {got}, expected 3 4").format(
                           got=values[0] if values else "?"),
                       _("keep the fields right while you change the return type"))
    return _verdict(check, "NewPoint", allocs, heap,
                    _("read the compiler's decision about p: why must p outlive the call of NewPoint?"),
                    _("a pointer to a local that is returned must outlive the call, so it moves to the "
                      "heap; return the Point itself (a 16-byte value is cheap to copy)"))


def check_mean(ns: dict) -> Verdict:
    check = "escape/2"
    got = _measure(check, MEAN_HARNESS)
    if isinstance(got, Verdict):
        return got
    values, allocs, heap = got
    expected = ["2", "0", "0", "2.5"]
    if values != expected:
        return not_yet(check, _("Mean gave {got} for the inputs [1 2 -1 3], nil, [-5], [2.5]; "
                                "expected {expected}").format(got=values, expected=expected),
                       _("keep ignoring negative values; Mean of nothing is 0"))
    return _verdict(check, "Mean", allocs, heap,
                    _("with a length unknown at compile time, make gets at most a small stack buffer "
                      "and a longer slice goes to the heap: does Mean need to keep the values at all?"),
                    _("you need no slice: keep a running sum and a count of the values you keep"))


CHECKS = {"escape/1": check_point, "escape/2": check_mean}
