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

from whygo.gc.collector import RUNTIME_NAME
from whygo.gc.snapshot import GCSnapshot
from whygo.graphviz_render import to_svg
from whygo.i18n import N_, _
from whygo.views.fonts import wrap_text

FILL = {"white": "white", "grey": "#a8a8a8", "black": "black"}
ROOT_FILL = {"-": "#eeeeee", "grey": "#a8a8a8", "rescan": "#a8a8a8", "black": "#303030"}
RED, ORANGE, BLUE = "#d7191c", "#f07c00", "#2166ac"
CAPTION_WIDTH = 95
LEGEND = N_("key: white = not reached · grey = reached, to scan · black = scanned · orange ring = "
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


def _status(s: GCSnapshot) -> tuple[str, str]:
    """(phase · barrier · cycle · step, the counters and the wbBuf contents) of one frame."""
    head = _("{phase} · barrier: {barrier} · cycle {cycle} · step {step}").format(
        phase=_(RUNTIME_NAME[s.phase]), barrier=s.barrier, cycle=s.cycle, step=s.step)
    stats = _("stack scans {scans} · re-scans {rescans} · barrier shades {shades} · freed {freed}").format(
        scans=s.stats.stack_scans, rescans=s.stats.stack_rescans, shades=s.stats.barrier_shades,
        freed=s.stats.freed)
    buffers = [f"{p}: {', '.join(objs)}" for p, objs in s.wbbuf if objs]
    if buffers:
        stats += " · wbBuf " + "; ".join(buffers)
    return head, stats


def _root_title(r) -> str:
    """A root's heading: the globals block, or a goroutine's stack."""
    return _("globals") if r.kind == "globals" else _("{g} stack").format(g=r.name)


def _label(s: GCSnapshot) -> str:
    # Plain text, one "\l" (left-justified line end) per line: the WebAssembly
    # Graphviz is built without expat, so HTML-like labels are not available.
    head, stats = _status(s)
    head += f" · {s.text}" if s.text else ""
    lines = [head, *wrap_text(s.caption, CAPTION_WIDTH), stats,
             *wrap_text(_(LEGEND), CAPTION_WIDTH + 15)]
    return '"' + "".join(_text(line) + "\\l" for line in lines) + '"'


def gc_dot(s: GCSnapshot) -> str:
    """The DOT source of one GC frame (deterministic: model order, no randomness)."""
    out = ["digraph gc {",
           f'  graph [rankdir=LR, fontname="Helvetica", fontsize=11, labelloc=t, labeljust=l, '
           f'nodesep=0.18, ranksep=0.35, pad=0.15, bgcolor="white", label={_label(s)}];',
           '  node [fontname="Helvetica", fontsize=11];',
           '  edge [fontname="Helvetica", fontsize=8, arrowsize=0.6, color="#555555"];']

    # roots
    out.append(f'  subgraph cluster_roots {{ label="{_text(_("roots"))}"; style="rounded,dashed"; '
               'color="#888888"; fontsize=9;')
    for r in s.roots:
        title = _root_title(r)
        if r.state == "rescan":
            title = _("{root} (re-scan)").format(root=title)
        rows = "|".join(f"<{v}> {v}" for v, _t in r.slots) or _("(empty)")   # LR: fields stack up
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
                   f'color="{RED}", fontcolor="{RED}", fontsize=9, '
                   f'label="{name}\\n{_text(_("freed"))}"];')

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
                   f'fontcolor="{RED}", label="{_text(_("was {slot}").format(slot=w.slot))}", constraint=false];')
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


# ----- frames as data for the vector player (whygo.player) ---------------------------------
# The graph is laid out ONCE per scenario (every object, root slot and pointer any frame has),
# then every frame is drawn on those positions: only colours, rings and edges change.
GC_KEY = ((N_("white: not reached"), "white"), (N_("grey: reached, to scan"), "grey"),
          (N_("black: scanned"), "black"), (N_("shaded by the barrier"), "white shaded"),
          (N_("waiting in a wbBuf"), "white queued"), (N_("scanned now"), "white scanned"),
          (N_("lost (reachable but white)"), "white lost"), (N_("the write of this step"), "write"))
NODE_R = 20          # px
ROOT_W, ROW_H, ROOT_HEAD = 96, 24, 26
SCALE = 1.25         # Graphviz points -> px
PAD = 14
HEAD_H = 8           # room above the graph (status lines are HTML, under it)


def _layout_dot(snaps) -> str:
    """A DOT graph with the union of every frame's nodes and pointers (positions only)."""
    roots: dict[str, list[str]] = {}
    objects: list[str] = []
    edges: set[tuple[str, str, str]] = set()
    for s in snaps:
        for r in s.roots:
            slots = roots.setdefault(r.name, [])
            for var, t in r.slots:
                if var not in slots:
                    slots.append(var)
                if t is not None:
                    edges.add((_root_id(r.name), var, _obj_id(t)))
        for o in s.objects:
            if o.name not in objects:
                objects.append(o.name)
            for f, t in o.fields:
                if t is not None:
                    edges.add((_obj_id(o.name), "", _obj_id(t)))
        for name in s.dangling:
            if name not in objects:
                objects.append(name)
    w_in, node_in = ROOT_W / SCALE / 72, 2 * NODE_R / SCALE / 72
    out = ["digraph layout {", "  graph [rankdir=LR, nodesep=0.45, ranksep=0.9];"]
    out.append("  subgraph cluster_roots {")
    for name, slots in roots.items():
        h_in = (ROOT_HEAD + ROW_H * max(1, len(slots))) / SCALE / 72
        ports = "|".join(f"<{v}> {v}" for v in slots) or "-"
        out.append(f'    {_root_id(name)} [shape=record, fixedsize=true, width={w_in:.3f}, '
                   f'height={h_in:.3f}, label="{{{_text(name)}|{ports}}}"];')
    out.append("  }")
    for name in objects:
        out.append(f"  {_obj_id(name)} [shape=circle, fixedsize=true, width={node_in:.3f}];")
    for src, port, dst in sorted(edges):
        out.append(f"  {src}{':' + port if port else ''} -> {dst};")
    out.append("}")
    return "\n".join(out) + "\n"


def _edge(x1, y1, x2, y2, r2: float) -> tuple[float, float, float, float]:
    """The segment from (x1, y1) to the rim of a circle of radius r2 at (x2, y2)."""
    dx, dy = x2 - x1, y2 - y1
    d = max(1e-6, (dx * dx + dy * dy) ** 0.5)
    return x1, y1, x2 - dx / d * (r2 + 2), y2 - dy / d * (r2 + 2)


def gc_frames(snaps) -> list[dict]:
    """Frames as data for ``whygo.player``: one card with the heap graph at fixed positions.

    Objects are circles in their tri-colour; rings show what the barrier shaded, what waits in
    a wbBuf, what the collector scans now and what is lost; the write of this step is the red
    edge (the overwritten pointer dashed). The rule line names the phase and the barrier.
    """
    from whygo.gc.snapshot import Write  # noqa: F401 - the type of last_write
    from whygo.graphviz_render import layout
    from whygo.player import card, frame

    snaps = list(snaps)
    pos = layout(_layout_dot(snaps))
    xs = [(x - w / 2) * SCALE for x, _y, w, _h in pos.values()]
    x0 = min(xs) - PAD if xs else 0
    width = max((x + w / 2) * SCALE for x, _y, w, _h in pos.values()) - x0 + PAD
    height = max((y + h / 2) * SCALE for _x, y, _w, h in pos.values()) + HEAD_H + PAD

    def at(key: str) -> tuple[float, float, float, float]:
        x, y, w, h = pos[key.strip('"')]
        return x * SCALE - x0, y * SCALE + HEAD_H, w * SCALE, h * SCALE

    out = []
    for s in snaps:
        prims: list = []
        head, stats = _status(s)
        slot_at: dict[tuple[str, str], tuple[float, float]] = {}
        for r in s.roots:
            x, y, w, h = at(_root_id(r.name))
            left, top = x - w / 2, y - h / 2
            cls = "root" + ({"grey": " grey", "rescan": " grey", "black": " black"}.get(r.state, "")) + \
                (" scanned" if s.scanned == r.name else "")
            prims.append(["r", left, top, w, h, cls])
            title = _root_title(r)
            ink = "h c inv" if r.state == "black" else "h c"
            prims.append(["t", x, top + 18, title + (" ↻" if r.state == "rescan" else ""), ink])
            for k, (var, _t) in enumerate(r.slots):
                sy = top + ROOT_HEAD + k * ROW_H + ROW_H / 2
                prims.append(["t", x, sy + 5, var, "c inv" if r.state == "black" else "c"])
                slot_at[(r.name, var)] = (left + w, sy)
        bad = {(v.src, v.slot): v.rule for v in s.violations}
        bad.update({(o.name, f): "dangling" for o in s.objects for f, t in o.fields if t in s.dangling})
        bad.update({(r.name, v): "dangling" for r in s.roots for v, t in r.slots if t in s.dangling})
        w = s.last_write
        edges = []
        for r in s.roots:
            for var, t in r.slots:
                if t is not None:
                    x1, y1 = slot_at[(r.name, var)]
                    written = w is not None and w.owner == r.name and w.slot == var
                    edges.append((x1, y1, t, "", "write" if written else bad.get((r.name, var), "")))
        for o in s.objects:
            ox, oy, _w, _h = at(_obj_id(o.name))
            for f, t in o.fields:
                if t is not None:
                    written = w is not None and w.owner == o.name and w.slot == f
                    edges.append((ox, oy, t, f, "write" if written else bad.get((o.name, f), "")))
        if w is not None and w.old is not None and w.old != w.new:
            if (w.owner, w.slot) in slot_at:
                x1, y1 = slot_at[(w.owner, w.slot)]
            else:
                x1, y1, _w, _h = at(_obj_id(w.owner))
            edges.append((x1, y1, w.old, _("was {slot}").format(slot=w.slot), "was"))
        labels = []
        for x1, y1, t, label, kind in edges:
            tx, ty, _w, _h = at(_obj_id(t))
            start_r = NODE_R if not any(p == (x1, y1) for p in slot_at.values()) else 0
            a, b, c, d = _edge(x1, y1, tx, ty, NODE_R)
            if start_r:   # leave the source circle at its rim
                a, b = _edge(tx, ty, x1, y1, start_r)[2:]
            prims.append(["l", round(a, 1), round(b, 1), round(c, 1), round(d, 1), f"ed {kind}".strip()])
            if label:
                labels.append(["t", round((a + c) / 2, 1), round((b + d) / 2 - 4, 1), label,
                               "el write" if kind in ("write", "was") else "el"])
        prims += labels
        shaded, lost = set(s.shaded), set(s.lost)
        for o in s.objects:
            x, y, _w, _h = at(_obj_id(o.name))
            cls = ["o", o.colour] + (["queued"] if o.queued else []) + (["shaded"] if o.name in shaded else []) \
                + (["scanned"] if s.scanned == o.name else []) + (["lost"] if o.name in lost else [])
            prims.append(["c", round(x, 1), round(y, 1), NODE_R, " ".join(cls), o.name])
            if o.queued:
                prims.append(["t", round(x, 1), round(y - NODE_R - 5, 1), "wbBuf", "s c"])
        for name in s.dangling:
            x, y, _w, _h = at(_obj_id(name))
            prims.append(["c", round(x, 1), round(y, 1), NODE_R, "o freed", name])
            prims.append(["t", round(x, 1), round(y + NODE_R + 15, 1), _("freed"), "s c"])
        # Status and statistics are HTML around the picture: they wrap on a phone.
        step = f"`{s.text}`" if s.text and s.text != "gc" else (_("collector step") if s.text == "gc"
                                                                else _("start", "GC player: the first frame"))
        rule = _("{status}: {step}").format(status=head, step=step)
        out.append(frame([card(width, height, prims)], f"{s.caption}\n{stats}", rule))
    return out


def gc_player(runs, title: str = "", select: str = N_("barrier")):
    """The vector player for one GC scenario run (``.frames``) or {label: run}."""
    from whygo.player import ScenePlayer
    if not isinstance(runs, dict):
        runs = {"": runs}
    tracks = {name: gc_frames(getattr(r, "frames", r)) for name, r in runs.items()}
    legend = tuple((_(label), cls) for label, cls in GC_KEY)
    return ScenePlayer(tracks, title=title, legend=legend, select=_(select))
