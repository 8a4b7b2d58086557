"""View of the value-level channel (whygo.chan): hchan's counters, the ring buffer, the wait queues.

``render_chan(snap)`` draws one :class:`whygo.chan.ChanSnap`: the ring buffer
with ``sendx`` and ``recvx``, the parked senders (``sendq``) and receivers
(``recvq``), what each receiver has on its stack, and the running count of
element copies. ``player(snaps)`` animates a played script. Pure function:
a new ``Figure``, no pyplot state.
"""
from __future__ import annotations

from typing import Sequence

from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from whygo.anim import Player
from whygo.chan import ChanSnap

DPI = 80

_SLOT = "#e8eef7"
_FULL = "#aec7e8"
_PARK = "#ffbb78"
_RECV = "#98df8a"


def render_chan(snap: ChanSnap, *, title: str = "") -> Figure:
    """One channel snapshot as a figure: hchan's counters, the ring buffer, the wait queues."""
    fig = Figure(figsize=(8, 2.6), dpi=DPI)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 32)
    ax.axis("off")
    head = (f"hchan  dataqsiz={snap.dataqsiz}  qcount={snap.qcount}  sendx={snap.sendx}  "
            f"recvx={snap.recvx}     element copies so far: {snap.copies}")
    ax.text(1, 29.5, (title + ":  " if title else "") + head, fontsize=9, family="DejaVu Sans Mono",
            va="center")
    # the ring buffer
    if snap.dataqsiz:
        w = min(10.0, 44.0 / snap.dataqsiz)
        x0 = 50 - w * snap.dataqsiz / 2
        for i, v in enumerate(snap.buf):
            ax.add_patch(Rectangle((x0 + i * w, 15), w, 7, facecolor=_FULL if v else _SLOT,
                                   edgecolor="#555555"))
            ax.text(x0 + (i + 0.5) * w, 18.5, v or "", ha="center", va="center", fontsize=10)
            ax.text(x0 + (i + 0.5) * w, 23.2, f"buf[{i}]", ha="center", fontsize=7, color="#555555")
            marks = [name for name, x in (("sendx", snap.sendx), ("recvx", snap.recvx)) if x == i]
            if marks:
                ax.text(x0 + (i + 0.5) * w, 12.5, "↑ " + " ".join(marks), ha="center", va="center",
                        fontsize=7.5)
    else:
        ax.text(50, 18.5, "no buffer: values go from goroutine to goroutine", ha="center",
                va="center", fontsize=9, style="italic", color="#555555")
    # wait queues
    ax.text(2, 22.5, "sendq (parked senders)", fontsize=7.5, color="#555555")
    for k, (g, v) in enumerate(snap.sendq[:4]):
        ax.add_patch(Rectangle((2, 17.5 - 5 * k), 18, 4, facecolor=_PARK, edgecolor="#555555"))
        ax.text(11, 19.5 - 5 * k, f"{g} holds {v}", ha="center", va="center", fontsize=8)
    ax.text(80, 22.5, "recvq (parked receivers)", fontsize=7.5, color="#555555")
    for k, g in enumerate(snap.recvq[:4]):
        ax.add_patch(Rectangle((80, 17.5 - 5 * k), 18, 4, facecolor=_PARK, edgecolor="#555555"))
        ax.text(89, 19.5 - 5 * k, g, ha="center", va="center", fontsize=8)
    # receivers' stacks and this step's copies
    stacks = ("   ".join(f"{g}'s stack: {', '.join(vs)}" for g, vs in snap.received)
              or "nothing received yet")
    ax.text(50, 7.5, stacks, ha="center", va="center", fontsize=8.5,
            bbox=dict(boxstyle="round", facecolor=_RECV, edgecolor="none"))
    if snap.copied:
        ax.text(50, 2.5, "this step copied  " + ";  ".join(snap.copied), ha="center", va="center",
                fontsize=8, color="#1f4e99")
    return fig


def player(snaps: Sequence[ChanSnap], title: str = ""):
    """An animation player (whygo.anim.Player) for a played script."""
    return Player(snaps, lambda s: render_chan(s, title=title), title=title)
