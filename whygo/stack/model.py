"""A goroutine stack that grows by copying and shrinks during GC.

Mirrors runtime/stack.go (``newstack``, ``copystack``, ``adjustpointers``,
``shrinkstack``, ``isShrinkStackSafe``, ``gcComputeStartingStackSize``) and the
stack-split check the compiler puts in every function prologue
(cmd/internal/obj/x86/obj6.go: ``stacksplit``).

The story in four rules:

1. A goroutine starts small. A brand-new G gets ``malg(stackMin)``: 2 KiB
   (proc.go: newproc1). A G reused from the free list (proc.go: ``gfget``)
   runs on a stack of ``startingStackSize``: gfput keeps only stacks of that
   size, and gfget allocates one of that size when the G has none.
   ``startingStackSize`` is ``fixedStack`` until a GC sets it to the average
   scanned stack size (stack.go: gcComputeStartingStackSize, with
   ``GODEBUG=adaptivestackstart=1``, the default); see
   :func:`starting_stack_size`.
2. Every function entry compares SP with ``stackguard0 = stack.lo +
   stackGuard`` (928 B above the bottom on linux/amd64). If the new frame
   would cross it, ``morestack`` -> ``newstack`` allocates a stack twice as
   big (doubling again until the frame fits) and ``copystack`` copies the
   used part to the top of the new stack.
3. Copying moves every local, so pointers *into the stack* must be fixed:
   ``adjustpointers`` adds ``delta = new.hi - old.hi`` to each pointer slot
   whose value lies in ``[old.lo, old.hi)``. Pointers to the heap stay as they
   are. Ordinary heap objects never point into a stack (escape analysis
   moves such variables to the heap), but a few runtime records do, and
   copystack fixes them too: the sudogs of a G blocked in channel operations,
   heap objects whose ``elem`` points at the stack slot being sent or
   received (``adjustsudogs``; ``syncadjustsudogs`` locks the channels first),
   and the G's defer and panic records and saved context (``adjustdefers``,
   ``adjustpanics``, ``adjustctxt``). The model has only the stack's own
   pointer slots.
4. During GC, ``shrinkstack`` halves a stack that uses less than a quarter of
   itself (never below ``fixedStack``), when it is safe to move it.

A stack that would have to grow past ``maxstacksize`` (1 GB on 64-bit) is a
fatal error; the model raises ``StackOverflow`` with the runtime's text.
Addresses grow downward as in Go: ``hi`` is the top, SP starts at ``hi``.
"""
from __future__ import annotations

from dataclasses import dataclass

from whygo.i18n import _
from whygo.stack.constants import StackConstants, load_constants

STACK_BASE = 0xc000080000   # where the model places its first stack (illustrative)
HEAP_OBJECT = 0xc000010000  # a heap address some frames point to: never adjusted


class StackOverflow(RuntimeError):
    """The runtime's fatal "stack overflow", with the lines Go prints before it."""


class StackModelError(ValueError):
    """Bad input to the stack model; the message names the item and what to pass."""


# ---------------------------------------------------------------- events

@dataclass(frozen=True)
class Call:
    name: str
    frame_size: int
    sp: int           # SP after the frame is allocated


@dataclass(frozen=True)
class Return:
    name: str
    frame_size: int


@dataclass(frozen=True)
class Grow:
    """runtime/stack.go: newstack -> copystack to a bigger stack."""
    old_size: int
    new_size: int
    copied_bytes: int
    old_lo: int
    new_lo: int


@dataclass(frozen=True)
class Shrink:
    """runtime/stack.go: shrinkstack -> copystack to a stack half the size."""
    old_size: int
    new_size: int
    copied_bytes: int


@dataclass(frozen=True)
class ShrinkSkipped:
    reason: str


@dataclass(frozen=True)
class PointerAdjusted:
    """runtime/stack.go: adjustpointer: a slot held a pointer into the old stack."""
    slot_old: int
    slot_new: int
    value_old: int
    value_new: int


Event = Call | Return | Grow | Shrink | ShrinkSkipped | PointerAdjusted


# ---------------------------------------------------------------- snapshots

@dataclass(frozen=True)
class FrameView:
    name: str
    size: int
    lo: int
    hi: int


@dataclass(frozen=True)
class PointerView:
    slot: int          # address of the pointer variable (inside a frame)
    value: int         # where it points
    into_stack: bool   # True: a local of another frame; False: the heap


@dataclass(frozen=True)
class StackImage:
    """One stack's memory: bounds, frames and pointer slots."""
    lo: int
    hi: int
    sp: int
    frames: tuple[FrameView, ...]
    pointers: tuple[PointerView, ...]

    @property
    def size(self) -> int:
        return self.hi - self.lo

    @property
    def used(self) -> int:
        return self.hi - self.sp


@dataclass(frozen=True)
class StackStats:
    calls: int
    growths: int
    shrinks: int
    bytes_copied: int
    size: int
    max_size: int


@dataclass(frozen=True)
class StackSnapshot:
    stack: StackImage
    guard: int                          # stackguard0
    old: StackImage | None              # the stack just copied from (a Grow/Shrink step)
    adjusted: tuple[PointerAdjusted, ...]
    events: tuple[Event, ...]           # what this step did
    stats: StackStats
    caption: str


# ---------------------------------------------------------------- model

@dataclass
class _Frame:
    name: str
    size: int
    sp: int                  # lowest address of the frame
    pointer: int | None      # value of the frame's pointer slot (stored at sp), if any


def starting_stack_size(scanned_stack_bytes: list[int], consts: StackConstants | None = None,
                        max_stack_size: int | None = None) -> int:
    """runtime/stack.go: gcComputeStartingStackSize: average scanned stack + stackGuard, as a power of 2."""
    c = consts or load_constants()
    if not c.adaptive_stack_start or not scanned_stack_bytes:
        return c.fixed_stack
    avg = sum(scanned_stack_bytes) // len(scanned_stack_bytes) + c.stack_guard
    avg = max(c.fixed_stack, min(avg, max_stack_size or c.max_stack_size))
    return 1 << (avg - 1).bit_length()  # round2


class GStack:
    """The stack of one goroutine (the ``stack``, ``stackguard0`` and ``sched.sp`` of a ``g``)."""

    def __init__(self, start_size: int | None = None, *, max_stack_size: int | None = None,
                 consts: StackConstants | None = None):
        self.c = c = consts or load_constants()
        size = c.fixed_stack if start_size is None else start_size
        if not isinstance(size, int) or size < c.fixed_stack or size & (size - 1):
            raise StackModelError(_("start_size={size}: a stack size is a power of two "
                                    ">= fixedStack ({fixed})").format(size=repr(start_size), fixed=c.fixed_stack))
        self.max_stack_size = c.max_stack_size if max_stack_size is None else max_stack_size
        self.max_stack_ceiling = 2 * c.max_stack_size
        self._next_base = STACK_BASE
        self.lo, self.hi = self._stackalloc(size)
        self.sp = self.hi
        self.frames: list[_Frame] = []
        self.calls = self.growths = self.shrinks = self.bytes_copied = 0
        self.max_size = size

    # -------------------------------------------------------- helpers

    @property
    def size(self) -> int:
        return self.hi - self.lo

    @property
    def stackguard0(self) -> int:
        return self.lo + self.c.stack_guard

    def _stackalloc(self, size: int) -> tuple[int, int]:
        """runtime/stack.go: stackalloc, as a bump allocator of size-aligned blocks."""
        lo = (self._next_base + size - 1) // size * size
        self._next_base = lo + size
        return lo, lo + size

    def image(self) -> StackImage:
        frames = tuple(FrameView(f.name, f.size, f.sp, f.sp + f.size) for f in self.frames)
        ptrs = tuple(PointerView(f.sp, f.pointer, self.lo <= f.pointer < self.hi)
                     for f in self.frames if f.pointer is not None)
        return StackImage(self.lo, self.hi, self.sp, frames, ptrs)

    def stats(self) -> StackStats:
        return StackStats(self.calls, self.growths, self.shrinks, self.bytes_copied,
                          self.size, self.max_size)

    # -------------------------------------------------------- calls

    def call(self, name: str, frame_size: int, points_to: int | str | None = None) -> list[Event]:
        """Enter a function with a ``frame_size``-byte frame.

        ``points_to``: the frame's first word holds a pointer -- to a local of
        frame number ``points_to`` (0 = outermost), or to the heap with
        ``"heap"``. The prologue check runs first and may grow the stack.
        """
        if not isinstance(frame_size, int) or isinstance(frame_size, bool) or frame_size < 8 \
                or frame_size % 8:
            raise StackModelError(_("{name}: frame_size={size}; pass a multiple of 8 "
                                    "bytes, at least 8 (the return address)").format(name=name, size=repr(frame_size)))
        if points_to is not None and points_to != "heap" and not (
                isinstance(points_to, int) and 0 <= points_to < len(self.frames)):
            raise StackModelError(_("{name}: points_to={target}; pass the index of a frame "
                                    "already on the stack (0..{last}), 'heap' or None").format(
                                        name=name, target=repr(points_to), last=len(self.frames) - 1))
        events: list[Event] = []
        # The prologue (obj6.go: stacksplit): frames up to StackSmall compare SP
        # itself, bigger frames compare SP-(framesize-StackSmall), with stackguard0.
        while self.sp - max(frame_size - self.c.stack_small, 0) <= self.stackguard0:
            events += self._newstack(frame_size)
        if points_to == "heap":
            target = HEAP_OBJECT
        elif points_to is not None:
            f = self.frames[points_to]
            target = f.sp + f.size // 2    # a local in the middle of that frame
        else:
            target = None
        self.sp -= frame_size
        self.frames.append(_Frame(name, frame_size, self.sp, target))
        self.calls += 1
        events.append(Call(name, frame_size, self.sp))
        return events

    def ret(self) -> list[Event]:
        """Return from the innermost function."""
        if not self.frames:
            raise StackModelError(_("ret() with no frame on the stack: every return needs a call"))
        f = self.frames.pop()
        self.sp += f.size
        return [Return(f.name, f.size)]

    # -------------------------------------------------------- grow / shrink

    def _newstack(self, frame_size: int) -> list[Event]:
        """runtime/stack.go: newstack: double, and keep doubling until the frame fits."""
        oldsize = self.size
        newsize = oldsize * 2
        needed = frame_size + self.c.stack_guard   # funcMaxSPDelta(f) + stackGuard
        used = self.hi - self.sp
        while newsize - used < needed:
            newsize *= 2
        if newsize > self.max_stack_size or newsize > self.max_stack_ceiling:
            limit = min(self.max_stack_size, self.max_stack_ceiling)
            raise StackOverflow(
                f"runtime: goroutine stack exceeds {limit}-byte limit\n"
                f"runtime: sp={self.sp:#x} stack=[{self.lo:#x}, {self.hi:#x}]\n"
                f"fatal error: stack overflow")
        old_lo = self.lo
        events = self._copystack(newsize)
        self.growths += 1
        return [Grow(oldsize, newsize, used, old_lo, self.lo)] + events

    def _copystack(self, newsize: int) -> list[Event]:
        """runtime/stack.go: copystack: move the used part to the top of a new stack, fix pointers."""
        old_lo, old_hi = self.lo, self.hi
        used = old_hi - self.sp
        new_lo, new_hi = self._stackalloc(newsize)
        delta = new_hi - old_hi
        events: list[Event] = []
        for f in self.frames:
            slot_old = f.sp
            f.sp += delta
            if f.pointer is not None and old_lo <= f.pointer < old_hi:   # adjustpointer
                events.append(PointerAdjusted(slot_old, f.sp, f.pointer, f.pointer + delta))
                f.pointer += delta
        self.lo, self.hi = new_lo, new_hi
        self.sp = new_hi - used
        self.bytes_copied += used
        self.max_size = max(self.max_size, newsize)
        return events

    def is_shrink_safe(self, *, in_syscall: bool = False, at_async_safe_point: bool = False,
                       parking_on_chan: bool = False) -> str | None:
        """runtime/stack.go: isShrinkStackSafe: None if safe, else why not."""
        if in_syscall:
            return _("in a system call (the syscall may hold pointers into the stack)")
        if at_async_safe_point:
            return _("stopped at an asynchronous safe point (no precise pointer maps)")
        if parking_on_chan:
            return _("parking on a channel (sudogs point into the stack)")
        return None

    def shrink(self, **unsafe_flags: bool) -> list[Event]:
        """runtime/stack.go: shrinkstack, as the GC calls it while scanning the stack."""
        why = self.is_shrink_safe(**unsafe_flags)
        if why:
            return [ShrinkSkipped(_("not safe to move the stack: {why}").format(why=why))]
        oldsize = self.size
        newsize = oldsize // 2
        if newsize < self.c.fixed_stack:
            return [ShrinkSkipped(_("already at the minimum size ({size} B)").format(size=self.c.fixed_stack))]
        used = self.hi - self.sp + self.c.stack_nosplit
        if used >= oldsize // 4:
            return [ShrinkSkipped(_("uses {used} B (with the {nosplit} B nosplit reserve), not less "
                                    "than a quarter of {size} B").format(
                                        used=used, nosplit=self.c.stack_nosplit, size=oldsize))]
        copied = self.hi - self.sp
        events = self._copystack(newsize)
        self.shrinks += 1
        return [Shrink(oldsize, newsize, copied)] + events
