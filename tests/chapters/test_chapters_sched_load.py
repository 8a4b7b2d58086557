"""Chapter 2.3 (the scheduler under load): the helpers of whygo/chapters/sched_load.py.

Pure helpers are tested on made-up points; one short real run of
gocode/cmd/loadserver checks the program's output format and that the server
really serves GOMAXPROCS and schedtrace as asked.
"""
import json

import pytest

from whygo.chapters import sched_load as ch
from whygo.golang import gotrace

SCHED = ("SCHED {ms}ms: gomaxprocs=2 idleprocs={idle} threads={threads} spinningthreads=0 "
         "needspinning=0 idlethreads=1 runqueue={g} [ {a} {b} ] schedticks=[ 1 2 ]\n")


def point(procs=1, conc=1, qps=100.0, p99=1000.0, samples=(), server=None):
    return ch.Point(procs=procs, conc=conc, requests=10, errors=0, seconds=1.0, qps=qps,
                    p50_us=p99 / 2, p99_us=p99, server=server or {}, samples=tuple(samples))


def test_parse_points_reads_json_and_its_schedtrace():
    text = SCHED.format(ms=50, idle=1, threads=5, g=3, a=1, b=2)
    line = json.dumps({"procs": 2, "conc": 16, "requests": 5, "errors": 0, "seconds": 0.5,
                       "qps": 10.0, "p50_us": 1.0, "p99_us": 2.0, "server": {"max_threads": 5},
                       "schedtrace": text})
    [p] = ch.parse_points(line + "\n\n")
    assert (p.procs, p.conc, p.server["max_threads"]) == (2, 16, 5)
    assert p.samples[0].runnable == 6


def test_parse_points_names_a_bad_line():
    with pytest.raises(ch.ChapterError, match="line 2"):
        ch.parse_points(json.dumps({"procs": 1, "conc": 1, "requests": 1, "errors": 0,
                                    "seconds": 1.0, "qps": 1.0, "p50_us": 1.0, "p99_us": 1.0,
                                    "server": {}}) + "\nnot json")


def test_knee_is_the_first_point_reaching_ninety_percent_of_the_best():
    pts = [point(conc=c, qps=q) for c, q in [(1, 100), (4, 850), (16, 950), (64, 1000), (256, 700)]]
    assert ch.knee(pts).conc == 16
    assert ch.knee(pts, share=0.8).conc == 4


def test_knee_refuses_mixed_gomaxprocs():
    with pytest.raises(ch.ChapterError, match="by_procs"):
        ch.knee([point(procs=1), point(procs=2)])


def test_by_procs_groups_and_sorts_by_concurrency():
    pts = [point(2, 16), point(1, 4), point(2, 1), point(1, 1)]
    groups = ch.by_procs(pts)
    assert list(groups) == [1, 2]
    assert [p.conc for p in groups[2]] == [1, 16]


def test_median_point_keeps_the_run_with_median_throughput():
    runs = [point(qps=q, p99=q) for q in (300.0, 100.0, 200.0)]
    assert ch.median_point(runs).qps == 200.0
    with pytest.raises(ch.ChapterError):
        ch.median_point([point(conc=1), point(conc=4)])


def test_sched_summary_averages_runnable_and_idle_share():
    from whygo.golang.schedtrace import parse_schedtrace
    text = (SCHED.format(ms=0, idle=2, threads=4, g=0, a=0, b=0)
            + SCHED.format(ms=50, idle=0, threads=6, g=4, a=2, b=2))
    s = ch.sched_summary(point(samples=parse_schedtrace(text).samples))
    assert (s.samples, s.mean_runnable, s.max_runnable, s.idle_share, s.max_threads) == (2, 4.0, 8, 0.5, 6)


def test_gm_ratio_is_goroutines_per_thread():
    assert ch.gm_ratio(point(server={"max_goroutines": 300, "max_threads": 6})) == 50


def test_waits_from_trace_measures_runnable_to_running():
    ev = lambda g, t, old, new: gotrace.TraceEvent(m=1, p=0, g=g, kind="StateTransition", time_ns=t,
                                                   resource="G", id=g, old=old, new=new)
    events = [ev(7, 1000, "Waiting", "Runnable"), ev(8, 1500, "Waiting", "Runnable"),
              ev(7, 4000, "Runnable", "Running"), ev(8, 9500, "Runnable", "Running"),
              ev(9, 9600, "Running", "Waiting")]
    assert ch.waits_from_trace(events) == [3e-6, 8e-6]


def test_pressure_test_rejects_bad_lists():
    with pytest.raises(ch.ChapterError, match="conc"):
        ch.pressure_test(procs=(1,), conc=(0,))
    with pytest.raises(ch.ChapterError, match="repeat"):
        ch.pressure_test(repeat=0)


def test_real_server_runs_with_the_asked_gomaxprocs_and_schedtrace():
    pts = ch.pressure_test(procs=(1, 2), conc=(1, 8), duration=0.15, requests=100_000,
                           schedtrace_ms=10)
    assert [(p.procs, p.conc) for p in pts] == [(1, 1), (1, 8), (2, 1), (2, 8)]
    for p in pts:
        assert p.errors == 0 and p.requests > 0
        assert p.samples and all(s.gomaxprocs == p.procs for s in p.samples)
        assert p.server["max_goroutines"] >= p.conc   # one goroutine per client connection
        assert p.p50_us <= p.p99_us
