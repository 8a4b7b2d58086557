"""Allocator and stack model benchmarks: `whygo bench alloc`.

* ``alloc.1m_seconds``: one million allocations of the seeded metric-label
  workload (tiny strings, small structs and slices, ~0.05% large buffers)
  through ``Heap.mallocgc``; the request list is built before the clock
  starts. Best of three runs, wall clock. Goal: <= 2 s.
* ``alloc.1m_cpu_seconds``: the same, as CPU time of this process (steadier
  than the wall clock when other programs share the machine).
* ``alloc.1m_24B_seconds``: one million 24-byte noscan allocations (the
  ``nextFreeFast`` path almost every time), best of three.
* ``alloc.metric_waste_percent`` / ``alloc.metric_tiny_packed_percent``:
  what the model says about that workload (bytes lost to size-class
  rounding; share of requests packed into an existing tiny block).
* ``stack.100k_calls_seconds``: 100,000 calls of 200-byte frames into one
  goroutine stack and back, with every grow and pointer adjustment.
"""
from __future__ import annotations

import time
from typing import Iterator

from whygo.alloc.malloc import Heap
from whygo.alloc.workload import metric_labels
from whygo.stack.model import GStack


def _best_of(runs: int, fn) -> float:
    best = float("inf")
    for _ in range(runs):
        best = min(best, fn())
    return best


def _metric_run(reqs, clock=time.perf_counter) -> float:
    h = Heap()
    m = h.mallocgc
    t0 = clock()
    for size, noscan in reqs:
        m(size, noscan)
    return clock() - t0


def _same_size_run(n: int) -> float:
    h = Heap()
    m = h.mallocgc
    t0 = time.perf_counter()
    for _ in range(n):
        m(24)
    return time.perf_counter() - t0


def _stack_run(n: int) -> float:
    g = GStack()
    t0 = time.perf_counter()
    for i in range(n):
        g.call("f", 200, i - 1 if i else None)
    for _ in range(n):
        g.ret()
    return time.perf_counter() - t0


def measure() -> Iterator[tuple[str, float, str]]:
    reqs = metric_labels(1_000_000, seed=1)
    yield ("alloc.1m_seconds", _best_of(3, lambda: _metric_run(reqs)), "s")
    yield ("alloc.1m_cpu_seconds", _best_of(3, lambda: _metric_run(reqs, time.process_time)), "s")
    yield ("alloc.1m_24B_seconds", _best_of(3, lambda: _same_size_run(1_000_000)), "s")
    h = Heap()
    for size, noscan in reqs:
        h.mallocgc(size, noscan)
    st = h.stats()
    yield ("alloc.metric_waste_percent", 100 * st.waste / st.bytes_used, "%")
    yield ("alloc.metric_tiny_packed_percent", 100 * st.tiny_allocs / st.allocs, "%")
    yield ("stack.100k_calls_seconds", _stack_run(100_000), "s")
