"""Workloads: what each goroutine does, written as plain data.

A workload is either a sequence of actions (a list or tuple) or a small Python
function that returns an iterable of actions (a generator is fine). Actions are
frozen dataclasses made by the lower-case helpers below::

    worker = [compute(50), send("results"), exit()]
    main = [spawn(worker, "worker")] * 4 + [recv("results")] * 4

Time is simulated microseconds. Channels are named by strings and declared
when the simulation starts (``channels={"results": 0}``: 0 is unbuffered).

Mistakes in a workload raise ``WorkloadError`` naming the goroutine and the
action, never a traceback from deep inside the scheduler. A program whose
goroutines all block forever raises ``DeadlockError``, worded like Go's own
``fatal error: all goroutines are asleep - deadlock!``.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Real
from typing import Union

from whygo.i18n import N_, _


class WorkloadError(ValueError):
    """A workload asks for something the simulator cannot do."""


class DeadlockError(WorkloadError):
    """Every remaining goroutine waits on a channel that nobody will touch."""


@dataclass(frozen=True, slots=True)
class Compute:
    """Run Go code on the CPU for ``us`` simulated microseconds."""
    us: float

    def __str__(self) -> str:
        return f"compute({self.us:g})"


@dataclass(frozen=True, slots=True)
class Send:
    """``ch <- v``: blocks when nobody receives and the buffer is full."""
    ch: str

    def __str__(self) -> str:
        return f"send({self.ch!r})"


@dataclass(frozen=True, slots=True)
class Recv:
    """``<-ch``: blocks when nobody sends and the buffer is empty."""
    ch: str

    def __str__(self) -> str:
        return f"recv({self.ch!r})"


@dataclass(frozen=True, slots=True)
class Sleep:
    """``time.Sleep``: park on a timer for ``us`` microseconds."""
    us: float

    def __str__(self) -> str:
        return f"sleep({self.us:g})"


@dataclass(frozen=True, slots=True)
class Syscall:
    """A system call lasting ``us``; ``blocking`` means known in advance to block
    (the runtime's ``entersyscallblock``), which gives the P away at once."""
    us: float
    blocking: bool = False

    def __str__(self) -> str:
        return f"syscall({self.us:g}{', blocking=True' if self.blocking else ''})"


@dataclass(frozen=True, slots=True)
class Gosched:
    """``runtime.Gosched()``: yield the P; the G goes to the global queue."""

    def __str__(self) -> str:
        return "gosched()"


@dataclass(frozen=True, slots=True, eq=False)
class Spawn:
    """``go f()``: start a new goroutine running ``workload``."""
    workload: object
    name: str = ""

    def __str__(self) -> str:
        return f"spawn({self.name or 'workload'})"


@dataclass(frozen=True, slots=True)
class Exit:
    """Return from the goroutine's function (also implied at the end)."""

    def __str__(self) -> str:
        return "exit()"


Action = Union[Compute, Send, Recv, Sleep, Syscall, Gosched, Spawn, Exit]
Workload = Union[Sequence[Action], Callable[[], Iterable[Action]]]
ACTION_TYPES = (Compute, Send, Recv, Sleep, Syscall, Gosched, Spawn, Exit)


def compute(us: float) -> Compute:
    return Compute(us)


def send(ch: str) -> Send:
    return Send(ch)


def recv(ch: str) -> Recv:
    return Recv(ch)


def sleep(us: float) -> Sleep:
    return Sleep(us)


def syscall(us: float, blocking: bool = False) -> Syscall:
    return Syscall(us, blocking)


def gosched() -> Gosched:
    return Gosched()


def spawn(workload: Workload, name: str = "") -> Spawn:
    return Spawn(workload, name)


def exit() -> Exit:  # noqa: A001 - mirrors the brief's vocabulary
    return Exit()


HELP = N_("use compute(us), send(ch), recv(ch), sleep(us), syscall(us), gosched(), spawn(workload) or exit()")


def where(gid: int, name: str, index: int, action: object) -> str:
    """How error messages name a goroutine's action: 'goroutine 3 (worker), action [2] compute(-1)'.

    ``index`` is the position of the action in the workload, counted from 0 like a list index.
    """
    if name:
        return _("goroutine {gid} ({name}), action [{index}] {action}").format(
            gid=gid, name=name, index=index, action=action)
    return _("goroutine {gid}, action [{index}] {action}").format(gid=gid, index=index, action=action)


def check_action(action: object, gid: int, name: str, index: int,
                 channels: Mapping[str, object]) -> None:
    """Raise WorkloadError if ``action`` cannot run; the message says what to do."""
    if not isinstance(action, ACTION_TYPES):
        raise WorkloadError(_("{where}: not an action; {help}").format(
            where=where(gid, name, index, repr(action)), help=_(HELP)))
    if isinstance(action, (Compute, Sleep, Syscall)):
        us = action.us
        if isinstance(us, bool) or not isinstance(us, Real) or us != us or us < 0 or us == float("inf"):
            raise WorkloadError(_("{where}: the duration must be a finite number of microseconds >= 0 "
                                  "(got {us})").format(where=where(gid, name, index, action), us=repr(us)))
    elif isinstance(action, (Send, Recv)):
        if action.ch not in channels:
            known = ", ".join(repr(c) for c in channels) or _("none")
            raise WorkloadError(_("{where}: unknown channel {ch}; declare it in channels={{...}} "
                                  "(declared: {known})").format(where=where(gid, name, index, action),
                                                                ch=repr(action.ch), known=known))
    elif isinstance(action, Spawn):
        w = action.workload
        if not (callable(w) or isinstance(w, (list, tuple))):
            raise WorkloadError(_("{where}: the workload must be a list of actions or a function "
                                  "returning them (got {kind})").format(where=where(gid, name, index, action),
                                                                        kind=type(w).__name__))


def actions_of(workload: object, gid: int, name: str) -> Iterable[object]:
    """The iterable of actions a new goroutine will run."""
    if isinstance(workload, (list, tuple)):
        return workload
    if callable(workload):
        try:
            return workload()
        except Exception as exc:  # a student's generator function failed to start
            raise WorkloadError(_("goroutine {gid} ({name}): calling the workload function failed: {exc}")
                                .format(gid=gid, name=name or "workload", exc=repr(exc))) from exc
    raise WorkloadError(_("goroutine {gid} ({name}): a workload must be a list of actions or a function "
                          "returning them (got {kind})").format(gid=gid, name=name or "workload",
                                                                kind=type(workload).__name__))
