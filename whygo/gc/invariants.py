"""The tri-colour invariants and the lost-object check, as pure functions.

* strong invariant: no black node points to a white object;
* weak invariant: every white object a black node points to is "grey
  protected": reachable from some grey node through a chain of white objects
  (so the marker will still get to it).

A "node" is a heap object or a root (the globals block, a goroutine stack).
A root is grey while it still has to be scanned (or re-scanned, for
Dijkstra's barrier) and black once scanned for good. Pointers waiting in a
``wbBuf`` count as grey: the runtime flushes every buffer before it may
finish marking (mgc.go: gcMarkDone), so they are queued marking work.

Breaking the strong invariant is allowed by the deletion and hybrid barriers
(a scanned stack may load a white pointer); breaking the weak one means an
object can be lost. The lost-object check runs at mark termination: an
object reachable from a root but still white would be freed by the sweeper.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from whygo.i18n import _

from .heap import BLACK, GLOBALS, WHITE, Heap


@dataclass(frozen=True)
class Violation:
    """A black node points to a white object.

    ``rule`` is "strong" when the target is still grey-protected (only the
    strong invariant is broken) and "weak" when it is not (both are)."""
    rule: str
    src: str        # object name, "globals" or a goroutine
    slot: str       # field or variable name
    dst: str

    def __str__(self) -> str:
        if self.rule == "strong":
            text = _("black {src}.{slot} -> white {dst}: strong invariant broken (still grey-protected)")
        else:
            text = _("black {src}.{slot} -> white {dst}: weak invariant broken: no grey path protects it")
        return text.format(src=self.src, slot=self.slot, dst=self.dst)


def _root_slots(heap: Heap, root: str) -> dict[str, str | None]:
    return heap.globals if root == GLOBALS else heap.stacks[root]


def grey_protected(heap: Heap, grey_roots: Iterable[str], queued: Iterable[str]) -> set[str]:
    """White objects reachable from a grey node through white objects only."""
    protected: set[str] = set()
    todo: list[str] = [t for t in queued if t in heap.objects and heap.colour(t) == WHITE]
    for root in grey_roots:
        todo.extend(t for t in _root_slots(heap, root).values() if t is not None)
    for obj in heap.objects.values():
        if obj.colour not in (WHITE, BLACK):  # grey
            todo.extend(t for t in obj.fields.values() if t is not None)
    while todo:
        name = todo.pop()
        if name in protected or name not in heap.objects or heap.colour(name) != WHITE:
            continue
        protected.add(name)
        todo.extend(t for t in heap.objects[name].fields.values() if t is not None)
    return protected


def check_invariants(heap: Heap, black_roots: Iterable[str], grey_roots: Iterable[str],
                     queued: Iterable[str] = ()) -> list[Violation]:
    """Every black -> white pointer, classified as a strong or weak violation."""
    grey_roots = list(grey_roots)
    edges: list[tuple[str, str, str]] = []
    for root in black_roots:
        edges.extend((root, var, t) for var, t in _root_slots(heap, root).items() if t is not None)
    for obj in heap.objects.values():
        if obj.colour == BLACK:
            edges.extend((obj.name, f, t) for f, t in obj.fields.items() if t is not None)
    bad = [(s, f, t) for s, f, t in edges if t in heap.objects and heap.colour(t) == WHITE]
    if not bad:
        return []
    protected = grey_protected(heap, grey_roots, queued)
    return [Violation("strong" if t in protected else "weak", s, f, t) for s, f, t in bad]


def lost_objects(heap: Heap) -> list[str]:
    """Objects reachable from the roots that are still white: the sweeper would free them."""
    return sorted(n for n in heap.reachable() if heap.colour(n) == WHITE)
