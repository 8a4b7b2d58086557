"""Immutable snapshots and typed events of the GC model (what views and tests read).

A :class:`GCSnapshot` is taken after each step: every object with its colour,
the roots with their scan state, the last mutator write, what the barrier
shaded on this step, the phase and a plain-words ``caption``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from .invariants import Violation


# -- events (NamedTuples: immutable and cheap; the marker makes one per object) --
class PhaseChange(NamedTuple):
    old: str
    new: str


class Alloc(NamedTuple):
    obj: str
    colour: str          # black during marking (gcmarknewobject), else white


class Write(NamedTuple):
    """A mutator pointer write into a heap object (or ``globals``) and what its barrier shaded."""
    owner: str
    slot: str
    old: str | None
    new: str | None
    shaded: tuple[str, ...]


class Shade(NamedTuple):
    obj: str
    by: str              # "root" | "scan" | "barrier" | "flush"


class Scan(NamedTuple):
    node: str            # an object, "globals" or a goroutine stack
    rescan: bool = False


class Flush(NamedTuple):
    """wbBufFlush1: a P's write-barrier buffer handed its pointers to the marker."""
    p: str
    objs: tuple[str, ...]


class Free(NamedTuple):
    obj: str


class Lost(NamedTuple):
    """A reachable object is still white at mark termination: the sweeper will free it."""
    obj: str


Event = PhaseChange | Alloc | Write | Shade | Scan | Flush | Free | Lost


# -- snapshot ------------------------------------------------------------
@dataclass(frozen=True)
class ObjectView:
    name: str
    colour: str                                     # white | grey | black
    fields: tuple[tuple[str, str | None], ...]
    queued: bool = False                            # waiting in a wbBuf


@dataclass(frozen=True)
class RootView:
    name: str                                       # "globals" or a goroutine
    kind: str                                       # "globals" | "stack"
    slots: tuple[tuple[str, str | None], ...]
    state: str                                      # "-" (GC off) | "grey" | "black" | "rescan"


@dataclass(frozen=True)
class GCStats:
    cycles: int = 0
    stack_scans: int = 0
    stack_rescans: int = 0
    objects_scanned: int = 0
    barrier_calls: int = 0
    barrier_shades: int = 0      # objects turned grey by the barrier (at once or at a wbBuf flush)
    wbbuf_flushes: int = 0
    allocated_black: int = 0
    freed: int = 0
    lost: int = 0


@dataclass(frozen=True)
class GCSnapshot:
    step: int
    text: str                                       # the schedule line just run ("" at start)
    phase: str
    cycle: int
    barrier: str
    objects: tuple[ObjectView, ...]
    roots: tuple[RootView, ...]
    last_write: Write | None
    shaded: tuple[str, ...]                         # greyed or queued by the barrier this step
    scanned: str | None                             # node the collector scanned this step
    freed: tuple[str, ...]                          # freed this step
    dangling: tuple[str, ...]                       # freed objects something still points to
    lost: tuple[str, ...]                           # reachable objects lost so far
    violations: tuple[Violation, ...]
    wbbuf: tuple[tuple[str, tuple[str, ...]], ...]  # (P, buffered objects)
    stats: GCStats
    events: tuple[Event, ...]
    caption: str

    def colour(self, name: str) -> str:
        for o in self.objects:
            if o.name == name:
                return o.colour
        raise KeyError(f"no object {name!r} in this snapshot (objects: "
                       f"{', '.join(o.name for o in self.objects)})")
