"""Write barriers: small pluggable functions, one per textbook design plus Go's.

The contract (a lab asks students to write one)::

    barrier(heap, slot_owner, old, new, ctx) -> list of object names to shade

* ``heap``: the :class:`~whygo.gc.heap.Heap`, read only (``heap.colour(name)``,
  ``heap.fields_of(owner)``);
* ``slot_owner``: the object whose field is written, or ``GLOBALS`` for a
  write into a global variable;
* ``old``: the object the slot pointed to before the write (None for nil);
* ``new``: the object being written (None for nil: a delete);
* ``ctx``: :class:`BarrierContext`: the writing goroutine, whether its stack
  is still grey (not scanned yet this cycle) and the GC phase.

The collector calls the barrier only while the write barrier is enabled
(``writeBarrier.enabled``: from the end of sweep termination to the end of
mark termination), only for heap and global writes — never for writes to a
goroutine's locals, exactly where the Go compiler emits ``gcWriteBarrier``
(it omits the barrier for writes to the current frame; a write through a
pointer it cannot prove points into the stack gets one, runtime/mbarrier.go
"Stack writes", but the model's steps write locals by name). It drops ``None``
entries and shades the rest (through the per-P ``wbBuf`` when one is
configured). A barrier must not change the heap itself.

Besides the function, a design decides how stacks are treated
(:class:`BarrierSpec`): Dijkstra's barrier leaves stacks grey, so mark
termination must re-scan them; Yuasa's needs a snapshot of all stacks at the
start of marking; Go's hybrid barrier needs neither.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from whygo.i18n import _

from .heap import GCModelError, Heap


@dataclass(frozen=True)
class BarrierContext:
    g: str               # the goroutine doing the write
    stack_grey: bool     # its stack has not been scanned yet in this cycle
    phase: str


Barrier = Callable[[Heap, str, "str | None", "str | None", BarrierContext], Sequence["str | None"]]


def no_barrier(heap: Heap, slot_owner: str, old: str | None, new: str | None,
               ctx: BarrierContext) -> list[str | None]:
    """No write barrier: the mutator can hide an object from a concurrent marker."""
    return []


def dijkstra_barrier(heap: Heap, slot_owner: str, old: str | None, new: str | None,
                     ctx: BarrierContext) -> list[str | None]:
    """Dijkstra insertion barrier: shade the pointer being written (``shade(ptr)``).

    Keeps the strong invariant for heap objects (a black object never gets a
    white pointer). Writes to locals are not barriered, so stacks stay grey and
    mark termination must re-scan every stack with the world stopped — what
    Go 1.5-1.7 did (runtime/mbarrier.go history; proposal 17503 explains
    the cost of that re-scan).
    """
    return [new]


def yuasa_barrier(heap: Heap, slot_owner: str, old: str | None, new: str | None,
                  ctx: BarrierContext) -> list[str | None]:
    """Yuasa deletion barrier: shade the pointer being overwritten (``shade(*slot)``).

    Snapshot-at-the-beginning: everything reachable when marking started gets
    marked, because no path can be cut without shading. Writes to locals have
    no barrier, so the snapshot must include all stacks at once: they are
    scanned while the world is stopped at the start of marking.
    """
    return [old]


def hybrid_barrier(heap: Heap, slot_owner: str, old: str | None, new: str | None,
                   ctx: BarrierContext) -> list[str | None]:
    """Go's hybrid barrier as the pinned runtime implements it: shade old AND new.

    Mirrors runtime/mbarrier.go (the comment at the top)::

        writePointer(slot, ptr):
            shade(*slot)
            if current stack is grey:
                shade(ptr)
            *slot = ptr

    and its implementation: ``gcWriteBarrier2`` (assembly, asm_amd64.s:
    gcWriteBarrier) only reserves two slots in the per-P ``wbBuf`` and returns
    their address, flushing the buffer first if it is full; the code the
    compiler emits around the call stores ``ptr`` and the old ``*slot`` into
    them, then does the write (the "typical use" in that comment; in Go code,
    mwbbuf.go: ``get2``). ``wbBufFlush1`` later marks them, without looking
    at the stack colour — the "if current stack is grey" test is not done
    (mwbbuf.go TODO: "We could avoid shading any of the 'new' pointers in the
    buffer if the stack has been shaded"). ``ctx.stack_grey`` is there for a student who wants to
    write the conditional version. Stacks are scanned once, never re-scanned;
    objects allocated during marking are black (malloc.go: gcmarknewobject).
    """
    return [old, new]


def hybrid_pseudocode_barrier(heap: Heap, slot_owner: str, old: str | None, new: str | None,
                              ctx: BarrierContext) -> list[str | None]:
    """The hybrid barrier exactly as the runtime/mbarrier.go comment writes it.

    ``shade(*slot)``; ``shade(ptr)`` only while the writing goroutine's stack
    is grey (not scanned yet). Point 3 of that comment explains why the
    insertion half is unnecessary once the stack is black. The runtime
    shades both anyway (see :func:`hybrid_barrier`): the fast path is a call
    that reserves ``wbBuf`` space and two stores the compiler emits, and
    nothing in it looks up the stack colour.
    """
    return [old, new] if ctx.stack_grey else [old]


@dataclass(frozen=True)
class BarrierSpec:
    """A barrier function and the stack treatment it needs to be correct."""
    name: str
    fn: Barrier
    stacks_at_start: bool = False   # scan every stack in the STW at mark start (Yuasa)
    rescan_stacks: bool = False     # re-scan every stack at mark termination (Dijkstra)


BARRIERS: dict[str, BarrierSpec] = {
    "none": BarrierSpec("none", no_barrier),
    "dijkstra": BarrierSpec("dijkstra", dijkstra_barrier, rescan_stacks=True),
    "yuasa": BarrierSpec("yuasa", yuasa_barrier, stacks_at_start=True),
    "hybrid": BarrierSpec("hybrid", hybrid_barrier),
    "hybrid-pseudocode": BarrierSpec("hybrid-pseudocode", hybrid_pseudocode_barrier),
}


def barrier_spec(barrier: "str | Barrier | BarrierSpec", *, stacks_at_start: bool | None = None,
                 rescan_stacks: bool | None = None) -> BarrierSpec:
    """Resolve a barrier name, a plain function or a spec; explicit options override."""
    if isinstance(barrier, BarrierSpec):
        spec = barrier
    elif isinstance(barrier, str):
        if barrier not in BARRIERS:
            raise GCModelError(_("unknown barrier {barrier}: use one of {names} or pass your own "
                                 "function barrier(heap, slot_owner, old, new, ctx)").format(
                                     barrier=repr(barrier), names=", ".join(BARRIERS)))
        spec = BARRIERS[barrier]
    elif callable(barrier):
        spec = BarrierSpec(getattr(barrier, "__name__", "custom"), barrier)
    else:
        raise GCModelError(_("barrier must be a name ({names}) or a function "
                             "barrier(heap, slot_owner, old, new, ctx); got {barrier}").format(
                                 names=", ".join(BARRIERS), barrier=repr(barrier)))
    return BarrierSpec(spec.name, spec.fn,
                       spec.stacks_at_start if stacks_at_start is None else stacks_at_start,
                       spec.rescan_stacks if rescan_stacks is None else rescan_stacks)
