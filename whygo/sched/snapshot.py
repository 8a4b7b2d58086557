"""Frozen snapshots of the scheduler, one per animation frame.

A snapshot holds only ids, strings and tuples, so a view can draw it and a
test can compare it without touching the live model.
"""
from __future__ import annotations

from dataclasses import dataclass

from .events import Event


@dataclass(frozen=True, slots=True)
class PSnap:
    id: int
    status: str                 # _Pidle or _Prunning
    m: int | None
    curg: int | None            # the G its M is running (or holds in a syscall)
    in_syscall: bool
    runnext: int | None
    runq: tuple[int, ...]
    schedtick: int


@dataclass(frozen=True, slots=True)
class MSnap:
    id: int
    state: str                  # running, spinning, syscall, idle
    p: int | None
    g: int | None


@dataclass(frozen=True, slots=True)
class Snapshot:
    t: float
    procs: tuple[PSnap, ...]
    global_runq: tuple[int, ...]
    ms: tuple[MSnap, ...]
    waiting: tuple[tuple[int, str], ...]   # (G, "chan receive on ping") for parked Gs
    runq_size: int
    event: Event | None = None
    caption: str = ""
