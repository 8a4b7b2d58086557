"""View of the real runtime's GC pauses: the histogram ``runtime/metrics`` keeps.

* ``render_pauses(buckets)``: one bar per non-empty bucket of
  ``/sched/pauses/total/gc:seconds`` (``(low, high, count)`` in seconds, as
  :mod:`whygo.golang.evidence` reads them), time on a log axis in µs, with
  the article's "99% of pauses under 150 µs" as a line.

Pure: builds a new matplotlib Figure (no pyplot state).
"""
from __future__ import annotations

from typing import Sequence

from matplotlib.figure import Figure

from whygo.i18n import _

DPI = 80
BAR, BAR_EDGE, LIMIT = "#4c72b0", "#2a4a7a", "#d62728"


def render_pauses(buckets: Sequence[tuple[float | None, float | None, int]], *,
                  limit_s: float | None = 150e-6, title: str = "") -> Figure:
    """The pause histogram: one bar per non-empty bucket, time on a log axis, in µs.
    ValueError when no bucket is finite and non-empty (the run had no GC pause)."""
    finite = [(lo, hi, c) for lo, hi, c in buckets if lo is not None and hi is not None and lo > 0]
    if not finite:
        raise ValueError("no finite, non-empty bucket to draw: the run had no GC pause")
    fig = Figure(figsize=(8, 3.6), dpi=DPI)
    ax = fig.add_subplot()
    for lo, hi, c in finite:
        ax.bar(lo * 1e6, c, width=(hi - lo) * 1e6, align="edge", color=BAR, edgecolor=BAR_EDGE)
    if limit_s is not None:
        ax.axvline(limit_s * 1e6, color=LIMIT, ls="--", lw=1.2,
                   label=_("article: 99% of pauses <= {limit} µs").format(limit=f"{limit_s * 1e6:g}"))
        ax.legend(loc="upper right", fontsize=8, frameon=False)
    ax.set_xscale("log")
    ax.set_xlabel(_("pause (µs, log scale)"))
    ax.set_ylabel(_("pauses"))
    ax.set_title(title or _("GC stop-the-world pauses (runtime/metrics /sched/pauses/total/gc:seconds)"),
                 fontsize=10)
    ax.grid(alpha=0.25)
    fig.tight_layout()
    return fig
