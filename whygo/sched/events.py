"""Typed events: what the scheduler did, when, on which P and M, to which G.

Every event is a frozen dataclass with ``t`` (simulated µs), ``p``, ``m`` and
``g`` ids (None where they do not apply) and ``describe()``, one sentence in
plain words that the animation shows as its caption, in the running edition
(``whygo.i18n``). The events' fields stay English data (a Run's ``source``, a Wake's
``reason``: code compares them); ``describe()`` translates them where it shows them.
"""
from __future__ import annotations

from dataclasses import dataclass

from whygo.i18n import N_, _

# Where a Run's G came from (whygo.sched.model: find_runnable, execute), as captions show it.
SOURCES = (N_("runnext"), N_("its local queue"), N_("the global queue"),
           N_("the global queue (fairness check)"), N_("another P (stolen)"),
           N_("another P's runnext (stolen)"), N_("the program start"))
# Why a G was woken (whygo.sched.model: chan_op, timers): "send on results", "timer".
_WAKE_REASONS = (N_("send on {ch}"), N_("receive from {ch}"))
_TIMER = N_("timer")


def _reason(reason: str) -> str:
    """A Wake's reason ("send on results") in the running edition."""
    for message in _WAKE_REASONS:
        prefix = message.split("{")[0]
        if reason.startswith(prefix):
            return _(message).format(ch=reason[len(prefix):])
    return _(reason)


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
            return _("The program starts: M{m} on P{p} is about to run the main goroutine G{g}.").format(
                m=self.m, p=self.p, g=self.g)
        text = _("G{parent} runs `go`: new G{g} takes P{p}'s runnext").format(
            parent=self.parent, g=self.g, p=self.p)
        return _kicked(text, self.displaced, self.p, self.overflow)


def _kicked(text: str, displaced: int | None, p: int | None, overflow: bool) -> str:
    """``text`` ended, with what happened to the G that runnext held before."""
    if displaced is None:
        return _("{text}.").format(text=text)
    if overflow:
        return _("{text}; G{g}, displaced, finds P{p}'s local queue full.").format(text=text, g=displaced, p=p)
    return _("{text}; G{g}, displaced, goes to the tail of P{p}'s local queue.").format(
        text=text, g=displaced, p=p)


@dataclass(frozen=True, slots=True)
class Run(Event):
    source: str = ""          # runnext, local queue, global queue, stolen, ...
    inherit: bool = False
    waited_us: float = 0.0

    def describe(self) -> str:
        if self.inherit:
            text = _("M{m} on P{p} runs G{g} (from {source}, inheriting the time slice; "
                     "it waited {waited} µs).")
        else:
            text = _("M{m} on P{p} runs G{g} (from {source}; it waited {waited} µs).")
        return text.format(m=self.m, p=self.p, g=self.g, source=_(self.source), waited=f"{self.waited_us:g}")


@dataclass(frozen=True, slots=True)
class Block(Event):
    reason: str = ""
    ch: str = ""

    def describe(self) -> str:
        # the reason is the runtime's waitReason ("chan receive", "sleep"): shown as the runtime writes it
        if self.ch:
            text = _("G{g} blocks ({reason} on {ch}); P{p} looks for other work.")
        else:
            text = _("G{g} blocks ({reason}); P{p} looks for other work.")
        return text.format(g=self.g, reason=self.reason, ch=self.ch, p=self.p)


@dataclass(frozen=True, slots=True)
class Wake(Event):
    by: int | None = None
    reason: str = ""
    displaced: int | None = None
    overflow: bool = False

    def describe(self) -> str:
        if self.by is not None:
            text = _("G{by}'s {reason} wakes G{g} into P{p}'s runnext")
        else:
            text = _("A {reason} wakes G{g} into P{p}'s runnext")
        text = text.format(by=self.by, reason=_reason(self.reason), g=self.g, p=self.p)
        return _kicked(text, self.displaced, self.p, self.overflow)


@dataclass(frozen=True, slots=True)
class Steal(Event):
    victim: int = 0
    count: int = 0
    runnext: bool = False

    def describe(self) -> str:
        if self.runnext:
            text = _("P{p} (M{m}, spinning) finds no queued work anywhere, so, as a last resort, "
                     "it steals G{g} from P{victim}'s runnext.")
        elif self.count == 1:
            text = _("P{p} (M{m}, spinning) steals 1 G, half of P{victim}'s queue rounded up: runs G{g}.")
        elif self.count == 2:
            text = _("P{p} (M{m}, spinning) steals 2 Gs, half of P{victim}'s queue rounded up: "
                     "runs G{g}; 1 G goes to its queue.")
        else:
            text = _("P{p} (M{m}, spinning) steals {n} Gs, half of P{victim}'s queue rounded up: "
                     "runs G{g}; {rest} Gs go to its queue.")
        return text.format(p=self.p, m=self.m, g=self.g, victim=self.victim, n=self.count, rest=self.count - 1)


@dataclass(frozen=True, slots=True)
class Handoff(Event):
    to_m: int | None = None
    blocking: bool = False
    outcome: str = ""

    def describe(self) -> str:
        why = (_("the syscall is known to block, so the P is given away at once")
               if self.blocking else _("sysmon retakes it: the syscall outlasted a sysmon tick"))
        # outcome: what handoffp did, written by whygo.sched.syscall in the running edition
        return _("M{m} is stuck in a syscall with G{g}; {why}. P{p} {outcome}.").format(
            m=self.m, g=self.g, why=why, p=self.p, outcome=self.outcome)


@dataclass(frozen=True, slots=True)
class Preempt(Event):
    ran_us: float = 0.0         # how long this G ran
    slice_us: float = 0.0       # how long the P's time slice lasted (shared through runnext)

    def describe(self) -> str:
        if self.slice_us > self.ran_us:
            text = _("sysmon preempts G{g} on P{p} after {ran} µs of a time slice shared through "
                     "runnext that has lasted {slice} µs (limit 10 ms); it goes to the tail of the "
                     "global queue.")
        else:
            text = _("sysmon preempts G{g} on P{p} after a {ran} µs time slice (limit 10 ms); it goes "
                     "to the tail of the global queue.")
        return text.format(g=self.g, p=self.p, ran=f"{self.ran_us:g}", slice=f"{self.slice_us:g}")


@dataclass(frozen=True, slots=True)
class GlobalBatch(Event):
    count: int = 0

    def describe(self) -> str:
        if self.count == 1:
            text = _("P{p}'s local queue is empty: it takes 1 G from the global queue and runs G{g}.")
        elif self.count == 2:
            text = _("P{p}'s local queue is empty: it takes 2 Gs from the global queue and runs G{g}; "
                     "1 G goes to its local queue.")
        else:
            text = _("P{p}'s local queue is empty: it takes {n} Gs from the global queue and runs G{g}; "
                     "{rest} Gs go to its local queue.")
        return text.format(p=self.p, g=self.g, n=self.count, rest=self.count - 1)


@dataclass(frozen=True, slots=True)
class Fairness(Event):
    schedtick: int = 0

    def describe(self) -> str:
        return _("P{p}'s schedtick is {tick}, a multiple of 61: it checks the global queue before "
                 "its own and takes G{g}, so global Gs cannot starve.").format(p=self.p, tick=self.schedtick, g=self.g)


@dataclass(frozen=True, slots=True)
class GoschedToGlobal(Event):
    def describe(self) -> str:
        return _("G{g} calls runtime.Gosched(): it goes to the tail of the GLOBAL queue, not P{p}'s "
                 "local one.").format(g=self.g, p=self.p)


@dataclass(frozen=True, slots=True)
class RunqOverflow(Event):
    moved: tuple[int, ...] = ()

    def describe(self) -> str:
        if len(self.moved) == 1:    # not with a real queue (half of 2 or more, plus one)
            text = _("P{p}'s local queue is full: its older half plus G{g}, 1 G, move to the global "
                     "queue in one batch (runqputslow).")
        else:
            text = _("P{p}'s local queue is full: its older half plus G{g}, {n} Gs, move to the global "
                     "queue in one batch (runqputslow).")
        return text.format(p=self.p, g=self.g, n=len(self.moved))


@dataclass(frozen=True, slots=True)
class Exit(Event):
    def describe(self) -> str:
        return _("G{g} exits on P{p}.").format(g=self.g, p=self.p)


@dataclass(frozen=True, slots=True)
class SyscallEnter(Event):
    us: float = 0.0
    blocking: bool = False

    def describe(self) -> str:
        if self.blocking:
            text = _("G{g} enters a blocking syscall ({us} µs); M{m} blocks in the kernel with it.")
        else:
            text = _("G{g} enters a syscall ({us} µs); M{m} blocks in the kernel with it.")
        return text.format(g=self.g, us=f"{self.us:g}", m=self.m)


@dataclass(frozen=True, slots=True)
class SyscallExit(Event):
    outcome: str = ""

    def describe(self) -> str:
        # outcome: written by whygo.sched.syscall in the running edition
        return _("G{g}'s syscall returns on M{m}: {outcome}.").format(g=self.g, m=self.m, outcome=self.outcome)


@dataclass(frozen=True, slots=True)
class Spinning(Event):
    def describe(self) -> str:
        return _("A G became runnable: wakep starts M{m} spinning on idle P{p} to look for work.").format(
            m=self.m, p=self.p)


@dataclass(frozen=True, slots=True)
class Idle(Event):
    def describe(self) -> str:
        return _("M{m} found no work anywhere: P{p} goes idle and M{m} parks.").format(m=self.m, p=self.p)


EVENT_TYPES = (Spawn, Run, Block, Wake, Steal, Handoff, Preempt, GlobalBatch, Fairness,
               GoschedToGlobal, RunqOverflow, Exit, SyscallEnter, SyscallExit, Spinning, Idle)
