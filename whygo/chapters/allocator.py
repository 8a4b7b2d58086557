"""Chapter 3.3 (the allocator): the glue its notebook needs.

The allocator model is :mod:`whygo.alloc`, its drawing :mod:`whygo.views.alloc`,
the real runtime's figures come from :mod:`whygo.golang.evidence`; the notebook
quotes the pinned runtime (``mcache.alloc``, ``nextFreeFast``...) through
:mod:`whygo.golang.gosource`. This module re-exports those and adds:

* :func:`model_bytes_per_object` / :func:`model_vs_memstats` -- the
  allocator model's bytes per object beside what ``runtime.MemStats`` saw for
  the same requests (``whygo.golang.evidence.memstats_for_sizes``).
* :func:`label_benchmarks` / :func:`label_runs` / :func:`throughput_table` --
  ``gocode/cmd/metriclabels``: metric samples with fresh objects versus
  ``sync.Pool``, as ``go test -bench -benchmem`` and as a timed run with GC
  figures, beside the article's table.
"""
from __future__ import annotations

import statistics
from typing import Iterable, Sequence

from whygo import report
from whygo.alloc import Heap, load_table, roundupsize, size_to_class
from whygo.alloc.layout import load_layout
from whygo.anim import Player
from whygo.golang import evidence, gosource, programs
from whygo.golang.programs import ChapterError
from whygo.i18n import N_, _
from whygo.views.alloc import alloc_player, frames, render_mcache, render_waste, workload_frames


# ---------------------------------------------------------------------------
# Model beside MemStats


def _model_heap(size: int, noscan: bool, n: int) -> Heap:
    if n < 1:
        raise ChapterError(_("n={n}: allocate at least one object").format(n=n))
    h = Heap()
    for _i in range(n):
        h.mallocgc(size, noscan)
    return h


def model_bytes_per_object(size: int, noscan: bool, n: int = 1000) -> float:
    """Heap bytes per object the allocator model uses for ``n`` requests of ``size`` bytes.

    Tiny requests count their share of 16-byte blocks, as MemStats.HeapAlloc does.
    """
    return _model_heap(size, noscan, n).stats().bytes_used / n


def model_tiny_blocks(size: int, n: int) -> int:
    """16-byte blocks the model's tiny allocator takes for ``n`` noscan objects of ``size`` bytes."""
    return _model_heap(size, True, n).stats().tiny_blocks


def model_vs_memstats(rows: Sequence[dict]) -> tuple[report.Table, bool]:
    """A table of requested bytes, the model's and the runtime's bytes per object.

    ``rows`` come from ``evidence.memstats_for_sizes``; the model makes the
    same ``n`` requests. The runtime's bytes per object is printed as
    measured (a runtime allocation during the batch can move it a little).
    Returns the table and whether the model's slot size equals the size
    class MemStats.BySize saw for every request that is not tiny.
    """
    if not rows:
        raise ChapterError(_("no MemStats rows: pass evidence.memstats_for_sizes([...])"))
    body, agree = [], True
    for r in rows:
        noscan = r["kind"] == "noscan"
        model = model_bytes_per_object(r["requested_bytes"], noscan, r["n"])
        tiny = noscan and r["requested_bytes"] < 16
        if not tiny and r["class_size"]:
            agree = agree and model == r["class_size"]
        body.append([r["kind"], r["requested_bytes"], f"{model:g}",
                     report.measured(r["bytes_per_object"], "B"), r["class_size"] or "-",
                     f"{100 * (model - r['requested_bytes']) / model:.0f}%"])
    table = report.Table([_("kind"), _("requested B"), _("model B/object"), _("MemStats B/object"),
                          _("size class (BySize)"), _("waste (model)")], body,
                         caption=_("Heap bytes per object: the allocator model beside runtime.MemStats"))
    return table, agree


# ---------------------------------------------------------------------------
# Metric samples: fresh objects versus sync.Pool

PACKAGE = "cmd/metriclabels"
ARTICLE_THROUGHPUT = [(N_("plain new()"), "2.1M", "89"), ("sync.Pool + mcache", "5.7M", "12")]


def label_benchmarks(*, benchtime: str = "200ms", count: int = 1, timeout: float = 300):
    """``go test -bench Sample -benchmem`` in gocode/cmd/metriclabels (a BenchTable)."""
    return programs.bench(PACKAGE, "Sample", benchtime=benchtime, count=count, timeout=timeout)


ARTICLE_CORES = 4


def label_runs(*modes: str, points: int = 10_000_000, repeat: int = 3,
               gomaxprocs: int = ARTICLE_CORES, timeout: float = 120) -> dict[str, list[dict]]:
    """``repeat`` runs of metriclabels in each of ``modes`` ("new", "pool"): mode -> JSON reports.

    The modes take turns (new, pool, new, pool, ...) so that a change of load
    on the machine during the experiment affects both alike.

    The program starts one worker per P. GOMAXPROCS is set to the article's
    core count rather than left to this machine's, so the experiment (and its
    caption) is the same everywhere; how many CPUs carry those Ps is reported
    as a measured figure.
    """
    if not modes or any(m not in ("new", "pool") for m in modes):
        raise ChapterError(_("modes={modes!r}: use 'new' (fresh objects) and/or 'pool' (sync.Pool)").format(modes=modes))
    if repeat < 1:
        raise ChapterError(_("repeat={repeat}: run at least once").format(repeat=repeat))
    out: dict[str, list[dict]] = {m: [] for m in modes}
    for _i in range(repeat):
        for mode in modes:
            out[mode].append(programs.run_json(f"gocode/{PACKAGE}", ["-mode", mode, "-points", str(points)],
                                               env={"GOMAXPROCS": str(gomaxprocs)}, timeout=timeout))
    return out


def median(runs: Iterable[dict], key: str) -> float:
    values = [r[key] for r in runs]
    if not values:
        raise ChapterError(_("no runs to take the median of {key!r} from").format(key=key))
    return statistics.median(values)


def throughput_table(new_runs: Sequence[dict], pool_runs: Sequence[dict]) -> report.Table:
    """The article's throughput table with this machine's medians beside it."""
    rows = []
    for (label, ops, pause), runs in zip(ARTICLE_THROUGHPUT, (new_runs, pool_runs)):
        rows.append([_(label), f"{ops} ops/s", f"{pause} ms",
                     report.measured(median(runs, "ops_per_second") / 1e6, "M ops/s"),
                     report.seconds(median(runs, "gc_pause_seconds")),
                     report.measured(median(runs, "gc_cycles"), _("cycles", "count of GC cycles"), digits=2)])
    points, workers = new_runs[0]["points"], new_runs[0]["workers"]
    return report.Table([_("allocation"), _("article: throughput"), _("article: GC pauses, total"),
                         _("here: throughput"), _("here: GC pauses, total"), _("here: GC cycles")], rows,
                        caption=_("{points:,} samples; article: {cores} cores; here: {workers} workers "
                                  "(GOMAXPROCS={workers}) on {cpus}, median of {runs} runs").format(
                                      points=points, cores=ARTICLE_CORES, workers=workers,
                                      cpus=report.measured(report.usable_cpus(), _("CPUs", "count of CPUs")), runs=len(new_runs)))


__all__ = ["alloc_player", "ARTICLE_THROUGHPUT", "ChapterError", "Player", "evidence", "frames", "gosource", "label_benchmarks",
           "label_runs", "load_layout", "load_table", "median", "model_bytes_per_object", "model_tiny_blocks",
           "model_vs_memstats", "render_mcache", "render_waste", "roundupsize", "size_to_class",
           "throughput_table", "workload_frames"]
