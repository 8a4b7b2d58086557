"""Workloads for the stack model and the snapshot sequences the player shows.

A workload is a list of operations: ``CallOp`` (enter a function with a frame
of some size, maybe holding a pointer), ``RetOp`` (return) and ``GCOp`` (a
GC cycle scans the stack and may shrink it). ``simulate`` runs one on a
``GStack`` and returns one snapshot per operation; ``frames`` picks at most
~40 of them for the animation player, always keeping the grow and shrink
steps.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from whygo.stack.model import (Call, GStack, Grow, PointerAdjusted, Return, Shrink,
                               ShrinkSkipped, StackModelError, StackSnapshot)


@dataclass(frozen=True)
class CallOp:
    name: str
    frame_size: int
    points_to: int | str | None = None   # frame index, "heap", or None


@dataclass(frozen=True)
class RetOp:
    pass


@dataclass(frozen=True)
class GCOp:
    """A GC cycle reaches this goroutine's stack (shrinkstack); flags make shrinking unsafe."""
    in_syscall: bool = False
    at_async_safe_point: bool = False
    parking_on_chan: bool = False


Op = CallOp | RetOp | GCOp


def recursion(depth: int, frame_size: int, *, pointers: bool = True, gcs: int = 2) -> list[Op]:
    """``main`` calls ``f`` recursively ``depth`` times, returns all the way, then ``gcs`` GC cycles.

    With ``pointers``, every ``f`` frame holds ``&x`` of the frame below it
    (a pointer into the stack), and ``main`` holds a pointer to the heap.
    """
    if not isinstance(depth, int) or depth < 0:
        raise StackModelError(f"depth={depth!r}: pass the recursion depth, an int >= 0")
    ops: list[Op] = [CallOp("main", 64, "heap" if pointers else None)]
    for i in range(depth):
        ops.append(CallOp(f"f{i + 1}", frame_size, i if pointers else None))
    ops += [RetOp() for _ in range(depth)]
    ops += [GCOp() for _ in range(gcs)]
    return ops


def _kib(n: int) -> str:
    return f"{n // 1024} KiB" if n >= 1024 and n % 1024 == 0 else f"{n:,} B"


def describe(op: Op, events: list, g: GStack) -> str:
    """One plain-words sentence for a step."""
    grow = next((e for e in events if isinstance(e, Grow)), None)
    shrink = next((e for e in events if isinstance(e, Shrink)), None)
    skipped = next((e for e in events if isinstance(e, ShrinkSkipped)), None)
    adjusted = sum(isinstance(e, PointerAdjusted) for e in events)
    call = next((e for e in events if isinstance(e, Call)), None)
    ptrs = (f"; adjustpointers rebased {adjusted} pointer{'s' * (adjusted != 1)} into the stack"
            if adjusted else "")
    if grow:
        return (f"{call.name} needs a {call.frame_size} B frame but SP would cross stackguard0: "
                f"newstack grows the stack {_kib(grow.old_size)} -> {_kib(grow.new_size)} and "
                f"copystack copies the {grow.copied_bytes:,} used bytes{ptrs}.")
    if shrink:
        return (f"GC: the stack uses under a quarter of {_kib(shrink.old_size)}, so shrinkstack "
                f"halves it to {_kib(shrink.new_size)}, copying {shrink.copied_bytes:,} B{ptrs}.")
    if skipped:
        return f"GC scans the stack and leaves its size: {skipped.reason}."
    if call:
        return (f"call {call.name}: frame of {call.frame_size} B, "
                f"{g.hi - g.sp:,} of {g.size:,} B in use.")
    ret = next((e for e in events if isinstance(e, Return)), None)
    if ret:
        return f"{ret.name} returns: {g.hi - g.sp:,} of {g.size:,} B in use (the stack keeps its size until a GC shrinks it)."
    return ""


def simulate(ops: list[Op], g: GStack | None = None) -> list[StackSnapshot]:
    """Run ``ops`` on ``g`` (a fresh 2 KiB stack by default): one snapshot per operation."""
    g = g or GStack()
    snaps = [StackSnapshot(g.image(), g.stackguard0, None, (), (), g.stats(),
                           f"A new goroutine: a {_kib(g.size)} stack, nothing on it yet.")]
    for op in ops:
        before = g.image()
        if isinstance(op, CallOp):
            events = g.call(op.name, op.frame_size, op.points_to)
        elif isinstance(op, RetOp):
            events = g.ret()
        elif isinstance(op, GCOp):
            events = g.shrink(in_syscall=op.in_syscall, at_async_safe_point=op.at_async_safe_point,
                              parking_on_chan=op.parking_on_chan)
        else:
            raise StackModelError(f"unknown operation {op!r}: use CallOp, RetOp or GCOp")
        copied = any(isinstance(e, (Grow, Shrink)) for e in events)
        snaps.append(StackSnapshot(
            g.image(), g.stackguard0, before if copied else None,
            tuple(e for e in events if isinstance(e, PointerAdjusted)), tuple(events),
            g.stats(), describe(op, events, g)))
    return snaps


def frames(ops: list[Op] | None = None, *, limit: int = 40) -> list[StackSnapshot]:
    """At most ``limit`` snapshots of ``ops`` (default: a 24-deep recursion of 200 B frames).

    Grow and shrink steps are always kept; the other steps are sampled evenly, and a
    frame that follows skipped steps says so at the start of its caption ("(3 steps not
    shown) call f: ..."), so that the player never passes calls over in silence.
    """
    snaps = simulate(ops if ops is not None else recursion(24, 200))
    if len(snaps) <= limit:
        return snaps
    key = [i for i, s in enumerate(snaps) if s.old is not None or i in (0, len(snaps) - 1)]
    rest = [i for i in range(len(snaps)) if i not in set(key)]
    room = max(limit - len(key), 0)
    picked = set(key) | {rest[round(k * (len(rest) - 1) / max(room - 1, 1))] for k in range(room)} \
        if room and rest else set(key)
    out, previous = [], None
    for i in sorted(picked):
        gap = 0 if previous is None else i - previous - 1
        snap = snaps[i]
        if gap:
            snap = replace(snap, caption=f"({gap} step{'s' * (gap != 1)} not shown) {snap.caption}")
        out.append(snap)
        previous = i
    return out
