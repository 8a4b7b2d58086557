"""The allocator model: ``mallocgc`` over per-P mcaches, mcentral and mheap.

Mirrors runtime/malloc.go (``mallocgc``, ``mallocgcTiny``,
``mallocgcSmallNoscan``, ``mallocgcSmallScanNoHeader``,
``mallocgcSmallScanHeader``, ``mallocgcLarge``, ``mcache.nextFree``) and
runtime/mcache.go (``mcache``, ``refill``, ``allocLarge``, ``releaseAll``).

The path of one allocation of ``size`` bytes, as in the pinned runtime:

1. ``size == 0``: every zero-size allocation returns ``&zerobase``.
2. noscan and ``size < TinySize`` (16): the *tiny allocator* packs it into
   the current 16-byte block (``c.tiny`` / ``c.tinyoffset``), aligned to 8, 4
   or 2 bytes when the size is a multiple of 8, 4 or 2. When it does not fit,
   a fresh 16-byte block comes from span class 5 (size class 2, noscan:
   ``tinySpanClass``), and it becomes the new tiny block only if it leaves
   more free room than the old one.
3. ``size <= MaxSmallSize - MallocHeaderSize``: round up to a size class;
   pointerful objects above 512 B get an 8-byte malloc header first. The
   slot comes from the P's mcache span of that span class: ``nextFreeFast``
   (one trailing-zeros count on ``allocCache``), else ``nextFree`` (walk the
   bitmap, and if the span is full ``refill`` it from mcentral, which takes a
   partial span or grows from mheap). The mcache belongs to the P, so the
   fast path takes no lock and needs no atomic; mcentral's span lists are
   lock-free span sets (mcentral.go: ``partial``/``full`` are ``spanSet``;
   mspanset.go's ``spineLock`` is taken only to grow a set). A refill that
   needs a new span (mcentral has none with free slots: ``mcentral.grow``)
   takes ``mheap_.lock`` in ``mheap.allocSpan`` unless the P's page cache
   (``pp.pcache``) has the pages and an mspan struct is at hand; growing the
   heap (``mheap.grow``), when the page allocator has no free run, happens
   under that same lock.
4. Anything bigger is a *large object*: its own span of whole pages straight
   from mheap (span class 0), bypassing the mcache.

Addresses are plain ints in a simulated arena at 0xc000000000. Statistics
count bytes requested against bytes used (slot sizes), i.e. the internal
fragmentation the size classes cost. Only rare steps (refill, grow, large,
sweep) are recorded as events; every allocation updates ``last``, from which
snapshots describe the newest allocation.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from whygo.alloc.layout import SpanLayout, load_layout
from whygo.alloc.mheap import MCentral, MHeap
from whygo.alloc.mspan import (MSpan, empty_mspan, make_span_class, next_free_fast,
                               span_class_name)
from whygo.alloc.sizeclasses import SizeClassError, SizeClassTable, class_of, load_table
from whygo.i18n import N_, _

# &zerobase: a variable in the binary's data segment, outside the heap. The
# number is illustrative; what matters is that every zero-size allocation gets it.
ZEROBASE = 0x5a1f40


class AllocError(SizeClassError):
    """A bad request to the allocator model; the message names the argument and the fix."""


# ---------------------------------------------------------------- events

@dataclass(frozen=True)
class Refill:
    """runtime/mcache.go: refill: the P's span of ``spanclass`` was full; it took ``new_span``."""
    p: int
    spanclass: int
    old_span: int      # span id given back to mcentral (0: the empty placeholder)
    new_span: int
    grew: bool         # True if mcentral had no partial span and took pages from mheap


@dataclass(frozen=True)
class LargeAlloc:
    """runtime/mcache.go: allocLarge: ``npages`` pages straight from mheap for one object."""
    p: int
    size: int
    npages: int
    base: int


@dataclass(frozen=True)
class Swept:
    """A GC cycle ended: unmarked objects were freed, empty spans went back to mheap."""
    freed_objects: int
    freed_spans: int


Event = Refill | LargeAlloc | Swept


# ---------------------------------------------------------------- snapshots

@dataclass(frozen=True)
class SpanSnapshot:
    """One mcache span as the view draws it."""
    span_id: int
    spanclass: int
    elemsize: int
    nelems: int
    npages: int
    base: int
    occupied: bytes      # one byte per slot, 1 = allocated
    freeindex: int
    alloc_cache: int     # 64-bit window; bit 0 describes slot ``freeindex``

    @property
    def sizeclass(self) -> int:
        return self.spanclass >> 1

    @property
    def noscan(self) -> bool:
        return bool(self.spanclass & 1)

    @property
    def name(self) -> str:
        return span_class_name(self.spanclass)

    @property
    def window(self) -> tuple[int, int]:
        """Slots [start, end) that allocCache currently describes."""
        end = min(self.nelems, (self.freeindex // 64) * 64 + 64)
        return (min(self.freeindex, end), end)

    @property
    def used(self) -> int:
        return sum(self.occupied)


@dataclass(frozen=True)
class LastAlloc:
    """The newest allocation: what kind, where, and which path served it."""
    kind: str            # "zero", "tiny" (packed into the tiny block), "small", "large"
    addr: int
    size: int            # bytes requested
    spanclass: int       # -1 for zero-size
    path: str            # "zerobase", "tiny block", "nextFreeFast", "nextFree", "refill", "mheap"
    slot: int = -1       # slot index in its span (-1: none)
    span_id: int = 0


@dataclass(frozen=True)
class ClassStat:
    """Totals for one span class."""
    spanclass: int
    elemsize: int
    slots: int           # slots handed out (tiny: 16-byte blocks)
    requested: int       # bytes asked for
    used: int            # slots * elemsize

    @property
    def waste(self) -> int:
        return self.used - self.requested


@dataclass(frozen=True)
class AllocStats:
    allocs: int
    bytes_requested: int
    bytes_used: int
    tiny_allocs: int          # tiny requests packed into an existing block (no slot taken)
    tiny_blocks: int          # 16-byte blocks taken for the tiny allocator
    refills: int
    pages_from_heap: int      # pages mheap handed out (small spans and large objects)
    spans: tuple[tuple[int, int], ...]  # (span class, spans mcentral took from mheap), read-only
    large_allocs: int
    per_class: tuple[ClassStat, ...]

    @property
    def waste(self) -> int:
        return self.bytes_used - self.bytes_requested


@dataclass(frozen=True)
class MCacheSnapshot:
    """What one P's mcache looks like after an allocation."""
    p: int
    spans: tuple[SpanSnapshot, ...]   # the spans in use, by span class
    tiny: int                          # c.tiny: address of the current tiny block (0: none)
    tinyoffset: int
    last: LastAlloc | None
    stats: AllocStats
    caption: str


# ---------------------------------------------------------------- model

class MCache:
    """runtime/mcache.go: mcache: one per P, one span per span class, plus the tiny block."""

    def __init__(self, p: int, heap: "Heap"):
        self.p = p
        self.heap = heap
        self.empty = empty_mspan()
        n = heap.num_span_classes
        self.alloc: list[MSpan] = [self.empty] * n   # mcache.alloc [numSpanClasses]*mspan
        self.tiny = 0
        self.tinyoffset = 0
        self.tiny_span: MSpan | None = None   # the span holding c.tiny (for snapshots)
        self.tiny_allocs = 0

    def next_free(self, spc: int) -> tuple[int, MSpan]:
        """runtime/malloc.go: mcache.nextFree: the slow path after nextFreeFast gave up."""
        s = self.alloc[spc]
        index = s.next_free_index()
        if index == s.nelems:  # the span is full (or is the empty placeholder)
            self.heap._path = "refill" if s is not self.empty else "first span"
            self.refill(spc)
            s = self.alloc[spc]
            index = s.next_free_index()
        else:
            self.heap._path = "nextFree"
        s.alloc_count += 1
        return index * s.elemsize + s.base, s

    def refill(self, spc: int) -> None:
        """runtime/mcache.go: refill: give the full span back to mcentral, take one with room."""
        h = self.heap
        old = self.alloc[spc]
        if old is not self.empty:
            h.central[spc].uncache_span(old)
        central = h.central[spc]
        grows = central.grows
        new = central.cache_span()
        self.alloc[spc] = new
        h.refills += 1
        h.events.append(Refill(self.p, spc, old.span_id, new.span_id, central.grows > grows))

    def release_all(self) -> None:
        """runtime/mcache.go: releaseAll: every span goes back to mcentral when marking ends
        (gcMarkTermination flushes each P's mcache: prepareForSweep -> releaseAll)."""
        for spc, s in enumerate(self.alloc):
            if s is not self.empty:
                self.heap.central[spc].uncache_span(s)
                self.alloc[spc] = self.empty
        self.tiny = 0
        self.tinyoffset = 0
        self.tiny_span = None


class Heap:
    """The whole allocator: ``nprocs`` mcaches, one mcentral per span class, one mheap.

    ``track=True`` keeps every live allocation as ``(addr, size, spanclass)``
    in ``objects`` (tests and small demos; it costs time).
    """

    def __init__(self, nprocs: int = 1, *, track: bool = False,
                 table: SizeClassTable | None = None, layout: SpanLayout | None = None):
        if not isinstance(nprocs, int) or nprocs < 1:
            raise AllocError(_("nprocs={n}: pass the number of Ps, an int >= 1").format(n=repr(nprocs)))
        self.table = t = table or load_table()
        self.layout = layout or load_layout()
        self.num_span_classes = t.NumSizeClasses << 1         # numSpanClasses
        self.tiny_size = t.TinySize
        self.tiny_span_class = make_span_class(t.TinySizeClass, True)  # tinySpanClass
        self.small_max = t.MaxSmallSize - self.layout.malloc_header_size
        self.nprocs = nprocs
        # the lookup constants of mallocgc, bound once (the hot path reads them a million times)
        self.min_size_for_header = self.layout.min_size_for_malloc_header
        self.malloc_header_size = self.layout.malloc_header_size
        self.small_size_max = t.SmallSizeMax
        self.small_size_max_8 = t.SmallSizeMax - 8
        self.small_size_div = t.SmallSizeDiv
        self.large_size_div = t.LargeSizeDiv
        self.size_to_class8 = t.size_to_class8
        self.size_to_class128 = t.size_to_class128
        self.mheap = MHeap(t, self.layout)
        self.central = [MCentral(spc, self.mheap) for spc in range(self.num_span_classes)]
        self.mcaches = [MCache(p, self) for p in range(nprocs)]
        self.events: list[Event] = []
        self.track = track
        self.objects: dict[int, tuple[int, int]] = {}   # addr -> (size, spanclass), if tracking
        # statistics, indexed by span class
        self.slots = [0] * self.num_span_classes
        self.requested = [0] * self.num_span_classes
        self.allocs = 0
        self.refills = 0
        self.large_allocs = 0
        self.large_requested = 0
        self.large_used = 0
        self.zero_allocs = 0
        self.tiny_blocks = 0      # tinySpanClass is also the 16 B noscan class: count blocks apart
        self.last: tuple | None = None
        self._path = ""

    # ------------------------------------------------------------ mallocgc

    def mallocgc(self, size: int, noscan: bool = True, p: int = 0) -> int:
        """runtime/malloc.go: mallocgc: allocate ``size`` bytes on P ``p``; return the address.

        ``noscan`` means the object holds no pointers (``typ == nil ||
        !typ.Pointers()``): only those may use the tiny allocator.
        """
        if size.__class__ is not int or not 0 < size <= self.small_max \
                or p.__class__ is not int or not 0 <= p < self.nprocs:
            return self._mallocgc_other(size, noscan, p)
        c = self.mcaches[p]
        self.allocs += 1
        if noscan and size < self.tiny_size:
            return self._tiny(c, size)
        # mallocgcSmallNoscan / mallocgcSmallScanNoHeader / mallocgcSmallScanHeader
        req = size
        header = 0
        if not noscan and size > self.min_size_for_header:  # !heapBitsInSpan(size)
            header = self.malloc_header_size
            size += header
        if size <= self.small_size_max_8:
            sc = self.size_to_class8[(size + self.small_size_div - 1) // self.small_size_div]
        else:
            sc = self.size_to_class128[(size - self.small_size_max + self.large_size_div - 1)
                                       // self.large_size_div]
        spc = (sc << 1) | noscan
        s = c.alloc[spc]
        # nextFreeFast, inlined as the generated mallocgc of malloc_generated.go
        # does (see mspan.next_free_fast for the commented version).
        cache = s.alloc_cache
        v = 0
        if cache:
            bit = (cache & -cache).bit_length() - 1
            result = s.freeindex + bit
            freeidx = result + 1
            if result < s.nelems and (freeidx & 63 or freeidx == s.nelems):
                s.alloc_cache = cache >> (bit + 1)
                s.freeindex = freeidx
                s.alloc_count += 1
                v = result * s.elemsize + s.base
        if v:
            path = "nextFreeFast"
        else:
            v, s = c.next_free(spc)
            path = self._path
        self.slots[spc] += 1
        self.requested[spc] += req
        v += header
        self.last = ("small", v, req, spc, path, s)
        if self.track:
            self.objects[v] = (req, spc)
        return v

    def _mallocgc_other(self, size, noscan, p) -> int:
        """The rare cases of mallocgc: bad input, zero size, large objects."""
        if not isinstance(size, int) or isinstance(size, bool):
            raise AllocError(_("size {size} is not an int: pass the object size in bytes").format(size=repr(size)))
        if size < 0:
            raise AllocError(_("size {size} is negative: an allocation size is a byte count >= 0").format(size=size))
        if not isinstance(p, int) or not 0 <= p < self.nprocs:
            raise AllocError(_("p={p}: this heap has Ps 0..{last}").format(p=repr(p), last=self.nprocs - 1))
        if size == 0:
            # mallocgc: "Short-circuit zero-sized allocation requests."
            self.allocs += 1
            self.zero_allocs += 1
            self.last = ("zero", ZEROBASE, 0, -1, "zerobase", None)
            return ZEROBASE
        if size > self.small_max:
            return self._large(self.mcaches[p], size, noscan)
        raise AllocError(f"size {size!r} with p={p!r}: not an allocation the model understands")

    def _tiny(self, c: MCache, size: int) -> int:
        """runtime/malloc.go: mallocgcTiny (and its size-specialized twin mallocgcTinySC2)."""
        off = c.tinyoffset
        # "Align tiny pointer for required (conservative) alignment."
        if size & 7 == 0:
            off = (off + 7) & ~7
        elif size & 3 == 0:
            off = (off + 3) & ~3
        elif size & 1 == 0:
            off = (off + 1) & ~1
        spc = self.tiny_span_class
        self.requested[spc] += size
        if off + size <= self.tiny_size and c.tiny != 0:
            # The object fits into the existing tiny block.
            x = c.tiny + off
            c.tinyoffset = off + size
            c.tiny_allocs += 1
            self.last = ("tiny", x, size, spc, "tiny block", c.tiny_span)
            if self.track:
                self.objects[x] = (size, spc)
            return x
        # Allocate a new maxTinySize block.
        s = c.alloc[spc]
        v = next_free_fast(s)
        if v:
            path = "nextFreeFast"
        else:
            v, s = c.next_free(spc)
            path = self._path
        self.slots[spc] += 1
        self.tiny_blocks += 1
        # Keep whichever block has more room left: the new one after this
        # object (maxTinySize - size) or the old one (maxTinySize - tinyoffset).
        if size < c.tinyoffset or c.tiny == 0:
            c.tiny = v
            c.tinyoffset = size
            c.tiny_span = s
        self.last = ("small", v, size, spc, path, s)
        if self.track:
            self.objects[v] = (size, spc)
        return v

    def _large(self, c: MCache, size: int, noscan: bool) -> int:
        """runtime/malloc.go: mallocgcLarge, which takes whole pages through
        mcache.allocLarge (mcache.go) and mheap.alloc (mheap.go), span class 0 or 1."""
        page = self.mheap.page_size
        npages = -(-size // page)
        spc = make_span_class(0, noscan)
        s = self.mheap.alloc(npages, spc)
        self.allocs += 1
        s.freeindex = 1
        s.alloc_count = 1
        s.alloc_cache = 0
        self.central[spc].full.append(s)   # "visible to the background sweeper"
        self.large_allocs += 1
        self.large_requested += size
        self.large_used += npages * page
        self.events.append(LargeAlloc(c.p, size, npages, s.base))
        self.last = ("large", s.base, size, spc, "mheap", s)
        if self.track:
            self.objects[s.base] = (size, spc)
        return s.base

    def new(self, size: int, noscan: bool = True, p: int = 0) -> int:
        """Alias of mallocgc, as the compiler spells ``new(T)`` (runtime.newobject)."""
        return self.mallocgc(size, noscan, p)

    # ------------------------------------------------------------ GC

    def sweep(self, live: Iterable[int]) -> Swept:
        """End a GC cycle in one step: objects not in ``live`` are freed.

        Mirrors the effect of runtime/mgc.go: gcMarkTermination, which ends by
        flushing every P's mcache (prepareForSweep -> releaseAll, mcache.go),
        and of runtime/mgcsweep.go: sweepLocked.sweep (the mark bits become the
        new allocBits, freeindex = 0, refillAllocCache(0); a span with no live
        object goes back to mheap). An address anywhere inside an object keeps it alive; a tiny
        block lives while any object packed into it does.
        """
        for c in self.mcaches:
            c.release_all()
        marks: dict[int, set[int]] = {}
        for addr in live:
            s = self.mheap.span_of(addr)
            if s is None or not s.base <= addr < s.limit:
                continue  # zerobase or not a heap address
            marks.setdefault(id(s), set()).add((addr - s.base) // s.elemsize)
        freed_objects = freed_spans = 0
        for central in self.central:
            spans = central.partial + central.full
            central.partial, central.full = [], []
            for s in spans:
                live_slots = marks.get(id(s), set())
                freed_objects += s.alloc_count - len(live_slots)
                if not live_slots:
                    self.mheap.free_span(s)
                    freed_spans += 1
                    continue
                bits = bytearray(len(s.alloc_bits))
                for i in live_slots:
                    bits[i >> 3] |= 1 << (i & 7)
                s.alloc_bits = bits
                s.alloc_count = len(live_slots)
                s.freeindex = 0
                s.refill_alloc_cache(0)
                central.uncache_span(s)
        if self.track:
            self.objects = {a: v for a, v in self.objects.items() if self._is_live(a)}
        ev = Swept(freed_objects, freed_spans)
        self.events.append(ev)
        return ev

    def _is_live(self, addr: int) -> bool:
        s = self.mheap.span_of(addr)
        if s is None:
            return False
        i = (addr - s.base) // s.elemsize
        if s.spanclass >> 1 == 0:
            return True
        return bool(s.alloc_bits[i >> 3] >> (i & 7) & 1)

    # ------------------------------------------------------------ reading

    def stats(self) -> AllocStats:
        t = self.table
        per = []
        spans: dict[int, int] = {}
        for spc in range(2, self.num_span_classes):
            if self.slots[spc] or self.requested[spc]:
                size = t.size_to_size[spc >> 1]
                per.append(ClassStat(spc, size, self.slots[spc], self.requested[spc],
                                     self.slots[spc] * size))
            if self.central[spc].grows:
                spans[spc] = self.central[spc].grows
        requested = sum(c.requested for c in per) + self.large_requested
        used = sum(c.used for c in per) + self.large_used
        return AllocStats(
            allocs=self.allocs, bytes_requested=requested, bytes_used=used,
            tiny_allocs=sum(c.tiny_allocs for c in self.mcaches),
            tiny_blocks=self.tiny_blocks, refills=self.refills,
            pages_from_heap=self.mheap.pages_allocated, spans=tuple(sorted(spans.items())),
            large_allocs=self.large_allocs, per_class=tuple(per))

    def last_alloc(self) -> LastAlloc | None:
        if not self.last:
            return None
        kind, addr, size, spc, path, s = self.last
        if s is None:
            return LastAlloc(kind, addr, size, spc, path)
        # the slot holding addr (for a tiny object: its 16-byte block)
        return LastAlloc(kind, addr, size, spc, path, (addr - s.base) // s.elemsize, s.span_id)

    def snapshot(self, p: int = 0, caption: str | None = None) -> MCacheSnapshot:
        """An immutable picture of P ``p``'s mcache, with a plain-words caption."""
        c = self.mcaches[p]
        spans = tuple(
            SpanSnapshot(s.span_id, spc, s.elemsize, s.nelems, s.npages, s.base,
                         s.occupancy(), s.freeindex, s.alloc_cache)
            for spc, s in enumerate(c.alloc) if s is not c.empty)
        last = self.last_alloc()
        return MCacheSnapshot(p, spans, c.tiny, c.tinyoffset, last, self.stats(),
                              caption if caption is not None else describe(last, self.table))


def describe(last: LastAlloc | None, table: SizeClassTable) -> str:
    """One sentence on how the newest allocation was served."""
    if last is None:
        return _("An empty mcache: every span class still points at the empty placeholder span.")
    if last.kind == "zero":
        return _("A zero-size allocation: no memory at all, Go returns the address of runtime.zerobase.")
    if last.kind == "large":
        return _("A large object ({size} B, above the {limit} B small-object limit): it skips the mcache "
                 "and gets its own span of whole 8 KiB pages from mheap.").format(
                     size=last.size, limit=table.MaxSmallSize - 8)
    if last.kind == "tiny":
        return _("A tiny noscan object of {size} B: packed into the current 16 B tiny block "
                 "at offset {offset}, no new slot needed.").format(size=last.size, offset=last.addr % 16)
    sc = last.spanclass >> 1
    size = table.size_to_size[sc]
    how = _(_HOW[last.path]) if last.path in _HOW else last.path
    what = _("a new 16 B tiny block") if last.size < 16 and last.spanclass & 1 and sc == table.TinySizeClass \
        else _("{size} B rounded up to size class {sizeclass} ({class_size} B)").format(
            size=last.size, sizeclass=sc, class_size=size)
    kind = "noscan" if last.spanclass & 1 else "scan"
    return _("malloc({size}): {what}, span class {spanclass} ({kind}), slot {slot} {how}.").format(
        size=last.size, what=what, spanclass=last.spanclass, kind=kind, slot=last.slot, how=how)


# How a small object's slot was found (LastAlloc.path), a phrase ending describe()'s sentence.
_HOW = {"nextFreeFast": N_("found by nextFreeFast (one count-trailing-zeros on allocCache)"),
        "nextFree": N_("found by nextFree after the 64-slot allocCache window ran out"),
        "refill": N_("after a refill: the span was full, mcache gave it back to mcentral "
                     "and took one with free slots"),
        "first span": N_("in a span the mcache just took from mcentral (its slot for this "
                         "class held the empty placeholder)")}


def roundupsize(size: int, noscan: bool, table: SizeClassTable | None = None,
                layout: SpanLayout | None = None) -> int:
    """runtime/msize.go: roundupsize: the bytes mallocgc really gives a ``size``-byte request.

    ``append`` uses it (``growslice``) to turn spare slot bytes into capacity,
    which is how a Go program can see the size classes:
    ``cap(append([]byte(nil), make([]byte, 100)...)) == 112``.
    Pointerful objects above 512 B lose the 8-byte malloc header; large
    objects round up to whole pages.
    """
    t = table or load_table()
    lay = layout or load_layout()
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise AllocError(_("size {size}: pass a byte count, an int >= 0").format(size=repr(size)))
    if size <= t.MaxSmallSize - lay.malloc_header_size:
        req = size
        if not noscan and req > lay.min_size_for_malloc_header:
            req += lay.malloc_header_size
        return t.size_to_size[class_of(req, t)] - (req - size)
    page = 1 << t.PageShift
    return -(-size // page) * page

