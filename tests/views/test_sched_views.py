"""The scheduler views: they render, show the right texts, and never touch the model."""
from __future__ import annotations

import dataclasses

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from whygo.sched import scenarios
from whygo.sched.snapshot import MSnap, PSnap, Snapshot
from whygo.sched.timeline import Mark, Span, Timeline
from whygo.views import sched as view


def texts(fig: Figure) -> str:
    found = [t.get_text() for t in fig.texts]
    found += [s for a in fig.artists if hasattr(a, "get_texts") for s in a.get_texts()]   # _GlyphText
    for ax in fig.axes:
        found += [t.get_text() for t in ax.texts] + [ax.get_title(loc="left")]
        found += [t.get_text() for t in ax.get_yticklabels()]
        if ax.get_legend():
            found += [t.get_text() for t in ax.get_legend().get_texts()]
    return "\n".join(found)


def busy_snapshot() -> Snapshot:
    procs = tuple(PSnap(i, "_Prunning", i, 100 + i, i == 3, 200 + i, tuple(range(20 * i + 1, 20 * i + 19)), 7)
                  for i in range(4))
    ms = tuple(MSnap(i, "syscall" if i == 3 else "running", i, 100 + i) for i in range(4)) + (MSnap(4, "idle", None, None),)
    return Snapshot(123.0, procs, tuple(range(300, 330)), ms, ((9, "chan receive on c"),), 256, None,
                    "P1 steals 4 Gs from P0 and runs G5; 3 go to its queue.")


def test_render_sched_returns_a_figure_with_ps_queues_ms_and_caption():
    fig = view.render_sched(busy_snapshot(), title="demo")
    assert isinstance(fig, Figure)
    text = texts(fig)
    for expected in ["demo", "t = 123 µs", "P0 _Prunning", "M2", "tick 7", "runnext", "syscall",
                     "runq 18/256  +2", "global runq (30)", "+6", "M3 syscall G103 on P3", "M4 idle",
                     "G9 (chan receive on c)", "P1 steals 4 Gs from P0", "G100", "G201"]:
        assert expected in text, expected
    assert " 1   2   3 " in text                  # queue ids, one monospace row
    FigureCanvasAgg(fig).draw()                  # and it draws


def test_monospace_cells_line_up_with_the_slots():
    fig = view.render_sched(busy_snapshot())
    FigureCanvasAgg(fig).draw()
    glyphs, = [a for a in fig.artists if hasattr(a, "get_texts")]
    slots, = [a for a in fig.artists if hasattr(a, "get_paths")]
    assert view.CHAR_PX == 4                              # 0.602 em of 6.5 pt at 80 dpi, whole pixels
    left, base, _, step, line, _ = next(r for r in glyphs._lines() if r[4].startswith(" 1   2 "))
    row = sorted((b for b in (p.get_extents(slots.get_transform()) for p in slots.get_paths())
                  if b.y0 < base < b.y1 and b.x0 >= left - 1), key=lambda b: b.x0)[:8]
    ids = line.split()
    assert ids == [str(g) for g in range(1, 9)]
    for g, box in zip(ids, row):                          # the glyphs of id g sit inside its slot
        xs = [x for x, b, _, c, _ in glyphs.placed() if b == base and box.x0 <= x < box.x1]
        assert len(xs) == len(g) and xs[-1] + step <= box.x1 + 0.5


def test_render_is_deterministic_same_snapshot_same_png_bytes():
    from whygo.anim import render_frame
    snap = busy_snapshot()
    first = render_frame(snap, view.render_sched, snap.caption)
    again = render_frame(snap, view.render_sched, snap.caption)
    other = render_frame(dataclasses.replace(snap, t=124.0), view.render_sched, snap.caption)
    assert first.data == again.data and first.kind == "png"
    assert other.data != first.data                     # and it does depend on the snapshot


def test_text_artist_covers_its_strings_for_tight_layouts():
    fig = view.render_sched(busy_snapshot())
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    glyphs, = [a for a in fig.artists if hasattr(a, "get_texts")]
    box = glyphs.get_window_extent(canvas.get_renderer())
    assert 0 <= box.x0 < 20 and box.x1 > 400 and 0 <= box.y0 < 30    # caption at the bottom included


def test_render_sched_does_not_change_the_snapshot_or_model():
    r = scenarios.get("fan-out-fan-in").run()
    before = (r.snapshots, r.events, r.stats)
    for s in view.frames(r)[:5]:
        view.render_sched(s)
    assert (r.snapshots, r.events, r.stats) == before


def test_render_sched_rejects_other_things_clearly():
    with pytest.raises(TypeError, match="Snapshot"):
        view.render_sched({"t": 0})


def test_g_colours_are_consistent():
    assert view.g_colour(3) == view.g_colour(3) and view.g_colour(3) != view.g_colour(4)
    assert view.g_colour(1) == view.g_colour(1 + len(view._PALETTE))


def test_render_timeline_draws_spans_and_marks():
    tl = Timeline(2, [Span(0, 1, 0, 50), Span(1, 2, 10, 60), Span(1, 3, 60, 80, "syscall")],
                  [Mark("steal", 1, 10, "P1 stole 1"), Mark("handoff", 1, 80, "handoff")])
    fig = view.render_timeline(tl, title="model")
    text = texts(fig)
    for expected in ["model", "P0", "P1", "G1", "G2", "steal", "handoff"]:
        assert expected in text, expected
    FigureCanvasAgg(fig).draw()


def test_render_timelines_puts_model_and_real_side_by_side():
    a = scenarios.get("gomaxprocs").run(variant="GOMAXPROCS=4")
    b = scenarios.get("gomaxprocs").run(variant="GOMAXPROCS=1")
    fig = view.render_timelines([a, b.timeline], ["GOMAXPROCS=4", "GOMAXPROCS=1"])
    assert len(fig.axes) == 2 and "GOMAXPROCS=1" in texts(fig)


def test_render_timeline_explains_summary_runs():
    from whygo.sched import compute, simulate
    r = simulate([compute(1)], summary=True)
    with pytest.raises(TypeError, match="summary-mode"):
        view.render_timeline(r)


def test_frames_keep_at_most_the_limit_with_first_and_last():
    r = scenarios.get("fan-out-fan-in").run()
    assert len(r.snapshots) > 20
    chosen = view.frames(r, limit=20)
    assert len(chosen) == 20 and chosen[0] is r.snapshots[0] and chosen[-1] is r.snapshots[-1]
    assert list(chosen) == sorted(chosen, key=r.snapshots.index)


def test_every_scenario_stays_within_about_40_frames():
    for name in scenarios.names():
        sc = scenarios.get(name)
        if not sc.summary_only:
            assert len(view.frames(sc.run())) <= 40, name


def test_player_plays_a_run_with_its_captions():
    from whygo.player import ScenePlayer
    from whygo.sched import compute, simulate
    r = simulate([compute(5)], procs=1, frames=True)
    p = view.player(r, title="tiny")
    assert isinstance(p, ScenePlayer)     # frames as data, drawn as SVG in the browser
    html = p.html()
    assert "M0 on P0 runs G1" in html and "data:image/png;base64," not in html


def test_player_offers_a_selector_for_several_runs():
    from whygo.sched import compute, simulate
    runs = {f"GOMAXPROCS={n}": simulate([compute(5)], procs=n, frames=True) for n in (1, 2)}
    assert list(view.player(runs).tracks) == ["GOMAXPROCS=1", "GOMAXPROCS=2"]


def test_model_and_real_trace_timelines_draw_side_by_side():
    from pathlib import Path

    from whygo.golang import gotrace
    events = gotrace.parse_events((Path(__file__).parents[1] / "fixtures" / "gotrace_syscall.txt").read_text())
    real = gotrace.timeline(events, goroutines=gotrace.user_goroutines(events))
    model = scenarios.get("syscall-handoff").run(frames=False)
    fig = view.render_timelines([model, real], ["model", "go1.27.3"])
    text = texts(fig)
    assert "model" in text and "go1.27.3" in text and "handoff" in text
    assert fig.axes[0].get_xlim() != fig.axes[1].get_xlim()      # each keeps its own time scale
