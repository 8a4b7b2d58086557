"""`go tool trace -d=parsed` parser: real go1.27.3 traces of the gocode scenarios (fixtures).

Fixtures: ``go tool trace -d=parsed`` of traces written with GOMAXPROCS=2 by
  gotrace_imbalance.txt  imbalance -goroutines 16 -work 300000 -trace T
  gotrace_syscall.txt    syscall -workers 2 -work 3000000 -trace T   (one G blocked in read(2))
  gotrace_gosched.txt    gosched -goroutines 3 -rounds 5 -work 200000 -trace T
and, with GOMAXPROCS=1,
  gotrace_preempt.txt    imbalance -goroutines 3 -work 40000000 -trace T   (about 90 ms of CPU each)
"""
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from whygo.golang import gotrace
from whygo.golang.gotrace import GoTraceError, parse_events
from whygo.sched.timeline import Mark, Span, Timeline

FIXTURES = Path(__file__).parents[1] / "fixtures"


def events(name: str) -> list[gotrace.TraceEvent]:
    return parse_events((FIXTURES / f"gotrace_{name}.txt").read_text())


def test_every_event_line_becomes_one_event_and_stack_lines_are_skipped():
    text = (FIXTURES / "gotrace_syscall.txt").read_text()
    evs = parse_events(text)
    assert len(evs) == sum(line.startswith("M=") for line in text.splitlines())
    assert {"StateTransition", "Metric", "Sync"} <= {e.kind for e in evs}


def test_events_are_in_time_order():
    for name in ("imbalance", "syscall", "gosched", "preempt"):
        times = [e.time_ns for e in events(name)]
        assert times == sorted(times)


def test_state_transitions_name_the_resource_and_both_states():
    line = ('M=12978 P=0 G=20 StateTransition Time=6117316603136 GoID=20 Running->Waiting '
            'Reason="chan receive"')
    (e,) = parse_events(line)
    assert (e.m, e.p, e.g, e.time_ns) == (12978, 0, 20, 6117316603136)
    assert (e.resource, e.id, e.old, e.new, e.reason) == ("G", 20, "Running", "Waiting",
                                                          "chan receive")
    (p,) = parse_events('M=7 P=-1 G=-1 StateTransition Time=5 ProcID=1 Running->Idle Reason=""')
    assert (p.p, p.g, p.resource, p.id, p.new) == (None, None, "P", 1, "Idle")


def test_a_malformed_event_line_is_an_error_naming_it():
    with pytest.raises(GoTraceError, match="line 2"):
        parse_events('M=1 P=0 G=1 Sync Time=1 N=1\nM=oops')
    with pytest.raises(GoTraceError, match="GoID/ProcID"):
        parse_events('M=1 P=0 G=1 StateTransition Time=1 Something')


def test_gomaxprocs_comes_from_the_trace_metric():
    assert gotrace.gomaxprocs(events("imbalance")) == 2


def test_user_goroutines_leave_the_runtimes_own_out():
    evs = events("syscall")
    users = gotrace.user_goroutines(evs)
    starts = {e.id: e.start_func for e in evs if e.old == "NotExist" and e.new == "Runnable"}
    assert 1 in users
    assert any(f.startswith("main.") for g, f in starts.items() if g in users)
    assert all(not starts[g].startswith("runtime") for g in users if g in starts)
    assert any(f.startswith("runtime") for f in starts.values())  # the trace's own goroutines
    assert not any(starts[g].startswith("runtime") for g in users if g != 1)


def test_imbalance_goroutines_created_on_one_p_run_on_both():
    # newproc queues every new G on main's P; the other P can only steal them.
    evs = events("imbalance")
    users = gotrace.user_goroutines(evs)
    born = gotrace.created_on(evs)
    assert len({born[g] for g in users if g in born}) == 1
    ps = {p for g, seq in gotrace.ran_on(evs).items() if g in users for p in seq}
    assert ps == {0, 1}
    stolen = [s for s in gotrace.stolen(evs) if s.g in users]
    assert stolen and all(s.first_p != s.created_p for s in stolen)


def test_syscall_another_g_runs_on_the_p_of_the_blocked_g():
    evs = events("syscall")
    handoffs = gotrace.handoffs(evs)
    assert handoffs, "sysmon should have retaken the P of the G blocked in read(2)"
    h = handoffs[0]
    assert h.next_g is not None and h.next_g != h.syscall_g
    # The retaken P really ran next_g while syscall_g was still in its syscall.
    t0 = evs[0].time_ns
    back = next(e.time_ns for e in evs if e.resource == "G" and e.id == h.syscall_g
                and e.old == "Syscall" and (e.time_ns - t0) / 1e3 > h.t_us)
    ran = [e for e in evs if e.resource == "G" and e.id == h.next_g and e.new == "Running"
           and e.p == h.p and h.t_us <= (e.time_ns - t0) / 1e3 and e.time_ns < back]
    assert ran


def test_gosched_every_yield_is_resumed():
    evs = events("gosched")
    resumes = gotrace.gosched_resumes(evs)
    yields = [e for e in evs if e.reason == "runtime.Gosched"]
    assert len(resumes) == len(yields) == 15   # 3 goroutines x 5 rounds
    assert all(r.resume_us > r.yield_us for r in resumes)
    # From the global queue any P may pick the G up: at least one changed P.
    assert any(r.resume_p != r.yield_p for r in resumes)


def _no_overlap(spans):
    by_p = defaultdict(list)
    for s in spans:
        by_p[s.p].append(s)
    for p, ss in by_p.items():
        ss.sort(key=lambda s: s.start_us)
        for a, b in zip(ss, ss[1:]):
            assert a.end_us <= b.start_us, f"P{p}: {a} overlaps {b}"


@pytest.mark.parametrize("name", ["imbalance", "syscall", "gosched", "preempt"])
def test_timeline_one_g_at_a_time_per_p(name):
    tl = gotrace.timeline(events(name))
    assert tl.procs == (1 if name == "preempt" else 2)
    assert all(0 <= s.p < tl.procs and s.start_us <= s.end_us for s in tl.spans)
    _no_overlap(tl.spans)
    assert all(0 <= m.p < tl.procs for m in tl.marks)


def test_timeline_marks_the_evidence_of_each_scenario():
    kinds = lambda name: {m.kind for m in gotrace.timeline(events(name)).marks}  # noqa: E731
    assert "steal" in kinds("imbalance")
    assert "handoff" in kinds("syscall")
    assert "gosched" in kinds("gosched")


def test_long_running_goroutines_share_one_p_by_preemption():
    # sysmon's retake preempts a G that has run for forcePreemptNS (10 ms);
    # the trace says Running->Runnable with reason "preempted".
    evs = events("preempt")
    users = gotrace.user_goroutines(evs)
    tl = gotrace.timeline(evs, goroutines=users)
    assert tl.procs == 1
    preempts = [m for m in tl.marks if m.kind == "preempt"]
    assert len(preempts) == sum(e.reason == "preempted" and e.id in users for e in evs) > 0
    workers = users - {1}
    assert len(workers) == 3
    # Each worker ran in several slices, interleaved with the others.
    assert all(sum(s.g == g for s in tl.spans) >= 2 for g in workers)
    order = [s.g for s in sorted(tl.spans, key=lambda s: s.start_us) if s.g in workers]
    assert any(a != b for a, b in zip(order, order[1:]))


def test_syscall_span_ends_where_the_p_is_handed_off():
    evs = events("syscall")
    h = gotrace.handoffs(evs)[0]
    spans = gotrace.timeline(evs).spans
    sys_spans = [s for s in spans if s.kind == "syscall" and s.g == h.syscall_g]
    assert any(s.p == h.p and s.end_us == pytest.approx(h.t_us) for s in sys_spans)


def test_timeline_can_keep_only_some_goroutines():
    evs = events("imbalance")
    users = gotrace.user_goroutines(evs)
    spans = gotrace.timeline(evs, goroutines=users).spans
    assert spans and {s.g for s in spans} <= users


def test_timeline_has_the_models_structure():
    tl = gotrace.timeline(events("syscall"))
    assert isinstance(tl, Timeline) and tl.procs == 2
    assert all(isinstance(s, Span) for s in tl.spans)
    assert all(isinstance(m, Mark) for m in tl.marks)
    assert {s.kind for s in tl.spans} == {"run", "syscall"}
    assert any(m.kind == "handoff" for m in tl.marks)


# -- property: any valid schedule printed as trace lines comes back as the same timeline ------


# Few Ps and Gs, and "run"/"syscall"/"retake" drawn more often, so that most
# examples reach the interesting sequences (run -> syscall -> hand-off -> return).
ACTIONS = st.lists(st.tuples(st.sampled_from(["run", "run", "yield", "block", "wake", "syscall",
                                              "syscall", "retake", "retake", "sysret"]),
                             st.integers(0, 1), st.integers(0, 2)), min_size=20, max_size=60)


def simulate(actions, procs=2, gs=3):
    """Apply the valid actions to a tiny scheduler; return (trace text, expected spans, retakes)."""
    state = {g: ("Runnable", None) for g in range(10, 10 + gs)}  # G -> (state, P held)
    owner: dict[int, int] = {}                                    # P -> G on it (running/syscall)
    retaken: set[int] = set()
    lines = [f'M=1 P=0 G=1 Metric Time=1000 Name="/sched/gomaxprocs:threads" '
             f'Value=Value{{Uint64({procs})}}']
    opened: dict[int, tuple] = {}
    spans, retakes, t = [], 0, 1000

    def emit(m, p, g, gid, old, new, reason=""):
        nonlocal t
        t += 1000
        lines.append(f'M={m} P={p} G={g} StateTransition Time={t} GoID={gid} {old}->{new} '
                     f'Reason="{reason}"')

    def us():
        return (t - 1000) / 1e3

    def close(g):
        p, g_, start, kind = opened.pop(g)
        spans.append((p, g, start, us(), kind))

    for kind, p, gi in actions:
        g = 10 + gi
        st_, held = state[g]
        if kind == "run" and st_ == "Runnable" and p not in owner:
            emit(p, p, -1, g, "Runnable", "Running")
            owner[p], state[g] = g, ("Running", p)
            opened[g] = (p, g, us(), "run")
        elif kind in ("yield", "block") and st_ == "Running":
            new = "Runnable" if kind == "yield" else "Waiting"
            emit(held, held, g, g, "Running", new, "runtime.Gosched" if kind == "yield" else "")
            close(g)
            del owner[held]
            state[g] = (new, None)
        elif kind == "wake" and st_ == "Waiting":
            emit(50, -1, -1, g, "Waiting", "Runnable")
            state[g] = ("Runnable", None)
        elif kind == "syscall" and st_ == "Running":
            emit(held, held, g, g, "Running", "Syscall")
            close(g)
            opened[g] = (held, g, us(), "syscall")
            state[g] = ("Syscall", held)
        elif kind == "retake" and owner.get(p) is not None and state[owner[p]][0] == "Syscall":
            sg = owner.pop(p)
            t += 1000
            lines.append(f'M=99 P=-1 G=-1 StateTransition Time={t} ProcID={p} Running->Idle Reason=""')
            close(sg)
            retaken.add(sg)
            retakes += 1
        elif kind == "sysret" and st_ == "Syscall":
            if g in retaken:
                emit(60, -1, g, g, "Syscall", "Runnable")
                retaken.discard(g)
                state[g] = ("Runnable", None)
            else:
                emit(held, held, g, g, "Syscall", "Running")
                close(g)
                opened[g] = (held, g, us(), "run")
                state[g] = ("Running", held)
    for g in list(opened):
        close(g)
    return "\n".join(lines), spans, retakes


@settings(derandomize=True, deadline=None, max_examples=150)
@given(ACTIONS)
# Hand-off, then another G uses the P, then the syscall returns without its P.
@example([("run", 0, 0), ("syscall", 0, 0), ("retake", 0, 0), ("run", 0, 1), ("yield", 0, 1),
          ("sysret", 0, 0), ("run", 1, 0)])
# A syscall that returns before sysmon notices: the G keeps its P.
@example([("run", 1, 2), ("syscall", 0, 2), ("sysret", 0, 2), ("block", 0, 2)])
def test_timeline_spans_follow_every_transition_of_a_valid_schedule(actions):
    text, expected, retakes = simulate(actions)
    evs = parse_events(text)
    tl = gotrace.timeline(evs)
    assert tl.procs == 2
    assert sorted((s.p, s.g, s.start_us, s.end_us, s.kind) for s in tl.spans) == sorted(expected)
    assert sum(m.kind == "handoff" for m in tl.marks) == retakes == len(gotrace.handoffs(evs))
    assert sum(m.kind == "gosched" for m in tl.marks) == sum(
        e.reason == "runtime.Gosched" for e in evs)
    _no_overlap(tl.spans)
