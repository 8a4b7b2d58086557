"""Property tests over random workloads: invariants of the scheduler model.

Random programs are built so that they cannot deadlock (each channel has one
sender and one receiver doing the same number of operations), then run with
``check=True``, which verifies after every event that no G is lost or
duplicated, queue capacities hold and each P runs at most one G.
"""
from __future__ import annotations

from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from whygo.sched import compute, gosched, recv, send, simulate, sleep, spawn, syscall
from whygo.sched import events as ev
from whygo.sched import runq
from whygo.sched import model as sched_model

SETTINGS = settings(derandomize=True, deadline=None, max_examples=60)

solo = st.one_of(
    st.integers(0, 300).map(compute),
    st.integers(1, 200).map(sleep),
    st.tuples(st.integers(0, 300), st.booleans()).map(lambda t: syscall(*t)),
    st.just(gosched()),
)
solo_workload = st.lists(solo, max_size=6)


@st.composite
def programs(draw):
    """(main workload, channels, procs, runq_size)."""
    channels: dict[str, int] = {}
    main = []
    for i in range(draw(st.integers(0, 3))):             # channel pairs
        name = f"c{i}"
        channels[name] = draw(st.integers(0, 2))
        n = draw(st.integers(1, 4))
        filler = draw(st.lists(solo, max_size=2))
        main.append(spawn([x for _ in range(n) for x in [send(name), *filler]], f"tx{i}"))
        main.append(spawn([x for _ in range(n) for x in [recv(name), compute(draw(st.integers(0, 50)))]], f"rx{i}"))
    for _ in range(draw(st.integers(0, 12))):            # independent goroutines, some nested
        w = draw(solo_workload)
        if draw(st.booleans()):
            w = w + [spawn(draw(solo_workload))]
        main.append(spawn(w))
    main += draw(solo_workload)
    order = draw(st.permutations(main))
    return list(order), channels, draw(st.integers(1, 4)), draw(st.sampled_from([2, 4, 8, 256]))


@SETTINGS
@given(programs(), st.integers(0, 3))
def test_no_goroutine_lost_or_duplicated_and_every_program_finishes(prog, seed):
    main, channels, procs, runq_size = prog
    r = simulate(main, procs=procs, channels=channels, seed=seed, runq_size=runq_size, check=True)
    spawned = {e.g for e in r.events if isinstance(e, ev.Spawn)}
    exited = [e.g for e in r.events if isinstance(e, ev.Exit)]
    assert sorted(exited) == sorted(spawned)             # each G exits exactly once
    assert r.stats.goroutines == len(spawned)


@SETTINGS
@given(programs())
def test_each_p_runs_at_most_one_g_at_a_time(prog):
    main, channels, procs, runq_size = prog
    r = simulate(main, procs=procs, channels=channels, runq_size=runq_size)
    for p in range(procs):
        spans = sorted((s.start_us, s.end_us) for s in r.timeline.spans if s.p == p)
        for (a0, a1), (b0, b1) in zip(spans, spans[1:]):
            assert a1 <= b0, f"P{p} ran two Gs at once: {a0}-{a1} and {b0}-{b1}"


def simulate_watching(prog, seed, module, name, p_of):
    """Simulate ``prog`` with ``module.name`` (a run queue rule) wrapped; return the result and,
    per call, (ids in the P's local queue before, ids returned, ids left after, the arguments).
    ``p_of(*args)`` names the P whose queue the rule works on."""
    main, channels, procs, runq_size = prog
    calls = []
    real = getattr(module, name)

    def spy(*args):
        pp = p_of(*args)
        before = [g.id for g in pp.runq]
        out = real(*args)
        calls.append((before, [g.id for g in out], [g.id for g in pp.runq], args))
        return out

    with mock.patch.object(module, name, spy):
        r = simulate(main, procs=procs, channels=channels, seed=seed, runq_size=runq_size, frames=True)
    return r, calls


@SETTINGS
@given(programs(), st.integers(0, 3))
def test_a_full_local_queue_spills_its_oldest_half_plus_the_new_g(prog, seed):
    """runtime/proc.go: runqputslow moves the first (oldest) len/2 Gs of a full queue,
    then the G being put, to the tail of the global queue."""
    runq_size = prog[3]
    r, spills = simulate_watching(prog, seed, runq, "runqputslow", lambda sched, pp, gp: pp)
    half = runq_size // 2
    for before, batch, after, (_, _, gp) in spills:
        assert len(before) == runq_size, "spilled a queue that was not full"
        assert batch == before[:half] + [gp.id] and after == before[half:]
    events = [(e, snap) for e, snap in zip(r.events, r.snapshots) if isinstance(e, ev.RunqOverflow)]
    assert [list(e.moved) for e, _ in events] == [batch for _, batch, _, _ in spills]
    for e, snap in events:   # the batch is at the tail of the global queue, in order
        assert snap.global_runq[-len(e.moved):] == e.moved
        assert not set(e.moved) & set(snap.procs[e.p].runq)
    # the capacity is reached before anything spills, and never passed
    assert r.stats.overflows == len(spills)
    assert max(r.stats.runq_peak) <= runq_size
    if spills:
        assert max(r.stats.runq_peak) == runq_size


@SETTINGS
@given(programs(), st.integers(0, 3))
def test_every_steal_takes_half_of_the_victims_queue_rounded_up(prog, seed):
    """runtime/proc.go: runqgrab takes the n - n/2 oldest of the victim's n queued Gs;
    runqsteal runs the last one taken and queues the others on the thief, in order."""
    r, calls = simulate_watching(prog, seed, sched_model, "runqtake", lambda victim, count, runnext: victim)
    taken = [(before, batch) for before, batch, _, (_, _, runnext) in calls if not runnext]
    for before, batch in taken:
        assert batch == before[:len(before) - len(before) // 2], f"took {batch} of {before}"
    steals = [(e, snap) for e, snap in zip(r.events, r.snapshots) if isinstance(e, ev.Steal) and not e.runnext]
    assert [e.count for e, _ in steals] == [len(batch) for _, batch in taken]
    for (e, snap), (_, batch) in zip(steals, taken):
        assert e.g == batch[-1]                                   # the last one taken runs now
        rest = tuple(batch[:-1])
        assert snap.procs[e.p].runq[len(snap.procs[e.p].runq) - len(rest):] == rest


@settings(derandomize=True, deadline=None, max_examples=25)
@given(programs(), st.integers(0, 5))
def test_same_seed_gives_the_same_events(prog, seed):
    main, channels, procs, runq_size = prog
    a = simulate(main, procs=procs, channels=channels, seed=seed, runq_size=runq_size)
    b = simulate(main, procs=procs, channels=channels, seed=seed, runq_size=runq_size)
    assert a.events == b.events and a.stats == b.stats


@settings(derandomize=True, deadline=None, max_examples=25)
@given(programs())
def test_summary_mode_counts_the_same_as_full_mode(prog):
    main, channels, procs, runq_size = prog
    full = simulate(main, procs=procs, channels=channels, runq_size=runq_size)
    fast = simulate(main, procs=procs, channels=channels, runq_size=runq_size, summary=True)
    assert fast.stats == full.stats and fast.events == () and fast.timeline is None


@settings(derandomize=True, deadline=None, max_examples=30)
@given(programs())
def test_busy_time_equals_the_compute_time_asked_for(prog):
    main, channels, procs, runq_size = prog
    r = simulate(main, procs=procs, channels=channels, runq_size=runq_size)

    def work(w):
        total = 0.0
        for a in w:
            if type(a).__name__ == "Compute":
                total += a.us
            elif type(a).__name__ == "Spawn":
                total += work(a.workload)
        return total
    assert abs(sum(r.stats.busy_us) - work(main)) < 1e-6


@settings(derandomize=True, deadline=None, max_examples=30)
@given(programs(), st.integers(0, 3))
def test_invariants_hold_with_another_steal_policy(prog, seed):
    from whygo.sched import steal_from_longest
    main, channels, procs, runq_size = prog
    r = simulate(main, procs=procs, channels=channels, seed=seed, runq_size=runq_size,
                 steal_policy=steal_from_longest, check=True)
    assert r.stats.goroutines == len({e.g for e in r.events if isinstance(e, ev.Exit)})


@settings(derandomize=True, deadline=None, max_examples=30)
@given(programs())
def test_a_receive_nobody_answers_is_always_reported_as_a_deadlock(prog):
    import pytest

    from whygo.sched import DeadlockError
    main, channels, procs, runq_size = prog
    channels = {**channels, "never": 0}
    with pytest.raises(DeadlockError, match="goroutine 1 \\(main\\) \\[chan receive\\]: waiting on channel 'never'"):
        simulate(main + [recv("never")], procs=procs, channels=channels, runq_size=runq_size)
