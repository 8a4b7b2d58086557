"""View of the goroutine stack model: frames in a stack that grows by copying.

``render_stack(snapshot)`` draws the stack as a column, top (``stack.hi``) up,
growing downward like the real one: each frame a box, the ``stackguard0``
zone hatched at the bottom, SP marked. Heights are to scale, so a doubled
stack is twice as tall. On a step that copied the stack (grow or shrink) the
old stack stands on the left, greyed, with an arrow to the new one; pointers
into the stack are arrows between frames, red where ``adjustpointers``
rebased them; a pointer to the heap points out of the column and never
changes.

``frames(...)`` (from ``whygo.stack.workload``) gives the snapshot list for
``whygo.anim.Player``. Pure function: a new ``Figure``, no pyplot state.
"""
from __future__ import annotations

from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Rectangle

from whygo.i18n import N_, _
from whygo.views.fonts import wrap_text
from whygo.stack.model import StackImage, StackSnapshot
from whygo.stack.workload import frames  # noqa: F401  (re-exported for notebooks)

DPI = 80
_FRAME_COLOURS = ["#c6dbef", "#9ecae1"]
_OLD = "#d9d9d9"
_GUARD = "#fcbba1"


def _kib(n: int) -> str:
    if n >= 1 << 20 and n % (1 << 20) == 0:
        return f"{n >> 20} MiB"
    return f"{n // 1024} KiB" if n >= 1024 and n % 1024 == 0 else f"{n:,} B"


def _copied(old: StackImage) -> str:
    return _("{n} B copied").format(n=f"{old.used:,}")


def _counters(st) -> str:
    """The stack's running totals, one line."""
    return _("{calls} calls · {grows} grows · {shrinks} shrinks · {copied} B copied · now {size}").format(
        calls=st.calls, grows=st.growths, shrinks=st.shrinks, copied=f"{st.bytes_copied:,}",
        size=_kib(st.size))


def _draw_stack(ax, img: StackImage, x: float, width: float, scale: float, guard: int,
                old: bool, adjusted: set[int]) -> None:
    """One stack column; y = bytes above stack.lo times ``scale``."""
    def y(addr: int) -> float:
        return (addr - img.lo) * scale

    ax.add_patch(Rectangle((x, 0), width, y(img.hi), facecolor="white", edgecolor="#333333",
                           linewidth=1.2))
    ax.add_patch(Rectangle((x, 0), width, guard * scale, facecolor=_OLD if old else _GUARD,
                           hatch="//", edgecolor="#999999", linewidth=0))
    min_label = 0.045 * ax.get_ylim()[1]
    # frames: one collection (deep recursions have hundreds of frames)
    ax.add_collection(PatchCollection(
        [Rectangle((x, y(f.lo)), width, f.size * scale) for f in img.frames],
        facecolors=[_OLD if old else _FRAME_COLOURS[i % 2] for i in range(len(img.frames))],
        edgecolors="#555555", linewidths=0.5))
    for f in img.frames:
        if f.size * scale >= min_label:
            ax.text(x + width / 2, y(f.lo) + f.size * scale / 2, f"{f.name} ({f.size} B)",
                    ha="center", va="center", fontsize=7, color="#444444" if old else "black")
    ax.plot([x - 0.15, x + width + 0.15], [y(img.sp)] * 2, color="#333333", linewidth=1)
    ax.text(x - 0.2, y(img.sp), "SP", ha="right", va="center", fontsize=7)
    ax.text(x + width / 2, y(img.hi) + 0.01 * ax.get_ylim()[1],
            (_("old {size}") if old else _("stack {size}")).format(size=_kib(img.size))
            + f"\nhi {img.hi:#x}",
            ha="center", va="bottom", fontsize=7.5)
    ax.text(x + width / 2, -0.01 * ax.get_ylim()[1], f"lo {img.lo:#x}", ha="center", va="top",
            fontsize=7)
    # pointers into the stack: a bracket to the right of the column (depth varied so
    # neighbours separate) ending in an arrowhead at the target; one collection each
    brackets, heads, colours = [], [], []
    for n, p in enumerate(img.pointers):
        ys = y(p.slot) + 2 * scale
        if p.into_stack:
            d = 0.12 + 0.1 * (n % 3)
            yt = y(p.value)
            brackets.append([(x + width, ys), (x + width + d, ys), (x + width + d, yt),
                             (x + width + 0.03, yt)])
            heads.append((x + width + 0.05, yt))
            colours.append("#999999" if old else ("#d62728" if p.slot in adjusted else "#333333"))
        elif not old:
            ax.add_patch(FancyArrowPatch((x + width, ys), (x + width + 1.1, ys), arrowstyle="-|>",
                                         mutation_scale=7, color="#2ca02c", linewidth=0.9))
            ax.text(x + width + 1.15, ys, _("heap"), va="center", fontsize=7, color="#2ca02c")
    if brackets:
        ax.add_collection(LineCollection(brackets, colors=colours, linewidths=0.9))
        ax.scatter([h[0] for h in heads], [h[1] for h in heads], marker="<", s=14, c=colours,
                   linewidths=0, zorder=3)

def render_stack(snapshot: StackSnapshot) -> Figure:
    """The goroutine stack (and the old one during a copy) with frames, guard, SP and pointers."""
    fig = Figure(figsize=(8, 4.5), dpi=DPI)
    ax = fig.add_axes((0.02, 0.16, 0.96, 0.72))
    ax.set_axis_off()
    new, old = snapshot.stack, snapshot.old
    tallest = max(new.size, old.size if old else 0)
    scale = 1.0 / tallest
    ax.set_xlim(0, 10)
    ax.set_ylim(-0.08, 1.12)
    guard = snapshot.guard - new.lo
    adjusted = {a.slot_new for a in snapshot.adjusted}
    if old is not None:
        _draw_stack(ax, old, 1.2, 2.0, scale, guard, True, set())
        grew = new.size > old.size
        ax.add_patch(FancyArrowPatch((3.6, 0.5), (5.2, 0.5), arrowstyle="simple", mutation_scale=18,
                                     color="#fd8d3c"))
        ax.text(4.4, 0.56, "copystack\n" + _copied(old) + "\n"
                + (_("{old} -> {new} (grow)") if grew else _("{old} -> {new} (shrink)")).format(
                    old=_kib(old.size), new=_kib(new.size)),
                ha="center", va="bottom", fontsize=7.5)
    _draw_stack(ax, new, 5.8 if old is not None else 3.5, 2.0, scale, guard, False, adjusted)
    fig.text(0.02, 0.95, _("goroutine stack"), fontsize=11, weight="bold")
    fig.text(0.98, 0.95, _counters(snapshot.stats), fontsize=8, ha="right")
    fig.text(0.98, 0.91, _("hatched: stackguard0 zone · red arrows: pointers rebased by "
                           "adjustpointers"), fontsize=7, ha="right", color="#555555")
    fig.text(0.02, 0.03, "\n".join(wrap_text(snapshot.caption, 115)[:3]), fontsize=8.5,
             va="bottom")
    return fig


# ----- frames as data for the vector player (whygo.player) ---------------------------------
STACK_KEY = ((N_("a frame"), "frame"), (N_("stackguard0 zone"), "guard"),
             (N_("the old stack (copied from)"), "old"), (N_("pointer rebased by adjustpointers"), "write"))
COL_W, COL_H = 150, 330        # px: a stack column; the tallest stack of a frame fills it
COL_TOP = 56
CARD_W, CARD_H = 560, COL_TOP + COL_H + 34
OLD_X, NEW_X = 14, 296         # columns; the copy arrow between them


def _column(prims: list, img: StackImage, x: float, scale: float, guard: int, old: bool,
            adjusted: set[int]) -> None:
    """One stack column in px, stack.hi at the top, growing down like the real one."""
    bottom = COL_TOP + COL_H

    def y(addr: int) -> float:
        return round(bottom - (addr - img.lo) * scale, 1)

    top = y(img.hi)
    prims.append(["r", x, top, COL_W, bottom - top, "stk"])
    prims.append(["r", x, y(img.lo + guard), COL_W, round(guard * scale, 1), "old" if old else "guard"])
    for k, f in enumerate(img.frames):
        h = f.size * scale
        prims.append(["r", x, y(f.hi), COL_W, round(h, 1), "old" if old else f"frame f{k % 2}"])
        if h >= 16:
            prims.append(["t", x + COL_W / 2, round(y(f.hi) + h / 2 + 5, 1), f"{f.name} ({f.size} B)", "s c"])
    head = _("old stack {size}") if old else _("stack {size}")
    prims.append(["t", x + COL_W / 2, round(top - 22, 1), head.format(size=_kib(img.size)), "h c"])
    prims.append(["t", x + COL_W / 2, round(top - 6, 1), f"hi {img.hi:#x}", "s c"])
    prims.append(["t", x + COL_W / 2, bottom + 18, f"lo {img.lo:#x}", "s c"])
    prims.append(["l", x - 6, y(img.sp), x + COL_W + 6, y(img.sp), "sp"])
    prims.append(["t", x + COL_W + 8, y(img.sp) + 4, "SP", "s"])
    for n, p in enumerate(img.pointers):
        ys = y(p.slot + 2)
        if p.into_stack:
            d = 14 + 10 * (n % 3)
            kind = "old" if old else ("write" if p.slot in adjusted else "")
            prims.append(["p", f"M{x + COL_W},{ys} h{d} V{y(p.value)} H{x + COL_W + 3}", f"ptr {kind}".strip()])
        elif not old:
            prims.append(["l", x + COL_W, ys, x + COL_W + 60, ys, "ptr heap"])
            prims.append(["t", x + COL_W + 64, ys + 4, _("heap"), "s"])


def stack_frames(snaps) -> list[dict]:
    """Frames as data for ``whygo.player``: the stack column (and the old one during a copy).

    Heights are to scale within a frame (a doubled stack is twice as tall); the
    rule line names the runtime function of the step (``newstack``/``copystack``,
    ``shrinkstack``, ``morestack``) and the caption carries the counters.
    """
    from whygo.player import card, frame
    out = []
    for s in snaps:
        new, old = s.stack, s.old
        scale = COL_H / max(new.size, old.size if old else 0)
        guard = s.guard - new.lo
        adjusted = {a.slot_new for a in s.adjusted}
        prims: list = []
        if old is not None:
            _column(prims, old, OLD_X, scale, guard, True, set())
            grew = new.size > old.size
            prims.append(["l", OLD_X + COL_W + 52, 200, NEW_X - 20, 200, "arr"])
            prims.append(["t", (OLD_X + COL_W + NEW_X) / 2 + 16, 180, "copystack", "h c"])
            prims.append(["t", (OLD_X + COL_W + NEW_X) / 2 + 16, 228, _copied(old), "s c"])
            prims.append(["t", (OLD_X + COL_W + NEW_X) / 2 + 16, 246,
                          f"{_kib(old.size)} → {_kib(new.size)}", "s c"])
            prims.append(["t", (OLD_X + COL_W + NEW_X) / 2 + 16, 264,
                          _("grow") if grew else _("shrink"), "s c"])
        _column(prims, new, NEW_X if old is not None else OLD_X + 90, scale, guard, False, adjusted)
        stats = _counters(s.stats)
        kinds = {type(e).__name__ for e in s.events}
        rule = next((_(r) for k, r in _STACK_RULES if k in kinds), "")
        out.append(frame([card(CARD_W, CARD_H, prims)], f"{s.caption}\n{stats}", rule))
    return out


_STACK_RULES = (("Grow", N_("the stack is full: grow by copying (`runtime.newstack → copystack`)")),
                ("Shrink", N_("at GC, a stack using under a quarter shrinks by half (`runtime.shrinkstack`)")),
                ("ShrinkSkipped", N_("shrinking skipped (`runtime.shrinkstack`)")),
                ("Call", N_("a call: the prologue checks SP against stackguard0 (`runtime.morestack` if below)")),
                ("Return", N_("a return: the frame is popped")))


def stack_player(snaps, title: str = ""):
    from whygo.player import ScenePlayer
    legend = tuple((_(label), cls) for label, cls in STACK_KEY)
    return ScenePlayer({"": stack_frames(snaps)}, title=title, legend=legend)
