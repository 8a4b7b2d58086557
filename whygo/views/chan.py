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

from whygo.chan import ChanSnap
from whygo.i18n import N_, _
from whygo.views.fonts import CJK_FONT, use_edition_font

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
            f"recvx={snap.recvx}     " + _("element copies so far: {n}").format(n=snap.copies))
    # DejaVu Sans Mono has no Chinese: the Chinese edition falls back to its CJK font
    mono = ["DejaVu Sans Mono", CJK_FONT] if use_edition_font() else "DejaVu Sans Mono"
    ax.text(1, 29.5, (title + ":  " if title else "") + head, fontsize=9, family=mono, va="center")
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
        ax.text(50, 18.5, _("no buffer: values go from goroutine to goroutine"), ha="center",
                va="center", fontsize=9, style="italic", color="#555555")
    # wait queues
    ax.text(2, 22.5, _(SENDQ), fontsize=7.5, color="#555555")
    for k, (g, v) in enumerate(snap.sendq[:4]):
        ax.add_patch(Rectangle((2, 17.5 - 5 * k), 18, 4, facecolor=_PARK, edgecolor="#555555"))
        ax.text(11, 19.5 - 5 * k, _holds(g, v), ha="center", va="center", fontsize=8)
    ax.text(80, 22.5, _(RECVQ), fontsize=7.5, color="#555555")
    for k, g in enumerate(snap.recvq[:4]):
        ax.add_patch(Rectangle((80, 17.5 - 5 * k), 18, 4, facecolor=_PARK, edgecolor="#555555"))
        ax.text(89, 19.5 - 5 * k, g, ha="center", va="center", fontsize=8)
    # receivers' stacks and this step's copies
    stacks = ("   ".join(_("{g}'s stack: {values}").format(g=g, values=", ".join(vs)) for g, vs in snap.received)
              or _("nothing received yet"))
    ax.text(50, 7.5, stacks, ha="center", va="center", fontsize=8.5,
            bbox=dict(boxstyle="round", facecolor=_RECV, edgecolor="none"))
    if snap.copied:
        ax.text(50, 2.5, _("this step copied  {copies}").format(copies=";  ".join(snap.copied)),
                ha="center", va="center",
                fontsize=8, color="#1f4e99")
    return fig


# --- frames for the vector player (whygo.player) ---
# The channel model (hchan) as frames for the vector player (whygo.player).
# 
# ``chan_frames(snaps)`` draws each snapshot of a played script (``play(capacity,
# script)``): hchan's counters, the ring buffer with ``sendx``/``recvx``, the
# parked senders (``sendq``, each with the value on its stack) and receivers
# (``recvq``), what each receiver has on its stack, and this step's element
# copies as the rule line. Snapshots are only read (any object with ChanSnap's
# fields), so this module does not depend on where the model lives.

CHAN_KEY = ((N_("buffer slot holding a value"), "full"), (N_("empty slot"), "slot"),
            (N_("parked G (waiting)"), "waiting"), (N_("values on a receiver's stack"), "recv"))
SENDQ = N_("sendq (parked senders)")
RECVQ = N_("recvq (parked receivers)")


def _holds(g: str, value: str) -> str:
    return _("{g} holds {value}").format(g=g, value=value)
SLOT_W, SLOT_H = 54, 34
CARD_W = 330


def _buffer_card(s, cap: int) -> dict:
    from whygo.player import card
    prims = [["t", 12, 22, "hchan", "h"],
             ["t", 12, 44, f"dataqsiz {s.dataqsiz} · qcount {s.qcount}", ""],
             ["t", 12, 64, _("sendx {sendx} · recvx {recvx} · copies {copies}").format(
                 sendx=s.sendx, recvx=s.recvx, copies=s.copies), ""]]
    if not s.dataqsiz:
        # one sentence on two lines of the card
        prims.append(["t", 12, 100, _("no buffer: values go"), "s"])
        prims.append(["t", 12, 118, _("from goroutine to goroutine"), "s"])
        return card(CARD_W, 150, prims)
    per_row = (CARD_W - 24) // SLOT_W
    y0 = 100
    for i, v in enumerate(s.buf):
        x, y = 12 + (i % per_row) * SLOT_W, y0 + (i // per_row) * (SLOT_H + 40)
        prims.append(["r", x, y, SLOT_W - 6, SLOT_H, "full" if v else "slot"])
        prims.append(["t", x + (SLOT_W - 6) / 2, y - 6, f"buf[{i}]", "s c"])
        if v:
            prims.append(["t", x + (SLOT_W - 6) / 2, y + 22, v, "h c"])
        marks = [name for name, at in (("sendx", s.sendx), ("recvx", s.recvx)) if at == i]
        if marks:
            prims.append(["t", x + (SLOT_W - 6) / 2, y + SLOT_H + 16, "↑" + "/".join(m[:5] for m in marks), "mv c"])
    rows = -(-cap // per_row)
    return card(CARD_W, y0 + rows * (SLOT_H + 40), prims)


def _queue_card(title: str, items: Sequence[str], height: int) -> dict:
    from whygo.player import card
    prims = [["t", 12, 22, title, "h"]]
    for k, text in enumerate(items[:5]):
        prims.append(["r", 12, 34 + k * 32, CARD_W - 24, 26, "waiting"])
        prims.append(["t", 22, 52 + k * 32, text, ""])
    if not items:
        prims.append(["t", 12, 52, _("empty"), "s"])
    if len(items) > 5:
        prims.append(["t", 12, 34 + 5 * 32 + 14, _("+{n} more").format(n=len(items) - 5), "s"])
    return card(CARD_W, height, prims)


def _stacks_card(s) -> dict:
    from whygo.player import card
    prims = [["t", 12, 22, _("receivers' stacks"), "h"]]
    y = 34
    for g, values in s.received:
        prims.append(["r", 12, y, CARD_W - 24, 26, "recv"])
        prims.append(["t", 22, y + 18, f"{g}: {', '.join(values)}", ""])
        y += 32
    if not s.received:
        prims.append(["t", 12, 52, _("nothing received yet"), "s"])
    return card(CARD_W, max(y, 60) + 6, prims)


def chan_frames(snaps: Sequence) -> list[dict]:
    """Frames as data: the buffer card, sendq, recvq and the receivers' stacks; the rule
    line shows the element copies this step made (``runtime.chansend``/``chanrecv``)."""
    from whygo.player import frame
    cap = max((s.dataqsiz for s in snaps), default=0)
    qh = 34 + 32 * min(5, max([len(s.sendq) for s in snaps] + [len(s.recvq) for s in snaps] + [1])) + 24
    out = []
    for s in snaps:
        cards = [_buffer_card(s, cap),
                 _queue_card(_(SENDQ), [_holds(g, v) for g, v in s.sendq], qh),
                 _queue_card(_(RECVQ), list(s.recvq), qh),
                 _stacks_card(s)]
        rule = (_("this step copied {copies}").format(copies="; ".join(f"`{c}`" for c in s.copied))
                if s.copied else "")
        out.append(frame(cards, s.caption, rule))
    return out


def player(snaps: Sequence, title: str = ""):
    """The vector player for a played channel script."""
    from whygo.player import ScenePlayer
    return ScenePlayer({"": chan_frames(list(snaps))}, title=title, legend=CHAN_KEY)
