"""Spans and span classes: a run of pages cut into equal-size object slots.

Mirrors runtime/mheap.go (``mspan``, ``spanClass``, ``makeSpanClass``) and
the free-slot search of runtime/malloc.go (``nextFreeFast``) and
runtime/mbitmap.go (``nextFreeIndex``, ``refillAllocCache``).

How a span finds a free slot without a free list:

* ``allocBits`` has one bit per slot, 1 = allocated (as of the last sweep).
* ``freeindex`` is the slot where the search resumes; every slot below it is
  taken.
* ``allocCache`` is the *complement* of 64 ``allocBits`` starting at
  ``freeindex``, shifted so bit 0 describes slot ``freeindex``. A 1 bit means
  free, so "next free slot" is one count-trailing-zeros instruction.

Bits are Python ints and a ``bytearray``; there is no Python object per slot,
which keeps a million allocations inside the bench budget.
"""
from __future__ import annotations

MASK64 = (1 << 64) - 1


def make_span_class(sizeclass: int, noscan: bool) -> int:
    """runtime/mheap.go: makeSpanClass: size class in the high bits, noscan in bit 0."""
    return (sizeclass << 1) | (1 if noscan else 0)


def span_class_sizeclass(spc: int) -> int:
    """runtime/mheap.go: spanClass.sizeclass."""
    return spc >> 1


def span_class_noscan(spc: int) -> bool:
    """runtime/mheap.go: spanClass.noscan."""
    return bool(spc & 1)


def span_class_name(spc: int) -> str:
    """A span class with what it encodes: ``"5 (size class 2, noscan)"``.

    The span class number comes first because that is the index of
    ``mcache.alloc``; the size class beside it keeps the two apart (span
    class 5 is size class 2, the 16-byte class, without pointers: the very
    confusion chapter 3.3 marks the source document wrong for)."""
    return f"{spc} (size class {spc >> 1}, {'noscan' if spc & 1 else 'scan'})"


def trailing_zeros64(x: int) -> int:
    """internal/runtime/sys: TrailingZeros64 (64 for x == 0)."""
    return (x & -x).bit_length() - 1 if x else 64


class MSpan:
    """One span (runtime/mheap.go: mspan): ``npages`` pages at ``base`` cut into ``nelems`` slots.

    Mutable model state, owned by the allocator; views see SpanSnapshot copies.
    """
    __slots__ = ("spanclass", "base", "npages", "elemsize", "nelems", "freeindex",
                 "alloc_cache", "alloc_bits", "alloc_count", "span_id")

    def __init__(self, spanclass: int, base: int, npages: int, elemsize: int, nelems: int,
                 span_id: int = 0):
        self.spanclass = spanclass
        self.base = base
        self.npages = npages
        self.elemsize = elemsize
        self.nelems = nelems
        self.span_id = span_id
        # runtime/mheap.go: initSpan: freeindex = 0, allocCache = ^0 (all free),
        # allocBits all zero. Padded to whole 64-bit words so refillAllocCache
        # can always read 8 bytes.
        self.freeindex = 0
        self.alloc_cache = MASK64
        self.alloc_bits = bytearray(((nelems + 63) // 64) * 8)
        self.alloc_count = 0

    @property
    def limit(self) -> int:
        return self.base + self.elemsize * self.nelems

    def refill_alloc_cache(self, which_byte: int) -> None:
        """runtime/mbitmap.go: refillAllocCache: the next 64 allocBits, inverted (1 = free)."""
        word = int.from_bytes(self.alloc_bits[which_byte:which_byte + 8], "little")
        self.alloc_cache = ~word & MASK64

    def next_free_index(self) -> int:
        """runtime/mbitmap.go: nextFreeIndex: the next free slot at or after freeindex.

        Returns ``nelems`` when the span is full. Walks allocCache a 64-bit
        window at a time, refilling it from allocBits.
        """
        sfreeindex, snelems = self.freeindex, self.nelems
        if sfreeindex == snelems:
            return sfreeindex
        bit = trailing_zeros64(self.alloc_cache)
        while bit == 64:
            sfreeindex = (sfreeindex + 64) & ~63  # start of the next 64-slot window
            if sfreeindex >= snelems:
                self.freeindex = snelems
                return snelems
            self.refill_alloc_cache(sfreeindex // 8)
            bit = trailing_zeros64(self.alloc_cache)
        result = sfreeindex + bit
        if result >= snelems:
            self.freeindex = snelems
            return snelems
        self.alloc_cache >>= bit + 1
        sfreeindex = result + 1
        if sfreeindex % 64 == 0 and sfreeindex != snelems:
            # The cache is used up: load the window that starts at the new freeindex.
            self.refill_alloc_cache(sfreeindex // 8)
        self.freeindex = sfreeindex
        return result

    def is_allocated(self, index: int) -> bool:
        """Slot ``index`` holds an object: below freeindex, or marked in allocBits by the last sweep."""
        return index < self.freeindex or bool(self.alloc_bits[index >> 3] >> (index & 7) & 1)

    def occupancy(self) -> bytes:
        """One byte per slot, 1 = allocated (for snapshots and checks)."""
        return bytes(1 if self.is_allocated(i) else 0 for i in range(self.nelems))


def next_free_fast(s: MSpan) -> int:
    """runtime/malloc.go: nextFreeFast: the next free slot's address, or 0.

    Only looks at allocCache: ``TrailingZeros64`` finds the first free slot;
    it gives up (0) when the cache is empty, when the slot is past ``nelems``,
    or when taking it would end a 64-slot window (``freeidx%64 == 0``), so
    that the slow path ``nextFreeIndex`` reloads the cache.
    """
    cache = s.alloc_cache
    if cache:
        bit = (cache & -cache).bit_length() - 1
        result = s.freeindex + bit
        if result < s.nelems:
            freeidx = result + 1
            if freeidx % 64 == 0 and freeidx != s.nelems:
                return 0
            s.alloc_cache = cache >> (bit + 1)
            s.freeindex = freeidx
            s.alloc_count += 1
            return result * s.elemsize + s.base
    return 0


def empty_mspan() -> MSpan:
    """runtime/mcache.go: emptymspan: the placeholder every mcache slot starts with (no slots)."""
    s = MSpan(0, 0, 0, 0, 0)
    s.alloc_cache = 0
    return s
