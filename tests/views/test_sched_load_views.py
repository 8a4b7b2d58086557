"""The pressure test's curves (whygo.views.sched_load), drawn from made-up points."""
from __future__ import annotations

from types import SimpleNamespace

from whygo.chapters import sched_load as chapter
from whygo.views.sched_load import render_load, render_sched, render_timeline


def point(procs, conc, qps, samples=()):
    return chapter.Point(procs, conc, 100, 0, 1.0, qps, 50.0, 90.0 * conc,
                         {"sched_latency_p99_us": 10.0 * conc}, tuple(samples))


POINTS = [point(p, c, q) for p, c, q in [(1, 1, 100), (1, 4, 190), (1, 16, 200), (2, 1, 100), (2, 4, 380)]]


def test_render_load_draws_each_series_and_stars_its_knee():
    groups = chapter.by_procs(POINTS)
    fig = render_load(groups, {procs: chapter.knee(g) for procs, g in groups.items()})
    left = fig.axes[0]
    stars = [l for l in left.lines if l.get_marker() == "*"]
    assert [tuple(s.get_xdata()) for s in stars] == [(4,), (4,)]   # 190 >= 0.9 * 200; 380 is the best
    assert [l.get_label() for l in left.lines if l.get_marker() == "o"] == ["GOMAXPROCS=1", "GOMAXPROCS=2"]


def test_render_sched_and_the_timeline_draw_the_schedtrace():
    sample = SimpleNamespace(ms=0, local_runq=[1, 2], runqueue=3, runnable=6, idleprocs=0, gomaxprocs=2,
                             threads=5)
    p = point(2, 4, 380, [sample, SimpleNamespace(**{**vars(sample), "ms": 50})])
    fig = render_sched({2: [(p, chapter.sched_summary(p))]})
    assert [tuple(l.get_ydata()) for l in fig.axes[2].lines] == [(5,)]        # OS threads (max)
    assert len(render_timeline(p).axes[0].lines) == 3                         # P0, P1, global
    assert chapter.plot_timeline is render_timeline
