"""Benchmarks of the GMP scheduler simulator and its view (`whygo bench sched`).

* ``sched.100k_seconds``: wall time of the 100,000-goroutine scenario (each
  goroutine: spawn, three compute slices, exit; 4 Ps; summary mode), the
  median of three runs. Goal <= 2 s. ``sched.100k_cpu_seconds``: the CPU
  time of the same runs (process_time), less sensitive to a busy machine.
* ``sched.100k_peak_mb``: tracemalloc peak (Python allocations only) during
  one such run. Goal <= 300 MB.
* ``sched.100k_rss_mb``: growth of the peak RSS of a fresh Python process
  running it (VmHWM after the run minus VmRSS before it): what the OS sees.
* ``sched.frame_ms``: what the animation player pays per frame for a
  snapshot with 4 Ps and 16-slot queues: ``whygo.anim.render_frame`` with
  ``render_sched`` (build the Figure, draw it with Agg, encode the palette
  PNG), median of 15. Goal <= 40 ms (25 frames a second).
  ``sched.frame_cpu_ms``: its CPU time (process_time), which a machine busy
  with other jobs disturbs less than wall time.
* ``sched.frame_build_ms``: building the Figure only; ``sched.frame_draw_ms``:
  building and drawing it with Agg, without PNG encoding.
"""
from __future__ import annotations

import statistics
import sys
import time
import tracemalloc
from typing import Iterator

from whygo.golang import process

# Run in a fresh process and read /proc (Linux): ru_maxrss would keep the
# parent's high-water mark across fork+exec and hide the growth.
_RSS_SCRIPT = """
def kb(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])
from whygo.sched import scenarios
before = kb("VmRSS")
scenarios.get("100k-goroutines").run(variant="GOMAXPROCS=4")
print((kb("VmHWM") - before) / 1024)
"""


def _busy_snapshot():
    from whygo.sched.snapshot import MSnap, PSnap, Snapshot
    procs = tuple(PSnap(i, "_Prunning", i, 100 + i, False, 200 + i,
                        tuple(range(20 * i + 1, 20 * i + 17)), 9) for i in range(4))
    ms = tuple(MSnap(i, "running", i, 100 + i) for i in range(4))
    return Snapshot(1234.0, procs, tuple(range(300, 316)), ms, ((7, "chan receive on results"),), 256,
                    None, "P1 (M1, spinning) steals 4 Gs, half of P0's queue rounded up: runs G5; 3 Gs go to its queue.")


def _median_ms(fn, n: int, clock=time.perf_counter) -> float:
    fn()
    times = []
    for _ in range(n):
        t = clock()
        fn()
        times.append(clock() - t)
    return statistics.median(times) * 1000


def measure() -> Iterator[tuple[str, float, str]]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from whygo.anim import render_frame
    from whygo.sched import scenarios
    from whygo.views.sched import render_sched

    sc = scenarios.get("100k-goroutines")
    runs, cpu = [], []
    for _ in range(3):
        t, c = time.perf_counter(), time.process_time()
        sc.run(variant="GOMAXPROCS=4")
        runs.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    yield "sched.100k_seconds", statistics.median(runs), "s"
    yield "sched.100k_cpu_seconds", statistics.median(cpu), "s"

    tracemalloc.start()
    sc.run(variant="GOMAXPROCS=4")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    yield "sched.100k_peak_mb", peak / 1e6, "MB"

    if sys.platform.startswith("linux"):
        out = process.run([sys.executable, "-c", _RSS_SCRIPT], timeout=300).check().out
        yield "sched.100k_rss_mb", float(out.strip()), "MB"

    snap = _busy_snapshot()
    frame = lambda: render_frame(snap, render_sched, snap.caption)  # noqa: E731
    yield "sched.frame_ms", _median_ms(frame, 15), "ms"
    yield "sched.frame_cpu_ms", _median_ms(frame, 15, time.process_time), "ms"
    yield "sched.frame_build_ms", _median_ms(lambda: render_sched(snap), 15), "ms"
    draw = lambda: FigureCanvasAgg(render_sched(snap)).draw()  # noqa: E731
    yield "sched.frame_draw_ms", _median_ms(draw, 15), "ms"
