"""Views of the GMP scheduler: a snapshot as a picture, a run as a Gantt chart.

* ``render_sched(snapshot)``: each P as a box with its M, the G it runs, its
  runnext slot and local queue (16 slots shown, "+N" beyond); the global
  queue; the Ms and their states; parked goroutines; the caption.
* ``render_timeline(timeline)``: which G ran on which P when, with steals,
  handoffs, preemptions and Gosched marked. It takes a
  ``whygo.sched.timeline.Timeline``, the structure the real-runtime side
  builds from ``go tool trace``, so both can be drawn side by side
  (``render_timelines([model, real], ["model", "go1.27.3"])``).
* ``frames(result)``: the snapshots to give ``whygo.anim.Player``.

Pure functions: they build a new matplotlib ``Figure`` (no pyplot state) and
never touch the model. Each G keeps the same colour in every picture.
``render_sched`` draws all its text as one artist of cached glyph outlines
(see ``_GlyphText``) so a frame, PNG included, fits the player's 40 ms.
"""
from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from matplotlib.artist import Artist
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle
from matplotlib.path import Path
from matplotlib.textpath import TextPath
from matplotlib.transforms import Affine2D, Bbox, IdentityTransform

from whygo.report import width as columns
from whygo.views.fonts import wrap_text
from whygo.i18n import N_, _
from whygo.sched.snapshot import Snapshot
from whygo.sched.timeline import Timeline
from whygo.views.fonts import CJK_FONT, use_edition_font

SLOTS_SHOWN = 16         # local queue slots drawn per P
GLOBAL_SHOWN = 24        # global queue slots drawn
DPI = 80

# Light colours (tab20's pale half and ColorBrewer Set3), written out so they
# never depend on matplotlib's colormap registry; black text reads on all.
_PALETTE = ["#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2",
            "#dbdb8d", "#9edae5", "#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3",
            "#fdb462", "#b3de69", "#fccde5", "#d9d9d9", "#bc80bd", "#c7c7c7"]
_EMPTY = "#f4f4f4"
# A G's state colour, the same as the tokens of the vector player (whygo/player/player.css).
STATE_COLOUR = {"running": "#5cb85c", "runnable": "#9cc8f2", "waiting": "#e4e4e4", "syscall": "#f6b26b"}
_EDGE = "#555555"
# The marks' names in a legend (the kinds are whygo.sched.timeline.MARK_KINDS).
MARK_LABELS = {"steal": N_("steal"), "handoff": N_("handoff"), "preempt": N_("preempt"),
               "gosched": N_("gosched"), "overflow": N_("overflow")}
_MARK_STYLE = {"steal": ("v", "#2ca02c"), "handoff": ("D", "#d62728"), "preempt": ("X", "#000000"),
               "gosched": ("^", "#9467bd"), "overflow": ("s", "#ff7f0e")}


def g_colour(g: int) -> str:
    """The colour of goroutine ``g``, the same in every figure."""
    return _PALETTE[(g - 1) % len(_PALETTE)]


# Text is what costs time when a frame is drawn: Agg lays out, hints and
# rasterises every glyph of every Text through FreeType (~0.07 ms a glyph, and
# a frame has ~800), which alone broke the 40 ms frame budget (25 fps). So all
# the text of a frame is ONE artist (_GlyphText): monospace glyph outlines,
# each character's outline computed once per process and cached, placed on a
# fixed character grid and filled by Agg as a single path. Every string stays
# on the figure (``get_texts()``), and the monospace cells of a row of G ids
# line up with the slots drawn behind them.
MONO = "DejaVu Sans Mono"         # ships with matplotlib
MONO_PT = 6.5
CELL_CHARS = 4                    # one slot = 4 characters: " 12 " (ids only: glyphs cost time)
FIG_W_IN = 8
# The advance of DejaVu Sans Mono (0.602 em) rounded to whole pixels, as a
# hinted font would: 6.5 pt at 80 dpi is 4 px.
_ADVANCE_EM = 0.60205


def advance_px(size_pt: float) -> int:
    """Pixels from one character cell to the next at ``size_pt``."""
    return max(1, round(_ADVANCE_EM * size_pt * DPI / 72))


CHAR_PX = advance_px(MONO_PT)
UNITS_PER_PX = 100 / (FIG_W_IN * DPI)
SLOT_W = CELL_CHARS * CHAR_PX * UNITS_PER_PX
_STYLES = {"normal": FontProperties(family=MONO), "bold": FontProperties(family=MONO, weight="bold"),
           "italic": FontProperties(family=MONO, style="oblique")}


@lru_cache(maxsize=1024)
def _glyph(char: str, style: str) -> tuple[np.ndarray, np.ndarray]:
    """The outline of one character at 1 pt (vertices, codes), computed once. DejaVu Sans
    Mono has no Chinese: a Chinese character (a caption in the Chinese edition) is drawn
    with the edition's CJK font."""
    prop = _STYLES[style]
    if columns(char) == 2 and use_edition_font():
        prop = FontProperties(family=CJK_FONT)
    outline = TextPath((0, 0), char, size=1, prop=prop)
    return outline.vertices.copy(), outline.codes.copy()


def _cells(items: Sequence[str]) -> str:
    return "".join(str(i).center(CELL_CHARS) for i in items)


class _GlyphText(Artist):
    """All the strings of a figure, drawn as one filled path of cached glyph
    outlines. Strings are left-aligned on a monospace grid; ``va`` is
    "center" (of the capitals) or "top" (of the first line)."""

    zorder = 3        # above the boxes

    def __init__(self) -> None:
        super().__init__()
        self._items: list[tuple[float, float, str, float, str, str]] = []

    def add(self, x: float, y: float, text: str, size: float, style: str = "normal",
            va: str = "center") -> None:
        """Queue ``text`` at figure fraction (x, y)."""
        self._items.append((x, y, text, size, style, va))

    def get_texts(self) -> list[str]:
        return [item[2] for item in self._items]

    def _lines(self):
        """(left px, baseline px, size px, advance px, line, style) for every line."""
        to_px = self.figure.transFigure.transform
        px_per_pt = self.figure.dpi / 72
        for x, y, text, size, style, va in self._items:
            left, at = to_px((x, y))
            size_px, step = size * px_per_pt, advance_px(size) * self.figure.dpi / DPI  # any dpi
            baseline = at - (0.36 if va == "center" else 0.8) * size_px   # caps are ~0.73 em tall
            for k, line in enumerate(text.split("\n")):
                yield left, baseline - 1.25 * k * size_px, size_px, step, line, style

    def placed(self):
        """(x px, baseline px, size px, char, style) of every glyph to draw. A Chinese
        character takes two cells of the grid, as in a terminal."""
        for left, baseline, size_px, step, line, style in self._lines():
            col = 0
            for char in line:
                if char != " ":
                    yield left + col * step, baseline, size_px, char, style
                col += columns(char)

    def draw(self, renderer) -> None:
        vertices, codes = [], []
        for x, baseline, size_px, char, style in self.placed():
            v, c = _glyph(char, style)
            vertices.append(v * size_px + (x, baseline))
            codes.append(c)
        if vertices:
            gc = renderer.new_gc()
            gc.set_linewidth(0)
            gc.set_snap(False)
            renderer.draw_path(gc, Path(np.concatenate(vertices), np.concatenate(codes)),
                               IdentityTransform(), (0, 0, 0, 1))
            gc.restore()

    def get_window_extent(self, renderer=None) -> Bbox:
        boxes = [Bbox.from_bounds(left, baseline - 0.25 * size_px, columns(line) * step, 1.2 * size_px)
                 for left, baseline, size_px, step, line, _ in self._lines() if line]
        return Bbox.union(boxes) if boxes else Bbox.null()


class _Canvas:
    """Draws straight on the Figure (no Axes: creating one costs as much as a
    dozen labels) in layout units: x from 0 to 100, y from 0 to ``height``.
    Rectangles are collected and drawn as one PatchCollection, strings as one
    _GlyphText."""

    def __init__(self, fig: Figure, height: float) -> None:
        self.fig = fig
        self.height = height
        self.rects: list[Rectangle] = []
        self.faces: list[str] = []
        self.glyphs = _GlyphText()

    def rect(self, x, y, w, h, face) -> None:
        self.rects.append(Rectangle((x, y), w, h))
        self.faces.append(face)

    def text(self, x, y, text, size=7.5, style="normal", va="center") -> None:
        self.glyphs.add(x / 100, y / self.height, text, size, style, va)

    def slots(self, x, y, gs: Sequence[int | None], h=2.4, prefix="") -> None:
        """A row of slots, one per entry (None = empty), and one text with their ids."""
        for k, g in enumerate(gs):
            self.rect(x + k * SLOT_W, y - h / 2, SLOT_W, h, _EMPTY if g is None else g_colour(g))
        text = _cells("" if g is None else f"{prefix}{g}" for g in gs).rstrip()
        if text:
            self.text(x, y, text, MONO_PT)

    def flush(self) -> None:
        if self.rects:
            tr = Affine2D().scale(1 / 100, 1 / self.height) + self.fig.transFigure
            self.fig.add_artist(PatchCollection(self.rects, facecolors=self.faces, edgecolors=_EDGE,
                                                linewidths=0.5, transform=tr))
        self.fig.add_artist(self.glyphs)


def render_sched(snapshot: Snapshot, *, title: str = "") -> Figure:
    """Draw one scheduler snapshot: Ps, queues, Ms and the caption.

    Queue slots show goroutine numbers (12 = G12) in the G's colour.
    """
    if not isinstance(snapshot, Snapshot):
        raise TypeError(f"render_sched needs a whygo.sched Snapshot (got {type(snapshot).__name__}); "
                        f"use frames(result) to get them")
    procs = snapshot.procs
    rows = 1 if len(procs) <= 4 else 2
    per_row = -(-len(procs) // rows)
    height = 50 if rows == 1 else 72
    fig = Figure(figsize=(FIG_W_IN, FIG_W_IN * height / 100 * 0.84), dpi=DPI)
    cv = _Canvas(fig, height)

    head = f"t = {snapshot.t:g} µs"
    cv.text(1, height - 2.5, f"{title}   ·   {head}" if title else head, 9, "bold")
    box_w = 100 / per_row - 2
    box_h = 20
    for i, p in enumerate(procs):
        col, row = i % per_row, i // per_row
        _draw_p(cv, p, 1 + col * (box_w + 2), height - 5.5 - (row + 1) * (box_h + 2), box_w, box_h,
                snapshot.runq_size)

    y = height - 5.5 - rows * (box_h + 2) - 3
    gq = snapshot.global_runq
    cv.text(1, y, f"global runq ({len(gq)})", 7.5, "bold")
    shown = min(GLOBAL_SHOWN, int((99 - 17) / SLOT_W))
    more = f"+{len(gq) - shown}" if len(gq) > shown else ""
    cv.slots(17, y, [gq[k] if k < len(gq) else None for k in range(shown)])
    if more:
        cv.text(17 + shown * SLOT_W + 0.5, y, more, 7.5, "bold")

    ms = [_m_text(m) for m in snapshot.ms[:12]]
    if len(snapshot.ms) > 12:
        ms.append(f"+{len(snapshot.ms) - 12} more")
    lines = _wrap_items("Ms:  ", ms or ["none"])
    if snapshot.waiting:
        parked = [f"G{g} ({why})" for g, why in snapshot.waiting[:8]]
        if len(snapshot.waiting) > 8:
            parked.append(f"+{len(snapshot.waiting) - 8}")
        lines += _wrap_items("parked:  ", parked)
    cv.text(1, y - 4.5, "\n".join(lines), 7, va="top")
    cv.text(1, 3.5, _fill(snapshot.caption or "", 118), 8, "italic")
    cv.flush()
    return fig


def _fill(text: str, width: int) -> str:
    """textwrap.fill for English; Chinese (no spaces to break at) breaks between characters."""
    return "\n".join(wrap_text(text, width))


def _wrap_items(prefix: str, items: list[str], width: int = 124) -> list[str]:
    """Lay items out in lines of at most ``width`` characters, never splitting one."""
    lines, line = [], prefix
    for item in items:
        if line.strip() and len(line) + len(item) > width:
            lines.append(line.rstrip())
            line = " " * len(prefix)
        line += item + "   "
    return lines + [line.rstrip()]


def _m_text(m) -> str:
    where = f" on P{m.p}" if m.p is not None else ""
    what = f" G{m.g}" if m.g is not None else ""
    return f"M{m.id} {m.state}{what}{where}"


def _draw_p(cv: _Canvas, p, x, y, w, h, runq_size: int) -> None:
    cv.rect(x, y, w, h, "#ffffff" if p.status == "_Prunning" else "#e9e9e9")
    m = f"M{p.m}" if p.m is not None else "no M"
    per_row = max(1, min(8, int((w - 2) / SLOT_W)))
    shown = min(SLOTS_SHOWN, runq_size, 2 * per_row)
    more = f"  +{len(p.runq) - shown}" if len(p.runq) > shown else ""
    doing = "syscall" if p.in_syscall else "running"
    cv.text(x + 1, y + h - 2.6, f"P{p.id} {p.status}  {m}  tick {p.schedtick}", 7.5, "bold")
    # "running G5   runnext G7" is one monospace line; the chips sit behind the ids.
    row_y = y + h - 6.8
    cw = CHAR_PX * UNITS_PER_PX
    cells = []
    for label, g in ((f"{doing} ", p.curg), ("   runnext ", p.runnext)):
        cells.append(label)
        cv.rect(x + 1 + len("".join(cells)) * cw, row_y - 1.6, SLOT_W, 3.2,
                _EMPTY if g is None else g_colour(g))
        cells.append(_cells(["" if g is None else f"G{g}"]))
    cv.text(x + 1, row_y, "".join(cells), MONO_PT)
    cv.text(x + 1, y + 9.6, f"runq {len(p.runq)}/{runq_size}{more}", 7)
    q = [p.runq[k] if k < len(p.runq) else None for k in range(shown)]
    cv.slots(x + 1, y + 6.1, q[:per_row])
    if len(q) > per_row:
        cv.slots(x + 1, y + 3.2, q[per_row:])


def render_timeline(timeline, *, title: str = "", ax=None, labels: int = 60) -> Figure:
    """A Gantt chart of a Timeline (or of a Result, using its ``.timeline``).

    One row per P; a bar per span, coloured by the G's state as in the
    animated player (running green, syscall orange and hatched), labelled G12; markers for steals, handoffs, preemptions, Gosched and queue
    overflows. At most ``labels`` of the widest bars get a "G12" label.
    Pass ``ax`` to draw into an existing axes (side-by-side comparisons).
    """
    tl = getattr(timeline, "timeline", timeline)
    if not isinstance(tl, Timeline):
        raise TypeError(f"render_timeline needs a Timeline or a Result with one (got "
                        f"{type(timeline).__name__}); summary-mode runs keep no timeline")
    fig = None
    if ax is None:
        fig = Figure(figsize=(8, 1.2 + 0.5 * tl.procs), dpi=DPI)
        ax = fig.add_subplot(1, 1, 1)
    by_g: dict[tuple[int, str], list[tuple[float, float, int]]] = {}
    for s in tl.spans:
        by_g.setdefault((s.g, s.kind), []).append((s.start_us, s.duration_us, s.p))
    for (g, kind), spans in by_g.items():
        for p in {sp[2] for sp in spans}:
            bars = [(a, d) for a, d, q in spans if q == p]
            # Coloured by state, as the tokens of the animated player: running or in a syscall.
            if kind == "syscall":
                ax.broken_barh(bars, (p - 0.3, 0.6), facecolors=STATE_COLOUR["syscall"],
                               edgecolors="#b45f06", hatch="///", linewidth=0.5)
            else:
                ax.broken_barh(bars, (p - 0.35, 0.7), facecolors=STATE_COLOUR["running"],
                               edgecolors="white", linewidth=0.8)
    end = tl.end_us or 1.0
    widest = sorted((s for s in tl.spans if s.kind == "run"), key=lambda s: -s.duration_us)[:labels]
    for s in widest:
        if s.duration_us > end / 40:
            ax.text(s.start_us + s.duration_us / 2, s.p, f"G{s.g}", ha="center", va="center",
                    fontsize=6.5)
    seen = set()
    for mk in tl.marks:
        marker, colour = _MARK_STYLE.get(mk.kind, ("o", "#444444"))
        ax.plot([mk.t_us], [mk.p + 0.42], marker=marker, color=colour, markersize=5, linestyle="none",
                label=None if mk.kind in seen else _(MARK_LABELS.get(mk.kind, mk.kind)), clip_on=False)
        seen.add(mk.kind)
    from matplotlib.patches import Patch
    handles = [Patch(facecolor=STATE_COLOUR["running"], label=_("running")),
               Patch(facecolor=STATE_COLOUR["syscall"], hatch="///", label=_("in a syscall"))]
    ax.set_yticks(range(tl.procs))
    ax.set_yticklabels([f"P{p}" for p in range(tl.procs)], fontsize=8)
    ax.set_ylim(tl.procs - 0.4, -0.6)
    ax.set_xlim(0, end * 1.02)
    ax.set_xlabel(_("time (µs)"), fontsize=8)
    ax.tick_params(axis="x", labelsize=7)
    if title:
        ax.set_title(title, fontsize=9, loc="left")
    marks = ax.get_legend_handles_labels()[0]
    ax.legend(handles=handles + marks, loc="lower right", bbox_to_anchor=(1.0, 1.0), fontsize=6.5,
              ncols=len(handles) + len(marks), frameon=False, borderaxespad=0.1, handletextpad=0.2)
    if fig is not None:
        fig.tight_layout()
    return fig if fig is not None else ax.figure


def render_timelines(timelines: Sequence, titles: Sequence[str] = (), *, sharex: bool = False) -> Figure:
    """Several timelines stacked (e.g. the model above, the real runtime below).

    Each keeps its own time axis unless ``sharex``: the model's durations are
    illustrative, so its time scale rarely matches a real trace's.
    """
    tls = [getattr(t, "timeline", t) for t in timelines]
    fig = Figure(figsize=(8, sum(1.2 + 0.5 * t.procs for t in tls)), dpi=DPI)
    axes = fig.subplots(len(tls), 1, sharex=sharex, squeeze=False)[:, 0]
    for i, (tl, ax) in enumerate(zip(tls, axes)):
        render_timeline(tl, title=titles[i] if i < len(titles) else "", ax=ax)
    if sharex:
        axes[0].set_xlim(0, max(t.end_us for t in tls) * 1.02 or 1.0)
    fig.tight_layout()
    return fig


_DROP_FIRST = ("Spinning", "Idle")   # least telling frames, dropped first when there are too many


def frames(result, limit: int = 40) -> tuple[Snapshot, ...]:
    """The snapshots to animate: all of them, or at most ``limit`` chosen ones.

    Over the limit, frames of M bookkeeping (a spinner starting, an M
    parking) are dropped first, then frames are sampled evenly, always
    keeping the first and the last.
    """
    snaps = tuple(getattr(result, "snapshots", result))
    if not snaps:
        raise ValueError("this result has no frames: run it with frames=True "
                         "(summary-mode runs keep only statistics)")
    if len(snaps) <= limit:
        return snaps
    kept = tuple(s for i, s in enumerate(snaps)
                 if i in (0, len(snaps) - 1) or s.event is None or s.event.kind not in _DROP_FIRST)
    if len(kept) <= limit:
        return kept
    step = (len(kept) - 1) / (limit - 1)
    return tuple(kept[round(i * step)] for i in range(limit))


def player(result, title: str = "", limit: int = 40):
    """An animation player (the vector ``whygo.player.ScenePlayer``) for a full-mode run.

    ``result`` is one Result, or a mapping {label: Result} (e.g. a scenario's
    ``run_all(frames=True)``) to get a selector between them.
    """
    return scene_player(result, title=title, limit=limit)


# ----- frames as data for the vector player (whygo.player) ---------------------------------
# Which runtime rule each event shows, and the function of the pinned runtime it mirrors.
RULES = {
    "Spawn": (N_("go statement: the new G takes runnext"), "runtime.newproc → runqput(next=true)"),
    "Run": (N_("the scheduler picks the next G"), "runtime.schedule → findRunnable → execute"),
    "Block": (N_("a G blocks and leaves its P"), "runtime.gopark"),
    "Wake": (N_("a woken G goes to the waker's runnext"), "runtime.goready → ready → runqput(next=true)"),
    "Steal": (N_("work stealing: half of a victim's queue"), "runtime.stealWork → runqsteal"),
    "Handoff": (N_("a P leaves an M stuck in a syscall"), "runtime.handoffp (retake / entersyscallblock)"),
    "Preempt": (N_("a G ran too long: preempted"), "runtime.sysmon → retake → preemptone"),
    "GlobalBatch": (N_("an empty local queue takes a batch from the global queue"), "runtime.globrunqgetbatch"),
    "Fairness": (N_("every 61st tick the global queue goes first"), "runtime.findRunnable (schedtick%61)"),
    "GoschedToGlobal": (N_("Gosched: the G goes to the global queue"), "runtime.goschedImpl → globrunqput"),
    "RunqOverflow": (N_("a full local queue moves half to the global queue"), "runtime.runqputslow"),
    "Exit": (N_("a G exits"), "runtime.goexit0"),
    "SyscallEnter": (N_("a G enters a syscall with its M"), "runtime.entersyscall"),
    "SyscallExit": (N_("a syscall returns"), "runtime.exitsyscall"),
    "Spinning": (N_("wakep: an idle P gets a spinning M"), "runtime.wakep → startm"),
    "Idle": (N_("no work anywhere: the P idles, the M parks"), "runtime.stopm"),
}
PROGRAM_START = (N_("the program starts: M0 on P0 gets the main goroutine"), "runtime.rt0_go → newproc(runtime.main)")
G_STATES = ((N_("running"), "running"), (N_("runnable"), "runnable"), (N_("waiting (parked)"), "waiting"),
            (N_("in a syscall"), "syscall"), (N_("moved this step"), "runnable to"), (N_("was here"), "from"))
# What a G or an M is doing, as the cards and captions name it (whygo.sched.state's M states
# and the places of _where).
STATE_WORDS = {"running": N_("running"), "syscall": N_("syscall"), "spinning": N_("spinning"),
               "idle": N_("idle")}


def _state(word: str) -> str:
    return _(STATE_WORDS[word]) if word in STATE_WORDS else word
CARD_W = 276                 # three to a row in a 900 px column, one to a row on a 390 px phone: cards reflow, never shrink
PER_ROW = 6                  # queue tokens per row inside a card
QUEUE_ROWS = 2
TOK_STEP = 42                # token width + gap


def _where(s: Snapshot) -> dict[int, tuple]:
    """Where each G is in a snapshot: (place, P) with place running/syscall/runnext/runq/global/waiting."""
    at: dict[int, tuple] = {}
    for g, _ in s.waiting:
        at[g] = ("waiting", None)
    for g in s.global_runq:
        at[g] = ("global", None)
    for p in s.procs:
        for g in p.runq:
            at[g] = ("runq", p.id)
        if p.runnext is not None:
            at[p.runnext] = ("runnext", p.id)
        if p.curg is not None:
            at[p.curg] = ("syscall" if p.in_syscall else "running", p.id)
    for m in s.ms:   # an M in a syscall without a P still holds its G
        if m.g is not None and m.g not in at:
            at[m.g] = ("syscall", None)
    return at


def _place_text(where: tuple) -> str:
    place, p = where
    if place == "global":
        return _("global runq")
    if place == "waiting":
        return _("parked")
    return f"P{p} {_state(place)}" if p is not None else _state(place)


def _queue(prims: list, x: float, y: float, gs: Sequence[int], moved: dict) -> None:
    """Up to PER_ROW*QUEUE_ROWS tokens in rows from (x, y), then '+N more'."""
    shown = PER_ROW * QUEUE_ROWS
    items = [(g, "runnable", "to" if g in moved else "") for g in gs[:shown]]
    prims.append(["q", x, y, shown, PER_ROW, TOK_STEP, 30])
    for k, (g, state, mark) in enumerate(items):
        prims.append(["g", x + (k % PER_ROW) * TOK_STEP, y + (k // PER_ROW) * 30, f"G{g}", state, mark])
    if len(gs) > shown:
        prims.append(["t", x + PER_ROW * TOK_STEP - 4, y + 2 * 30 + 14,
                      _("+{n} more").format(n=len(gs) - shown), "s e"])


def _p_card(p, runq_size: int, moved: dict, ghosts: dict) -> dict:
    from whygo.player import card
    prims = [["t", 12, 22, f"P{p.id}", "h"],
             ["t", 48, 22, (f"M{p.m}" if p.m is not None else _("no M")) + f" · {p.status}", ""],
             ["t", CARD_W - 12, 22, _("tick {n}").format(n=p.schedtick), "s e"]]
    if p.status != "_Prunning":
        prims.insert(0, ["r", 4, 4, CARD_W - 8, 26, "idle"])
    for label, x, g, state, slot in (("syscall" if p.in_syscall else "running", 12, p.curg,
                                      "syscall" if p.in_syscall else "running", "run"),
                                     ("runnext", 146, p.runnext, "runnable", "next")):
        prims.append(["t", x, 56, _state(label), "s"])
        gx = x + 68
        if g is not None:
            prims.append(["g", gx, 38, f"G{g}", state, "to" if g in moved else ""])
        elif (p.id, slot) in ghosts:
            prims.append(["g", gx, 38, f"G{ghosts[(p.id, slot)]}", state, "from"])
        else:
            prims.append(["q", gx, 38, 1, 1, 0, 0])
    prims.append(["t", 12, 86, _("local runq {n}/{size}").format(n=len(p.runq), size=runq_size), "s"])
    _queue(prims, 12, 94, p.runq, moved)
    return card(CARD_W, 168, prims)


def _global_card(s: Snapshot, moved: dict) -> dict:
    from whygo.player import card
    prims = [["t", 12, 22, _("global runq"), "h"],
             ["t", CARD_W - 12, 22, _("{n} Gs").format(n=len(s.global_runq)), "s e"]]
    _queue(prims, 12, 36, s.global_runq, moved)
    return card(CARD_W, 110, prims)


def _ms_card(s: Snapshot, moved: dict, lines: int) -> dict:
    """The Ms (what each does) and the parked Gs with why they wait."""
    from whygo.player import card
    prims = [["t", 12, 22, "Ms", "h"]]
    y = 44
    for m in s.ms[:8]:
        what = f"M{m.id} {_state(m.state)}" + (f" · P{m.p}" if m.p is not None else "") + \
            (f" · G{m.g}" if m.g is not None else "")
        prims.append(["t", 12, y, what, ""])
        y += 20
    if len(s.ms) > 8:
        prims.append(["t", 12, y, _("+{n} more Ms").format(n=len(s.ms) - 8), "s"])
        y += 20
    y += 8
    prims.append(["t", 12, y, _("parked Gs"), "h"])
    y += 10
    for g, why in s.waiting[:6]:
        prims.append(["g", 12, y, f"G{g}", "waiting", "to" if g in moved else ""])
        prims.append(["t", 60, y + 17, why[:32], "s"])
        y += 30
    if len(s.waiting) > 6:
        prims.append(["t", 12, y + 14, _("+{n} more").format(n=len(s.waiting) - 6), "s"])
    if not s.waiting:
        prims.append(["t", 12, y + 14, _("none"), "s"])
    return card(CARD_W, max(lines, 0), prims)


def sched_frames(snaps: Sequence[Snapshot]) -> list[dict]:
    """Frames as data for ``whygo.player``: one card per P, the global queue, the Ms and parked Gs.

    A G is a token coloured by its state; a G that changed place since the
    previous frame has a ring, and a dashed ghost marks the slot it left when
    that slot is now empty. The rule line names the runtime function the
    event mirrors (``RULES``).
    """
    from whygo.player import frame
    out = []
    ms_h = 0
    for s in snaps:   # one height for the Ms card over the whole track: the player never jumps
        ms_h = max(ms_h, 44 + 20 * min(len(s.ms), 8) + (20 if len(s.ms) > 8 else 0) + 18
                   + 30 * max(1, min(len(s.waiting), 6)) + (24 if len(s.waiting) > 6 else 0) + 8)
    before: dict[int, tuple] = {}
    for k, s in enumerate(snaps):
        now = _where(s)
        moved = {g: before[g] for g, w in now.items() if k and g in before and before[g][:2] != w[:2]}
        ghosts: dict = {}
        gone = {g: w for g, w in before.items() if g not in now}     # exited this step
        for g, (place, p) in list(moved.items()) + list(gone.items()):
            if place in ("running", "syscall") and now.get(g, (None,))[0] not in ("running", "syscall") \
                    and not any(q.id == p and q.curg is not None for q in s.procs):
                ghosts[(p, "run")] = g
            elif place == "runnext" and not any(q.id == p and q.runnext is not None for q in s.procs):
                ghosts[(p, "next")] = g
        cards = [_p_card(p, s.runq_size, moved, ghosts) for p in s.procs]
        cards.append(_global_card(s, moved))
        cards.append(_ms_card(s, moved, ms_h))
        moves = "; ".join(f"G{g}: {_place_text(w)} → {_place_text(now[g])}" for g, w in sorted(moved.items()))
        rule = ""
        if s.event is not None and s.event.kind in RULES:
            name, func = RULES[s.event.kind]
            if s.event.kind == "Spawn" and getattr(s.event, "parent", None) is None:
                name, func = PROGRAM_START
            rule = _("{rule} (`{function}`)").format(rule=_(name), function=func)
        head = _("t = {t} µs. ").format(t=f"{s.t:g}")
        caption = head + (s.caption or "") + ("\n" + _("Moved: {moves}.").format(moves=moves) if moves else "")
        out.append(frame(cards, caption, rule))
        before = now
    return out


def scene_player(tracks, title: str = "", limit: int = 40, select: str = "scenario"):
    """The vector player for one run, a {label: run} mapping, or {label: frames}."""
    from whygo.player import ScenePlayer
    if not isinstance(tracks, dict):
        tracks = {"": tracks}
    data = {name: sched_frames(frames(r, limit) if not isinstance(r, tuple) else r)
            for name, r in tracks.items()}
    return ScenePlayer(data, title=title, legend=G_STATES, select=select)
