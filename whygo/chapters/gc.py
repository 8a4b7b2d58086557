"""Chapter 3.1 (the garbage collector): the glue its notebook needs.

The GC model is :mod:`whygo.gc` (scenarios in :mod:`whygo.gc.scenarios`, the
pacer in :mod:`whygo.gc.pacer`), its drawing :mod:`whygo.views.gc`,
:mod:`whygo.views.pacer` and :mod:`whygo.views.pauses`, the real runtime's evidence
:mod:`whygo.golang.evidence`; the notebook quotes runtime/mbarrier.go through
:mod:`whygo.golang.gosource`. This module re-exports those and adds:

* :func:`article_barrier` -- the heap half of the source article's barrier
  pseudo-code ("heap objects use the deletion barrier"), written to the GC
  model's barrier contract so the reader can watch it lose an object;
  :func:`article_case` -- the interleaving that shows it.
* :func:`barrier_table` -- one row per barrier: what it shaded, re-scanned, lost.
* :func:`write_barrier_calls` -- which functions of a Go snippet the compiler
  gave a write barrier (``runtime.gcWriteBarrierN`` calls in ``-gcflags=-S``).
* :func:`pause_quantile`, :func:`stw_table` -- the pause figures of a real
  run (runtime/metrics histogram and gctrace) beside the article's table
  (the histogram drawn by :func:`whygo.views.pauses.render_pauses`).
"""
from __future__ import annotations

import re
from typing import Iterable, Sequence


from whygo import report
from whygo.anim import Player
from whygo.gc import GC, WHITE, find_lost_object, scenarios
from whygo.gc.barriers import BarrierSpec
from whygo.gc.pacer import heap_goal_mb, predict_goals, simulate_heap
from whygo.gc.scenarios import LOST_HEAP, LOST_STEPS, Scenario
from whygo.golang import evidence, gosource
from whygo.golang.asm import functions as parse_functions
from whygo.golang.programs import ChapterError
from whygo.golang.runner import run
from whygo.i18n import _
from whygo.views.gc import gc_player, render_gc
from whygo.views.pacer import render_goals, render_pacer
from whygo.views.pauses import render_pauses


# ---------------------------------------------------------------------------
# The article's barrier


def article_barrier(heap, slot_owner, old, new, ctx):
    """The heap half of the article's ``gcWriteBarrier`` pseudo-code (section 3.1).

    For a slot in the heap the article records the old object only "when the
    old pointer is overwritten and neither the old nor the new object is
    marked". Its other half ("a slot on the stack: shade the new object")
    cannot be written: Go emits no barrier for writes to the current frame's
    locals (runtime/mbarrier.go, "Stack writes"), so the model (like the
    compiler) never calls a barrier for them.
    """
    if old is not None and heap.colour(old) == WHITE and (new is None or heap.colour(new) == WHITE):
        return [old]
    return []


ARTICLE = BarrierSpec("article", article_barrier)

# The lost-object moves, except that B's pointer to C is overwritten with a
# pointer to an already-marked object instead of nil: the article's condition
# "neither object is marked" then skips the shade.
ARTICLE_STEPS = tuple("g1: b.f0 = a" if s == "g1: b.f0 = nil" else s for s in LOST_STEPS)


def article_case(barrier: str | BarrierSpec = ARTICLE) -> Scenario:
    """The lost-object heap with ``b.f0 = a`` as the deleting write, under ``barrier``."""
    name = barrier if isinstance(barrier, str) else barrier.name
    frames = GC(LOST_HEAP, barrier).run(list(ARTICLE_STEPS))
    return Scenario(f"article-{name}", _("Overwrite with a marked pointer, barrier: {barrier}").format(barrier=name),
                name,
                _("Like the lost object, but B's pointer to C is overwritten with a pointer to A, "
                  "which is already black. The article's deletion rule only fires when neither "
                  "the old nor the new object is marked, so C is not shaded."),
                LOST_HEAP, ARTICLE_STEPS, tuple(frames))


def barrier_table(scenarios: Iterable[Scenario]) -> report.Table:
    """What each run's barrier did: barrier calls, shades, stack re-scans, lost objects."""
    rows = []
    for s in scenarios:
        st = s.final.stats
        rows.append([s.frames[0].barrier, st.barrier_calls, st.barrier_shades, st.stack_rescans,
                     ", ".join(s.final.lost) or _("none")])
    if not rows:
        raise ChapterError(_("barrier_table needs at least one scenario (whygo.gc.scenarios)"))
    return report.Table([_("barrier"), _("barrier calls"), _("objects shaded by it"), _("stack re-scans"),
                         _("live objects lost")], rows)


# ---------------------------------------------------------------------------
# Evidence from the real toolchain

_WB_CALL = re.compile(r"runtime\.gcWriteBarrier(\d*)\(SB\)")


def write_barrier_calls(listing: str, functions: Sequence[str]) -> dict[str, list[str]]:
    """For each function, the write-barrier routines it calls in a ``-gcflags=-S`` listing.

    ``runtime.gcWriteBarrier2`` reserves two wbBuf slots: the old and the new
    pointer of one write (runtime/mwbbuf.go: ``get2``).
    """
    found = parse_functions(listing)
    out = {}
    for name in functions:
        if name not in found:
            raise ChapterError(_("function {name!r} is not in the listing; it has {functions}. Mark it "
                                 "//go:noinline so it keeps a symbol of its own.").format(
                                     name=name, functions=", ".join(sorted(found)) or _("no functions")))
        out[name] = [m.group(0).removesuffix("(SB)") for i in found[name].code
                     if i.op == "CALL" and (m := _WB_CALL.search(i.args or ""))]
    return out


# ---------------------------------------------------------------------------
# Pauses


def pause_quantile(buckets: Sequence[tuple[float | None, float | None, int]], q: float) -> float:
    """Upper bound of the histogram bucket that holds quantile ``q`` (0 < q <= 1).

    A runtime/metrics histogram only says a pause fell in [low, high), so the
    quantile is reported as "at most high". An infinite top bound falls back
    to the bucket's low end.
    """
    if not 0 < q <= 1:
        raise ChapterError(_("q={q}: a quantile is a fraction in (0, 1], e.g. 0.99").format(q=q))
    total = sum(c for _, _, c in buckets)
    if total == 0:
        raise ChapterError(_("the pause histogram is empty: the run had no GC; run it longer"))
    seen = 0
    for low, high, count in buckets:
        seen += count
        if seen >= q * total:
            return high if high is not None else low
    return buckets[-1][1] or buckets[-1][0]


def stw_figures(cycles: Sequence, buckets: Sequence) -> dict[str, float]:
    """Pause figures of one run, in seconds (and a share).

    From gctrace (each cycle's two stop-the-world phases, wall clock): mean
    and worst pause, and the share of the cycle's wall time spent in the
    concurrent mark phase (the article's "mark concurrency"). From the
    runtime/metrics histogram: the 50th and 99th percentile upper bounds.
    """
    if not cycles:
        raise ChapterError(_("no gctrace cycle: run the workload longer or with a smaller GOGC"))
    pauses = [p for c in cycles for p in (c.clock_sweep_term_ms, c.clock_mark_term_ms)]
    clock = sum(c.clock_sweep_term_ms + c.clock_mark_ms + c.clock_mark_term_ms for c in cycles)
    return {"mean_s": sum(pauses) / len(pauses) / 1e3, "max_s": max(pauses) / 1e3,
            "p50_s": pause_quantile(buckets, 0.5), "p99_s": pause_quantile(buckets, 0.99),
            "concurrent_share": sum(c.clock_mark_ms for c in cycles) / clock if clock else 0.0}


ARTICLE_STW = [("24 h", "82 µs", "126 µs", "99.3%"), ("72 h", "91 µs", "148 µs", "98.7%")]


def stw_table(figures: dict[str, float], seconds: float) -> report.Table:
    """The article's 24 h / 72 h table with this machine's run as the last row."""
    rows = [[_("article, Docker daemon, {duration}").format(duration=t), a, p, m] for t, a, p, m in ARTICLE_STW]
    rows.append([_("this machine: gcload, scaled down"),
                 report.seconds(figures["mean_s"]), f"<= {report.seconds(figures['p99_s'])}",
                 report.measured(100 * figures["concurrent_share"], "%")])
    # Headers wider than any measured cell: the text table's column widths must
    # not move with the figures (nbval compares it after blanking the figures).
    return report.Table([_("run"), _("mean STW (gctrace)"), _("P99 STW (runtime/metrics)"),
                         _("mark concurrency (gctrace)")], rows,
                        caption=_("Stop-the-world pauses: the article's table beside a "
                                  "{duration} run on this machine").format(duration=report.seconds(seconds)))


__all__ = ["ARTICLE", "ARTICLE_STEPS", "ChapterError", "Player", "article_barrier", "article_case", "gc_player",
           "barrier_table", "evidence", "find_lost_object", "gosource", "heap_goal_mb", "pause_quantile",
           "predict_goals", "render_gc", "render_goals", "render_pacer", "render_pauses", "run",
           "scenarios", "simulate_heap", "stw_figures", "stw_table", "write_barrier_calls"]
