"""The collector: Go's concurrent tri-colour mark-sweep, one small step at a time.

Mirrors the phases of runtime/mgc.go (the long comment at the top, gcStart,
gcMarkDone, gcMarkTermination, gcSweep). Each ``gc`` step of a schedule does
one unit of work:

=================  ==========================================================
phase              what one ``gc`` step does
=================  ==========================================================
off                (``_GCoff``) start a cycle: stop the world -> sweep termination
sweeptermination   (STW, gcStart) enable the write barrier, queue the root jobs
                   (gcPrepareMarkRoots), restart the world -> mark. A Yuasa
                   barrier scans every stack here, as a snapshot.
mark               (``_GCmark``, concurrent) scan one root (markroot: the
                   globals, or one goroutine stack, each once), else blacken
                   one grey object (scanobject); with no work left, gcMarkDone
                   flushes every P's wbBuf and, if that found nothing new,
                   stops the world -> mark termination
marktermination    (``_GCmarktermination``, STW) the lost-object check runs;
                   write barrier off. The next step sweeps. Only the Dijkstra
                   variant finds work here: its stacks are still grey, so it
                   re-scans them with the world stopped and marks what that
                   finds (the pause the hybrid barrier removed, proposal 17503).
sweep              (``_GCoff``) free every white object (its mark bit is
                   clear); survivors turn white for the next cycle
=================  ==========================================================

Go 1.27 itself never marks during mark termination: gcMarkDone flushes every
P's wbBuf (forEachP, then again with the world stopped) and, if that found
work, restarts the world and resumes concurrent marking (mgc.go: gcMarkDone,
"Detect this and resume concurrent mark", issue 27993); gcMark then panics on a
non-empty queue ("non-empty mark queue after concurrent mark"). The model's
mark phase does the same: a flush that greys something keeps marking.

The model greys and scans one object at a time, as the classic marker does
(mgcmark.go: greyobject queues the object, scanobject scans it). Go 1.27's
default marker, Green Tea (GOEXPERIMENT greenteagc, on by default), does that
only for objects of 8 bytes and above 512 bytes. A pointer to an object of
16-512 bytes sets the object's mark bit in its span and queues the span
(mgcmark_greenteagc.go: tryDeferToSpanScan); a worker later scans every
marked, not yet scanned object of that span together (scanSpan). So the grey
set is kept per span rather than per object, for memory locality. The colours,
the barrier and the invariants are the same: an object is grey from its mark
until its span is scanned.

Mutator steps (see steps.py) run only while the world is not stopped. Heap
and global writes call the barrier while it is enabled; writes to a
goroutine's local variables (its own frame, the model's stack) never do. Objects allocated during marking are black (malloc.go -> mgcmark.go:
gcmarknewobject). The barrier's pointers go to the per-P write-barrier
buffer when ``wbbuf_entries > 0`` (mwbbuf.go: wbBuf, 512 entries in the
runtime; a small number here so flushes are visible), else they are shaded
at once. Goroutine ``gN`` runs on its own P, ``P<index>``.

The model keeps running after a lost object: the sweeper frees it and any
later use of a pointer to it is reported as a use after free.
"""
from __future__ import annotations

from typing import Iterable, Sequence

from whygo.i18n import N_, _, pick

from .barriers import Barrier, BarrierContext, BarrierSpec, barrier_spec
from .heap import BLACK, GLOBALS, GREY, WHITE, GCModelError, Heap, Obj
from .invariants import Violation, check_invariants, lost_objects
from .snapshot import (Alloc, Event, Flush, Free, GCSnapshot, GCStats, Lost, ObjectView,
                       PhaseChange, RootView, Scan, Shade, Write)
from .steps import Assign, Collect, Step, WriteField, parse_step

PHASES = ("off", "sweeptermination", "mark", "marktermination", "sweep")
RUNTIME_NAME = {"off": "_GCoff", "sweeptermination": N_("sweep termination (STW)"),
                "mark": "_GCmark", "marktermination": "_GCmarktermination (STW)",
                "sweep": N_("_GCoff, sweeping")}   # translated where shown: _(RUNTIME_NAME[phase])
STOPPED = ("sweeptermination", "marktermination")   # the world is stopped
RESCAN = "rescan"   # a scanned stack that must be scanned again (Dijkstra)
_COLLECT = Collect()


def sentences(lines: Iterable[str]) -> str:
    """Sentences as one caption: a space between them in English, none in Chinese."""
    return pick(" ", "").join(lines)


def _global(name: str) -> str:
    return _("global {name}").format(name=name)


def _local(name: str) -> str:
    return _("local {name}").format(name=name)


class BarrierError(GCModelError):
    """A barrier function broke its contract; the message says how."""


class GC:
    """A heap plus a concurrent collector with a chosen write barrier.

    ``heap`` is a :class:`Heap` or a spec dict. ``barrier`` is a name
    (none, dijkstra, yuasa, hybrid), a :class:`BarrierSpec` or a function
    following the contract in barriers.py. ``check=False`` skips the
    per-step invariant check (for big heaps).
    """

    def __init__(self, heap: Heap | dict, barrier: "str | Barrier | BarrierSpec" = "hybrid", *,
                 stacks_at_start: bool | None = None, rescan_stacks: bool | None = None,
                 wbbuf_entries: int = 0, check: bool = True):
        self.heap = heap if isinstance(heap, Heap) else Heap.from_spec(heap)
        self.barrier = barrier_spec(barrier, stacks_at_start=stacks_at_start,
                                    rescan_stacks=rescan_stacks)
        if wbbuf_entries < 0 or wbbuf_entries == 1:
            raise GCModelError(_("wbbuf_entries={n}: use 0 (shade at once) or at least "
                                 "2 (room for the old and the new pointer of one write)").format(n=wbbuf_entries))
        self.wbbuf_entries = wbbuf_entries
        self.check = check
        self.phase = "off"
        self.cycle = 0
        self.work: list[str] = []                  # grey objects to scan (gcWork)
        self.root_jobs: list[str] = []             # roots not scanned yet (markroot jobs)
        self.root_state: dict[str, str] = {}       # root -> grey | black | rescan, while marking
        self.wbbuf: dict[str, list[str]] = {self.p_of(g): [] for g in self.heap.stacks}
        self.freed: set[str] = set()
        self.lost: list[str] = []
        self.history: list[str] = []               # schedule lines run so far
        self.violations: list[Violation] = []
        self._stats = dict.fromkeys(GCStats.__dataclass_fields__, 0)
        self._begin_step("")

    # -- small helpers ----------------------------------------------------
    def p_of(self, g: str) -> str:
        return f"P{list(self.heap.stacks).index(g)}"

    @property
    def write_barrier_enabled(self) -> bool:
        """writeBarrier.enabled: set at the end of sweep termination, cleared at mark termination."""
        return self.phase in ("mark", "marktermination")

    @property
    def stats(self) -> GCStats:
        return GCStats(**self._stats)

    def _begin_step(self, text: str) -> None:
        self._text = text
        self._events: list[Event] = []
        self._shaded: tuple[str, ...] = ()
        self._scanned: str | None = None
        self._freed_now: list[str] = []
        self._last_write: Write | None = None
        self._lines: list[str] = []

    def _say(self, line: str) -> None:
        self._lines.append(line)

    def shade(self, name: str | None, by: str) -> bool:
        """Mirrors runtime/mgcmark.go: shade / greyobject: a white object turns grey and is queued.

        (Go 1.27 queues an object of 16-512 bytes by its span instead: tryDeferToSpanScan;
        see the module docstring.)"""
        obj = self.heap.objects.get(name)   # None (nil) and freed names are not objects
        if obj is None or obj.colour != WHITE:
            return False
        obj.colour = GREY
        self.work.append(name)
        self._events.append(Shade(name, by))
        if by in ("barrier", "flush"):   # a wbBuf holds only pointers the barrier queued
            self._stats["barrier_shades"] += 1
        return True

    # -- the public stepping API ---------------------------------------------
    def step(self, line: "str | Step") -> list[Event]:
        """Run one schedule line (see steps.py); return its events."""
        step = _COLLECT if line == "gc" else parse_step(line)
        self._begin_step(str(step))
        if isinstance(step, Collect):
            self._collect()
        else:
            if self.phase in STOPPED:
                raise GCModelError(_("step {step}: the world is stopped during {phase}; only 'gc' "
                                     "can run now").format(step=repr(str(step)),
                                                           phase=_(RUNTIME_NAME[self.phase])))
            if isinstance(step, WriteField):
                self._write_field(step)
            else:
                self._assign(step)
        self.history.append(str(step))
        if self.check and self.write_barrier_enabled:
            black = [r for r, s in self.root_state.items() if s == BLACK]
            grey = [r for r, s in self.root_state.items() if s != BLACK]
            queued = [p for buf in self.wbbuf.values() for p in buf]
            self.violations = check_invariants(self.heap, black, grey, queued)
        else:
            self.violations = []
        return list(self._events)

    def run(self, schedule: Iterable["str | Step"]) -> list[GCSnapshot]:
        """Run a schedule; return the snapshot before the first step and after each step."""
        frames = [self.snapshot()]
        for line in schedule:
            self.step(line)
            frames.append(self.snapshot())
        return frames

    # -- mutator ------------------------------------------------------------
    def _unknown_goroutine(self, g: str) -> GCModelError:
        return GCModelError(_("unknown goroutine {g}: the heap has {goroutines}").format(
            g=repr(g), goroutines=", ".join(self.heap.stacks)))

    def _local(self, g: str, var: str) -> str | None:
        if g not in self.heap.stacks:
            raise self._unknown_goroutine(g)
        if var in self.heap.globals:
            return self.heap.globals[var]
        if var not in self.heap.stacks[g]:
            raise GCModelError(_("{g} has no local {var} (locals: {locals}); assign it first").format(
                g=g, var=repr(var), locals=", ".join(self.heap.stacks[g]) or _("none")))
        return self.heap.stacks[g][var]

    def _deref(self, g: str, var: str) -> Obj:
        name = self._local(g, var)
        if name is None:
            raise GCModelError(_("{g}: nil pointer dereference: {var} is nil").format(g=g, var=var))
        if name in self.freed:
            raise GCModelError(_("{g}: use after free: {var} points to {obj}, which the sweeper "
                                 "freed while it was still reachable (a lost object)").format(
                                     g=g, var=var, obj=name))
        return self.heap.objects[name]

    def _field(self, obj: Obj, field: str) -> None:
        if field not in obj.fields:
            raise GCModelError(_("object {obj} has no field {field} (fields: {fields})").format(
                obj=obj.name, field=repr(field), fields=", ".join(obj.fields)))

    def _alloc(self, g: str, into: str) -> str:
        name = self.heap.fresh_name()
        # gcmarknewobject: allocate black while marking, so the new object survives this cycle.
        colour = BLACK if self.phase == "mark" else WHITE
        self.heap.objects[name] = Obj(name, dict.fromkeys(self.heap.new_fields), colour)
        self._events.append(Alloc(name, colour))
        self._stats["allocated_black"] += colour == BLACK
        self._say((_("{g} allocates {obj} into {where}: allocated black, marking is on.")
                   if colour == BLACK else _("{g} allocates {obj} into {where}.")).format(
                       g=g, obj=name, where=into))
        return name

    def _value(self, g: str, src: str | None, src_field: str | None, dst: str) -> str | None:
        if src is None:
            return None
        if src == "new":
            return self._alloc(g, _global(dst) if dst in self.heap.globals else _local(dst))
        if src_field is None:
            return self._local(g, src)
        obj = self._deref(g, src)
        self._field(obj, src_field)
        return obj.fields[src_field]

    def _assign(self, step: Assign) -> None:
        g = step.g
        if g not in self.heap.stacks:
            raise self._unknown_goroutine(g)
        holder = self.heap.stacks[g].get(step.src) if step.src_field else None
        value = self._value(g, step.src, step.src_field, step.dst)
        if step.dst in self.heap.globals:
            self._pointer_write(g, GLOBALS, step.dst, value)
            return
        self.heap.stacks[g][step.dst] = value   # a stack write: never a barrier
        if step.src is None:
            self._say(_("{g} drops local {var} (a stack write: no barrier).").format(g=g, var=step.dst))
        elif step.src_field is not None:
            self._say(_("{g} loads {src} ({value}) into local {var}: a stack write, no barrier.").format(
                g=g, src=f"{holder or step.src}.{step.src_field}", value=value or "nil", var=step.dst))
        elif step.src != "new":
            self._say(_("{g} copies {src} ({value}) into local {var}: no barrier.").format(
                g=g, src=step.src, value=value or "nil", var=step.dst))

    def _write_field(self, step: WriteField) -> None:
        obj = self._deref(step.g, step.obj)
        self._field(obj, step.field)
        value = None if step.src is None else self._local(step.g, step.src)
        self._pointer_write(step.g, obj.name, step.field, value)

    def _pointer_write(self, g: str, owner: str, slot: str, new: str | None) -> None:
        """A barriered write (heap object or global): barrier first, then ``*slot = ptr``."""
        slots = self.heap.fields_of(owner)
        old = slots[slot]
        shaded = self._call_barrier(g, owner, slot, old, new)
        slots[slot] = new
        self._last_write = Write(owner, slot, old, new, shaded)
        self._events.append(self._last_write)
        where = _global(slot) if owner == GLOBALS else f"{owner}.{slot}"
        # One whole sentence per case (what was written x what the barrier did), for translators.
        if not self.write_barrier_enabled:
            line = (_("{g} writes {new} into {where} (was {old}); the write barrier is off.") if new else
                    _("{g} deletes the pointer into {where} (was {old}); the write barrier is off."))
        elif shaded and self.wbbuf_entries:
            line = (_("{g} writes {new} into {where} (was {old}); the {barrier} barrier queues {objs} "
                      "in {p}'s wbBuf (marked when the buffer is flushed).") if new else
                    _("{g} deletes the pointer into {where} (was {old}); the {barrier} barrier queues "
                      "{objs} in {p}'s wbBuf (marked when the buffer is flushed)."))
        elif shaded:
            line = (_("{g} writes {new} into {where} (was {old}); the {barrier} barrier shades {objs}.")
                    if new else
                    _("{g} deletes the pointer into {where} (was {old}); the {barrier} barrier shades "
                      "{objs}."))
        else:
            line = (_("{g} writes {new} into {where} (was {old}); the {barrier} barrier shades nothing.")
                    if new else
                    _("{g} deletes the pointer into {where} (was {old}); the {barrier} barrier shades "
                      "nothing."))
        self._say(line.format(g=g, new=new, where=where, old=old or "nil", barrier=self.barrier.name,
                              objs=", ".join(shaded), p=self.p_of(g)))

    def _call_barrier(self, g: str, owner: str, slot: str, old: str | None,
                      new: str | None) -> tuple[str, ...]:
        if not self.write_barrier_enabled:
            return ()
        self._stats["barrier_calls"] += 1
        ctx = BarrierContext(g, self.root_state.get(g, GREY) != BLACK, self.phase)
        try:
            out = self.barrier.fn(self.heap, owner, old, new, ctx)
            out = list(out)
        except Exception as exc:
            raise BarrierError(_("barrier {barrier} failed on the write {write}: {error}").format(
                barrier=repr(self.barrier.name), write=f"{owner}.{slot} = {new or 'nil'}",
                error=repr(exc))) from exc
        for item in out:
            if item is not None and item not in self.heap.objects:
                raise BarrierError(_("barrier {barrier} returned {item} for the write {write}: return "
                                     "a list of object names (or None) to shade, e.g. [old, new]").format(
                    barrier=repr(self.barrier.name), item=repr(item),
                    write=f"{owner}.{slot} = {new or 'nil'}"))
        shaded = tuple(dict.fromkeys(x for x in out if x is not None))
        if self.wbbuf_entries:
            self._enqueue(self.p_of(g), shaded)
        else:
            for name in shaded:
                self.shade(name, "barrier")
        self._shaded = shaded
        return shaded

    def _enqueue(self, p: str, ptrs: Sequence[str]) -> None:
        """mwbbuf.go: wbBuf.get2 — flush first if the pointers do not fit, then buffer them."""
        if len(self.wbbuf[p]) + len(ptrs) > self.wbbuf_entries:
            self._flush(p)
            self._say(_("{p}'s wbBuf was full and was flushed.").format(p=p))
        self.wbbuf[p].extend(ptrs)

    def _flush(self, p: str) -> int:
        """mwbbuf.go: wbBufFlush1 — mark every buffered pointer that is still white."""
        ptrs, self.wbbuf[p] = self.wbbuf[p], []
        greyed = [x for x in ptrs if self.shade(x, "flush")]
        self._events.append(Flush(p, tuple(ptrs)))
        self._stats["wbbuf_flushes"] += 1
        return len(greyed)

    # -- collector ------------------------------------------------------------
    def _set_phase(self, new: str) -> None:
        self._events.append(PhaseChange(self.phase, new))
        self.phase = new

    def _scan_root(self, root: str, rescan: bool = False) -> list[str]:
        """markroot: shade everything a root points to (globals: markrootBlock; stacks: scanstack)."""
        slots = self.heap.globals if root == GLOBALS else self.heap.stacks[root]
        greyed = [t for t in slots.values() if self.shade(t, "root")]
        keep_grey = root != GLOBALS and self.barrier.rescan_stacks and not rescan
        self.root_state[root] = RESCAN if keep_grey else BLACK
        self._events.append(Scan(root, rescan))
        if root != GLOBALS:
            self._stats["stack_rescans" if rescan else "stack_scans"] += 1
        self._scanned = root
        return greyed

    def _scan_object(self, name: str) -> list[str]:
        """mgcmark.go: scanobject — shade every pointer field, then the object is black.

        (Go 1.27 scans the grey objects of a small-object span together: scanSpan.)"""
        # shade() inlined: this loop is the marker's hot path (bench: gc.mark_100k_seconds).
        objects, work, events = self.heap.objects, self.work, self._events
        obj = objects[name]
        greyed = []
        for t in obj.fields.values():
            target = objects.get(t)
            if target is not None and target.colour == WHITE:
                target.colour = GREY
                work.append(t)
                events.append(Shade(t, "scan"))
                greyed.append(t)
        obj.colour = BLACK
        events.append(Scan(name))
        self._stats["objects_scanned"] += 1
        self._scanned = name
        return greyed

    def _collect(self) -> None:
        if self.phase in ("off", "sweep"):
            self._sweep_termination_or_off()
        elif self.phase == "sweeptermination":
            self._mark_start()
        elif self.phase == "mark":
            self._mark_step()
        else:
            self._sweep()

    def _sweep_termination_or_off(self) -> None:
        if self.phase == "sweep":
            self._set_phase("off")
            self._say(_("Sweeping is done. GC off: the program runs alone until the heap "
                        "reaches its goal (see the pacer)."))
            return
        self.cycle += 1
        self._stats["cycles"] += 1
        self._set_phase("sweeptermination")
        self._say(_("GC cycle {n} starts: stop the world for sweep termination "
                    "(the last cycle's sweeping is finished). Every object is white.").format(n=self.cycle))

    def _mark_start(self) -> None:
        """gcStart after the STW: setGCPhase(_GCmark) turns the write barrier on; gcPrepareMarkRoots."""
        self._set_phase("mark")
        self.root_jobs = ([GLOBALS] if self.heap.globals else []) + list(self.heap.stacks)
        self.root_state = dict.fromkeys(self.root_jobs, GREY)
        if self.barrier.stacks_at_start:
            for g in self.heap.stacks:
                self._scan_root(g)
                self.root_jobs.remove(g)
            self._say(_("Mark phase: the write barrier is on and the roots are queued; every stack is "
                        "scanned now, with the world still stopped (a snapshot). The world restarts: "
                        "the program and the marker run together."))
        else:
            self._say(_("Mark phase: the write barrier is on and the roots are queued. The world "
                        "restarts: the program and the marker run together."))

    def _mark_step(self) -> None:
        if self.root_jobs:
            root = self.root_jobs.pop(0)
            greyed = self._scan_root(root)
            # Each sentence twice, with the objects shaded and with none ("shade nothing new"):
            # a translator words the two differently.
            if root == GLOBALS:
                line = (_("Scan the globals: shade {objs}.") if greyed else
                        _("Scan the globals: shade nothing new."))
            elif self.root_state[root] == RESCAN:
                line = (_("Scan {g}'s stack: shade {objs}. The stack stays grey: it must be re-scanned "
                          "at mark termination.") if greyed else
                        _("Scan {g}'s stack: shade nothing new. The stack stays grey: it must be "
                          "re-scanned at mark termination."))
            else:
                line = (_("Scan {g}'s stack: shade {objs}. The stack is black now and will not be "
                          "scanned again.") if greyed else
                        _("Scan {g}'s stack: shade nothing new. The stack is black now and will not be "
                          "scanned again."))
            self._say(line.format(g=root, objs=", ".join(greyed)))
            return
        if self.work:
            name = self.work.pop()   # LIFO, like a workbuf
            greyed = self._scan_object(name)
            line = (_("Scan {obj}: shade {objs}; {obj} is black.") if greyed else
                    _("Scan {obj}: shade nothing new; {obj} is black."))
            self._say(line.format(obj=name, objs=", ".join(greyed)))
            return
        # gcMarkDone: flush every P's write-barrier buffer; more work means keep marking.
        buffered = [p for p, buf in self.wbbuf.items() if buf]
        greyed = sum(self._flush(p) for p in buffered)
        if greyed:
            self._say(_("No grey objects left, but gcMarkDone flushed the wbBufs and found "
                        "{n} new grey object(s): marking goes on.").format(n=greyed))
            return
        self._mark_termination()

    def _mark_termination(self) -> None:
        self._set_phase("marktermination")
        lines = [_("Mark termination: stop the world.")]
        rescanned = [g for g, s in self.root_state.items() if s == RESCAN]
        if rescanned:
            greyed = [t for g in rescanned for t in self._scan_root(g, rescan=True)]
            line = (_("Re-scan {n} stack(s) ({stacks}), shading {objs}.") if greyed else
                    _("Re-scan {n} stack(s) ({stacks}), shading nothing new."))
            lines.append(line.format(n=len(rescanned), stacks=", ".join(rescanned), objs=", ".join(greyed)))
        drained = 0
        # Only a Dijkstra re-scan leaves work here: mark it with the world stopped, as a
        # re-scanning collector must. Go 1.27 gets here with an empty queue (gcMarkDone
        # restarts the world instead; gcMark panics otherwise).
        while self.work:
            self._scan_object(self.work.pop())
            drained += 1
        if drained:
            lines.append(_("Drain {n} grey object(s).").format(n=drained))
        lost = lost_objects(self.heap)
        for name in lost:
            self._events.append(Lost(name))
            self._stats["lost"] += 1
        self.lost.extend(lost)
        if lost:
            lines.append((_("LOST: {objs} is reachable but white: the sweeper will free live memory.")
                          if len(lost) == 1 else
                          _("LOST: {objs} are reachable but white: the sweeper will free live memory."))
                         .format(objs=", ".join(lost)))
        else:
            lines.append(_("Every reachable object is black. The write barrier goes off."))
        self._say(sentences(lines))

    def _sweep(self) -> None:
        """gcSweep/sweepone: free what is unmarked (white); the mark bits are reset for the next cycle."""
        self._set_phase("sweep")
        self.root_jobs, self.root_state = [], {}
        for name in [n for n, o in self.heap.objects.items() if o.colour == WHITE]:
            del self.heap.objects[name]
            self.freed.add(name)
            self._freed_now.append(name)
            self._events.append(Free(name))
            self._stats["freed"] += 1
        for obj in self.heap.objects.values():
            obj.colour = WHITE
        self._say(_("Sweep: free the white objects ({objs}); the survivors are white again for the "
                    "next cycle.").format(objs=", ".join(self._freed_now) or _("none")))

    # -- snapshots -----------------------------------------------------------
    def snapshot(self) -> GCSnapshot:
        queued = {p for buf in self.wbbuf.values() for p in buf}
        objects = tuple(ObjectView(o.name, o.colour, tuple(o.fields.items()), o.name in queued)
                        for o in self.heap.objects.values())
        roots: list[RootView] = []
        if self.heap.globals:
            roots.append(RootView(GLOBALS, "globals", tuple(self.heap.globals.items()),
                                  self.root_state.get(GLOBALS, "-")))
        for g, slots in self.heap.stacks.items():
            roots.append(RootView(g, "stack", tuple(slots.items()), self.root_state.get(g, "-")))
        pointed = {t for o in self.heap.objects.values() for t in o.fields.values()}
        pointed |= set(self.heap.root_pointers())
        lines = list(self._lines) or [_("The heap before the program starts: GC off, nothing is marked.")]
        weak = [v for v in self.violations if v.rule == "weak"]
        if weak:
            lines.append(_("Warning: {violation}.").format(violation=weak[0]))
        elif self.violations:
            lines.append(_("Note: {violation}.").format(violation=self.violations[0]))
        caption = sentences(lines)
        return GCSnapshot(
            step=len(self.history), text=self._text, phase=self.phase, cycle=self.cycle,
            barrier=self.barrier.name, objects=objects, roots=tuple(roots),
            last_write=self._last_write, shaded=self._shaded, scanned=self._scanned,
            freed=tuple(self._freed_now), dangling=tuple(sorted(self.freed & pointed)),
            lost=tuple(self.lost), violations=tuple(self.violations),
            wbbuf=tuple((p, tuple(buf)) for p, buf in self.wbbuf.items()),
            stats=self.stats, events=tuple(self._events), caption=caption)
