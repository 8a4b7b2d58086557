"""Views of the allocator model: an mcache's spans filling up, and size-class waste.

* ``render_mcache(snapshot)``: one block per span the P's mcache holds, a row
  of 64 cells per 64 slots -- exactly one ``allocCache`` word per row. Cells
  are allocated (blue) or free (grey); the free slots the current
  ``allocCache`` window still describes are shaded yellow and outlined; the
  newest allocation is red; the current tiny block is green.
* ``render_waste(table)``: per size class, the tail waste and the worst-case
  waste (%) of the toolchain's size-class table, optionally with the span
  bytes the pinned runtime really leaves unused (inline mark bits included).
* ``frames`` / ``workload_frames``: snapshot lists for ``whygo.anim.Player``.

Pure functions: they build a new ``Figure`` (no pyplot state) and never touch
the model.
"""
from __future__ import annotations


import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from whygo.alloc.frames import tour as frames  # noqa: F401  (re-exported for notebooks)
from whygo.alloc.frames import workload_frames  # noqa: F401
from whygo.alloc.layout import SpanLayout
from whygo.alloc.malloc import MCacheSnapshot
from whygo.alloc.sizeclasses import SizeClassTable, load_table
from whygo.i18n import N_, _, is_zh
from whygo.views.fonts import wrap_text

DPI = 80
ROW = 64            # slots per row: one allocCache word
MAX_ROWS = 40       # rows drawn in total; long spans show the rows around freeindex
AXES_HEIGHT = 0.65  # of the figure: from 0.17 (above the caption) to 0.82 (below the tiny block)

FREE, USED, WINDOW, LAST, TINY, NONE = range(6)
_COLOURS = ["#e6e6e6", "#4c72b0", "#fff0a8", "#d62728", "#2ca02c", "#ffffff"]
_CMAP = ListedColormap(_COLOURS)


def _span_title(s) -> str:
    return _("span class {spanclass} = size class {sizeclass} {kind}").format(
        spanclass=s.spanclass, sizeclass=s.sizeclass, kind=_span_kind(s))


def _span_slots(s) -> str:
    return _("{size} B slots · {used}/{nelems} used").format(size=f"{s.elemsize:,}", used=s.used,
                                                             nelems=s.nelems)


def _rows_shown(snapshot: MCacheSnapshot) -> list[tuple[int, int]]:
    """(first row, number of rows) per span, keeping the allocCache row in view."""
    n = max(len(snapshot.spans), 1)
    budget = 1 if n > 8 else max(2, min(16, MAX_ROWS // n))
    out = []
    for s in snapshot.spans:
        total = -(-s.nelems // ROW)
        shown = min(total, budget)
        focus = min(s.window[0], s.nelems - 1) // ROW
        first = min(max(focus - shown + 1, 0), total - shown)
        out.append((first, shown))
    return out


def _tiny_label(snapshot: MCacheSnapshot) -> str:
    return _("tiny block, tinyoffset {offset}:").format(offset=snapshot.tinyoffset)


def _counters(st) -> str:
    """The mcache's running totals, one line."""
    waste = 100 * st.waste / st.bytes_used if st.bytes_used else 0.0
    return _("{allocs} allocs · {asked} B asked · {used} B used · waste {waste}% · {refills} refills").format(
        allocs=f"{st.allocs:,}", asked=f"{st.bytes_requested:,}", used=f"{st.bytes_used:,}",
        waste=f"{waste:.1f}", refills=st.refills)


def _span_kind(s) -> str:
    return "noscan" if s.spanclass & 1 else "scan"   # runtime words (spanClass.noscan)


def _more_rows(s, first: int, nrows: int) -> str:
    """The note " · rows 3-18 of 40" when only some of a span's rows are drawn, else empty."""
    total = -(-s.nelems // ROW)
    if nrows >= total:
        return ""
    return _(" · rows {first}-{last} of {total}").format(first=first + 1, last=first + nrows, total=total)


def _draw_tiny_block(fig: Figure, snapshot: MCacheSnapshot) -> None:
    """The 16 bytes of the current tiny block: used up to tinyoffset, the newest object red."""
    last = snapshot.last
    newest = range(0)
    if last and last.spanclass & 1 and last.size < 16 and last.addr - snapshot.tiny in range(16):
        start = last.addr - snapshot.tiny
        newest = range(start, start + last.size)
    # Between the legend and the spans' axes (which end at 0.82), clear of every span label.
    fig.text(0.02, 0.872, _tiny_label(snapshot), fontsize=7.5)
    for b in range(16):
        colour = _COLOURS[LAST] if b in newest else \
            (_COLOURS[TINY] if b < snapshot.tinyoffset else _COLOURS[FREE])
        fig.patches.append(Rectangle((0.02 + b * 0.0125, 0.838), 0.009, 0.026, color=colour,
                                     transform=fig.transFigure, figure=fig))


def render_mcache(snapshot: MCacheSnapshot) -> Figure:
    """The spans of one P's mcache as bitmaps, with the allocCache window and the newest object."""
    fig = Figure(figsize=(8, 4.5), dpi=DPI)
    ax = fig.add_axes((0.27, 0.17, 0.71, AXES_HEIGHT))
    ax.set_axis_off()
    n = len(snapshot.spans)
    fig.text(0.02, 0.95, (_("mcache of P{p} · {n} span") if n == 1 else _("mcache of P{p} · {n} spans"))
             .format(p=snapshot.p, n=n), fontsize=11, weight="bold")
    fig.text(0.98, 0.95, _counters(snapshot.stats), fontsize=8, ha="right")
    caption = "\n".join(wrap_text(snapshot.caption, 115)[:3])
    fig.text(0.02, 0.03, caption, fontsize=8.5, va="bottom")
    legend = [(USED, N_("allocated")), (FREE, N_("free")), (WINDOW, N_("free, in allocCache")),
              (LAST, N_("newest object")), (TINY, N_("tiny block"))]
    for i, (k, label) in enumerate((k, _(label)) for k, label in legend):
        fig.patches.append(Rectangle((0.27 + i * 0.14, 0.905), 0.012, 0.02, color=_COLOURS[k],
                                     transform=fig.transFigure, figure=fig))
        fig.text(0.285 + i * 0.14, 0.905, label, fontsize=7.5)
    if snapshot.tiny:
        _draw_tiny_block(fig, snapshot)
    if not snapshot.spans:
        ax.text(0.5, 0.5, _("no spans cached (every slot holds the empty placeholder span)"),
                ha="center", va="center", fontsize=10, color="#555555", transform=ax.transAxes)
        return fig

    shown = _rows_shown(snapshot)
    lines = 3 if len(shown) <= 8 else 1    # a crowded mcache gets one short line per span
    # A span's label is centred on its rows: give each span at least as many rows as its
    # label has lines, or the labels of short spans (one row of slots) overlap; then pick
    # a font size whose lines fit into a span's rows plus the blank row after it.
    blocks = [max(n, lines) for _first, n in shown]
    height = sum(blocks) + (len(shown) - 1)  # one blank row between spans
    row_pt = AXES_HEIGHT * fig.get_figheight() * 72 / height
    label_pt = min(7.0, row_pt * (min(blocks) + 1) / lines / 1.25)
    grid = np.full((height, ROW), NONE, dtype=np.int8)
    outlines = []
    y = 0
    for s, (first, nrows), block in zip(snapshot.spans, shown, blocks):
        w0, w1 = s.window
        for r, codes in enumerate(_codes(snapshot, s, first, nrows)):   # the same slots the player draws
            for col, code in enumerate(codes):
                grid[y + r, col] = int(code)
        # the allocCache window lies inside one row (rows are 64 slots wide)
        wrow = w0 // ROW - first
        if w0 < w1 and 0 <= wrow < nrows:
            outlines.append((w0 % ROW - 0.5, y + wrow - 0.5, w1 - w0))
        more = _more_rows(s, first, nrows)
        kind = _span_kind(s)
        # Span class first (the index of mcache.alloc), with the size class it encodes: the
        # two numbers differ, and mixing them up is the source document's mistake.
        if lines == 3:
            label = (_span_title(s) + "\n" + _span_slots(s) + "\n"
                     + _("freeindex {freeindex}{more}").format(freeindex=s.freeindex, more=more))
        else:
            label = _("span class {spanclass} ({kind}), {size} B: {used}/{nelems}").format(
                spanclass=s.spanclass, kind=kind, size=f"{s.elemsize:,}", used=s.used, nelems=s.nelems)
        ax.text(-1.5, y + (block - 1) / 2, label, ha="right", va="center", fontsize=label_pt)
        y += block + 1
    # one quad per slot with a thin white edge, so single slots stay visible
    cells = np.ma.masked_equal(grid, NONE)
    ax.pcolormesh(np.arange(ROW + 1) - 0.5, np.arange(height + 1) - 0.5, cells, cmap=_CMAP,
                  vmin=0, vmax=len(_COLOURS) - 1, edgecolors="white", linewidth=0.3)
    for x0, y0, w in outlines:
        ax.add_patch(Rectangle((x0, y0), w, 1, fill=False, edgecolor="#b8860b", linewidth=1.5))
    ax.set_xlim(-0.5, ROW - 0.5)
    ax.set_ylim(height - 0.5, -0.5)
    return fig


def render_waste(table: SizeClassTable | None = None, layout: SpanLayout | None = None) -> Figure:
    """Waste per size class: tail waste (bars) and worst-case waste (steps), in % of the span."""
    t = table or load_table()
    classes = [c.sizeclass for c in t.classes]
    tail = [100 * c.tail_waste / c.span_bytes for c in t.classes]
    worst = [c.max_waste for c in t.classes]
    fig = Figure(figsize=(8, 4), dpi=DPI)
    ax = fig.add_axes((0.08, 0.2, 0.9, 0.68))
    ax.bar(classes, tail, color="#4c72b0", label=_("tail waste (span bytes no object fits in)"))
    ax.step(classes, worst, where="mid", color="#d62728",
            label=_("max waste (objects 1 B above the previous class)"))
    if layout is not None:
        unused = [100 * (c.span_bytes - layout.nelems(c.size, c.span_bytes, True) * c.size)
                  / c.span_bytes for c in t.classes]
        ax.plot(classes, unused, ":", color="#2ca02c", marker=".",
                label=_("unused span bytes in the pinned runtime (noscan, inline mark bits)"))
    ax.set_xlim(0.4, classes[-1] + 0.6)
    ax.set_ylabel(_("% of the span"))
    ax.set_xlabel(_("size class (object size below)"))
    ticks = classes[::6]
    ax.set_xticks(ticks, [f"{c}\n{t.size_to_size[c]:,} B" for c in ticks], fontsize=7)
    ax.legend(fontsize=7.5, loc="upper right", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.text(0.02, 0.94, _("Internal fragmentation of the {n} size classes (from {path})").format(
        n=len(classes), path=t.path.rsplit('/src/', 1)[-1]), fontsize=10, weight="bold")
    return fig


# ----- frames as data for the vector player (whygo.player) ---------------------------------
ALLOC_KEY = ((N_("allocated"), "a1"), (N_("free"), "a0"), (N_("free, in allocCache"), "a2"),
             (N_("newest object"), "a3"), (N_("tiny block"), "a4"))
CELL_W, CELL_H = 7, 9                  # px per slot: a row of 64 slots is one allocCache word
GRID_X = 14
ALLOC_CARD_W = GRID_X * 2 + ROW * CELL_W
# The runtime function behind each road of mallocgc (LastAlloc.path).
ROADS = {"zerobase": N_("runtime.mallocgc: 0 bytes → &zerobase"),
         "tiny block": N_("runtime.mallocgc tiny path: pack into the 16 B tiny block"),
         "nextFreeFast": N_("runtime.nextFreeFast: count trailing zeros of allocCache"),
         "nextFree": N_("runtime.mcache.nextFree → span.nextFreeIndex (refill allocCache)"),
         "refill": N_("runtime.mcache.refill → mcentral.cacheSpan (a fresh span)"),
         "first span": N_("runtime.mcache.refill: the first span of this class"),
         "mheap": N_("runtime.mcache.allocLarge → mheap.alloc (large object)")}


def _codes(snapshot: MCacheSnapshot, s, first: int, nrows: int) -> list[str]:
    """One string per row: a code per slot (0 free, 1 used, 2 in allocCache, 3 newest, 4 tiny)."""
    w0, w1 = s.window
    last = snapshot.last
    tiny_slot = (snapshot.tiny - s.base) // s.elemsize \
        if snapshot.tiny and s.base <= snapshot.tiny < s.base + s.elemsize * s.nelems else -1
    rows = []
    for r in range(nrows):
        row = []
        for col in range(ROW):
            i = (first + r) * ROW + col
            if i >= s.nelems:
                break
            k = USED if s.occupied[i] else (WINDOW if w0 <= i < w1 else FREE)
            if i == tiny_slot:
                k = TINY
            if last and last.span_id == s.span_id and last.slot == i and last.kind != "large":
                k = LAST
            row.append(str(k))
        rows.append("".join(row))
    return rows


def alloc_frames(snaps) -> list[dict]:
    """Frames as data for ``whygo.player``: the mcache's spans as slot bitmaps, one row per
    allocCache word, labels above each span; the rule names the road mallocgc took."""
    from whygo.player import card, frame
    out = []
    for snap in snaps:
        prims: list = []
        y = 22
        if snap.tiny:
            last = snap.last
            newest = range(0)
            if last and last.spanclass & 1 and last.size < 16 and last.addr - snap.tiny in range(16):
                start = last.addr - snap.tiny
                newest = range(start, start + last.size)
            prims.append(["t", GRID_X, y, _tiny_label(snap), "s"])
            codes = "".join(str(LAST if b in newest else (TINY if b < snap.tinyoffset else FREE))
                            for b in range(16))
            prims.append(["b", GRID_X + 200, y - 11, 14, 14, codes])
            y += 14
        if not snap.spans:
            prims.append(["t", GRID_X, y + 20, _("no spans cached yet"), "s"])
        for s, (first, nrows) in zip(snap.spans, _rows_shown(snap)):
            more = _more_rows(s, first, nrows)
            y += 20
            prims.append(["t", GRID_X, y, _span_title(s), "h"])
            y += 18
            prims.append(["t", GRID_X, y, _("{slots} · freeindex {freeindex}{more}").format(
                slots=_span_slots(s), freeindex=s.freeindex, more=more), "s"])
            y += 6
            for r, codes in enumerate(_codes(snap, s, first, nrows)):
                prims.append(["b", GRID_X, y, CELL_W, CELL_H - 1, codes])
                w0, w1 = s.window
                if w0 < w1 and w0 // ROW == first + r:
                    prims.append(["r", GRID_X + (w0 % ROW) * CELL_W - 1, y - 1, (w1 - w0) * CELL_W + 1,
                                  CELL_H + 1, "win"])
                y += CELL_H
        stats = _("mcache of P{p}: {counters}").format(p=snap.p, counters=_counters(snap.stats))
        rule = f"`{_(ROADS.get(snap.last.path, snap.last.path))}`" if snap.last else ""
        out.append(frame([card(ALLOC_CARD_W, y + 12, prims)], f"{snap.caption}\n{stats}", rule))
    return out


def alloc_player(snaps, title: str = ""):
    from whygo.player import ScenePlayer
    legend = tuple((_(label), cls) for label, cls in ALLOC_KEY)
    return ScenePlayer({"": alloc_frames(snaps)}, title=title, legend=legend)
