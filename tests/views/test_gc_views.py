"""The GC and pacer views: pure functions of a snapshot, deterministic output."""
import copy

from matplotlib.figure import Figure

from whygo.gc import GC
from whygo.gc.pacer import simulate_heap
from whygo.gc.scenarios import lost_object, rescan, tricolour
from whygo.views.gc import gc_dot, render_gc
from whygo.views.pacer import render_goals, render_pacer


def test_render_gc_is_deterministic_svg():
    frame = lost_object("hybrid").frames[7]
    assert render_gc(frame) == render_gc(frame)
    assert render_gc(frame).startswith("<svg")


def test_render_gc_does_not_change_the_snapshot():
    frame = tricolour().frames[5]
    before = copy.deepcopy(frame)
    render_gc(frame)
    assert frame == before


def test_gc_dot_colours_nodes_and_shows_roots_apart():
    frame = tricolour().frames[6]          # A grey, C and the new G black, B/D/E/F white
    dot = gc_dot(frame)
    assert '"o_A" [' in dot and 'fillcolor="#a8a8a8"' in dot.split('"o_A" [')[1].split("\n")[0]
    c_line = dot.split('"o_C" [')[1].split("\n")[0]
    assert 'fillcolor="black"' in c_line and 'fontcolor="white"' in c_line
    e_line = dot.split('"o_E" [')[1].split("\n")[0]
    assert 'fillcolor="white"' in e_line and 'color="black"' in e_line
    assert "subgraph cluster_roots" in dot and '"r_globals"' in dot and '"r_g1"' in dot


def test_gc_dot_highlights_the_write_and_the_barrier_shades():
    frame = lost_object("hybrid").frames[8]   # g1: b.f0 = nil, the barrier shades C
    assert frame.shaded == ("C",)
    dot = gc_dot(frame)
    assert 'label="was f0"' in dot                          # the deleted pointer
    assert "penwidth=3.5" in dot.split('"o_C" [')[1].split("\n")[0]


def test_gc_dot_marks_lost_and_dangling_objects():
    s = lost_object("none")
    term = next(f for f in s.frames if f.phase == "marktermination")
    assert "peripheries=2" in gc_dot(term).split('"o_C" [')[1].split("\n")[0]
    assert "freed" in gc_dot(s.final)


def test_gc_dot_shows_rescan_state_and_phase_label():
    frame = rescan("dijkstra").frames[4]
    dot = gc_dot(frame)
    assert "g1 stack (re-scan)" in dot and "_GCmark" in dot and "barrier: dijkstra" in dot


def test_render_gc_escapes_quotes_in_captions():
    """Quotes and backslashes survive DOT, and <, > and & survive SVG: the caption
    reads back, character for character, from the parsed XML."""
    import xml.etree.ElementTree as ET
    caption = 'say "hi" \\ bye <b>&'
    frame = GC({"objects": {"A": {"f0": None}}, "stacks": {"g1": {"x": "A"}}}).snapshot()
    odd = frame.__class__(**{**frame.__dict__, "caption": caption})
    root = ET.fromstring(render_gc(odd))
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert caption in texts


def test_render_pacer_returns_a_figure_with_heap_and_goal():
    fig = render_pacer(simulate_heap(200, 50, 100, memlimit=150, duration_s=2))
    assert isinstance(fig, Figure)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert {"heap", "heap goal", "GOMEMLIMIT", "marking"} <= set(labels)


def test_render_goals_plots_model_beside_runtime():
    fig = render_goals([(32, 0, 0), (40, 1, 1)], 100)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "model goal" in labels


def test_gc_frames_play_in_the_course_player():
    from whygo.anim import Player
    s = lost_object("none")
    html = Player(s.frames, render_gc, title=s.title).static_html()
    assert html.count("<svg") == len(s.frames) + 1   # every frame in the data, the first also in the markup
    assert "LOST" in html


def test_gc_dot_lists_buffered_pointers():
    from whygo.gc.scenarios import wbbuf
    frame = wbbuf().frames[9]
    assert "wbBuf P0: C, C" in gc_dot(frame) and 'xlabel="wbBuf"' in gc_dot(frame)


def test_render_pauses_draws_one_bar_per_bucket_and_refuses_a_run_without_pauses():
    import pytest
    from whygo.views.pauses import render_pauses
    buckets = [(1e-6, 2e-6, 50), (2e-6, 4e-6, 49), (4e-6, 8e-6, 1)]
    fig = render_pauses(buckets)
    assert isinstance(fig, Figure) and len(fig.axes[0].patches) == len(buckets)
    with pytest.raises(ValueError, match="no GC pause"):
        render_pauses([(None, 1e-9, 0), (0.0, 1e-9, 0)])
