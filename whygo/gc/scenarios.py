"""Named, explained GC runs for the notebooks: a heap, a schedule, the frames.

* :func:`tricolour` — one whole cycle, step by step: roots, grey work queue,
  black objects, an allocation during marking, sweep.
* :func:`lost_object` — the classic interleaving: the mutator copies a white
  pointer into a black object and then cuts the only grey path to it. With
  no barrier the object is lost; each barrier prevents it in its own way.
* :func:`rescan` — the mutator hides the only pointer to an object on an
  already-scanned stack. Dijkstra's barrier cannot see writes to locals and is
  saved only by re-scanning stacks at mark termination (``stack_rescans``);
  Go's hybrid barrier shades the deleted pointer and never re-scans.

Each scenario is short (well under 40 frames) and deterministic.
"""
from __future__ import annotations

from dataclasses import dataclass

from whygo.i18n import _

from .collector import GC
from .snapshot import GCSnapshot


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    barrier: str
    explanation: str
    heap: dict
    steps: tuple[str, ...]
    frames: tuple[GCSnapshot, ...]

    @property
    def final(self) -> GCSnapshot:
        return self.frames[-1]


def _run(name: str, title: str, barrier: str, explanation: str, heap: dict,
         steps: list[str]) -> Scenario:
    frames = GC(heap, barrier).run(steps)
    return Scenario(name, title, barrier, explanation, heap, tuple(steps), tuple(frames))


TRICOLOUR_HEAP = {
    "objects": {"A": {"f0": "B", "f1": "C"}, "B": {"f0": "D", "f1": None},
                "C": {"f0": None, "f1": None}, "D": {"f0": None, "f1": None},
                "E": {"f0": "F", "f1": None}, "F": {"f0": "E", "f1": None}},
    "globals": {"head": "A"},
    "stacks": {"g1": {"x": "C"}},
}


def tricolour(barrier: str = "hybrid") -> Scenario:
    steps = ["gc", "gc", "gc", "gc", "gc", "g1: y = new", "gc", "gc", "gc", "gc", "gc", "gc"]
    return _run("tricolour", _("Tri-colour marking, step by step"), barrier,
                _("Every object starts white. Marking starts from the roots — the globals "
                  "and each goroutine's stack — and shades what they point to grey: "
                  "grey objects are known to be live but their fields are not scanned yet. "
                  "The collector then takes one grey object at a time, shades its fields "
                  "and turns it black. An object allocated while marking is on is black at "
                  "once. When no grey object is left, everything reachable is black; the "
                  "white objects (here the E <-> F cycle, which nothing else points to) "
                  "are garbage and the sweeper frees them."), TRICOLOUR_HEAP, steps)


LOST_HEAP = {
    "objects": {"A": {"f0": "B", "f1": None}, "B": {"f0": "C", "f1": None},
                "C": {"f0": None, "f1": None}},
    "stacks": {"g1": {"a": "A"}},
}
LOST_STEPS = ["gc", "gc", "gc", "gc",            # sweep term., mark start, scan g1, scan A
              "g1: b = a.f0", "g1: c = b.f0",     # the program reaches C through B
              "g1: a.f1 = c",                     # white C into black A
              "g1: b.f0 = nil",                   # cut the grey path B -> C
              "g1: c = nil", "g1: b = nil",
              "gc", "gc", "gc", "gc"]


def lost_object(barrier: str = "none") -> Scenario:
    return _run(f"lost-object-{barrier}", _("The lost object, barrier: {barrier}").format(barrier=barrier),
                barrier,
                _("A is black (scanned), B is grey, C is white and reachable only through "
                  "B. The program copies the pointer to C into black A, then deletes B's "
                  "pointer to C. Both conditions of a lost object now hold: a black object "
                  "points to a white one, and no grey object leads to it. The marker will "
                  "never look at A again, so C stays white and the sweeper frees it while "
                  "A still points to it. Dijkstra's insertion barrier shades C when it is "
                  "written into A; Yuasa's deletion barrier shades C when B's pointer to it "
                  "is deleted; Go's hybrid barrier does both."), LOST_HEAP, LOST_STEPS)


RESCAN_HEAP = LOST_HEAP
RESCAN_STEPS = ["g1: b = a.f0",                   # B is on g1's stack before the cycle
                "gc", "gc", "gc",                 # sweep term., mark start, scan g1
                "g1: c = b.f0",                   # C onto the (scanned) stack: no barrier
                "g1: b.f0 = nil",                 # now only the stack points to C
                "gc", "gc", "gc", "gc", "gc"]


def rescan(barrier: str = "hybrid") -> Scenario:
    return _run(f"rescan-{barrier}",
                _("Hiding a pointer on the stack, barrier: {barrier}").format(barrier=barrier), barrier,
                _("g1's stack has been scanned. The program loads B.f0 (white C) into a "
                  "local — a stack write, which has no barrier in any design — and then "
                  "deletes B's pointer to C. Only the stack still points to C. Dijkstra's "
                  "barrier shades only the new pointer (nil here), so it cannot help: the "
                  "collector must treat stacks as grey and re-scan every stack at mark "
                  "termination, with the world stopped (stack_rescans > 0). Go's hybrid "
                  "barrier shades the old pointer (C) on the delete, so stacks are scanned "
                  "once and never re-scanned (stack_rescans = 0): that is why Go 1.8 "
                  "adopted it (proposal 17503)."), RESCAN_HEAP, RESCAN_STEPS)


def wbbuf(entries: int = 8) -> Scenario:
    frames = GC(LOST_HEAP, "hybrid", wbbuf_entries=entries).run(LOST_STEPS)
    return Scenario("wbbuf", _("The write-barrier buffer (wbBuf)"), "hybrid",
                    _("The same moves as the lost object, with Go's hybrid barrier and its "
                      "per-P buffer. The barrier's fast path does not mark anything: "
                      "gcWriteBarrier2 reserves two entries of the P's wbBuf (512 in the "
                      "runtime, a handful here) and the compiled code stores the old and the "
                      "new pointer there before the write. So C stays white for a while, "
                      "yet it is safe: a buffered pointer is marking work still to do. When "
                      "the marker runs out of grey objects, gcMarkDone flushes every P's "
                      "buffer (wbBufFlush1), finds C and keeps marking before it may stop the "
                      "world for mark termination."), LOST_HEAP, tuple(LOST_STEPS), tuple(frames))


def all_scenarios() -> list[Scenario]:
    return ([tricolour()] + [lost_object(b) for b in ("none", "dijkstra", "yuasa", "hybrid")]
            + [rescan(b) for b in ("dijkstra", "hybrid")] + [wbbuf()])
