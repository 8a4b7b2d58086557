"""Rules of the allocator model (whygo/alloc), each checked against the pinned Go source."""
import re

import pytest
from hypothesis import given, settings, strategies as st

from whygo.alloc import ZEROBASE, AllocError, Heap, SizeClassError, load_table, size_to_class
from whygo.alloc.layout import load_layout
from whygo.alloc.malloc import LargeAlloc, Refill
from whygo.alloc.mspan import MSpan, make_span_class, next_free_fast, span_class_noscan, \
    span_class_sizeclass
from whygo.alloc.sizeclasses import parse_sizeclasses, sizeclasses_path
from whygo.alloc.workload import metric_labels

T = load_table()


# ---------------------------------------------------------------- the table

def test_table_equals_the_toolchain_file():
    text = sizeclasses_path().read_text()
    rows = [tuple(line[2:].replace("%", "").split())
            for line in text.splitlines() if re.match(r"//\s+\d+\s+\d+\s+\d+", line)]
    # the alignment table at the bottom has three columns; the class table seven
    rows = [r for r in rows if len(r) == 7]
    assert len(rows) == T.NumSizeClasses - 1 == 67
    for r, c in zip(rows, T.classes):
        assert (int(r[0]), int(r[1]), int(r[2]), int(r[3]), int(r[4]), float(r[5]), int(r[6])) == \
            (c.sizeclass, c.size, c.span_bytes, c.objects, c.tail_waste, c.max_waste, c.min_align)
    sizes = re.search(r"SizeClassToSize = \[\w+\]uint16\{([^}]*)\}", text).group(1)
    assert T.size_to_size == tuple(int(x) for x in sizes.split(","))


def test_table_columns_rederive_from_size_and_span():
    prev = 0
    for c in T.classes:
        assert c.objects == c.span_bytes // c.size
        assert c.tail_waste == c.span_bytes - c.size * c.objects
        # mksizeclasses.go: maxWaste = ((size-prevSize-1)*objects + tailWaste) / spanSize
        max_waste = 100 * ((c.size - prev - 1) * c.objects + c.tail_waste) / c.span_bytes
        assert abs(max_waste - c.max_waste) < 0.006, c
        assert c.span_bytes == T.size_to_npages[c.sizeclass] * 8192
        prev = c.size


def test_constants_from_the_toolchain():
    assert (T.NumSizeClasses, T.MaxSmallSize, T.TinySize, T.PageShift) == (68, 32768, 16, 13)


def test_parser_rejects_a_comment_table_that_disagrees_with_the_arrays():
    text = sizeclasses_path().read_text()
    broken = re.sub(r"^//\s+3\s+24\s+8192\s+341", "//     3         24        8192      340",
                    text, flags=re.M)
    assert broken != text
    with pytest.raises(SizeClassError, match="class 3"):
        parse_sizeclasses(broken)
    with pytest.raises(SizeClassError, match="MaxSmallSize"):
        parse_sizeclasses(text.replace("MaxSmallSize       = 32768", ""))


def test_size_to_class_on_every_boundary():
    for c in range(1, T.NumSizeClasses):
        size = T.size_to_size[c]
        assert size_to_class(size) == c
        if c + 1 < T.NumSizeClasses:
            assert size_to_class(size + 1) == c + 1


def test_size_to_class_is_the_smallest_class_that_fits():
    classes = T.size_to_size
    c = 1
    for n in range(1, T.MaxSmallSize + 1):
        while classes[c] < n:
            c += 1
        assert size_to_class(n) == c, n


def test_size_to_class_rejects_bad_sizes():
    with pytest.raises(SizeClassError, match="negative"):
        size_to_class(-1)
    with pytest.raises(SizeClassError, match="large object"):
        size_to_class(T.MaxSmallSize + 1)
    with pytest.raises(SizeClassError, match="not an integer"):
        size_to_class(1.5)


# ---------------------------------------------------------------- span classes and spans

def test_span_class_count_is_136_and_encodes_scan_noscan():
    h = Heap()
    assert h.num_span_classes == 136 == len(h.mcaches[0].alloc) == len(h.central)
    assert make_span_class(2, True) == 5 == h.tiny_span_class
    assert make_span_class(2, False) == 4
    for spc in range(136):
        assert make_span_class(span_class_sizeclass(spc), span_class_noscan(spc)) == spc


def test_nelems_reserves_inline_mark_bits_and_heap_bits():
    layout = load_layout()
    assert layout.green_tea and layout.inline_mark_bits_bytes == 128
    assert layout.nelems(16, 8192, True) == (8192 - 128) // 16 == 504
    assert layout.nelems(16, 8192, False) == (8192 - 128 - 128) // 16 == 496
    assert layout.nelems(8, 8192, True) == 1024       # 8 B: no inline mark bits (size < 16)
    assert layout.nelems(1024, 8192, False) == 8      # > 512 B: malloc headers, no reserve


def test_next_free_fast_takes_the_trailing_zero_bit():
    s = MSpan(make_span_class(3, True), 0x1000, 1, 24, 336)
    s.freeindex = 10
    s.alloc_cache = 0b1000  # slots 10, 11, 12 taken, 13 free
    assert next_free_fast(s) == 0x1000 + 13 * 24
    assert s.freeindex == 14 and s.alloc_cache == 0


def test_next_free_fast_gives_up_at_the_end_of_a_64_slot_window():
    s = MSpan(make_span_class(3, True), 0x1000, 1, 24, 336)
    s.freeindex = 63
    s.alloc_cache = 1
    assert next_free_fast(s) == 0          # taking slot 63 would empty the window
    assert s.next_free_index() == 63       # the slow path takes it and reloads the cache
    assert s.freeindex == 64 and s.alloc_cache == (1 << 64) - 1


def test_next_free_index_refills_alloc_cache_from_alloc_bits():
    s = MSpan(make_span_class(3, True), 0x1000, 1, 24, 336)
    s.alloc_bits[8:10] = b"\xff\x0f"       # slots 64..75 live after a sweep
    s.freeindex = 64
    s.alloc_cache = 0                      # window 0..63 used up
    s.freeindex = 40
    assert s.next_free_index() == 76


def test_refill_when_the_span_is_full():
    h = Heap(track=True)
    n = load_layout().nelems(24, 8192, True)
    addrs = [h.mallocgc(24) for _ in range(n + 1)]
    refills = [e for e in h.events if isinstance(e, Refill)]
    assert len(refills) == 2 and refills[1].grew and refills[1].old_span == refills[0].new_span
    first = h.mheap.span_of(addrs[0])
    assert first.alloc_count == first.nelems == n
    assert first in h.central[make_span_class(3, True)].full
    assert h.mheap.span_of(addrs[-1]) is not first
    assert h.last_alloc().path == "refill"


# ---------------------------------------------------------------- tiny allocator

@pytest.mark.parametrize("second,expected_offset", [(8, 8), (4, 4), (12, 4), (2, 2), (6, 2),
                                                     (3, 1), (1, 1)])
def test_tiny_alignment_of_8_4_2_byte_multiples(second, expected_offset):
    h = Heap()
    first = h.mallocgc(1)
    x = h.mallocgc(second)
    assert x - first == expected_offset
    assert h.last_alloc().kind == "tiny"


def test_tiny_allocator_packs_into_one_16_byte_block():
    h = Heap()
    a = [h.mallocgc(n) for n in (4, 4, 4, 4)]
    assert a == [a[0], a[0] + 4, a[0] + 8, a[0] + 12]
    assert h.stats().tiny_blocks == 1 and h.stats().tiny_allocs == 3


def test_tiny_boundary_is_16_bytes_and_noscan_only():
    h = Heap()
    h.mallocgc(15)
    assert h.last_alloc().spanclass == h.tiny_span_class
    h.mallocgc(16)
    assert h.last_alloc().kind == "small" and h.last_alloc().spanclass == make_span_class(2, True)
    assert h.stats().tiny_blocks == 1          # the 16 B object took a class-2 slot, not a tiny block
    h.mallocgc(8, noscan=False)
    assert h.last_alloc().spanclass == make_span_class(1, False)


def test_tiny_keeps_the_block_with_more_room_left():
    h = Heap()
    a = h.mallocgc(12)              # block A, offset 12
    b = h.mallocgc(8)               # needs 8 aligned to 8: 16+8 > 16, new block B; 8 < 12 -> B kept
    assert b - a == 16
    assert h.mcaches[0].tiny == b and h.mcaches[0].tinyoffset == 8
    c = h.mallocgc(14)              # new block C; 14 > 8 -> B stays the tiny block
    assert h.mcaches[0].tiny == b and c == b + 16
    assert h.mallocgc(4) == b + 8


# ---------------------------------------------------------------- large, zero, headers, errors

def test_large_objects_bypass_the_mcache():
    h = Heap()
    small = h.mallocgc(h.small_max)             # 32760: still the 32 KiB class
    assert h.last_alloc().spanclass >> 1 == 67
    before = list(h.mcaches[0].alloc)
    x = h.mallocgc(h.small_max + 1)             # > MaxSmallSize - MallocHeaderSize: large
    assert h.mcaches[0].alloc == before
    assert h.last_alloc().kind == "large" and h.last_alloc().spanclass == make_span_class(0, True)
    ev = h.events[-1]
    assert isinstance(ev, LargeAlloc) and ev.npages == 4 and ev.base == x != small
    h.mallocgc(100_000, noscan=False)
    assert h.events[-1].npages == 13 and h.mheap.span_of(h.events[-1].base).spanclass == 0


def test_zero_size_returns_zerobase():
    h = Heap()
    assert h.mallocgc(0) == h.mallocgc(0, noscan=False) == ZEROBASE
    assert h.stats().bytes_used == 0 and h.mheap.pages_allocated == 0


def test_pointerful_objects_above_512_bytes_get_a_malloc_header():
    h = Heap()
    x = h.mallocgc(513, noscan=False)           # 513 + 8 -> class 576
    s = h.mheap.span_of(x)
    assert s.elemsize == 576 and (x - s.base) % 576 == 8
    y = h.mallocgc(512, noscan=False)           # no header: class 512
    assert h.mheap.span_of(y).elemsize == 512 and (y - h.mheap.span_of(y).base) % 512 == 0


def test_bad_sizes_raise_clear_errors():
    h = Heap()
    with pytest.raises(AllocError, match="size -8 is negative"):
        h.mallocgc(-8)
    with pytest.raises(AllocError, match="not an int"):
        h.mallocgc("24")
    with pytest.raises(AllocError, match="Ps 0..0"):
        h.mallocgc(8, p=3)


# ---------------------------------------------------------------- sweep and reuse

def test_sweep_frees_dead_objects_and_reuse_skips_live_slots():
    h = Heap()
    addrs = [h.mallocgc(64) for _ in range(10)]
    ev = h.sweep(addrs[::2])                    # keep slots 0, 2, 4, 6, 8
    assert ev.freed_objects == 5
    again = [h.mallocgc(64) for _ in range(6)]
    assert again[:5] == addrs[1::2]             # the freed slots, lowest first
    assert again[5] == addrs[-1] + 64


def test_sweep_returns_empty_spans_to_mheap():
    h = Heap()
    x = h.mallocgc(2048)
    h.sweep([])
    assert h.mheap.pages_in_use == 0 and h.mheap.free == [(0, 1)]
    assert h.mallocgc(100) == x                 # the same page, reused for another class


# ---------------------------------------------------------------- snapshots, stats, workload

def test_snapshot_shows_the_mcache_spans_and_last_allocation():
    h = Heap()
    for _ in range(70):
        h.mallocgc(48)
    snap = h.snapshot()
    (span,) = snap.spans
    assert span.name == "11 (size class 5, noscan)" and span.used == 70 and span.occupied[:70] == b"\x01" * 70
    assert span.window == (70, 128)
    assert snap.last.slot == 69 and "size class 5" in snap.caption
    with pytest.raises(Exception):
        snap.caption = "x"


def test_stats_waste_is_used_minus_requested():
    h = Heap()
    h.mallocgc(17)   # class 24 B: 7 B wasted
    h.mallocgc(100)  # class 112 B: 12 B wasted
    st_ = h.stats()
    assert st_.bytes_requested == 117 and st_.bytes_used == 136 and st_.waste == 19
    assert {c.elemsize: c.waste for c in st_.per_class} == {24: 7, 112: 12}


def test_metric_label_workload_is_deterministic():
    assert metric_labels(500, seed=3) == metric_labels(500, seed=3)
    assert metric_labels(500, seed=3) != metric_labels(500, seed=4)
    assert len(metric_labels(123)) == 123


# ---------------------------------------------------------------- properties

requests = st.lists(st.tuples(st.one_of(st.integers(0, 40), st.integers(0, 40_000)), st.booleans()),
                    min_size=1, max_size=300)


@settings(derandomize=True, deadline=None, max_examples=60)
@given(requests, st.integers(0, 5))
def test_no_two_live_objects_overlap_and_each_lies_in_a_span_of_its_class(reqs, sweep_every):
    h = Heap(track=True)
    for i, (size, noscan) in enumerate(reqs):
        h.mallocgc(size, noscan)
        if sweep_every and i % 37 == sweep_every:
            h.sweep(a for j, a in enumerate(h.objects) if j % 2 == 0)
    spans = []
    intervals = []
    for addr, (size, spc) in h.objects.items():
        s = h.mheap.span_of(addr)
        assert s is not None and s.spanclass == spc
        assert s.base <= addr and addr + size <= s.limit
        intervals.append((addr, addr + size))
        spans.append(s)
    intervals.sort()
    for (a0, a1), (b0, b1) in zip(intervals, intervals[1:]):
        assert a1 <= b0, "two live objects overlap"


@settings(derandomize=True, deadline=None, max_examples=60)
@given(requests)
def test_bytes_used_is_at_least_bytes_requested(reqs):
    h = Heap()
    for size, noscan in reqs:
        h.mallocgc(size, noscan)
    s = h.stats()
    assert s.bytes_used >= s.bytes_requested == sum(n for n, _ in reqs)
    assert all(c.used >= c.requested for c in s.per_class)


def test_each_p_has_its_own_mcache_and_mcentral_is_shared():
    h = Heap(nprocs=2)
    a = h.mallocgc(48, p=0)
    b = h.mallocgc(48, p=1)
    assert h.mheap.span_of(a) is not h.mheap.span_of(b)        # no sharing, no lock needed
    assert h.mcaches[0].alloc[make_span_class(5, True)] is h.mheap.span_of(a)
    h.sweep([a, b])                                              # both spans back in mcentral
    c = h.mallocgc(48, p=1)
    assert h.mheap.span_of(c) in (h.mheap.span_of(a), h.mheap.span_of(b))
    assert h.central[make_span_class(5, True)].grows == 2       # reused, no new pages


def test_stats_count_spans_per_class_and_pages_from_mheap():
    h = Heap()
    n = load_layout().nelems(1408, 16384, True)      # class 35: 2 pages, 11 objects
    for _ in range(n + 1):
        h.mallocgc(1408)
    h.mallocgc(9000)                                 # class 52: 7 pages
    h.mallocgc(70000)                                # large: 9 pages
    st_ = h.stats()
    assert st_.spans == ((make_span_class(35, True), 2), (make_span_class(52, True), 1))
    assert st_.pages_from_heap == 2 * 2 + 7 + 9 and st_.refills == 3 and st_.large_allocs == 1


def test_mallocgc_fast_path_hands_slot_63_to_nextFree():
    h = Heap()
    paths = []
    for _ in range(66):
        h.mallocgc(24)
        paths.append(h.last_alloc().path)
    assert paths[0] == "first span" and paths[63] == "nextFree"
    assert set(paths[1:63]) == set(paths[64:]) == {"nextFreeFast"}
    assert [h.last_alloc().slot] == [65]
