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
* :func:`plot_load` and :func:`plot_sched` draw the curves (pure functions of
  the points).

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


# ---- views ----------------------------------------------------------------------------------

def plot_load(points: Sequence[Point]):
    """Throughput and p99 latency against client goroutines, one line per server GOMAXPROCS."""
    import matplotlib.pyplot as plt
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6), dpi=75)
    for procs, group in by_procs(points).items():
        xs = [p.conc for p in group]
        (line,) = left.plot(xs, [p.qps for p in group], marker="o", label=f"GOMAXPROCS={procs}")
        right.plot(xs, [p.p99_us / 1000 for p in group], marker="o", label=f"GOMAXPROCS={procs}")
        k = knee(group)
        # The knee in its series' own colour, edged in black: several knees often fall on
        # the same client count, and black stars there would hide which series they mark.
        left.plot([k.conc], [k.qps], marker="*", markersize=15, color=line.get_color(),
                  markeredgecolor="black", markeredgewidth=0.8, linestyle="none", zorder=3)
    # Throughput from zero, so that the heights compare as ratios (a flat line stays flat).
    left.set_ylim(bottom=0)
    for ax in (left, right):
        ax.set_xscale("log", base=2)
        ax.set_xlabel("client goroutines")
        ax.grid(alpha=0.3)
    left.set_ylabel("requests / s")
    left.set_title("throughput (★ = knee)")
    right.set_ylabel("p99 latency (ms)")
    right.set_yscale("log")
    right.set_title("tail latency")
    left.legend(fontsize=8)
    fig.tight_layout()
    plt.close(fig)
    return fig


def plot_sched(points: Sequence[Point]):
    """What schedtrace and runtime/metrics saw on the server, against client goroutines:
    run queues, idle Ps, OS threads (schedtrace) and the p99 wait for a P (runtime/metrics)."""
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(2, 2, figsize=(9, 5.6), dpi=75)
    axes = axes.ravel()
    for procs, group in by_procs(points).items():
        xs = [p.conc for p in group]
        sums = [sched_summary(p) for p in group]
        label = f"GOMAXPROCS={procs}"
        axes[0].plot(xs, [s.mean_runnable for s in sums], marker="o", label=label)
        axes[1].plot(xs, [s.idle_share for s in sums], marker="o", label=label)
        axes[2].plot(xs, [s.max_threads for s in sums], marker="o", label=label)
        axes[3].plot(xs, [p.server["sched_latency_p99_us"] / 1000 for p in group], marker="o",
                     label=label)
    titles = ("schedtrace: runnable Gs in run queues (mean)",
              "schedtrace: idle Ps / GOMAXPROCS (mean)",
              "schedtrace: OS threads (max)",
              "runtime/metrics: p99 wait for a P (ms)")
    for ax, title in zip(axes, titles):
        ax.set_xscale("log", base=2)
        ax.set_xlabel("client goroutines")
        ax.set_title(title, fontsize=10)
        ax.grid(alpha=0.3)
    axes[2].set_ylim(bottom=0)
    axes[3].set_yscale("log")
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    plt.close(fig)
    return fig


def plot_timeline(point: Point):
    """One point's schedtrace as a time series: each P's local run queue and the global queue."""
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(8, 3), dpi=75)
    ms = [s.ms - point.samples[0].ms for s in point.samples]
    nprocs = max(len(s.local_runq) for s in point.samples)
    for i in range(nprocs):
        ax.plot(ms, [s.local_runq[i] if i < len(s.local_runq) else 0 for s in point.samples],
                marker=".", label=f"P{i} local runq")
    ax.plot(ms, [s.runqueue for s in point.samples], marker=".", color="black", label="global runq")
    ax.set_xlabel("ms since the point started")
    ax.set_ylabel("goroutines")
    ax.set_title(f"schedtrace, GOMAXPROCS={point.procs}, {point.conc} client goroutines",
                 fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    plt.close(fig)
    return fig
