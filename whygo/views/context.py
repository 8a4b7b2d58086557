"""View of the context-tree model (whygo.context): one Graphviz box per context.

``to_dot(snap)`` writes a snapshot as a Graphviz graph (plain labels, edges
parent -> child, dashed once the child is done: ``removeChild``);
``render(snap)`` turns it into an SVG string with the course's WebAssembly
Graphviz, identical everywhere; ``player(frames)`` animates a list of them.
"""
from __future__ import annotations

import unicodedata
from typing import Sequence

from whygo.context import CANCELED, DEADLINE_EXCEEDED, ContextSnapshot
from whygo.graphviz_render import to_svg
from whygo.i18n import N_, _

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
        parts = _lines(n)
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


# --- frames for the vector player (whygo.player) ---
# The context-tree model as frames for the vector player (whygo.player).
# 
# The tree is laid out once (Graphviz, every context any frame has), then each
# snapshot is drawn on those positions: a box per context coloured by its error
# (live, Canceled, DeadlineExceeded), its deadline and whether it has its own
# timer, the goroutine waiting on ``Done()``; an edge from parent to child,
# dashed once ``removeChild`` has unregistered the child. Snapshots are only
# read (any object with ContextSnapshot's fields).

CTX_KEY = ((N_("live (err: nil)"), "ctx"), ("Canceled", "ctx Canceled"), ("DeadlineExceeded", "ctx DeadlineExceeded"))
CHAR_PX = 7.6          # a 13 px character, generously
BOLD_PX = 9.2          # a 14 px bold one (the name)
LINE_H = 17
PAD = 12


def _lines(n) -> list[str]:
    """A context's box: name, kind, deadline, its goroutine, err (as Go prints it)."""
    parts = [n.name] if n.kind == n.name else [n.name, n.kind]
    if n.deadline is not None:
        text = _("deadline t={t} (own timer)") if n.own_timer else _("deadline t={t} (inherited)")
        parts.append(text.format(t=n.deadline))
    if n.goroutine:
        parts.append((_("waiting: {g}") if n.err is None else _("woken: {g}")).format(g=n.goroutine))
    parts.append("err: nil" if n.err is None else f"err: {n.err}")
    return parts


def _chars(text: str) -> float:
    """Width of ``text`` in Latin characters: a Chinese character is about twice as wide."""
    return sum(1.8 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def context_frames(snaps: Sequence) -> list[dict]:
    from whygo.graphviz_render import layout
    from whygo.player import card, frame
    snaps = list(snaps)
    size: dict[str, tuple[float, float]] = {}
    parents: dict[str, str] = {}
    for s in snaps:
        for n in s.nodes:
            lines = _lines(n)
            w = max(_chars(lines[0]) * BOLD_PX, *(_chars(t) * CHAR_PX for t in lines[1:])) + 2 * PAD
            h = len(lines) * LINE_H + 2 * PAD - 6
            ow, oh = size.get(n.name, (0, 0))
            size[n.name] = (max(w, ow), max(h, oh))
            if n.parent is not None:
                parents[n.name] = n.parent

    def q(text: str) -> str:
        return '"' + text.replace('"', "'") + '"'
    dot = ["digraph ctx {", "  graph [rankdir=LR, nodesep=0.25, ranksep=0.5];"]
    dot += [f"  {q(name)} [shape=box, fixedsize=true, width={w / 72:.3f}, height={h / 72:.3f}];"
            for name, (w, h) in size.items()]
    dot += [f"  {q(p)} -> {q(c)};" for c, p in parents.items()]
    pos = layout("\n".join(dot + ["}"]) + "\n")
    x0 = min(x - w / 2 for x, _, w, _ in pos.values()) - PAD
    y0 = min(y - h / 2 for _, y, _, h in pos.values()) - PAD
    width = max(x + w / 2 for x, _, w, _ in pos.values()) - x0 + PAD
    height = max(y + h / 2 for _, y, _, h in pos.values()) - y0 + PAD

    def box(name):
        x, y, w, h = pos[name]
        return x - x0, y - y0, w, h

    out = []
    for s in snaps:
        prims: list = []
        for n in s.nodes:
            if n.parent is not None:
                px, py, pw, _ph = box(n.parent)
                cx, cy, cw, _ch = box(n.name)
                prims.append(["l", round(px + pw / 2, 1), round(py, 1), round(cx - cw / 2 - 2, 1), round(cy, 1),
                              "ed gone" if n.err is not None else "ed"])
        for n in s.nodes:
            x, y, w, h = box(n.name)
            left, top = round(x - w / 2, 1), round(y - h / 2, 1)
            prims.append(["r", left, top, round(w, 1), round(h, 1), f"ctx {n.err or ''}".strip()])
            for k, text in enumerate(_lines(n)):
                prims.append(["t", left + PAD, round(top + PAD + 10 + k * LINE_H, 1), text, "h" if k == 0 else ""])
        out.append(frame([card(width, height, prims)], s.caption, f"t = {s.t} ms"))
    return out


def player(snaps: Sequence, title: str = N_("a context tree")):
    """The vector player for a context-tree scenario."""
    from whygo.player import ScenePlayer
    return ScenePlayer({"": context_frames(snaps)}, title=_(title), legend=CTX_KEY)
