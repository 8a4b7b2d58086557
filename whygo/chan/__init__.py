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

from whygo.i18n import _


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
        c.copy(value, _stack(g), _stack(r))
        c.deliver(r, value)
        return _("{g} sends {value}: {r} is parked in recvq, so send() copies the value straight "
                 "onto {r}'s stack (sendDirect) and readies {r}. The buffer is not touched.").format(
                     g=g, value=value, r=r)
    if c.qcount < c.dataqsiz:                     # room in the buffer
        slot = c.sendx
        c.buf[slot] = value
        c.copy(value, _stack(g), f"buf[{slot}]")
        c.sendx = (c.sendx + 1) % c.dataqsiz
        c.qcount += 1
        return _("{g} sends {value}: there is room, so typedmemmove copies it into buf[{slot}] "
                 "and sendx moves to {sendx}.").format(g=g, value=value, slot=slot, sendx=c.sendx)
    c.sendq.append((g, value))                    # full (or unbuffered, nobody waiting): park
    why = _("the buffer is full") if c.dataqsiz else _("no receiver is waiting on this unbuffered channel")
    return _("{g} sends {value}: {why}, so {g} parks in sendq (gopark); the value stays on its "
             "stack, pointed to by its sudog.").format(g=g, value=value, why=why)


def chanrecv(c: Hchan, g: str) -> str:
    """``g`` executes ``<-c``. Mirrors runtime/chan.go: chanrecv and recv. Returns the caption."""
    if c.sendq:
        s, value = c.sendq.pop(0)
        if c.dataqsiz == 0:                       # unbuffered: take it from the sender's stack
            c.copy(value, _stack(s), _stack(g))
            c.deliver(g, value)
            return _("{g} receives: {s} is parked in sendq, so recv() copies {value} from {s}'s "
                     "stack to {g}'s (recvDirect) and readies {s}.").format(g=g, s=s, value=value)
        slot = c.recvx                            # full buffer: head to g, sender's value to tail
        head = c.buf[slot]
        c.copy(head, f"buf[{slot}]", _stack(g))
        c.deliver(g, head)
        c.buf[slot] = value
        c.copy(value, _stack(s), f"buf[{slot}]")
        c.recvx = (c.recvx + 1) % c.dataqsiz
        c.sendx = c.recvx
        return _("{g} receives: the buffer is full and {s} waits in sendq, so recv() copies the "
                 "head {head} to {g}, copies {s}'s {value} into the freed slot buf[{slot}] (now the "
                 "tail) and readies {s}. recvx = sendx = {recvx}.").format(
                     g=g, s=s, head=head, value=value, slot=slot, recvx=c.recvx)
    if c.qcount > 0:
        slot = c.recvx
        value = c.buf[slot]
        c.copy(value, f"buf[{slot}]", _stack(g))
        c.deliver(g, value)
        c.buf[slot] = None                        # typedmemclr
        c.recvx = (c.recvx + 1) % c.dataqsiz
        c.qcount -= 1
        return _("{g} receives {value}: typedmemmove copies it from buf[{slot}] and clears the "
                 "slot; recvx moves to {recvx}.").format(g=g, value=value, slot=slot, recvx=c.recvx)
    c.recvq.append(g)
    return _("{g} receives: nothing to take, so {g} parks in recvq (gopark).").format(g=g)


def _stack(g: str) -> str:
    """Where a goroutine's own copy of a value lives: "G1's stack"."""
    return _("{g}'s stack").format(g=g)


def play(capacity: int, script: Sequence[tuple]) -> tuple[ChanSnap, ...]:
    """Run ``script`` on ``make(chan T, capacity)``; one snapshot per step plus the first.

    Each step is ``("send", G, value)`` or ``("recv", G)``. A goroutine parked
    on the channel cannot act until another step wakes it (as in Go).
    """
    if not isinstance(capacity, int) or capacity < 0:
        raise ChanScriptError(_("capacity={value}: a channel's capacity is an int >= 0").format(value=repr(capacity)))
    c = Hchan(capacity, buf=[None] * capacity)
    if capacity:
        first = _("make(chan T, {cap}): a buffered channel, cap {cap}; every field of hchan is guarded "
                  "by its lock.")
    else:
        first = _("make(chan T, {cap}): an unbuffered channel; every field of hchan is guarded by its lock.")
    snaps = [c.snap(first.format(cap=capacity))]
    for i, step in enumerate(script):
        op, g = (step[0], step[1]) if len(step) >= 2 else (None, None)
        parked = {s for s, _ in c.sendq} | set(c.recvq)
        if g in parked:
            raise ChanScriptError(_("step {i} {step}: {g} is parked on the channel and cannot act; "
                                    "wake it first with the opposite operation").format(i=i, step=repr(step), g=g))
        if op == "send" and len(step) == 3:
            caption = chansend(c, g, str(step[2]))
        elif op == "recv" and len(step) == 2:
            caption = chanrecv(c, g)
        else:
            raise ChanScriptError(_("step {i} {step}: write ('send', G, value) or ('recv', G)")
                                  .format(i=i, step=repr(step)))
        snaps.append(c.snap(caption))
    return tuple(snaps)


__all__ = ["ChanScriptError", "ChanSnap", "Hchan", "chanrecv", "chansend", "play"]
