"""Every conclusion a chapter prints from a measurement holds on one CPU and under load.

A chapter prints a boolean such as "the atomic counter alone is at least 1.3x as
fast" from figures measured when it runs. nbval compares that line with the
stored one, so a conclusion whose margin is too thin would flip on a small
hub container or a busy laptop. Each test here runs one evidence function the
way its chapter does, several times, on one CPU (the process's affinity, which
every Go program it starts inherits) and with a CPU hog on every core, and
asserts the chapter's own conclusion every time.

These take minutes, so they are marked ``machines`` and run by
``make test-machines``, not by ``make test``.
"""
from __future__ import annotations

import json
import os
from contextlib import contextmanager
from pathlib import Path

import pytest

from machine_matrix import Hog

ROOT = Path(__file__).resolve().parents[2]
RUNS = 3
pytestmark = [pytest.mark.machines, pytest.mark.slow]


@contextmanager
def one_cpu():
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(before)})
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


SHAPES = {"one CPU": one_cpu, "every CPU busy": Hog}


@pytest.fixture(params=list(SHAPES))
def shape(request):
    """Run the test body under one machine shape (its name is in the test id)."""
    with SHAPES[request.param]():
        yield request.param


def repeat(conclusion, *args, **kwargs):
    """Call ``conclusion`` RUNS times; each call returns (holds, figures) and must hold."""
    for run in range(1, RUNS + 1):
        holds, figures = conclusion(*args, **kwargs)
        assert holds, f"run {run} of {RUNS}: the conclusion flipped ({figures})"


def cell_source(notebook: str, cell_id: str) -> str:
    cells = json.loads((ROOT / "notebooks" / notebook).read_text())["cells"]
    return "".join(next(c for c in cells if c.get("id") == cell_id)["source"])


# ---- 2.1 the scheduler ---------------------------------------------------------------

def test_woken_goroutines_mostly_run_next_on_the_wakers_p(shape):
    from whygo.chapters import sched as ch
    from whygo.golang import evidence

    def conclusion():
        fanout = evidence.real_scheduler("fanout", gomaxprocs=2)
        woken = ch.wakeups(fanout.events, fanout.goroutines)
        return woken.share > 0.5, f"share {woken.share:.2f} of {woken.total}"
    repeat(conclusion)


def test_gosched_fills_the_global_queue_in_most_samples(shape):
    from whygo.chapters import sched as ch

    def conclusion():
        census = ch.global_queue_census(goroutines=100)
        return census.global_share > 0.5, f"share {census.global_share:.2f} of {census.samples}"
    repeat(conclusion)


def test_idle_ps_steal_from_the_creators_p(shape):
    from whygo.golang import evidence

    def conclusion():
        real = evidence.real_scheduler("imbalance", gomaxprocs=2)
        return len(real.stolen) > 0, f"{len(real.stolen)} goroutines first ran elsewhere"
    repeat(conclusion)


# ---- 2.3 the scheduler under load ------------------------------------------------------

def test_load_test_conclusions(shape):
    from whygo.chapters import sched_load as ch

    def conclusion():
        points = ch.pressure_test(procs=(1, 2, 4), conc=(1, 4, 16, 64, 256), repeat=3)
        groups = ch.by_procs(points)
        one = groups[1]
        checks = {
            "no errors": all(p.errors == 0 for p in points),
            "median latency x10": all(g[-1].p50_us > 10 * g[0].p50_us for g in groups.values()),
            "runnable > 32 at 256": ch.sched_summary(one[-1]).mean_runnable > 32,
            "queues empty at 1": ch.sched_summary(one[0]).mean_runnable < 1,
            "threads <= 16": all(ch.sched_summary(p).max_threads <= 16 for p in points),
        }
        return all(checks.values()), checks
    repeat(conclusion)


def test_the_trace_records_enough_waits(shape):
    from whygo.chapters import sched_load as ch

    def conclusion():
        waits = ch.traced_waits(procs=2, conc=64, duration=0.2)
        return len(waits) > 100, f"{len(waits)} waits"
    repeat(conclusion)


# ---- 2.4 sync.Pool and atomics -------------------------------------------------------

def test_a_pool_keeps_the_gc_away(shape):
    from whygo.chapters import pool_atomic as ch

    def conclusion():
        runs = ch.pool_pressure(requests=1_000_000)
        return runs["new"].gcs > 10 and runs["pool"].gcs <= 1, (runs["new"].gcs, runs["pool"].gcs)
    repeat(conclusion)


def test_the_atomic_counter_beats_the_mutex_with_one_p_by_the_margin(shape):
    # The chapter's own benchmark cell, with its own flags.
    from whygo.chapters import pool_atomic as ch
    from whygo.golang.gotest import parse_bench_flags, run_bench

    first, _, body = cell_source("02-4-sync-pool-and-atomic.ipynb", "poolatomic-22").partition("\n")
    flags = parse_bench_flags(first.removeprefix("%%gobench"))

    def conclusion():
        outcome = run_bench(body, flags)
        assert outcome.error is None, outcome.error
        gain = ch.counter_gains(outcome.table, {"alone": ("BenchmarkMutexCounter",
                                                          "BenchmarkAtomicCounter")}, procs=(1,),
                                 unit="cpu-ns/op")[0]
        return gain.fastest_ratio >= 1.3, f"fastest rounds {gain.fastest_ratio:.2f}, rounds {gain.ratio.ratios}"
    repeat(conclusion)


# ---- 3.1 the garbage collector -------------------------------------------------------

def test_gc_goals_limit_and_pauses(shape):
    from whygo.gc.pacer import predict_goals
    from whygo.golang import evidence

    def conclusion():
        real = evidence.gc_run(gogc=100, seconds=1.5)
        gap = max(abs(c.heap_goal_mb - p) for c, p in zip(real.cycles, predict_goals(real.cycles, 100)))
        limited = evidence.gc_run(gogc="off", memlimit="64MiB", seconds=1.0)
        daemon = evidence.gc_run(gogc=100, seconds=8, live_mib=64, rate_mib=128)
        checks = {"goal gap <= 3 MiB": gap <= 3, "limit runs the GC": len(limited.cycles) > 0,
                  "2 pauses per cycle": daemon.pauses.total >= 2 * len(daemon.cycles)}
        return all(checks.values()), (checks, gap)
    repeat(conclusion)


# ---- 3.2 stacks ---------------------------------------------------------------------

def test_stack_moves_are_predicted_and_the_stack_shrinks(shape):
    from whygo.chapters import stacks_escape as se
    from whygo.golang.evidence import stack_growth

    def conclusion():
        real = stack_growth(depth=10_000)
        p = se.predict_moves(real)
        return p.all_match and real["shrinks_after_gc"] > 0, (p.real, p.predicted, real["shrinks_after_gc"])
    repeat(conclusion)


# ---- 3.3 the allocator --------------------------------------------------------------

def test_pooled_samples_beat_fresh_ones_by_the_margin(shape):
    from whygo.chapters import allocator as ch

    def conclusion():
        runs = ch.label_runs("new", "pool", points=10_000_000, repeat=3)
        speedup = ch.median(runs["pool"], "ops_per_cpu_second") / ch.median(runs["new"], "ops_per_cpu_second")
        return speedup >= 1.2, f"pooled / fresh samples per CPU-second {speedup:.2f}"
    repeat(conclusion)
