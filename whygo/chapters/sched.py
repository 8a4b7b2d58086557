"""Chapter 2.1, the GMP scheduler (notebooks/02-1-gmp-scheduler.ipynb): the glue its notebook needs.

The scheduler model is :mod:`whygo.sched` (its scenarios in
:mod:`whygo.sched.scenarios`), its drawing :mod:`whygo.views.sched`, the
real runtime's evidence :mod:`whygo.golang.evidence`; the notebook quotes
``goschedImpl`` through :mod:`whygo.golang.gosource`. This module adds:

* :func:`scenario_frames` runs every animated scheduler scenario for the
  player's selector.
* :func:`global_queue_census` runs ``gocode/cmd/gosched`` under
  ``GODEBUG=schedtrace`` and counts how often the GLOBAL run queue held
  goroutines: the real-runtime test of where ``runtime.Gosched`` puts a G.
* :func:`hundred_k` runs ``gocode/cmd/hundredk`` (the source article's
  100,000 goroutines) a few times and keeps the median of every figure.

Everything that starts Go goes through ``whygo.golang`` (the pinned
toolchain, the course runner); nothing here imports IPython.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass

from whygo.anim import Player
from whygo.golang import evidence, gosource, programs
from whygo.i18n import _
from whygo.sched import scenarios
from whygo.views import sched as sched_view
from whygo.views.sched import frames


def scenario_frames(seed: int = 0, limit: int = 40) -> dict[str, tuple]:
    """{label: frames} for every scheduler scenario that keeps frames (one entry per variant)."""
    out = {}
    for name in scenarios.names():
        sc = scenarios.get(name)
        if sc.summary_only:
            continue
        for label, result in sc.run_all(seed, frames=True).items():
            key = name if len(sc.variants) == 1 else f"{name} ({label})"
            out[key] = frames(result, limit)
    return out


@dataclass(frozen=True)
class QueueCensus:
    """How often ``schedtrace`` saw goroutines in the global and the local run queues."""
    samples: int
    with_global: int      # samples whose global queue (``runqueue=``) was not empty
    max_global: int
    max_local: int

    @property
    def global_share(self) -> float:
        return self.with_global / self.samples if self.samples else 0.0


def census(samples) -> QueueCensus:
    """Count a list of :class:`whygo.golang.schedtrace.SchedSample`."""
    samples = list(samples)
    if not samples:
        raise ValueError(_("no schedtrace samples to count: run the program longer or with a "
                           "shorter schedtrace period"))
    return QueueCensus(
        samples=len(samples),
        with_global=sum(1 for s in samples if s.runqueue > 0),
        max_global=max(s.runqueue for s in samples),
        max_local=max((max(s.local_runq, default=0) for s in samples), default=0))


def global_queue_census(goroutines: int = 100, rounds: int = 1500, work: int = 500) -> QueueCensus:
    """Run ``cmd/gosched`` on ONE P under ``schedtrace=1`` and count the queues.

    ``goroutines`` (<= 256) all fit in the local queue, so nothing would ever
    reach the global queue if ``Gosched`` put a G back on the local one; they
    yield every few microseconds, far below the 10 ms preemption slice.
    """
    if not 0 < goroutines <= 256:
        raise ValueError(_("goroutines={goroutines}: use 1..256 so that they all fit in one local "
                           "run queue (otherwise runqputslow spills them to the global queue "
                           "anyway)").format(goroutines=goroutines))
    return census(evidence.sched_series("gosched", gomaxprocs=1, schedtrace_ms=1, args={
        "goroutines": goroutines, "rounds": rounds, "work": work}))


def median_report(reports: list[dict]) -> dict:
    """The median of every numeric field over several JSON reports (counts too)."""
    if not reports:
        raise ValueError(_("no reports to summarise: run the program at least once"))
    return {key: statistics.median(r[key] for r in reports) for key in reports[0]
            if isinstance(reports[0][key], (int, float))}


def hundred_k(gomaxprocs: int | None, *, n: int = 100_000, runs: int = 3, timeout: float = 60) -> dict:
    """Median figures of ``runs`` runs of ``gocode/cmd/hundredk`` with ``n`` goroutines.

    ``gomaxprocs=None`` leaves GOMAXPROCS to the runtime (all cores).
    """
    env = {} if gomaxprocs is None else {"GOMAXPROCS": str(gomaxprocs)}
    return median_report([programs.run_json("gocode/cmd/hundredk", ["-n", str(n)], env=env,
                                            timeout=timeout) for _run in range(runs)])


@dataclass(frozen=True)
class Wakeups:
    """Wake-ups in a real trace: a G made runnable from a channel wait by code on P ``p``."""
    total: int
    on_wakers_p: int      # of them, the G's next run was on the waker's P (runnext, or its local queue)

    @property
    def share(self) -> float:
        return self.on_wakers_p / self.total if self.total else 0.0


def wakeups(events, goroutines: set[int]) -> Wakeups:
    """Count, for the program's goroutines, where each wake-up ran next.

    A wake-up is a ``Waiting->Runnable`` transition emitted on a P (by the
    goroutine that readied it: ``goready`` -> ``runqput(pp, gp, next=true)``
    on the waker's own P). Wake-ups that never ran again are left out.
    """
    pending: dict[int, int] = {}          # G -> the waker's P
    total = same = 0
    for ev in events:
        if ev.resource != "G" or ev.id not in goroutines:
            continue
        if ev.old == "Waiting" and ev.new == "Runnable" and ev.p is not None:
            pending[ev.id] = ev.p
        elif ev.new == "Running" and ev.id in pending:
            total += 1
            same += ev.p == pending.pop(ev.id)
    return Wakeups(total, same)


# What the notebook reaches through this module (besides the helpers above).
__all__ = ["Player", "QueueCensus", "Wakeups", "census", "evidence", "global_queue_census", "gosource",
           "hundred_k", "median_report", "scenario_frames", "sched_view", "scenarios", "wakeups"]
