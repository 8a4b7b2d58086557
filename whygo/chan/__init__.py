"""A value-level channel: where each element is copied (runtime/chan.go, step by step).

The scheduler model (``whygo.sched.chan``) counts a channel's elements to
decide who parks and who wakes. This model keeps the *values*, to show
where each one is copied. :class:`Hchan` has the fields of chan.go's
``hchan`` (``buf``, ``sendx``, ``recvx``, ``qcount``, ``sendq``, ``recvq``);
the rules, one function each, name the runtime function they mirror:

* :func:`chansend` -- to a parked receiver: ``send`` -> ``sendDirect``, one
  copy onto its stack; else into ``buf[sendx]`` (``typedmemmove``); else
  park on ``sendq``;
* :func:`chanrecv` -- from a parked sender: ``recv``, which on an unbuffered
  channel copies straight from the sender's stack (``recvDirect``) and on a
  full buffer takes the head and moves the sender's value to the tail; else
  from ``buf[recvx]``; else park on ``recvq``;
* :func:`play` runs a script of sends and receives and returns a frozen
  :class:`ChanSnap` after each operation (drawn by ``whygo.views.chan``).

Pure Python and deterministic.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence


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
class Hchan:
    """The channel while a script plays (chan.go: type hchan); snapshots are taken from it."""
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


def chansend(c: Hchan, g: str, value: str) -> str:
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


def chanrecv(c: Hchan, g: str) -> str:
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
    c = Hchan(capacity, buf=[None] * capacity)
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


__all__ = ["ChanScriptError", "ChanSnap", "Hchan", "chanrecv", "chansend", "play"]
