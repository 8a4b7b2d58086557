"""A model of Go's garbage collector: tri-colour marking, write barriers, the pacer.

    from whygo.gc import GC, find_lost_object
    gc = GC({"objects": {"A": {"f0": "B"}, "B": {"f0": None}},
             "stacks": {"g1": {"x": "A"}}}, barrier="hybrid")
    frames = gc.run(["gc", "gc", "g1: y = x.f0", "gc", ...])   # GCSnapshot per step
    find_lost_object("none", seed=1)   # an interleaving that frees a live object

Modules: ``heap`` (objects, roots, the spec format), ``steps`` (the schedule
language), ``barriers`` (none, Dijkstra, Yuasa, Go's hybrid as implemented and as
its comment writes it; the barrier contract), ``collector`` (phases of runtime/mgc.go, wbBuf, stats),
``invariants`` (strong/weak tri-colour, lost objects), ``snapshot``
(immutable frames and typed events), ``checker`` (random interleavings,
find_lost_object), ``scenarios`` (named, explained runs for the notebooks),
``pacer`` (heap goal of runtime/mgcpacer.go and the heap sawtooth).
Pure Python: no widgets, no plotting; randomness only through a seeded
``random.Random``.
"""
from .barriers import (BARRIERS, BarrierContext, BarrierSpec, dijkstra_barrier, hybrid_barrier,
                       hybrid_pseudocode_barrier, no_barrier, yuasa_barrier)
from .checker import (Interleaving, find_lost_object, random_heap, random_run, random_step,
                      replay)
from .collector import GC, PHASES, BarrierError
from .heap import BLACK, GLOBALS, GREY, WHITE, GCModelError, Heap
from .invariants import Violation, check_invariants, lost_objects
from .snapshot import GCSnapshot, GCStats

__all__ = ["BARRIERS", "BLACK", "BarrierContext", "BarrierError", "BarrierSpec", "GC",
           "GCModelError", "GCSnapshot", "GCStats", "GLOBALS", "GREY", "Heap", "Interleaving",
           "PHASES", "Violation", "WHITE", "check_invariants", "dijkstra_barrier",
           "find_lost_object", "hybrid_barrier", "hybrid_pseudocode_barrier", "lost_objects", "no_barrier", "random_heap",
           "random_run", "random_step", "replay", "yuasa_barrier"]
