"""View of the context-tree model (whygo.context): one Graphviz box per context.

``to_dot(snap)`` writes a snapshot as a Graphviz graph (plain labels, edges
parent -> child, dashed once the child is done: ``removeChild``);
``render(snap)`` turns it into an SVG string with the course's WebAssembly
Graphviz, identical everywhere; ``player(frames)`` animates a list of them.
"""
from __future__ import annotations

from whygo.anim import Player
from whygo.context import CANCELED, DEADLINE_EXCEEDED, ContextSnapshot
from whygo.graphviz_render import to_svg

_NL = "\\n"  # a Graphviz line break inside a label
_FILL = {None: "#dcfce7", CANCELED: "#e5e7eb", DEADLINE_EXCEEDED: "#fee2e2"}


def to_dot(snap: ContextSnapshot) -> str:
    """The snapshot as a Graphviz graph: one box per context (plain labels), edges parent->child."""
    def q(text: str) -> str:
        return '"' + text.replace('"', "'") + '"'

    lines = ["digraph ctx {", "  rankdir=TB; bgcolor=white;",
             '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];',
             '  edge [color="#475569"];',
             f'  label={q(f"t = {snap.t} ms")}; labelloc=t; fontname="Helvetica";']
    for n in snap.nodes:
        parts = [n.name] if n.kind == n.name else [n.name, n.kind]
        if n.deadline is not None:
            parts.append(f"deadline t={n.deadline}" + (" (own timer)" if n.own_timer else " (inherited)"))
        if n.goroutine:
            parts.append(f"waiting: {n.goroutine}" if n.err is None else f"woken: {n.goroutine}")
        parts.append("err: nil" if n.err is None else f"err: {n.err}")
        width = "3" if n.err == DEADLINE_EXCEEDED else "1"
        lines.append(f"  {q(n.name)} [label={q(_NL.join(parts))}, fillcolor={q(_FILL[n.err])}, "
                     f"penwidth={width}];")
    for n in snap.nodes:
        if n.parent is not None:
            # removeChild: a finished context is no longer registered with its parent (dashed).
            style = " [style=dashed]" if n.err is not None else ""
            lines.append(f"  {q(n.parent)} -> {q(n.name)}{style};")
    lines.append("}")
    return "\n".join(lines)


def render(snap: ContextSnapshot) -> str:
    """Snapshot -> SVG string (the course's WebAssembly Graphviz: identical everywhere)."""
    return to_svg(to_dot(snap))


def player(frames: list[ContextSnapshot], title: str = "a context tree"):
    """An animation player (whygo.anim.Player) for a list of snapshots."""
    return Player(frames, render, title=title)
