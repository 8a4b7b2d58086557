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

from whygo.i18n import _, pick
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
        raise StackModelError(_("depth={depth}: pass the recursion depth, an int >= 0").format(depth=repr(depth)))
    ops: list[Op] = [CallOp("main", 64, "heap" if pointers else None)]
    for i in range(depth):
        ops.append(CallOp(f"f{i + 1}", frame_size, i if pointers else None))
    ops += [RetOp() for _i in range(depth)]
    ops += [GCOp() for _i in range(gcs)]
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
    if grow:
        if not adjusted:
            text = _("{name} needs a {frame} B frame but SP would cross stackguard0: newstack grows the "
                     "stack {old} -> {new} and copystack copies the {copied} used bytes.")
        elif adjusted == 1:
            text = _("{name} needs a {frame} B frame but SP would cross stackguard0: newstack grows the "
                     "stack {old} -> {new} and copystack copies the {copied} used bytes; adjustpointers "
                     "rebased {n} pointer into the stack.")
        else:
            text = _("{name} needs a {frame} B frame but SP would cross stackguard0: newstack grows the "
                     "stack {old} -> {new} and copystack copies the {copied} used bytes; adjustpointers "
                     "rebased {n} pointers into the stack.")
        return text.format(name=call.name, frame=call.frame_size, old=_kib(grow.old_size),
                           new=_kib(grow.new_size), copied=f"{grow.copied_bytes:,}", n=adjusted)
    if shrink:
        if not adjusted:
            text = _("GC: the stack uses under a quarter of {old}, so shrinkstack halves it to {new}, "
                     "copying {copied} B.")
        elif adjusted == 1:
            text = _("GC: the stack uses under a quarter of {old}, so shrinkstack halves it to {new}, "
                     "copying {copied} B; adjustpointers rebased {n} pointer into the stack.")
        else:
            text = _("GC: the stack uses under a quarter of {old}, so shrinkstack halves it to {new}, "
                     "copying {copied} B; adjustpointers rebased {n} pointers into the stack.")
        return text.format(old=_kib(shrink.old_size), new=_kib(shrink.new_size),
                           copied=f"{shrink.copied_bytes:,}", n=adjusted)
    if skipped:
        return _("GC scans the stack and leaves its size: {reason}.").format(reason=skipped.reason)
    if call:
        return _("call {name}: frame of {frame} B, {used} of {size} B in use.").format(
            name=call.name, frame=call.frame_size, used=f"{g.hi - g.sp:,}", size=f"{g.size:,}")
    ret = next((e for e in events if isinstance(e, Return)), None)
    if ret:
        return _("{name} returns: {used} of {size} B in use (the stack keeps its size until a GC "
                 "shrinks it).").format(name=ret.name, used=f"{g.hi - g.sp:,}", size=f"{g.size:,}")
    return ""


def simulate(ops: list[Op], g: GStack | None = None) -> list[StackSnapshot]:
    """Run ``ops`` on ``g`` (a fresh 2 KiB stack by default): one snapshot per operation."""
    g = g or GStack()
    snaps = [StackSnapshot(g.image(), g.stackguard0, None, (), (), g.stats(),
                           _("A new goroutine: a {size} stack, nothing on it yet.").format(size=_kib(g.size)))]
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
            raise StackModelError(_("unknown operation {op}: use CallOp, RetOp or GCOp").format(op=repr(op)))
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
            note = _("({n} step not shown)") if gap == 1 else _("({n} steps not shown)")
            snap = replace(snap, caption=note.format(n=gap) + pick(" ", "") + snap.caption)
        out.append(snap)
        previous = i
    return out
