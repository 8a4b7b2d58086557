"""Random interleavings and the lost-object checker (for tests and a lab).

* :func:`random_heap` builds a small seeded heap; :func:`random_step` picks
  the next schedule line — a collector step or a mutator operation that is
  legal in the current state (only locals the goroutine holds, no mutator
  while the world is stopped).
* :func:`random_run` returns the frames of one seeded random interleaving.
* :func:`find_lost_object` tries seeded random interleavings until one makes
  the collector free a reachable object, shrinks it to the few steps that
  matter and returns it as a readable, replayable :class:`Interleaving`.

Everything takes a ``random.Random`` (or a seed), never the global random.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from whygo.i18n import _

from .barriers import Barrier, BarrierSpec, barrier_spec
from .collector import GC, STOPPED
from .heap import GCModelError, Heap


def random_heap(rng: random.Random, *, objects: int = 6, goroutines: int = 2, globals_: int = 1,
                fields: tuple[str, ...] = ("f0", "f1"), locals_: int = 2) -> Heap:
    """A small random heap: random edges, some roots, usually a little garbage."""
    names = [_letter(i) for i in range(objects)]
    spec = {
        "objects": {n: {f: (rng.choice(names) if rng.random() < 0.5 else None) for f in fields}
                    for n in names},
        "globals": {f"G{i}": rng.choice(names + [None]) for i in range(globals_)},
        "stacks": {f"g{k + 1}": {"xyzuvw"[i]: rng.choice(names + [None]) for i in range(locals_)}
                   for k in range(goroutines)},
    }
    return Heap.from_spec(spec, new_fields=fields)


def _letter(i: int) -> str:
    return chr(ord("A") + i % 26) + (str(i // 26) if i >= 26 else "")


def random_step(gc: GC, rng: random.Random, *, p_gc: float = 0.4, max_locals: int = 3) -> str:
    """One legal schedule line for the current state of ``gc``."""
    if gc.phase in STOPPED or rng.random() < p_gc:
        return "gc"
    heap = gc.heap
    g = rng.choice(list(heap.stacks))
    slots = heap.stacks[g]
    live = [v for v, t in slots.items() if t is not None and t in heap.objects]
    names = list(slots)
    if len(names) < max_locals:
        names.append("xyzuvw"[len(names)] if len(names) < 6 else f"l{len(names)}")
    choice = rng.random()
    if live and choice < 0.35:                         # heap write or delete
        x = rng.choice(live)
        f = rng.choice(list(heap.objects[slots[x]].fields))
        src = rng.choice(live + [None])
        return f"{g}: {x}.{f} = {src or 'nil'}"
    if live and choice < 0.6:                          # load a heap pointer onto the stack
        y = rng.choice(live)
        f = rng.choice(list(heap.objects[slots[y]].fields))
        return f"{g}: {rng.choice(names)} = {y}.{f}"
    if heap.globals and choice < 0.7:                  # global load or store
        G = rng.choice(list(heap.globals))
        if rng.random() < 0.5 or not live:
            return f"{g}: {rng.choice(names)} = {G}"
        return f"{g}: {G} = {rng.choice(live + [None]) or 'nil'}"
    if choice < 0.8:
        return f"{g}: {rng.choice(names)} = new"
    if slots and choice < 0.9:
        return f"{g}: {rng.choice(list(slots))} = nil"
    if live:
        return f"{g}: {rng.choice(names)} = {rng.choice(live)}"
    return "gc"


def random_run(barrier: "str | Barrier | BarrierSpec" = "hybrid", seed: int = 0, steps: int = 30, *,
               objects: int = 6, goroutines: int = 2, wbbuf_entries: int = 0) -> list:
    """Frames of a seeded random interleaving on a seeded random heap (for a notebook)."""
    rng = random.Random(seed)
    gc = GC(random_heap(rng, objects=objects, goroutines=goroutines), barrier,
            wbbuf_entries=wbbuf_entries)
    frames = [gc.snapshot()]
    for _i in range(steps):
        gc.step(random_step(gc, rng))
        frames.append(gc.snapshot())
    return frames


@dataclass(frozen=True)
class Interleaving:
    """A heap and a schedule; ``lost`` names the reachable objects the collector lost."""
    barrier: str
    heap: dict                      # a Heap spec
    steps: tuple[str, ...]
    lost: tuple[str, ...]

    def __str__(self) -> str:
        lines = [_("barrier {barrier}; start: {heap}").format(barrier=self.barrier,
                                                             heap=Heap.from_spec(self.heap).describe())]
        lines += [f"{i:3d}  {s}" for i, s in enumerate(self.steps, 1)]
        lines.append(_("lost: {objs} (reachable, still white at mark termination)").format(
            objs=", ".join(self.lost)))
        return "\n".join(lines)


def replay(heap: dict, steps, barrier: "str | Barrier | BarrierSpec" = "hybrid", *,
           wbbuf_entries: int = 0, check: bool = True) -> GC:
    """Run a schedule on a fresh copy of a heap spec; return the collector."""
    gc = GC(Heap.from_spec(heap), barrier, wbbuf_entries=wbbuf_entries, check=check)
    for line in steps:
        gc.step(line)
    return gc


def _loses(heap: dict, steps, barrier, wbbuf_entries: int) -> tuple[str, ...]:
    gc = GC(Heap.from_spec(heap), barrier, wbbuf_entries=wbbuf_entries, check=False)
    try:
        for line in steps:
            gc.step(line)
            if gc.lost:
                return tuple(gc.lost)
    except GCModelError:
        return ()
    return ()


def shrink(heap: dict, steps: list[str], barrier, wbbuf_entries: int = 0) -> list[str]:
    """Drop runs of steps (8, 4, 2, then 1 long) while the schedule still loses an object."""
    steps = list(steps)
    for size in (8, 4, 2, 1):
        changed = True
        while changed:
            changed = False
            for i in range(len(steps) - size, -1, -1):
                trial = steps[:i] + steps[i + size:]
                if _loses(heap, trial, barrier, wbbuf_entries):
                    steps, changed = trial, True
                    break
    return steps


def find_lost_object(barrier: "str | Barrier | BarrierSpec" = "none", seed: int = 0,
                     steps: int = 60, *, tries: int = 300, objects: int = 5,
                     goroutines: int = 2, wbbuf_entries: int = 0,
                     minimize: bool = True) -> Interleaving | None:
    """The first seeded random interleaving that frees a reachable object, or None.

    Tries ``tries`` heaps and schedules of up to ``steps`` lines each (seeded
    by ``seed`` and the try number); the one found is shrunk to the steps
    that matter (``minimize``) so it reads like the textbook interleaving.
    """
    spec = barrier_spec(barrier)
    for t in range(tries):
        rng = random.Random(f"{seed}:{t}")
        heap = random_heap(rng, objects=objects, goroutines=goroutines)
        start = heap.spec()
        gc = GC(heap, spec, wbbuf_entries=wbbuf_entries, check=False)
        run: list[str] = []
        for _i in range(steps):
            line = random_step(gc, rng)
            gc.step(line)
            run.append(line)
            if gc.lost:
                if minimize:
                    run = shrink(start, run, spec, wbbuf_entries)
                lost = _loses(start, run, spec, wbbuf_entries)
                return Interleaving(spec.name, start, tuple(run), lost)
    return None
