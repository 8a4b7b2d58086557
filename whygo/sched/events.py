"""Typed events: what the scheduler did, when, on which P and M, to which G.

Every event is a frozen dataclass with ``t`` (simulated µs), ``p``, ``m`` and
``g`` ids (None where they do not apply) and ``describe()``, one sentence in
plain words that the animation shows as its caption.
"""
from __future__ import annotations

from dataclasses import dataclass


def _n(count: int, what: str = "G") -> str:
    """'1 G', '3 Gs'."""
    return f"{count} {what}" + ("" if count == 1 else "s")


@dataclass(frozen=True, slots=True)
class Event:
    t: float
    p: int | None
    m: int | None
    g: int | None

    @property
    def kind(self) -> str:
        return type(self).__name__

    def describe(self) -> str:  # pragma: no cover - every subclass overrides it
        return self.kind


@dataclass(frozen=True, slots=True)
class Spawn(Event):
    parent: int | None = None
    displaced: int | None = None
    overflow: bool = False

    def describe(self) -> str:
        if self.parent is None:
            return f"The program starts: M{self.m} on P{self.p} is about to run the main goroutine G{self.g}."
        text = f"G{self.parent} runs `go`: new G{self.g} takes P{self.p}'s runnext"
        return text + _kicked(self.displaced, self.p, self.overflow)


def _go(count: int) -> str:
    return "goes" if count == 1 else "go"


def _kicked(displaced: int | None, p: int | None, overflow: bool) -> str:
    if displaced is None:
        return "."
    if overflow:
        return f"; G{displaced}, displaced, finds P{p}'s local queue full."
    return f"; G{displaced}, displaced, goes to the tail of P{p}'s local queue."


@dataclass(frozen=True, slots=True)
class Run(Event):
    source: str = ""          # runnext, local queue, global queue, stolen, ...
    inherit: bool = False
    waited_us: float = 0.0

    def describe(self) -> str:
        text = f"M{self.m} on P{self.p} runs G{self.g} (from {self.source}"
        if self.inherit:
            text += ", inheriting the time slice"
        return text + f"; it waited {self.waited_us:g} µs)."


@dataclass(frozen=True, slots=True)
class Block(Event):
    reason: str = ""
    ch: str = ""

    def describe(self) -> str:
        on = f" on {self.ch}" if self.ch else ""
        return f"G{self.g} blocks ({self.reason}{on}); P{self.p} looks for other work."


@dataclass(frozen=True, slots=True)
class Wake(Event):
    by: int | None = None
    reason: str = ""
    displaced: int | None = None
    overflow: bool = False

    def describe(self) -> str:
        who = f"G{self.by}'s {self.reason}" if self.by is not None else f"A {self.reason}"
        return f"{who} wakes G{self.g} into P{self.p}'s runnext" + _kicked(self.displaced, self.p, self.overflow)


@dataclass(frozen=True, slots=True)
class Steal(Event):
    victim: int = 0
    count: int = 0
    runnext: bool = False

    def describe(self) -> str:
        if self.runnext:
            return (f"P{self.p} (M{self.m}, spinning) finds no queued work anywhere, so, as a last resort, "
                    f"it steals G{self.g} from P{self.victim}'s runnext.")
        rest = f"; {_n(self.count - 1)} {_go(self.count - 1)} to its queue" if self.count > 1 else ""
        return (f"P{self.p} (M{self.m}, spinning) steals {_n(self.count)}, half of P{self.victim}'s "
                f"queue rounded up: runs G{self.g}{rest}.")


@dataclass(frozen=True, slots=True)
class Handoff(Event):
    to_m: int | None = None
    blocking: bool = False
    outcome: str = ""

    def describe(self) -> str:
        why = ("the syscall is known to block, so the P is given away at once"
               if self.blocking else "sysmon retakes it: the syscall outlasted a sysmon tick")
        return f"M{self.m} is stuck in a syscall with G{self.g}; {why}. P{self.p} {self.outcome}."


@dataclass(frozen=True, slots=True)
class Preempt(Event):
    ran_us: float = 0.0         # how long this G ran
    slice_us: float = 0.0       # how long the P's time slice lasted (shared through runnext)

    def describe(self) -> str:
        if self.slice_us > self.ran_us:
            slice_ = (f"after {self.ran_us:g} µs of a time slice shared through runnext that has "
                      f"lasted {self.slice_us:g} µs")
        else:
            slice_ = f"after a {self.ran_us:g} µs time slice"
        return (f"sysmon preempts G{self.g} on P{self.p} {slice_} (limit 10 ms); it goes to the "
                f"tail of the global queue.")


@dataclass(frozen=True, slots=True)
class GlobalBatch(Event):
    count: int = 0

    def describe(self) -> str:
        rest = f"; {_n(self.count - 1)} {_go(self.count - 1)} to its local queue" if self.count > 1 else ""
        return (f"P{self.p}'s local queue is empty: it takes {_n(self.count)} from the global queue "
                f"and runs G{self.g}{rest}.")


@dataclass(frozen=True, slots=True)
class Fairness(Event):
    schedtick: int = 0

    def describe(self) -> str:
        return (f"P{self.p}'s schedtick is {self.schedtick}, a multiple of 61: it checks the global "
                f"queue before its own and takes G{self.g}, so global Gs cannot starve.")


@dataclass(frozen=True, slots=True)
class GoschedToGlobal(Event):
    def describe(self) -> str:
        return f"G{self.g} calls runtime.Gosched(): it goes to the tail of the GLOBAL queue, not P{self.p}'s local one."


@dataclass(frozen=True, slots=True)
class RunqOverflow(Event):
    moved: tuple[int, ...] = ()

    def describe(self) -> str:
        return (f"P{self.p}'s local queue is full: its older half plus G{self.g}, {_n(len(self.moved))}, "
                f"move to the global queue in one batch (runqputslow).")


@dataclass(frozen=True, slots=True)
class Exit(Event):
    def describe(self) -> str:
        return f"G{self.g} exits on P{self.p}."


@dataclass(frozen=True, slots=True)
class SyscallEnter(Event):
    us: float = 0.0
    blocking: bool = False

    def describe(self) -> str:
        kind = "a blocking syscall" if self.blocking else "a syscall"
        return f"G{self.g} enters {kind} ({self.us:g} µs); M{self.m} blocks in the kernel with it."


@dataclass(frozen=True, slots=True)
class SyscallExit(Event):
    outcome: str = ""

    def describe(self) -> str:
        return f"G{self.g}'s syscall returns on M{self.m}: {self.outcome}."


@dataclass(frozen=True, slots=True)
class Spinning(Event):
    def describe(self) -> str:
        return f"A G became runnable: wakep starts M{self.m} spinning on idle P{self.p} to look for work."


@dataclass(frozen=True, slots=True)
class Idle(Event):
    def describe(self) -> str:
        return f"M{self.m} found no work anywhere: P{self.p} goes idle and M{self.m} parks."


EVENT_TYPES = (Spawn, Run, Block, Wake, Steal, Handoff, Preempt, GlobalBatch, Fairness,
               GoschedToGlobal, RunqOverflow, Exit, SyscallEnter, SyscallExit, Spinning, Idle)
