"""The Go memory allocator as a small, deterministic model.

* ``sizeclasses`` -- the size-class table, parsed at run time from the pinned
  toolchain's ``internal/runtime/gc/sizeclasses.go``; ``size_to_class``.
* ``layout``      -- how many objects a span really holds in the pinned runtime
  (Green Tea inline mark bits, heap bits, malloc headers).
* ``mspan``       -- span classes, spans, ``nextFreeFast`` / ``nextFreeIndex``.
* ``mheap``       -- the page heap and the per-span-class mcentral lists.
* ``malloc``      -- ``Heap.mallocgc``: tiny allocator, mcache, refill, large objects,
  sweep, statistics and snapshots; ``roundupsize``.
* ``workload``    -- a seeded generator of small allocations (metric labels).
* ``frames``      -- snapshot sequences for the animation player.
"""
from whygo.alloc.malloc import ZEROBASE, AllocError, Heap, MCacheSnapshot, roundupsize
from whygo.alloc.sizeclasses import SizeClassError, load_table, size_to_class

__all__ = ["Heap", "MCacheSnapshot", "AllocError", "SizeClassError", "ZEROBASE",
           "load_table", "size_to_class", "roundupsize"]
