"""evidence.py: build and run the real gocode programs, parse what the runtime reports.

These tests run real Go programs, so they assert only what reliably holds on
any machine (never a time, never an exact GC count).
"""
import os

import pytest

from whygo.golang import evidence
from whygo.golang.evidence import EvidenceError


@pytest.fixture(scope="module", autouse=True)
def private_cache(tmp_path_factory):
    """Build into a fresh cache so the tests see the current sources."""
    old = os.environ.get("WHYGO_CACHE")
    os.environ["WHYGO_CACHE"] = str(tmp_path_factory.mktemp("whygo-cache"))
    yield
    if old is None:
        os.environ.pop("WHYGO_CACHE")
    else:
        os.environ["WHYGO_CACHE"] = old


def test_each_program_is_built_once_into_the_runners_cache():
    from whygo.golang import runner
    first = evidence.build("fanout")
    assert first.is_file()
    again = runner.run_package("cmd/fanout", build_only=True)
    assert again.cached and again.binary == first
    assert evidence.build("gosched") != first


def test_imbalance_goroutines_created_on_one_p_run_on_at_least_two():
    # Tens of ms of work in all, so that even on a loaded machine the OS gives
    # the second P's thread time to steal.
    run = evidence.real_scheduler("imbalance", gomaxprocs=2, args={"work": 3_000_000})
    assert run.summary.startswith("imbalance: goroutines=16 finished=16 ")
    workers = {g: ps for g, ps in run.ps_used().items() if g != 1}
    assert len(workers) == 16
    assert len(set().union(*workers.values())) >= 2
    assert run.stolen


def test_syscall_another_g_runs_on_the_p_the_blocked_g_had():
    # One P: the workers can only run if the P is handed off from the blocked thread.
    run = evidence.real_scheduler("syscall", gomaxprocs=1)
    assert "blocked_reads=1 bytes_read=1" in run.summary
    assert any(h.next_g is not None and h.next_g != h.syscall_g for h in run.handoffs)
    tl = run.timeline()
    assert tl.procs == 1
    assert any(s.kind == "syscall" for s in tl.spans)
    assert any(m.kind == "handoff" for m in tl.marks)


def test_gosched_every_yield_is_resumed_and_the_summary_is_deterministic():
    args = {"goroutines": 3, "rounds": 4, "work": 10_000}
    a = evidence.real_scheduler("gosched", gomaxprocs=2, args=args)
    b = evidence.real_scheduler("gosched", gomaxprocs=1, args=args)
    assert a.summary == b.summary and "resumed=12 " in a.summary
    assert len(a.resumes) == 12 and len(b.resumes) == 12


def test_fanout_summary_counts_every_job():
    run = evidence.real_scheduler("fanout", gomaxprocs=2, args={"jobs": 20, "work": 1000})
    assert "jobs=20 results=20 " in run.summary
    assert run.timeline().spans


def test_sched_series_has_one_run_queue_per_p():
    samples = evidence.sched_series("imbalance", gomaxprocs=2, schedtrace_ms=5,
                                    args={"goroutines": 32, "work": 3_000_000})
    assert samples
    assert all(s.gomaxprocs == 2 and len(s.local_runq) == 2 for s in samples)
    detailed = evidence.sched_series("imbalance", gomaxprocs=2, schedtrace_ms=5, detail=True,
                                     args={"goroutines": 8, "work": 3_000_000})
    assert detailed and all(len(s.p_lines) == 2 for s in detailed)


def test_gc_run_reports_cycles_and_a_pause_histogram():
    run = evidence.gc_run(seconds=0.3, live_mib=4, rate_mib=64, size=512, gomaxprocs=2)
    assert run.cycles and all(c.procs == 2 for c in run.cycles)
    assert run.report["gc_cycles"] >= len(run.cycles)
    # Two stop-the-world pauses per cycle: sweep termination and mark termination. The pause
    # histogram and the cycle counter are not read atomically (runtime/metrics promises no
    # consistency across metrics), and under load they were seen 6 pauses against 7 cycles:
    # only require the pauses of at least one whole cycle.
    assert run.pauses.metric == "/sched/pauses/total/gc:seconds"
    assert run.pauses.total >= 2
    buckets = run.pauses.buckets
    assert all(c > 0 for _, _, c in buckets)                         # non-empty buckets only
    assert all(lo < hi for lo, hi, _ in buckets if lo is not None and hi is not None)
    assert [lo for lo, _, _ in buckets] == sorted(lo for lo, _, _ in buckets)
    # a finite maximum: the top bucket's upper bound (the runtime's last bucket is open)
    assert run.pauses.max_s is not None and run.pauses.max_s == buckets[-1][1] > 0


def test_gogc_off_means_no_gc_at_all():
    run = evidence.gc_run(gogc="off", seconds=0.2, live_mib=2, rate_mib=32)
    assert run.cycles == [] and run.report["gc_cycles"] == 0


def test_memstats_round_sizes_up_to_their_class():
    rows = evidence.memstats_for_sizes([33, 100], n=1000, kinds=["noscan"])
    assert [(r["size"], r["class_size"]) for r in rows] == [(33, 48), (100, 112)]


def test_stack_growth_doubles_from_2_kib():
    report = evidence.stack_growth(depth=2000, at=[2000], gcs=1)
    assert report["starting_stack_bytes"] == 2048
    assert len(report["growths"]) >= 5 and report["checkpoints"][0]["moves"] == len(report["growths"])


def test_bad_requests_get_clear_errors():
    with pytest.raises(EvidenceError, match="unknown gocode program 'nope'"):
        evidence.build("nope")
    with pytest.raises(EvidenceError, match="imbalance has no flag rounds"):
        evidence.real_scheduler("imbalance", args={"rounds": 3})
    with pytest.raises(EvidenceError, match="GOMAXPROCS must be at least 1"):
        evidence.real_scheduler("fanout", gomaxprocs=0)
    with pytest.raises(EvidenceError, match="sizes must be positive"):
        evidence.memstats_for_sizes([8, -1])
    with pytest.raises(EvidenceError, match='bad kind "big"'):
        evidence.memstats_for_sizes([8], kinds=["big"])


def test_missing_gocode_dir_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("WHYGO_GOCODE", str(tmp_path))
    with pytest.raises(EvidenceError, match="WHYGO_GOCODE"):
        evidence.gocode_dir()


def test_alloc_benchmarks_report_bytes_rounded_to_the_size_class():
    table = evidence.alloc_benchmarks("Alloc/noscan/size=(24|100)$", benchtime="1000x")
    assert table["BenchmarkAlloc/noscan/size=24"].bytes_per_op == 24
    assert table["BenchmarkAlloc/noscan/size=100"].bytes_per_op == 112  # the 112-byte class
    assert all(row.allocs_per_op == 1 for row in table)


def test_pointer_free_objects_need_less_mark_work_than_pointer_slots():
    # Same live heap and allocation rate; the GC scans every word of a
    # pointerful object but never looks inside a []byte. CPU time, summed over
    # cycles, differs by far more than any run-to-run noise (about 100x here).
    common = dict(seconds=0.5, live_mib=16, rate_mib=128, gomaxprocs=2)
    scan = evidence.gc_run(scan=True, **common)
    noscan = evidence.gc_run(scan=False, **common)
    mark = lambda run: sum(c.cpu_assist_ms + c.cpu_background_ms + c.cpu_idle_ms  # noqa: E731
                           for c in run.cycles) / max(len(run.cycles), 1)
    assert scan.report["scan"] is True and noscan.report["scan"] is False
    assert mark(scan) > 3 * mark(noscan)


def test_goroutines_longer_than_a_time_slice_are_preempted():
    # One P, three goroutines each needing tens of ms of CPU and never
    # blocking: sysmon preempts the running one after forcePreemptNS (10 ms)
    # so that the others get their turn (runtime/proc.go: retake -> preemptone).
    run = evidence.real_scheduler("imbalance", 1, args={"goroutines": 3, "work": 40_000_000})
    tl = run.timeline()
    preempted = [m for m in tl.marks if m.kind == "preempt"]
    assert preempted
    workers = {g for g in run.goroutines if g != 1}
    # Every worker ran in more than one span: it was stopped and resumed.
    spans_per_g = {g: sum(s.g == g for s in tl.spans) for g in workers}
    assert sum(n > 1 for n in spans_per_g.values()) >= 2


def test_stack_growth_is_the_same_on_every_run():
    # A notebook prints these figures; with a fixed 2 KiB start they must not vary.
    a = evidence.stack_growth(depth=3000, at=[3000], gcs=0)
    b = evidence.stack_growth(depth=3000, at=[3000], gcs=0)
    assert a["growths"] == b["growths"]
    # Each move doubles the stack (runtime/stack.go: newstack), so move k
    # (from 0) happens when the 2048 * 2**k-byte stack is nearly full: less
    # than that is in use, but more than half of it minus the guard area.
    for k, move in enumerate(a["growths"]):
        assert move["used_bytes"] < 2048 * 2 ** k <= 2 * move["used_bytes"] + 2048
