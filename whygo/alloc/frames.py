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
from whygo.i18n import _


def tour() -> list[MCacheSnapshot]:
    """A scripted walk through the allocation paths (<= 40 snapshots)."""
    h = Heap(track=True)
    snaps = [h.snapshot(caption=_("An empty mcache: every span class points at the empty "
                                  "placeholder span, so the first allocation of each class refills."))]

    def alloc(size: int, noscan: bool = True, show: bool = True) -> int:
        addr = h.mallocgc(size, noscan)
        if show:
            snaps.append(h.snapshot())
        return addr

    for size in (3, 5, 8, 4):        # tiny: new block, packed, packed at 8, new block
        alloc(size)
    for _i in range(7):               # 1280 B: 6 per span, the 7th refills
        alloc(1200)
    for _i in range(61):              # fill 24 B slots up to a window boundary
        alloc(24, show=False)
    for _i in range(5):               # slots 61..65: 63 and 64 go through nextFree
        alloc(24)
    alloc(100, noscan=False)         # a pointerful object: the scan span class
    alloc(40_000)                    # large: its own 5 pages
    alloc(0)                         # zerobase
    live = [a for i, a in enumerate(h.objects) if i % 3 == 0]
    ev = h.sweep(live)
    snaps.append(h.snapshot(caption=_(
        "GC: {objects} unreachable objects freed, {spans} empty spans returned to mheap. The mcache "
        "gave its spans back; the survivors' mark bits are the new allocBits.").format(
            objects=ev.freed_objects, spans=ev.freed_spans)))
    for _i in range(4):               # reuse: nextFreeFast skips the live slots
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
            snaps.append(h.snapshot(caption=_(
                "After {n} allocations: {asked} B requested, {used} B used ({waste}% rounding waste), "
                "{tiny} tiny objects packed into existing blocks, {refills} refills.").format(
                    n=f"{i:,}", asked=f"{s.bytes_requested:,}", used=f"{s.bytes_used:,}",
                    waste=f"{100 * s.waste / max(s.bytes_used, 1):.1f}", tiny=f"{s.tiny_allocs:,}",
                    refills=s.refills)))
    return snaps
