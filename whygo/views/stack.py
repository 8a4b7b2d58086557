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

import textwrap

from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Rectangle

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
            f"{'old' if old else 'stack'} {_kib(img.size)}\nhi {img.hi:#x}",
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
            ax.text(x + width + 1.15, ys, "heap", va="center", fontsize=7, color="#2ca02c")
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
        ax.text(4.4, 0.56, f"copystack\n{old.used:,} B copied\n"
                           f"{_kib(old.size)} -> {_kib(new.size)} ({'grow' if grew else 'shrink'})",
                ha="center", va="bottom", fontsize=7.5)
    _draw_stack(ax, new, 5.8 if old is not None else 3.5, 2.0, scale, guard, False, adjusted)
    st = snapshot.stats
    fig.text(0.02, 0.95, "goroutine stack", fontsize=11, weight="bold")
    fig.text(0.98, 0.95, f"{st.calls} calls · {st.growths} grows · {st.shrinks} shrinks · "
                         f"{st.bytes_copied:,} B copied · now {_kib(st.size)}",
             fontsize=8, ha="right")
    fig.text(0.98, 0.91, "hatched: stackguard0 zone · red arrows: pointers rebased by "
                         "adjustpointers", fontsize=7, ha="right", color="#555555")
    fig.text(0.02, 0.03, "\n".join(textwrap.wrap(snapshot.caption, 115)[:3]), fontsize=8.5,
             va="bottom")
    return fig
