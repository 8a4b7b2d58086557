"""Snapshot sequences of the allocator for the animation player.

``tour()`` walks through every path of ``mallocgc`` in about 30 frames: the
tiny allocator, the first span of a class, the ``nextFreeFast`` fast path, a
64-slot window boundary (``nextFree``), a refill, a large object, a zero-size
allocation, and a GC sweep after which the next allocations fill the holes.
``workload_frames()`` shows a seeded metric-label workload filling an mcache.
"""
from __future__ import annotations

from whygo.alloc.malloc import Heap, MCacheSnapshot
from whygo.alloc.workload import metric_labels


def tour() -> list[MCacheSnapshot]:
    """A scripted walk through the allocation paths (<= 40 snapshots)."""
    h = Heap(track=True)
    snaps = [h.snapshot(caption="An empty mcache: every span class points at the empty "
                                "placeholder span, so the first allocation of each class refills.")]

    def alloc(size: int, noscan: bool = True, show: bool = True) -> int:
        addr = h.mallocgc(size, noscan)
        if show:
            snaps.append(h.snapshot())
        return addr

    for size in (3, 5, 8, 4):        # tiny: new block, packed, packed at 8, new block
        alloc(size)
    for _ in range(7):               # 1280 B: 6 per span, the 7th refills
        alloc(1200)
    for _ in range(61):              # fill 24 B slots up to a window boundary
        alloc(24, show=False)
    for _ in range(5):               # slots 61..65: 63 and 64 go through nextFree
        alloc(24)
    alloc(100, noscan=False)         # a pointerful object: the scan span class
    alloc(40_000)                    # large: its own 5 pages
    alloc(0)                         # zerobase
    live = [a for i, a in enumerate(h.objects) if i % 3 == 0]
    ev = h.sweep(live)
    snaps.append(h.snapshot(caption=(
        f"GC: {ev.freed_objects} unreachable objects freed, {ev.freed_spans} empty spans "
        f"returned to mheap. The mcache gave its spans back; the survivors' mark bits are the "
        f"new allocBits.")))
    for _ in range(4):               # reuse: nextFreeFast skips the live slots
        alloc(24)
    return snaps


def workload_frames(n: int = 3000, seed: int = 1, limit: int = 30) -> list[MCacheSnapshot]:
    """``limit`` snapshots evenly spread over ``n`` metric-label allocations."""
    h = Heap()
    reqs = metric_labels(n, seed)
    every = max(1, n // limit)
    snaps = []
    for i, (size, noscan) in enumerate(reqs, 1):
        h.mallocgc(size, noscan)
        if i % every == 0 and len(snaps) < limit:
            s = h.stats()
            snaps.append(h.snapshot(caption=(
                f"After {i:,} allocations: {s.bytes_requested:,} B requested, {s.bytes_used:,} B "
                f"used ({100 * s.waste / max(s.bytes_used, 1):.1f}% rounding waste), "
                f"{s.tiny_allocs:,} tiny objects packed into existing blocks, {s.refills} refills.")))
    return snaps
