"""Channels: buffered and unbuffered, with their wait queues.

Mirrors runtime/chan.go (``hchan``, ``chansend``, ``chanrecv``), counting
elements instead of copying them (the model has no values). Each function
says what happened; the scheduler does the parking (``gopark``) and the
waking (``goready``, which puts the woken G in the waker's P ``runnext``).
"""
from __future__ import annotations

from collections import deque

from .state import G


class Hchan:
    """A channel (chan.go: type hchan): buffer count, capacity, recvq and sendq."""
    __slots__ = ("name", "dataqsiz", "qcount", "recvq", "sendq")

    def __init__(self, name: str, dataqsiz: int) -> None:
        self.name = name
        self.dataqsiz = dataqsiz     # buffer capacity; 0 = unbuffered
        self.qcount = 0              # elements in the buffer
        self.recvq: deque[G] = deque()   # parked receivers, FIFO
        self.sendq: deque[G] = deque()   # parked senders, FIFO


def chansend(c: Hchan, gp: G) -> tuple[G | None, bool]:
    """gp sends on c. Mirrors runtime/chan.go: chansend.

    Returns (the receiver to wake, whether gp must park). A parked receiver
    gets the value directly (chan.go: send/sendDirect) and is woken; else the
    value goes into the buffer if there is room; else gp parks on sendq.
    """
    if c.recvq:
        return c.recvq.popleft(), False
    if c.qcount < c.dataqsiz:
        c.qcount += 1
        return None, False
    c.sendq.append(gp)
    return None, True


def chanrecv(c: Hchan, gp: G) -> tuple[G | None, bool]:
    """gp receives from c. Mirrors runtime/chan.go: chanrecv.

    Returns (the sender to wake, whether gp must park). With a parked sender,
    an unbuffered channel takes its value directly; a buffered (full) one
    takes the head of the buffer and moves the sender's value to the tail
    (chan.go: recv), so the count stays the same. Else a buffered element is
    taken; else gp parks on recvq.
    """
    if c.sendq:
        return c.sendq.popleft(), False
    if c.qcount > 0:
        c.qcount -= 1
        return None, False
    c.recvq.append(gp)
    return None, True
