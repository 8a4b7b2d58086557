"""Tests of whygo/chapters/sched.py, the helpers of chapter 2.1 (the GMP scheduler)."""
import pytest

from whygo.chapters import sched as ch
from whygo.golang.schedtrace import SchedSample








def test_scenario_frames_keeps_every_animated_scenario_under_the_frame_limit():
    tracks = ch.scenario_frames(limit=30)
    assert "gosched-global" in tracks and "gomaxprocs (GOMAXPROCS=1)" in tracks
    assert "100k-goroutines" not in tracks   # summary-only: no frames
    assert all(0 < len(frames) <= 30 for frames in tracks.values())


def _sample(ms, global_q, local):
    return SchedSample(ms=ms, gomaxprocs=len(local), idleprocs=0, threads=3, spinningthreads=0,
                       needspinning=0, idlethreads=0, runqueue=global_q, local_runq=tuple(local))


def test_census_counts_samples_with_a_non_empty_global_queue():
    c = ch.census([_sample(0, 0, [3]), _sample(1, 5, [1]), _sample(2, 2, [7])])
    assert (c.samples, c.with_global, c.max_global, c.max_local) == (3, 2, 5, 7)
    assert c.global_share == pytest.approx(2 / 3)


def test_census_of_nothing_says_what_to_do():
    with pytest.raises(ValueError, match="run the program longer"):
        ch.census([])


def test_global_queue_census_refuses_more_goroutines_than_a_local_queue_holds():
    with pytest.raises(ValueError, match="1..256"):
        ch.global_queue_census(goroutines=300)


def test_median_report_takes_the_median_of_each_numeric_field():
    reports = [{"create_ns": 30, "gcs": 4, "note": "a"}, {"create_ns": 10, "gcs": 5, "note": "b"},
               {"create_ns": 20, "gcs": 4, "note": "c"}]
    assert ch.median_report(reports) == {"create_ns": 20, "gcs": 4}


def test_hundred_k_runs_the_real_program():
    m = ch.hundred_k(1, n=2000, runs=1)
    assert m["goroutines"] == 2000 and m["finished"] == 2000 and m["gomaxprocs"] == 1
    assert 0 < m["create_ns"] <= m["total_ns"]


def _ev(p, g_id, old, new):
    from whygo.golang.gotrace import TraceEvent
    return TraceEvent(m=1, p=p, g=None, kind="StateTransition", time_ns=0, resource="G", id=g_id,
                      old=old, new=new)


def test_wakeups_counts_where_a_woken_goroutine_runs_next():
    events = [_ev(0, 5, "Waiting", "Runnable"), _ev(0, 5, "Runnable", "Running"),   # same P
              _ev(1, 6, "Waiting", "Runnable"), _ev(0, 6, "Runnable", "Running"),   # another P
              _ev(1, 7, "Waiting", "Runnable"), _ev(1, 7, "Runnable", "Running"),   # not ours
              _ev(0, 5, "Runnable", "Running")]                                     # no wake-up
    w = ch.wakeups(events, goroutines={5, 6})
    assert (w.total, w.on_wakers_p) == (2, 1) and w.share == 0.5
    assert ch.wakeups([], goroutines={5}).share == 0.0
