"""View of start-up times (whygo.golang.serve): one row of dots per way of starting.

``render_startups(named)`` draws each start as a dot (ms, exec to first
``200 OK``) with the median marked. Pure function: a new ``Figure``.
"""
from __future__ import annotations

import statistics
from typing import Sequence

from matplotlib.figure import Figure

from whygo.i18n import _

DPI = 80


class StartupViewError(ValueError):
    """Nothing to draw; the message says what to pass."""


def render_startups(named: dict[str, Sequence[float]], *, title: str = "") -> Figure:
    """One row of dots per way of starting (each dot one start), with its median marked, in ms."""
    if not named or not all(named.values()):
        raise StartupViewError(_("give at least one non-empty list of start-up times to draw"))
    fig = Figure(figsize=(8, 0.8 + 0.7 * len(named)), dpi=DPI)
    ax = fig.add_subplot()
    for row, (name, times) in enumerate(named.items()):
        ms = sorted(t * 1e3 for t in times)
        ax.plot(ms, [row] * len(ms), "o", ms=4, alpha=0.45, color="#4c72b0")
        median = statistics.median(ms)
        ax.plot([median, median], [row - 0.3, row + 0.3], color="#d62728", lw=2)
    ax.set_yticks(range(len(named)), list(named))
    ax.set_ylim(-0.6, len(named) - 0.4)
    ax.invert_yaxis()
    ax.set_xlim(left=0)
    ax.set_xlabel(_("exec to first 200 OK (ms); red bar: median"))
    ax.set_title(title or _("Start-up of the HTTP service, one dot per start"), fontsize=10)
    ax.grid(axis="x", alpha=0.25)
    fig.tight_layout()
    return fig
