"""Views of the GC pacer: the heap sawtooth with its goal, and model vs gctrace goals.

* ``render_pacer(series)``: heap size over time (a ``whygo.gc.pacer.HeapSeries``)
  with the heap goal in force, the live heap, the GOMEMLIMIT line if any,
  and each mark phase shaded.
* ``render_goals(cycles, gogc)``: for real gctrace cycles, the goal the
  runtime printed beside the goal the model predicts from the previous cycle.

Pure functions: each builds a new matplotlib Figure (no pyplot state).
"""
from __future__ import annotations

from typing import Any, Sequence

from matplotlib.figure import Figure

from whygo.gc.pacer import HeapSeries, predict_goals
from whygo.i18n import _

DPI = 80
HEAP, GOAL, LIVE, LIMIT, MARK = "#2166ac", "#d6604d", "#4d4d4d", "#7b3294", "#fdb863"


def _gogc_text(gogc: int) -> str:
    return "off" if gogc < 0 else str(gogc)   # GOGC's own value, as the user writes it


def render_pacer(series: HeapSeries, *, title: str | None = None) -> Figure:
    """The heap sawtooth: heap, goal, live heap, memory limit, mark phases."""
    fig = Figure(figsize=(8, 4), dpi=DPI)
    ax = fig.add_subplot()
    for c in series.cycles:
        ax.axvspan(c.start_s, c.end_s, color=MARK, alpha=0.45, lw=0)
    ax.plot(series.t_s, series.heap_mb, color=HEAP, lw=1.6, label=_("heap"))
    finite = [(t, g) for t, g in zip(series.t_s, series.goal_mb) if g != float("inf")]
    if finite:
        ax.step([t for t, _g in finite], [g for _t, g in finite], where="post", color=GOAL,
                lw=1.2, ls="--", label=_("heap goal"))
    ax.axhline(series.live_mb, color=LIVE, lw=1, ls=":", label=_("live data"))
    if series.memlimit_mb is not None:
        ax.axhline(series.memlimit_mb, color=LIMIT, lw=1.2, ls="-.", label="GOMEMLIMIT")
    if series.cycles:
        ax.axvspan(0, 0, color=MARK, alpha=0.45, lw=0, label=_("marking"))
    ax.set_xlim(0, max(series.t_s))
    ax.set_ylim(0, max(series.heap_mb + ((series.memlimit_mb,) if series.memlimit_mb else ())) * 1.1)
    ax.set_xlabel(_("time (s)"))
    ax.set_ylabel("MiB")
    settings = f"GOGC={_gogc_text(series.gogc)}" + (f", GOMEMLIMIT={series.memlimit_mb:g} MiB"
                                                   if series.memlimit_mb else "")
    ax.set_title(title or _("{settings}: {cycles} GC cycles, peak {peak} MiB").format(
        settings=settings, cycles=len(series.cycles), peak=f"{series.peak_mb:.0f}"), fontsize=11)
    ax.legend(loc="upper left", fontsize=8, ncol=5, frameon=False)
    ax.grid(alpha=0.25)
    fig.tight_layout()
    return fig


def render_goals(cycles: Sequence[Any], gogc: int | str | None = 100,
                 memlimit: float | None = None, *, title: str = "") -> Figure:
    """Real gctrace goals beside the model's prediction from the previous cycle.

    ``cycles``: gctrace cycles (objects with heap_live_mb, stacks_mb,
    globals_mb and heap_goal_mb or goal_mb) or plain (live, stacks, globals)
    tuples (then only the model's goals are drawn)."""
    predicted = predict_goals(cycles, gogc, memlimit)
    actual = [getattr(c, "heap_goal_mb", getattr(c, "goal_mb", None)) for c in cycles]
    n = list(range(1, len(predicted) + 1))
    fig = Figure(figsize=(8, 4), dpi=DPI)
    ax = fig.add_subplot()
    if any(a is not None for a in actual):
        ax.plot(n, actual, "o", color=HEAP, ms=6, label=_("gctrace goal (go runtime)"))
    ax.plot(n, predicted, "x", color=GOAL, ms=7, mew=2, label=_("model goal"))
    live = [getattr(c, "heap_live_mb", None) for c in cycles]
    if any(v is not None for v in live):
        ax.plot(n, live, "-", color=LIVE, lw=1, alpha=0.7, label=_("live heap after GC"))
    ax.set_xlabel(_("GC cycle"))
    ax.set_ylabel("MiB")
    ax.set_title(title or _("Heap goal: the runtime vs the formula (GOGC={gogc})").format(gogc=gogc),
                 fontsize=11)
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    ax.grid(alpha=0.25)
    fig.tight_layout()
    return fig
