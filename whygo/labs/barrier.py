"""Lab 3 checks: write the write barrier of the GC model (:mod:`whygo.gc`).

The learner's function follows the barrier contract of
:mod:`whygo.gc.barriers` and runs with Go's stack treatment: stacks are
scanned once, never re-scanned, no snapshot at the start. A barrier passes
when :func:`whygo.gc.find_lost_object` finds no interleaving that frees a
reachable object over :data:`SEEDS` x :data:`TRIES` seeded random heaps and
schedules (deterministic: same seeds, same result). A wrong barrier gets
the shortest interleaving found, replayable line by line.
"""
from __future__ import annotations

from whygo.gc import BarrierContext, Heap, find_lost_object
from whygo.i18n import _
from whygo.labs.protocol import Verdict, not_yet, passed

SEEDS = range(8)
TRIES = 300


def _first_loss(barrier):
    for seed in SEEDS:
        found = find_lost_object(barrier, seed=seed, tries=TRIES)
        if found is not None:
            return seed, found
    return None


def _loss_verdict(check: str, name: str, seed: int, found, *hints: str) -> Verdict:
    steps = "; ".join(found.steps)
    return not_yet(check, _("{name} lost reachable object(s) {lost} (seed {seed}, {n} steps: {steps})").format(
                       name=name, lost=", ".join(found.lost), seed=seed, n=len(found.steps), steps=steps), *hints)


def _run(check: str, name: str, barrier, *hints: str):
    if not callable(barrier):
        return not_yet(check, _("no function `{name}(heap, slot_owner, old, new, ctx)` found").format(name=name),
                       _("run the task cell that defines {name}").format(name=name))
    try:
        loss = _first_loss(barrier)
    except Exception as exc:   # the learner's barrier is code under test (GCModelError included)
        return not_yet(check, _("the collector stopped: {error}").format(error=f"{type(exc).__name__}: {exc}"),
                       _("return a list of object names (old, new or None); never change the heap"))
    if loss is not None:
        return _loss_verdict(check, name, *loss, *hints)
    return None


def _only_old_and_new(barrier) -> str | None:
    """The barrier may shade only the two pointers of the write (what Go's wbBuf holds)."""
    heap = Heap.from_spec({"objects": {"A": {"f0": "B"}, "B": {"f0": None}, "C": {"f0": None},
                                       "D": {"f0": None}}, "stacks": {"g1": {"x": "A"}}})
    for grey in (True, False):
        ctx = BarrierContext("g1", grey, "mark")
        shaded = set(barrier(heap, "A", "B", "C", ctx)) - {None}
        extra = shaded - {"B", "C"}
        if extra:
            return _("for A.f0 = C (old value B) it shaded {extra} too").format(extra=", ".join(sorted(extra)))
    return None


def check_barrier(ns: dict) -> Verdict:
    check = "barrier/1"
    barrier = ns.get("my_barrier")
    bad = _run(check, "my_barrier", barrier,
               _("follow the lost object: which pointer did the mutator hide from the marker?"),
               _("shade the slot's old value (the deletion barrier), and the new one (the insertion "
                 "barrier): the hybrid barrier of mbarrier.go"))
    if bad:
        return bad
    extra = _only_old_and_new(barrier)
    if extra:
        return not_yet(check, _("my_barrier is safe but shades objects the write does not touch: "
                                "{extra}").format(extra=extra),
                       _("shade only old and/or new, like gcWriteBarrier"))
    return passed(check, _("no reachable object lost in {n} random interleavings, "
                           "and only old and new are shaded").format(n=len(SEEDS) * TRIES))


def check_conditional(ns: dict) -> Verdict:
    check = "barrier/2"
    barrier = ns.get("commented_barrier")
    bad = _run(check, "commented_barrier", barrier,
               _("read the comment above the write barrier in mbarrier.go: which of the two shades "
                 "depends on the writer's stack?"),
               _("shade(*slot) always; shade(ptr) only while the writer's stack is grey"))
    if bad:
        return bad
    heap = Heap.from_spec({"objects": {"A": {"f0": "B"}, "B": {"f0": None}, "C": {"f0": None}},
                           "stacks": {"g1": {"x": "A"}}})
    try:
        black_stack = set(barrier(heap, "A", "B", "C", BarrierContext("g1", False, "mark"))) - {None}
    except Exception as exc:
        return not_yet(check, _("commented_barrier raised {error}").format(error=f"{type(exc).__name__}: {exc}"))
    if "C" in black_stack:
        return not_yet(check, _("commented_barrier is safe, but it shades the new pointer even when the "
                                "writer's stack is already black (scanned)"),
                       _("the comment in mbarrier.go: `if current stack is grey: shade(ptr)`"),
                       _("use `ctx.stack_grey`"))
    return passed(check, _("the barrier of mbarrier.go's comment loses nothing in {n} "
                           "interleavings and skips shade(ptr) once the stack is black").format(
                               n=len(SEEDS) * TRIES))


CHECKS = {"barrier/1": check_barrier, "barrier/2": check_conditional}
