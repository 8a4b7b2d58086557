"""Support for chapter 2.2, channels (notebooks/02-2-channels.ipynb).

The scheduler model (``whygo.sched.chan``) counts channel elements to decide
who parks and who wakes. This chapter needs the *values*: where each one is
copied. So here is a small value-level ``hchan`` that mirrors runtime/chan.go
step by step, and its view:

* :func:`play` runs a script of sends and receives on one channel and
  returns a snapshot (:class:`ChanSnap`) after each operation. The rules,
  one function each, name the runtime function they mirror:
  ``chansend`` (to a parked receiver: ``send`` -> ``sendDirect``, one copy
  onto its stack; else into ``buf[sendx]``: ``typedmemmove``; else park on
  ``sendq``) and ``chanrecv`` (from a parked sender: ``recv``, which on an
  unbuffered channel copies straight from the sender's stack, ``recvDirect``,
  and on a full buffer takes the head and moves the sender's value to the
  tail; else from ``buf[recvx]``; else park on ``recvq``).
* :func:`render_chan` draws a snapshot: the ring buffer with ``sendx`` and
  ``recvx``, the two wait queues, what each receiver has on its stack, and
  the running count of element copies.
* :func:`function_lines` and :func:`runtime_mentions` quote the pinned
  runtime source at run time (the chapter never carries a copy of it).
* :func:`json_over_http` runs ``gocode/cmd/jsonhttp``: the article's
  "JSON over HTTP" row for 1 MiB messages, on the loopback interface.

Pure Python and deterministic; no widgets.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from whygo.chapters.sched import SourceNotFound, runtime_source
from whygo.golang import runner
from whygo.golang.toolchain import toolchain

DPI = 80


class ChanScriptError(ValueError):
    """A channel script asks for something a Go program could not do at that point."""


@dataclass(frozen=True)
class ChanSnap:
    """The channel after one operation (fields named after runtime/chan.go: hchan)."""
    dataqsiz: int                              # buffer capacity; 0 = unbuffered
    buf: tuple[str | None, ...]                # the ring buffer's slots
    sendx: int
    recvx: int
    qcount: int
    sendq: tuple[tuple[str, str], ...]         # parked senders: (G, the value on its stack)
    recvq: tuple[str, ...]                     # parked receivers
    received: tuple[tuple[str, tuple[str, ...]], ...]  # receiver G -> values now on its stack
    copies: int                                # element copies so far
    copied: tuple[str, ...] = ()               # the copies this step made, "from -> to"
    caption: str = ""


@dataclass
class _Chan:
    """Mutable state while a script plays; snapshots are taken from it."""
    dataqsiz: int
    buf: list = field(default_factory=list)
    sendx: int = 0
    recvx: int = 0
    qcount: int = 0
    sendq: list = field(default_factory=list)   # [(g, value)], FIFO (chan.go: waitq)
    recvq: list = field(default_factory=list)   # [g], FIFO
    received: dict = field(default_factory=dict)
    copies: int = 0
    copied: list = field(default_factory=list)

    def copy(self, what: str, src: str, dst: str) -> None:
        self.copies += 1
        self.copied.append(f"{what}: {src} -> {dst}")

    def deliver(self, g: str, value: str) -> None:
        self.received.setdefault(g, []).append(value)

    def snap(self, caption: str) -> ChanSnap:
        snap = ChanSnap(self.dataqsiz, tuple(self.buf), self.sendx, self.recvx, self.qcount,
                        tuple(self.sendq), tuple(self.recvq),
                        tuple((g, tuple(v)) for g, v in sorted(self.received.items())),
                        self.copies, tuple(self.copied), caption)
        self.copied = []
        return snap


def chansend(c: _Chan, g: str, value: str) -> str:
    """``g`` executes ``c <- value``. Mirrors runtime/chan.go: chansend. Returns the caption."""
    if c.recvq:                                   # a receiver is parked: hand over directly
        r = c.recvq.pop(0)
        c.copy(value, f"{g}'s stack", f"{r}'s stack")
        c.deliver(r, value)
        return (f"{g} sends {value}: {r} is parked in recvq, so send() copies the value straight "
                f"onto {r}'s stack (sendDirect) and readies {r}. The buffer is not touched.")
    if c.qcount < c.dataqsiz:                     # room in the buffer
        slot = c.sendx
        c.buf[slot] = value
        c.copy(value, f"{g}'s stack", f"buf[{slot}]")
        c.sendx = (c.sendx + 1) % c.dataqsiz
        c.qcount += 1
        return (f"{g} sends {value}: there is room, so typedmemmove copies it into buf[{slot}] "
                f"and sendx moves to {c.sendx}.")
    c.sendq.append((g, value))                    # full (or unbuffered, nobody waiting): park
    why = "the buffer is full" if c.dataqsiz else "no receiver is waiting on this unbuffered channel"
    return (f"{g} sends {value}: {why}, so {g} parks in sendq (gopark); the value stays on its "
            "stack, pointed to by its sudog.")


def chanrecv(c: _Chan, g: str) -> str:
    """``g`` executes ``<-c``. Mirrors runtime/chan.go: chanrecv and recv. Returns the caption."""
    if c.sendq:
        s, value = c.sendq.pop(0)
        if c.dataqsiz == 0:                       # unbuffered: take it from the sender's stack
            c.copy(value, f"{s}'s stack", f"{g}'s stack")
            c.deliver(g, value)
            return (f"{g} receives: {s} is parked in sendq, so recv() copies {value} from {s}'s "
                    f"stack to {g}'s (recvDirect) and readies {s}.")
        slot = c.recvx                            # full buffer: head to g, sender's value to tail
        head = c.buf[slot]
        c.copy(head, f"buf[{slot}]", f"{g}'s stack")
        c.deliver(g, head)
        c.buf[slot] = value
        c.copy(value, f"{s}'s stack", f"buf[{slot}]")
        c.recvx = (c.recvx + 1) % c.dataqsiz
        c.sendx = c.recvx
        return (f"{g} receives: the buffer is full and {s} waits in sendq, so recv() copies the "
                f"head {head} to {g}, copies {s}'s {value} into the freed slot buf[{slot}] (now the "
                f"tail) and readies {s}. recvx = sendx = {c.recvx}.")
    if c.qcount > 0:
        slot = c.recvx
        value = c.buf[slot]
        c.copy(value, f"buf[{slot}]", f"{g}'s stack")
        c.deliver(g, value)
        c.buf[slot] = None                        # typedmemclr
        c.recvx = (c.recvx + 1) % c.dataqsiz
        c.qcount -= 1
        return (f"{g} receives {value}: typedmemmove copies it from buf[{slot}] and clears the "
                f"slot; recvx moves to {c.recvx}.")
    c.recvq.append(g)
    return f"{g} receives: nothing to take, so {g} parks in recvq (gopark)."


def play(capacity: int, script: Sequence[tuple]) -> tuple[ChanSnap, ...]:
    """Run ``script`` on ``make(chan T, capacity)``; one snapshot per step plus the first.

    Each step is ``("send", G, value)`` or ``("recv", G)``. A goroutine parked
    on the channel cannot act until another step wakes it (as in Go).
    """
    if not isinstance(capacity, int) or capacity < 0:
        raise ChanScriptError(f"capacity={capacity!r}: a channel's capacity is an int >= 0")
    c = _Chan(capacity, buf=[None] * capacity)
    kind = f"a buffered channel, cap {capacity}" if capacity else "an unbuffered channel"
    snaps = [c.snap(f"make(chan T, {capacity}): {kind}; every field of hchan is guarded by its lock.")]
    for i, step in enumerate(script):
        op, g = (step[0], step[1]) if len(step) >= 2 else (None, None)
        parked = {s for s, _ in c.sendq} | set(c.recvq)
        if g in parked:
            raise ChanScriptError(f"step {i} {step!r}: {g} is parked on the channel and cannot act; "
                                  "wake it first with the opposite operation")
        if op == "send" and len(step) == 3:
            caption = chansend(c, g, str(step[2]))
        elif op == "recv" and len(step) == 2:
            caption = chanrecv(c, g)
        else:
            raise ChanScriptError(f"step {i} {step!r}: write ('send', G, value) or ('recv', G)")
        snaps.append(c.snap(caption))
    return tuple(snaps)


# ---------------------------------------------------------------------------
# The view

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
    from whygo.anim import Player
    return Player(snaps, lambda s: render_chan(s, title=title), title=title)


# ---------------------------------------------------------------------------
# The runtime source, read at run time


def function_lines(name: str, file: str, words: Iterable[str], *, root: Path | None = None
                   ) -> list[tuple[int, str]]:
    """(line number in ``file``, line) for each line of ``func name`` containing one of ``words``."""
    folder = Path(root) if root is not None else Path(toolchain().runtime_src)
    body = runtime_source(name, file, root=folder)
    text = (folder / file).read_text()
    first = text[:text.index(body)].count("\n") + 1
    words = list(words)
    return [(first + i, line.strip()) for i, line in enumerate(body.splitlines())
            if any(w in line for w in words)]


def runtime_mentions(words: Iterable[str], *, root: Path | None = None) -> dict[str, int]:
    """For each word, how many .go files of the runtime folder mention it (case-insensitive)."""
    folder = Path(root) if root is not None else Path(toolchain().runtime_src)
    texts = [p.read_text(errors="replace").lower() for p in sorted(folder.rglob("*.go"))]
    return {w: sum(1 for t in texts if w.lower() in t) for w in words}


class ProgramError(RuntimeError):
    """A gocode program of this chapter failed; the message has the end of its stderr."""


def json_over_http(n: int = 20, size: int = 1 << 20, *, timeout: float = 60) -> dict:
    """Send ``n`` messages of ``size`` bytes as JSON over loopback HTTP; the program's report."""
    if n < 1 or size < 0:
        raise ValueError(f"n={n}, size={size}: send at least one message of 0 or more bytes")
    result = runner.run_package("gocode/cmd/jsonhttp", args=["-n", str(n), "-size", str(size)],
                                timeout=timeout)
    if not result.ok:
        raise ProgramError(f"jsonhttp -n {n} -size {size} failed: {result.error_message()}\n"
                           f"{result.stderr.strip()[-1000:]}")
    return json.loads(result.stdout)


__all__ = ["ChanScriptError", "ChanSnap", "ProgramError", "SourceNotFound", "chanrecv", "chansend",
           "function_lines", "json_over_http", "play", "player", "render_chan", "runtime_mentions"]
