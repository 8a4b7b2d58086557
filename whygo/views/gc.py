"""View of the GC model: one snapshot as an object graph (Graphviz DOT -> SVG).

``render_gc(snapshot)`` draws:

* heap objects as circles: white (black border), grey, black (white text);
* the roots in a separate "roots" cluster: the globals block and one record
  per goroutine stack, one row per slot; a root's fill tells its scan state
  (light: GC off, grey: not scanned yet / must be re-scanned, black: scanned
  for good);
* highlights of this step: the last mutator write (red edge, with the
  overwritten pointer as a dashed "was" edge), the objects the barrier
  shaded (orange border), objects waiting in a wbBuf (dashed orange border),
  the node the collector scanned (blue border), black -> white pointers
  that break the weak invariant (red) or only the strong one (orange), lost
  objects (double red ring) and freed objects something still points to;
* the phase, barrier, cycle and the caption as the graph label.

``gc_dot(snapshot)`` returns the DOT text (handy for tests and for students
who want to see it); ``render_gc`` passes it to whygo.graphviz_render.
Pure functions: the snapshot is only read.
"""
from __future__ import annotations

import textwrap

from whygo.gc.collector import RUNTIME_NAME
from whygo.gc.snapshot import GCSnapshot
from whygo.graphviz_render import to_svg

FILL = {"white": "white", "grey": "#a8a8a8", "black": "black"}
ROOT_FILL = {"-": "#eeeeee", "grey": "#a8a8a8", "rescan": "#a8a8a8", "black": "#303030"}
RED, ORANGE, BLUE = "#d7191c", "#f07c00", "#2166ac"
CAPTION_WIDTH = 95
LEGEND = ("key: white = not reached · grey = reached, to scan · black = scanned · orange ring = "
          "shaded by the barrier · blue ring = scanned now · red edge = this write, or black -> "
          "white with no grey path")


def _q(name: str) -> str:
    return '"' + name.replace('"', r"\"") + '"'


def _obj_id(name: str) -> str:
    return _q("o_" + name)


def _root_id(name: str) -> str:
    return _q("r_" + name)


def _text(line: str) -> str:
    """A plain DOT string body: quotes and backslashes escaped."""
    return line.replace("\\", "\\\\").replace('"', '\\"')


def _label(s: GCSnapshot) -> str:
    # Plain text, one "\l" (left-justified line end) per line: the WebAssembly
    # Graphviz is built without expat, so HTML-like labels are not available.
    head = (f"{RUNTIME_NAME[s.phase]} · barrier: {s.barrier} · cycle {s.cycle} · step {s.step}"
            + (f" · {s.text}" if s.text else ""))
    stats = (f"stack scans {s.stats.stack_scans} · re-scans {s.stats.stack_rescans} · "
             f"barrier shades {s.stats.barrier_shades} · freed {s.stats.freed}")
    buffers = [f"{p}: {', '.join(objs)}" for p, objs in s.wbbuf if objs]
    if buffers:
        stats += " · wbBuf " + "; ".join(buffers)
    lines = [head, *textwrap.wrap(s.caption, CAPTION_WIDTH), stats,
             *textwrap.wrap(LEGEND, CAPTION_WIDTH + 15)]
    return '"' + "".join(_text(line) + "\\l" for line in lines) + '"'


def gc_dot(s: GCSnapshot) -> str:
    """The DOT source of one GC frame (deterministic: model order, no randomness)."""
    out = ["digraph gc {",
           f'  graph [rankdir=LR, fontname="Helvetica", fontsize=11, labelloc=t, labeljust=l, '
           f'nodesep=0.18, ranksep=0.35, pad=0.15, bgcolor="white", label={_label(s)}];',
           '  node [fontname="Helvetica", fontsize=11];',
           '  edge [fontname="Helvetica", fontsize=8, arrowsize=0.6, color="#555555"];']

    # roots
    out.append('  subgraph cluster_roots { label="roots"; style="rounded,dashed"; '
               'color="#888888"; fontsize=9;')
    for r in s.roots:
        title = "globals" if r.kind == "globals" else f"{r.name} stack"
        if r.state == "rescan":
            title += " (re-scan)"
        rows = "|".join(f"<{v}> {v}" for v, _ in r.slots) or "(empty)"   # LR: fields stack up
        font = "white" if r.state == "black" else "black"
        out.append(f'    {_root_id(r.name)} [shape=record, style="rounded,filled", '
                   f'fillcolor="{ROOT_FILL[r.state]}", fontcolor="{font}", fontsize=10, '
                   f'color="{BLUE if s.scanned == r.name else "#444444"}", '
                   f'penwidth={3 if s.scanned == r.name else 1}, label="{title}|{rows}"];')
    out.append("  }")

    # objects
    shaded, lost = set(s.shaded), set(s.lost)
    for o in s.objects:
        attrs = [f'fillcolor="{FILL[o.colour]}"',
                 f'fontcolor="{"white" if o.colour == "black" else "black"}"']
        style, border, pen = "filled", "black", 1.2
        if o.queued:
            style, border, pen = "filled,dashed", ORANGE, 2.5
            attrs.append('xlabel="wbBuf"')
        if o.name in shaded:
            border, pen = ORANGE, 3.5
        if s.scanned == o.name:
            border, pen = BLUE, 3.5
        if o.name in lost:
            attrs.append("peripheries=2")
            border = RED
        attrs += [f'style="{style}"', f'color="{border}"', f"penwidth={pen}"]
        out.append(f'  {_obj_id(o.name)} [shape=circle, fixedsize=true, width=0.42, '
                   f'label="{o.name}", {", ".join(attrs)}];')
    for name in s.dangling:
        out.append(f'  {_obj_id(name)} [shape=circle, fixedsize=true, width=0.55, style=dashed, '
                   f'color="{RED}", fontcolor="{RED}", fontsize=9, label="{name}\\nfreed"];')

    # edges
    bad = {(v.src, v.slot): v.rule for v in s.violations}
    bad.update({(o.name, f): "dangling" for o in s.objects for f, t in o.fields if t in s.dangling})
    bad.update({(r.name, v): "dangling" for r in s.roots for v, t in r.slots if t in s.dangling})
    w = s.last_write
    for r in s.roots:
        for var, t in r.slots:
            if t is not None:
                out.append(f"  {_root_id(r.name)}:{var} -> {_obj_id(t)}"
                           + _edge_attrs(bad.get((r.name, var)),
                                         w is not None and w.owner == r.name and w.slot == var))
    for o in s.objects:
        for f, t in o.fields:
            if t is not None:
                out.append(f"  {_obj_id(o.name)} -> {_obj_id(t)}"
                           + _edge_attrs(bad.get((o.name, f)),
                                         w is not None and w.owner == o.name and w.slot == f, f))
    if w is not None and w.old is not None and w.old != w.new:
        src = _root_id(w.owner) + f":{w.slot}" if w.owner == "globals" else _obj_id(w.owner)
        out.append(f'  {src} -> {_obj_id(w.old)} [style=dashed, color="{RED}", '
                   f'fontcolor="{RED}", label="was {w.slot}", constraint=false];')
    out.append("}")
    return "\n".join(out) + "\n"


def _edge_attrs(rule: str | None, written: bool, label: str = "") -> str:
    attrs = [f'label="{label}"'] if label else []
    if written:
        attrs += [f'color="{RED}"', "penwidth=2.5", f'fontcolor="{RED}"']
    elif rule == "weak":
        attrs += [f'color="{RED}"', "penwidth=2", "style=bold"]
    elif rule == "dangling":
        attrs += [f'color="{RED}"', "style=dashed"]
    elif rule == "strong":
        attrs += [f'color="{ORANGE}"', "penwidth=1.8"]
    return f" [{', '.join(attrs)}];" if attrs else ";"


def render_gc(snapshot: GCSnapshot) -> str:
    """One GC frame as an SVG string (Graphviz WebAssembly: identical on every machine)."""
    return to_svg(gc_dot(snapshot))
