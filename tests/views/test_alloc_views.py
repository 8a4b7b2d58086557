"""The allocator and stack views: pure functions snapshot -> Figure, frames that fit the player."""
import copy

from matplotlib.figure import Figure

from whygo.alloc.layout import load_layout
from whygo.anim import render_frame
from whygo.views.alloc import frames as alloc_frames, render_mcache, render_waste, workload_frames
from whygo.views.stack import frames as stack_frames, render_stack


def _texts(fig):
    return " ".join(t.get_text() for t in fig.texts)


def test_alloc_tour_fits_the_player_and_covers_every_path():
    snaps = alloc_frames()
    assert 10 <= len(snaps) <= 40
    paths = {s.last.path for s in snaps if s.last}
    kinds = {s.last.kind for s in snaps if s.last}
    assert {"nextFreeFast", "nextFree", "refill", "first span", "tiny block"} <= paths
    assert {"tiny", "small", "large", "zero"} <= kinds
    assert all(s.caption for s in snaps)


def test_render_mcache_draws_without_touching_the_snapshot():
    snaps = alloc_frames()
    for s in (snaps[0], snaps[14], snaps[-1], workload_frames(n=600, limit=3)[-1]):
        before = copy.deepcopy(s)
        fig = render_mcache(s)
        assert isinstance(fig, Figure) and fig.dpi <= 100
        assert s == before
        assert s.caption.split()[0] in _texts(fig)


def test_render_waste_shows_every_class():
    fig = render_waste(layout=load_layout())
    ax = fig.axes[0]
    assert len(ax.patches) == 67          # one bar per size class
    assert len(ax.get_legend().get_texts()) == 3


def test_stack_frames_render_old_and_new_stack_on_a_copy():
    snaps = stack_frames()
    copy_step = next(s for s in snaps if s.old is not None)
    fig = render_stack(copy_step)
    text = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert "old" in text and "copystack" in text
    plain = render_stack(snaps[0])
    assert "old" not in " ".join(t.get_text() for t in plain.axes[0].texts)


def test_frames_render_through_the_player():
    for snap, render in ((alloc_frames()[3], render_mcache), (stack_frames()[6], render_stack)):
        frame = render_frame(snap, render, snap.caption)
        assert frame.kind == "png" and frame.caption == snap.caption
