"""Chapter 2.4, sync.Pool and atomics (notebooks/02-4-sync-pool-and-atomic.ipynb): the glue its notebook needs.

The notebook quotes ``sync.poolCleanup`` of the pinned toolchain through
:mod:`whygo.golang.gosource`. This module adds:

* :func:`pool_pressure` runs ``gocode/cmd/poolpressure``: the same requests
  handled with a new TagSet each and with a pooled one, with the heap
  allocations, bytes and GC cycles ``runtime.MemStats`` counted.
* :func:`counter_gains` turns the chapter's mutex-versus-atomic benchmarks
  into the article's figure: how much more throughput the atomic version has.

Everything that starts Go goes through ``whygo.golang``; no IPython here.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from whygo.golang import gosource, programs
from whygo.golang.benchfmt import BenchFormatError, RoundRatios
from whygo.golang.programs import ChapterError
from whygo.i18n import _

__all__ = ["ChapterError", "CounterGain", "PoolRun", "counter_gains", "gosource", "parse_runs",
           "pool_pressure"]

PROGRAM = "cmd/poolpressure"


@dataclass(frozen=True)
class PoolRun:
    """One way of handling the requests (see gocode/cmd/poolpressure: Result)."""
    way: str          # "new" or "pool"
    requests: int
    labels: int       # labels parsed in all: the same work both ways
    mallocs: int      # heap allocations (runtime.MemStats.Mallocs)
    bytes: int        # bytes allocated (TotalAlloc)
    gcs: int          # GC cycles that ran (NumGC)
    seconds: float

    @property
    def mallocs_per_request(self) -> float:
        return self.mallocs / self.requests

    @property
    def bytes_per_request(self) -> float:
        return self.bytes / self.requests


def parse_runs(text: str) -> dict[str, PoolRun]:
    runs = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            run = PoolRun(**json.loads(line))
        except (ValueError, TypeError) as exc:
            raise ChapterError(_("line {n} of {program}'s output is not a result ({error}): "
                                 "{line!r}").format(n=n, program=PROGRAM, error=exc,
                                                    line=line[:120])) from None
        runs[run.way] = run
    if set(runs) != {"new", "pool"}:
        raise ChapterError(_("{program} printed ways {ways}, expected new and "
                             "pool").format(program=PROGRAM, ways=sorted(runs)))
    return runs


def pool_pressure(requests: int = 1_000_000, labels: int = 6, *, timeout: float = 60) -> dict[str, PoolRun]:
    """Handle ``requests`` requests with a new TagSet each, then with sync.Pool."""
    if not isinstance(requests, int) or requests < 1:
        raise ChapterError(_("requests={requests!r}: give a whole number >= 1").format(requests=requests))
    if not isinstance(labels, int) or labels < 0:
        raise ChapterError(_("labels={labels!r}: give a whole number >= 0").format(labels=labels))
    result = programs.run(PROGRAM, ["-requests", str(requests), "-labels", str(labels)], timeout=timeout)
    return parse_runs(result.stdout)


@dataclass(frozen=True)
class CounterGain:
    """Mutex versus atomic for one benchmark pair at one GOMAXPROCS.

    ``ratio`` holds mutex ns/op over atomic ns/op for each interleaved round
    of ``%%gobench --count N``; the figures are medians over the rounds.
    ``fastest_ratio`` compares each benchmark's fastest round: load only adds
    time, so this is the figure a conclusion can rest on when the machine is
    busy (the median round can be disturbed in most rounds).
    """
    what: str
    procs: int
    mutex_ns: float
    atomic_ns: float
    ratio: RoundRatios
    fastest_ratio: float

    @property
    def throughput_gain(self) -> float:
        """How much more work per second the atomic version does: 0.23 is the article's +23%."""
        return self.ratio.median - 1


def counter_gains(table, pairs: dict[str, tuple[str, str]], procs: tuple[int, ...],
                  unit: str = "ns/op") -> list[CounterGain]:
    """For each ``what -> (mutex benchmark, atomic benchmark)`` and GOMAXPROCS, the gain.

    ``table`` is a ``%%gobench --count N`` result (whygo.golang.benchfmt.BenchTable);
    the gain is the median over the N rounds of the mutex/atomic ratio within
    a round, so load that comes and goes between rounds cancels out. ``unit``
    is the figure the ratios compare: ``cpu-ns/op`` (CPU time, which waiting
    for a CPU on a busy machine does not inflate) where the benchmarks report
    it; ``mutex_ns`` and ``atomic_ns`` are always the wall-clock ns/op.
    """
    gains = []
    for what, (mutex, atomic) in pairs.items():
        for p in procs:
            try:
                ratio = table.paired(mutex, atomic, unit=unit, procs=p)
                gains.append(CounterGain(what, p, table.median(mutex, p).ns_per_op,
                                         table.median(atomic, p).ns_per_op, ratio,
                                         table.fastest(mutex, p, unit) / table.fastest(atomic, p, unit)))
            except (KeyError, BenchFormatError) as exc:
                raise ChapterError(_("{error}: run the benchmark cell with --cpu listing {procs} "
                                     "and --count of 3 or more").format(error=exc, procs=p)) from None
    return gains
