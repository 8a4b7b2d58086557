"""Support for chapter 2.3, the scheduler under load (notebooks/02-3-scheduler-under-load.ipynb).

The chapter runs ``gocode/cmd/loadserver``, a scaled-down version of the
article's API-server pressure test on loopback: a server whose GOMAXPROCS we
choose, and a client that raises its number of goroutines step by step. This
module turns the program's JSON lines into :class:`Point` values, finds the
knee of the throughput curve, summarises the server's ``GODEBUG=schedtrace``
lines of each point, and draws the plots.

* :func:`pressure_test` runs the program and returns the points.
* :func:`knee` is the smallest concurrency that already reaches (almost) the
  best throughput: past it, more client goroutines only queue.
* :func:`sched_summary` reduces a point's schedtrace samples to the figures
  the article reads from its (non-existent) ``/debug/pprof/sched``: run queue
  lengths, idle Ps, threads.
* :func:`waits_from_trace` measures, from a real ``runtime/trace``, how long
  each goroutine waited between becoming runnable and running: the
  same quantity ``/sched/latencies:seconds`` counts in a histogram.
* :func:`plot_load`, :func:`plot_sched` and :func:`plot_timeline` hand the
  points, grouped, to :mod:`whygo.views.sched_load`, which draws them.

Everything that starts Go goes through ``whygo.golang``; no IPython here.
"""
from __future__ import annotations

import json
import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from whygo.golang import gotrace, programs
from whygo.golang.programs import ChapterError
from whygo.golang.schedtrace import SchedSample, parse_schedtrace
from whygo.i18n import _
from whygo.views.sched_load import render_load, render_sched, render_timeline

__all__ = ["PROGRAM", "ChapterError", "Point", "SchedSummary", "by_procs", "gm_ratio", "knee",
           "median_point", "parse_points", "plot_load", "plot_sched", "plot_timeline", "pressure_test",
           "quantile", "sched_summary", "traced_waits", "waits_from_trace"]

PROGRAM = "cmd/loadserver"


@dataclass(frozen=True)
class Point:
    """One measurement: the server's GOMAXPROCS (``procs``) and the client's goroutines (``conc``)."""
    procs: int
    conc: int
    requests: int
    errors: int
    seconds: float
    qps: float
    p50_us: float
    p99_us: float
    server: dict            # runtime/metrics of the server during the point (see main.go: Stats)
    samples: tuple[SchedSample, ...]


def parse_points(text: str) -> list[Point]:
    """The JSON lines of ``loadserver`` as points (schedtrace text parsed)."""
    points = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            trace = parse_schedtrace(d.pop("schedtrace", ""))
            points.append(Point(samples=tuple(trace.samples), **d))
        except (ValueError, TypeError) as exc:
            raise ChapterError(_("line {n} of {program}'s output is not a point ({error}): "
                                 "{line!r}").format(n=n, program=PROGRAM, error=exc,
                                                    line=line[:120])) from None
    return points


def _csv(values: Iterable[int], name: str) -> str:
    values = list(values)
    if not values or any(not isinstance(v, int) or v < 1 for v in values):
        raise ChapterError(_("{name}={values!r}: give a non-empty list of whole numbers "
                             ">= 1").format(name=name, values=values))
    return ",".join(map(str, values))


def pressure_test(procs: Sequence[int] = (1, 2, 4), conc: Sequence[int] = (1, 4, 16, 64, 256), *,
                  requests: int = 20_000, duration: float = 0.6, work: int = 20_000,
                  schedtrace_ms: int = 50, trace: str | Path | None = None, repeat: int = 1,
                  timeout: float = 120) -> list[Point]:
    """Run the pressure test: for each server GOMAXPROCS, every client concurrency.

    Each point stops after ``requests`` requests or ``duration`` seconds,
    whichever comes first. ``trace`` records the server's runtime/trace
    (one ``procs`` value only). With ``repeat`` > 1 the whole test runs that
    many times and each point is the run with the median throughput.
    """
    if not isinstance(repeat, int) or repeat < 1:
        raise ChapterError(_("repeat={repeat!r}: give a whole number >= 1").format(repeat=repeat))
    args = ["-procs", _csv(procs, "procs"), "-conc", _csv(conc, "conc"),
            "-requests", str(requests), "-duration", f"{duration}s", "-work", str(work),
            "-schedtrace", str(schedtrace_ms)]
    if trace is not None:
        args += ["-trace", str(trace)]
    runs = []
    for _run in range(repeat):
        runs.append(parse_points(programs.run(PROGRAM, args, timeout=timeout).stdout))
    return [median_point(same) for same in zip(*runs)]


def median_point(same: Sequence[Point]) -> Point:
    """Of several measurements of one point, the one with the median throughput."""
    if len({(p.procs, p.conc) for p in same}) != 1:
        raise ChapterError(_("median_point() takes measurements of the same (procs, conc) point"))
    return sorted(same, key=lambda p: p.qps)[(len(same) - 1) // 2]


def by_procs(points: Iterable[Point]) -> dict[int, list[Point]]:
    """Points grouped by the server's GOMAXPROCS, each group sorted by concurrency."""
    groups: dict[int, list[Point]] = {}
    for p in points:
        groups.setdefault(p.procs, []).append(p)
    return {k: sorted(v, key=lambda p: p.conc) for k, v in sorted(groups.items())}


def knee(points: Sequence[Point], share: float = 0.9) -> Point:
    """The first point (by concurrency) whose throughput reaches ``share`` of the best.

    Past the knee, more concurrent clients add no throughput: the extra
    requests only wait, so latency grows with concurrency (Little's law).
    """
    if not points:
        raise ChapterError(_("knee() needs at least one point"))
    if len({p.procs for p in points}) != 1:
        raise ChapterError(_("knee() takes the points of one server GOMAXPROCS; use by_procs() "
                             "first"))
    best = max(p.qps for p in points)
    return next(p for p in sorted(points, key=lambda p: p.conc) if p.qps >= share * best)


@dataclass(frozen=True)
class SchedSummary:
    """What the server's schedtrace lines said during one point."""
    samples: int
    mean_runnable: float      # goroutines waiting in run queues (global + local), on average
    max_runnable: int
    idle_share: float         # idleprocs / gomaxprocs, on average: the article's P_idle / GOMAXPROCS
    max_threads: int          # OS threads (Ms)


def sched_summary(point: Point) -> SchedSummary:
    s = point.samples
    if not s:
        return SchedSummary(0, 0.0, 0, 0.0, 0)
    return SchedSummary(
        samples=len(s),
        mean_runnable=statistics.fmean(x.runnable for x in s),
        max_runnable=max(x.runnable for x in s),
        idle_share=statistics.fmean(x.idleprocs / x.gomaxprocs for x in s),
        max_threads=max(x.threads for x in s))


def gm_ratio(point: Point) -> float:
    """The article's "G:M ratio": the server's goroutines per OS thread (runtime/metrics maxima)."""
    threads = point.server.get("max_threads") or 1
    return point.server.get("max_goroutines", 0) / threads


# ---- runtime/trace ----------------------------------------------------------------------------

def waits_from_trace(events: Sequence[gotrace.TraceEvent]) -> list[float]:
    """Seconds each goroutine spent Runnable before it ran, for every wait in the trace.

    The runtime's ``/sched/latencies:seconds`` histogram counts the same
    interval (runtime/proc.go: ``casgstatus`` records the time from
    _Grunnable to _Grunning when tracking is on).
    """
    since: dict[int, int] = {}
    waits = []
    for ev in events:
        if ev.kind != "StateTransition" or ev.resource != "G" or ev.id is None:
            continue
        if ev.new == "Runnable":
            since[ev.id] = ev.time_ns
        elif ev.new == "Running" and ev.id in since:
            waits.append((ev.time_ns - since.pop(ev.id)) / 1e9)
    return waits


def traced_waits(procs: int = 2, conc: int = 64, duration: float = 0.2) -> list[float]:
    """Run one point with the server's runtime/trace on and return its run-queue waits."""
    with tempfile.TemporaryDirectory(prefix="whygo-ch23-") as tmp:
        path = Path(tmp) / "server.trace"
        pressure_test((procs,), (conc,), duration=duration, trace=path)
        return waits_from_trace(gotrace.read_trace(path))


def quantile(values: Sequence[float], q: float) -> float:
    if not values:
        raise ChapterError(_("quantile() of no values"))
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# ---- views (drawn by whygo.views.sched_load) -------------------------------------------------

def plot_load(points: Sequence[Point]):
    """Throughput and p99 latency against client goroutines, one line per server GOMAXPROCS,
    each series' knee starred."""
    groups = by_procs(points)
    return render_load(groups, {procs: knee(group) for procs, group in groups.items()})


def plot_sched(points: Sequence[Point]):
    """What schedtrace and runtime/metrics saw on the server, against client goroutines."""
    return render_sched({procs: [(p, sched_summary(p)) for p in group]
                         for procs, group in by_procs(points).items()})


plot_timeline = render_timeline
