"""The heap and its roots: what the mutator changes and the collector colours.

A tiny picture of Go memory for the GC model:

* heap objects, each with named pointer fields (``A.f0 -> B``) and a mark
  colour: white (not marked), grey (marked, fields not scanned yet: it sits in
  the collector's work queue), black (marked and scanned);
* roots: the globals block (package-level variables, the data/bss segments
  that ``markroot`` scans) and one stack per goroutine, a set of named local
  variables (stack slots).

A goroutine only reaches memory through its own locals and the globals, so
every mutator operation names locals: ``g1: x.f0 = y`` writes the pointer held
in local ``y`` into field ``f0`` of the object local ``x`` points to. That
keeps random interleavings realistic: a program cannot conjure a pointer to an
object it cannot reach (which no collector could survive).

The heap is described by a plain spec dict, easy to write by hand and to
print::

    {"objects": {"A": {"f0": "B", "f1": None}, "B": {"f0": None}},
     "globals": {"G": "A"},
     "stacks": {"g1": {"x": "A", "y": None}}}
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator

from whygo.i18n import N_, _

WHITE, GREY, BLACK = "white", "grey", "black"
GLOBALS = "globals"   # the slot owner passed to a barrier for a write into a global

Spec = dict  # {"objects": {...}, "globals": {...}, "stacks": {...}}
_IDENT = re.compile(r"^[A-Za-z_]\w*$")


class GCModelError(ValueError):
    """A heap spec or a mutator step the model cannot accept; the message names it."""


@dataclass(slots=True)
class Obj:
    """One heap object: named pointer fields and its mark colour."""
    name: str
    fields: dict[str, str | None]
    colour: str = WHITE


@dataclass
class Heap:
    """Objects plus roots (globals and goroutine stacks). Mutable; the collector owns it."""
    objects: dict[str, Obj] = field(default_factory=dict)
    globals: dict[str, str | None] = field(default_factory=dict)
    stacks: dict[str, dict[str, str | None]] = field(default_factory=dict)
    new_fields: tuple[str, ...] = ("f0", "f1")   # fields of an object made by `new`
    _next_name: int = 0
    _used: set[str] = field(default_factory=set)  # every name ever used: freed names are not reused

    # -- building ---------------------------------------------------------
    @classmethod
    def from_spec(cls, spec: Spec, *, new_fields: tuple[str, ...] = ("f0", "f1")) -> "Heap":
        """Build a heap from a spec dict (see the module docstring); checks every name."""
        if not isinstance(spec, dict) or "objects" not in spec:
            raise GCModelError(_("a heap spec is a dict with 'objects' (and optional 'globals', "
                                 "'stacks'); got {spec}").format(spec=repr(spec)))
        heap = cls(new_fields=tuple(new_fields))
        for name, fields in spec["objects"].items():
            if not isinstance(fields, dict):
                raise GCModelError(_("object {name}: fields must be a dict like {example}, got "
                                     "{fields}").format(name=repr(name), example="{'f0': 'B', 'f1': None}",
                                                        fields=repr(fields)))
            heap.objects[name] = Obj(name, dict(fields))
        heap.globals = dict(spec.get("globals", {}))
        heap.stacks = {g: dict(slots) for g, slots in spec.get("stacks", {}).items()}
        heap._used = set(heap.objects)
        heap._check_spec()
        return heap

    def _check_spec(self) -> None:
        names = [(N_("object name {name}"), n) for n in self.objects]
        names += [(N_("field name {name}"), f) for o in self.objects.values() for f in o.fields]
        names += [(N_("global name {name}"), v) for v in self.globals]
        names += [(N_("goroutine name {name}"), g) for g in self.stacks]
        names += [(N_("local name {name}"), v) for slots in self.stacks.values() for v in slots]
        for kind, name in names:
            if not (isinstance(name, str) and _IDENT.match(name)) or name in ("nil", "new", "gc"):
                raise GCModelError(_("{what}: use a plain identifier (letters, digits, _), not "
                                     "nil/new/gc, so schedules and pictures can name it").format(
                                         what=_(kind).format(name=repr(name))))

        def target(where: str, t: str | None) -> None:
            if t is not None and t not in self.objects:
                raise GCModelError(_("{where} points to {target}, which is not an object of the heap "
                                     "(objects: {objects})").format(
                                         where=where, target=repr(t),
                                         objects=", ".join(self.objects) or _("none")))
        for obj in self.objects.values():
            for f, t in obj.fields.items():
                target(f"{obj.name}.{f}", t)
        for var, t in self.globals.items():
            target(_("global {name}").format(name=var), t)
        for g, slots in self.stacks.items():
            for var, t in slots.items():
                target(_("{g}: local {name}").format(g=g, name=var), t)
                if var in self.globals:
                    raise GCModelError(_("{g}: local {name} has the name of a global; "
                                         "use distinct names for locals and globals").format(
                                             g=g, name=repr(var)))

    def spec(self) -> Spec:
        """The heap as a spec dict (colours are not part of it)."""
        return {"objects": {n: dict(o.fields) for n, o in self.objects.items()},
                "globals": dict(self.globals),
                "stacks": {g: dict(s) for g, s in self.stacks.items()}}

    # -- queries (what a barrier may use) ---------------------------------
    def colour(self, name: str) -> str:
        return self.objects[name].colour

    def fields_of(self, owner: str) -> dict[str, str | None]:
        """The slots of an object, or of the globals block for ``GLOBALS``."""
        return self.globals if owner == GLOBALS else self.objects[owner].fields

    def root_pointers(self) -> Iterator[str]:
        """Every object a root (global or stack slot) points to."""
        for t in self.globals.values():
            if t is not None:
                yield t
        for slots in self.stacks.values():
            for t in slots.values():
                if t is not None:
                    yield t

    def reachable(self) -> set[str]:
        """Objects reachable from the roots: what a correct collector must keep."""
        seen: set[str] = set()
        todo = [t for t in self.root_pointers() if t in self.objects]
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            todo.extend(t for t in self.objects[name].fields.values()
                        if t is not None and t not in seen and t in self.objects)
        return seen

    def fresh_name(self) -> str:
        """A new object name: A..Z, then A1..Z1, ... never one used before (freed included)."""
        while True:
            i = self._next_name
            self._next_name += 1
            letter, round_ = chr(ord("A") + i % 26), i // 26
            name = letter if round_ == 0 else f"{letter}{round_}"
            if name not in self._used:
                self._used.add(name)
                return name

    def describe(self) -> str:
        """One readable line: ``A.f0=B A.f1=nil | globals: G=A | g1: x=A``."""
        objs = " ".join(f"{n}.{f}={t or 'nil'}" for n, o in self.objects.items()
                        for f, t in o.fields.items()) or "(no objects)"
        parts = [objs]
        if self.globals:
            parts.append("globals: " + " ".join(f"{v}={t or 'nil'}" for v, t in self.globals.items()))
        for g, slots in self.stacks.items():
            parts.append(f"{g}: " + (" ".join(f"{v}={t or 'nil'}" for v, t in slots.items()) or "-"))
        return " | ".join(parts)
