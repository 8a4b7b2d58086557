"""The channel model (hchan) as frames for the vector player (whygo.player).

``chan_frames(snaps)`` draws each snapshot of a played script (``play(capacity,
script)``): hchan's counters, the ring buffer with ``sendx``/``recvx``, the
parked senders (``sendq``, each with the value on its stack) and receivers
(``recvq``), what each receiver has on its stack, and this step's element
copies as the rule line. Snapshots are only read (any object with ChanSnap's
fields), so this module does not depend on where the model lives.
"""
from __future__ import annotations

from typing import Sequence

CHAN_KEY = (("buffer slot holding a value", "full"), ("empty slot", "slot"),
            ("parked G (waiting)", "waiting"), ("values on a receiver's stack", "recv"))
SLOT_W, SLOT_H = 54, 34
CARD_W = 330


def _buffer_card(s, cap: int) -> dict:
    from whygo.player import card
    prims = [["t", 12, 22, "hchan", "h"],
             ["t", 12, 44, f"dataqsiz {s.dataqsiz} · qcount {s.qcount}", ""],
             ["t", 12, 64, f"sendx {s.sendx} · recvx {s.recvx} · copies {s.copies}", ""]]
    if not s.dataqsiz:
        prims.append(["t", 12, 100, "no buffer: values go", "s"])
        prims.append(["t", 12, 118, "from goroutine to goroutine", "s"])
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
        prims.append(["t", 12, 52, "empty", "s"])
    if len(items) > 5:
        prims.append(["t", 12, 34 + 5 * 32 + 14, f"+{len(items) - 5} more", "s"])
    return card(CARD_W, height, prims)


def _stacks_card(s) -> dict:
    from whygo.player import card
    prims = [["t", 12, 22, "receivers' stacks", "h"]]
    y = 34
    for g, values in s.received:
        prims.append(["r", 12, y, CARD_W - 24, 26, "recv"])
        prims.append(["t", 22, y + 18, f"{g}: {', '.join(values)}", ""])
        y += 32
    if not s.received:
        prims.append(["t", 12, 52, "nothing received yet", "s"])
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
                 _queue_card("sendq (parked senders)", [f"{g} holds {v}" for g, v in s.sendq], qh),
                 _queue_card("recvq (parked receivers)", list(s.recvq), qh),
                 _stacks_card(s)]
        rule = ("this step copied " + "; ".join(f"`{c}`" for c in s.copied)) if s.copied else ""
        out.append(frame(cards, s.caption, rule))
    return out


def player(snaps: Sequence, title: str = ""):
    """The vector player for a played channel script."""
    from whygo.player import ScenePlayer
    return ScenePlayer({"": chan_frames(list(snaps))}, title=title, legend=CHAN_KEY)
