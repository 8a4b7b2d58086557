"""The page heap and the central span lists.

Mirrors runtime/mheap.go (``mheap.alloc``, ``initSpan``, ``freeSpan``) and
runtime/mcentral.go (``mcentral.cacheSpan``, ``uncacheSpan``, ``grow``).

* ``MHeap`` hands out runs of 8 KiB pages. The model keeps a sorted list of
  free page runs and takes the lowest one that fits (the real runtime uses a
  radix tree of bitmaps, ``pageAlloc``, that also finds the lowest address
  first); when nothing fits it grows the arena at the top.
* One ``MCentral`` per span class keeps spans that still have free slots
  (``partial``) and spans that are full (``full``). An mcache that runs out
  of slots gives its full span back and takes a partial one; only when there
  is none does mcentral ask mheap for fresh pages (``grow``).

The real mcentral splits each list into swept/unswept halves for concurrent
sweeping; the model sweeps all at once (see ``Heap.sweep``), so one list each.
Locks, which the model leaves out: mcentral has none (its lists are lock-free
``spanSet``s, mspanset.go); mheap.allocSpan takes ``mheap_.lock`` unless the
P's page cache can serve the pages.
"""
from __future__ import annotations

from whygo.alloc.layout import SpanLayout
from whygo.alloc.mspan import MSpan
from whygo.alloc.sizeclasses import SizeClassTable

ARENA_BASE = 0xc000000000  # where the first heap arena lives on linux/amd64


class MHeap:
    """runtime/mheap.go: mheap: pages in, spans out."""

    def __init__(self, table: SizeClassTable, layout: SpanLayout):
        self.table = table
        self.layout = layout
        self.page_size = 1 << table.PageShift
        self.arena_used = 0                       # pages ever taken from the OS
        self.free: list[tuple[int, int]] = []     # (first page, npages), sorted, coalesced
        self.spans: dict[int, MSpan] = {}         # page index -> span (runtime: spanOf)
        self.pages_in_use = 0
        self.pages_allocated = 0                  # pages handed out over the heap's life
        self.spans_allocated = 0

    def alloc(self, npages: int, spanclass: int) -> MSpan:
        """runtime/mheap.go: mheap.alloc + initSpan: ``npages`` pages as a span of ``spanclass``."""
        page = None
        for i, (first, n) in enumerate(self.free):
            if n >= npages:
                page = first
                if n == npages:
                    del self.free[i]
                else:
                    self.free[i] = (first + npages, n - npages)
                break
        if page is None:
            page = self.arena_used
            self.arena_used += npages
        base = ARENA_BASE + page * self.page_size
        nbytes = npages * self.page_size
        sizeclass = spanclass >> 1
        if sizeclass == 0:  # a large object: one slot as big as the span
            elemsize, nelems = nbytes, 1
        else:
            elemsize = self.table.size_to_size[sizeclass]
            nelems = self.layout.nelems(elemsize, nbytes, bool(spanclass & 1))
        self.spans_allocated += 1
        s = MSpan(spanclass, base, npages, elemsize, nelems, span_id=self.spans_allocated)
        for p in range(page, page + npages):
            self.spans[p] = s
        self.pages_in_use += npages
        self.pages_allocated += npages
        return s

    def free_span(self, s: MSpan) -> None:
        """runtime/mheap.go: freeSpan: the span's pages become free again (coalesced)."""
        first = (s.base - ARENA_BASE) // self.page_size
        for p in range(first, first + s.npages):
            del self.spans[p]
        self.pages_in_use -= s.npages
        runs = sorted(self.free + [(first, s.npages)])
        merged: list[tuple[int, int]] = []
        for f, n in runs:
            if merged and merged[-1][0] + merged[-1][1] == f:
                merged[-1] = (merged[-1][0], merged[-1][1] + n)
            else:
                merged.append((f, n))
        self.free = merged

    def span_of(self, addr: int) -> MSpan | None:
        """runtime/mheap.go: spanOf: the span holding ``addr``, or None."""
        return self.spans.get((addr - ARENA_BASE) // self.page_size)


class MCentral:
    """runtime/mcentral.go: mcentral: the spans of one span class not held by any mcache."""

    def __init__(self, spanclass: int, heap: MHeap):
        self.spanclass = spanclass
        self.heap = heap
        self.partial: list[MSpan] = []   # have free slots
        self.full: list[MSpan] = []      # no free slot
        self.grows = 0

    def cache_span(self) -> MSpan:
        """runtime/mcentral.go: cacheSpan: a span with a free slot, for an mcache."""
        if self.partial:
            return self.partial.pop()
        return self.grow()

    def uncache_span(self, s: MSpan) -> None:
        """runtime/mcentral.go: uncacheSpan: an mcache gives a span back."""
        (self.partial if s.alloc_count < s.nelems else self.full).append(s)

    def grow(self) -> MSpan:
        """runtime/mcentral.go: grow: fresh pages from mheap, SizeClassToNPages of them."""
        self.grows += 1
        npages = self.heap.table.size_to_npages[self.spanclass >> 1]
        return self.heap.alloc(npages, self.spanclass)
