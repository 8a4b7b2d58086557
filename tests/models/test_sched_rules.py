"""One test per scheduling rule the model claims to mirror (runtime/proc.go, chan.go, Go 1.27).

Each test is named after the rule. Most build a tiny program and look at the
events it produced; the queue rules are tested on the bare state.
"""
from __future__ import annotations

import random
import re

import pytest

from whygo.sched import (DeadlockError, Scheduler, StealChoice, StealPolicyError, WorkloadError,
                         compute, gosched, recv, send, simulate, sleep, spawn, syscall)
from whygo.sched import events as ev
from whygo.sched.runq import (globrunqgetbatch, globrunqgetbatch_size, runqget, runqgrab_count,
                              runqput)
from whygo.sched.state import G, P, Sched, _Grunnable
from whygo.sched.steal import PView, RandomOrder, StealRequest, steal_work


def gs(n: int, start: int = 1) -> list[G]:
    return [G(i, "", lambda: None, True) for i in range(start, start + n)]


def of(result, kind):
    return [e for e in result.events if isinstance(e, kind)]


# ---------------------------------------------------------------- run queues

def test_runqput_next_puts_g_in_runnext_and_kicks_old_runnext_to_local_tail():
    sched, pp = Sched(1, 8), P(0)
    a, b, c = gs(3)
    runqput(sched, pp, a, False)
    runqput(sched, pp, b, True)
    kicked, overflow = runqput(sched, pp, c, True)
    assert pp.runnext is c
    assert kicked is b and overflow is None
    assert list(pp.runq) == [a, b]          # b went to the TAIL


def test_runqputslow_moves_half_plus_one_to_global():
    sched, pp = Sched(4), P(0)                  # the real capacity, 256
    queued = gs(256)
    for g in queued:
        runqput(sched, pp, g, False)
    new = gs(1, start=1000)[0]
    _, batch = runqput(sched, pp, new, False)
    assert len(batch) == 129                    # 128 + 1
    assert batch == queued[:128] + [new]        # oldest half first, the new G last
    assert list(sched.runq) == batch
    assert list(pp.runq) == queued[128:]


def test_runqget_takes_runnext_first_and_it_inherits_the_time_slice():
    sched, pp = Sched(1, 8), P(0)
    a, b = gs(2)
    runqput(sched, pp, a, False)
    runqput(sched, pp, b, True)
    assert runqget(pp) == (b, True)
    assert runqget(pp) == (a, False)
    assert runqget(pp) == (None, False)


@pytest.mark.parametrize("size,procs,n,want", [(10, 4, 128, 3), (1000, 4, 128, 128), (2, 8, 128, 1),
                                               (7, 1, 4, 4), (5, 2, 128, 3)])
def test_globrunqgetbatch_takes_min_of_n_size_and_fair_share_plus_one(size, procs, n, want):
    sched = Sched(procs)
    sched.runq.extend(gs(size))
    assert globrunqgetbatch_size(size, procs, n) == want == min(n, size, size // procs + 1)
    gp, rest = globrunqgetbatch(sched, n)
    assert gp.id == 1 and [g.id for g in rest] == list(range(2, want + 1))
    assert len(sched.runq) == size - want


def test_findrunnable_global_batch_is_capped_at_half_a_local_queue():
    s = Scheduler(1, runq_size=8)
    m = s._newm()
    s.acquirep(m, s.allp[0])
    s.allp[0].schedtick = 1                     # not a fairness tick
    s.sched.runq.extend(gs(100))
    gp, _, _ = s.find_runnable(m)
    assert gp.id == 1 and len(s.allp[0].runq) == 8 // 2 - 1


def test_schedtick_multiple_of_61_takes_one_g_from_global_before_local():
    for tick, want in [(122, "global"), (121, "local")]:
        s = Scheduler(1, runq_size=8)
        m = s._newm()
        pp = s.allp[0]
        s.acquirep(m, pp)
        local, glob = gs(1, 1)[0], gs(1, 2)[0]
        pp.runq.append(local)
        s.sched.runq.append(glob)
        pp.schedtick = tick
        gp, inherit, _ = s.find_runnable(m)
        assert gp is (glob if want == "global" else local)
        assert inherit is False


# ------------------------------------------------------------------ stealing

def test_random_order_visits_every_p_once_per_pass():
    for count in range(1, 10):
        order = RandomOrder(count)
        for i in range(50):
            assert sorted(order.start(i * 7919)) == list(range(count))


def test_steal_takes_half_of_victims_queue_rounded_up():
    assert [runqgrab_count(n) for n in range(6)] == [0, 1, 1, 2, 2, 3]
    views = (PView(0, False, 0, False), PView(1, False, 5, False))
    choice = steal_work(StealRequest(0, views, random.Random(1)))
    assert choice == StealChoice(1, 3)
    # and the scheduler carries it out: P1 runs one, keeps two
    s = Scheduler(2, runq_size=8)
    m0, m1 = s._newm(), s._newm()
    s.acquirep(m0, s.allp[0])
    s.acquirep(m1, s.allp[1])
    s.allp[1].runq.extend(gs(5))
    gp, _, source = s.find_runnable(m0)
    assert gp.id == 3 and [g.id for g in s.allp[0].runq] == [1, 2] and "stolen" in source
    assert [g.id for g in s.allp[1].runq] == [4, 5]


class CountingRandom(random.Random):
    def __init__(self, seed):
        super().__init__(seed)
        self.draws = 0

    def getrandbits(self, k):
        self.draws += 1
        return super().getrandbits(k)


def test_runnext_is_stolen_only_on_the_last_of_four_passes():
    rng = CountingRandom(3)
    views = (PView(0, False, 0, False), PView(1, False, 0, True), PView(2, False, 0, False))
    assert steal_work(StealRequest(0, views, rng)) == StealChoice(1, 0, runnext=True)
    assert rng.draws == 4                       # it only came on pass 4
    rng = CountingRandom(3)
    views = (PView(0, False, 0, False), PView(1, False, 0, True), PView(2, False, 2, False))
    assert steal_work(StealRequest(0, views, rng)) == StealChoice(2, 1)
    assert rng.draws == 1                       # a queue is preferred, found on pass 1


def test_steal_skips_idle_ps():
    views = (PView(0, False, 0, False), PView(1, True, 4, True))
    assert steal_work(StealRequest(0, views, random.Random(0))) is None


def test_runnext_steal_backs_off_3us_so_the_victim_can_run_it():
    # G1 wakes G2 into P0's runnext, then computes 2 µs and blocks: P1's
    # spinning M backs off 3 µs before taking runnext, so P0 runs G2 itself.
    w2 = [recv("c"), compute(10)]
    main = [spawn(w2), sleep(5), send("c"), compute(2), recv("d")]
    s = Scheduler(2, channels={"c": 0, "d": 0})
    with pytest.raises(DeadlockError):
        s.run(main)
    runs = [e for e in s.events if isinstance(e, ev.Run) and e.g == 2]
    assert runs[-1].p == 0 and runs[-1].source == "runnext"
    assert not [e for e in s.events if isinstance(e, ev.Steal) and e.runnext]


def test_spinning_ms_are_limited_to_half_the_busy_ps():
    def setup(nmspinning):
        s = Scheduler(4, runq_size=8)
        m0, m1 = s._newm(), s._newm()
        s.acquirep(m0, s.allp[0])
        s.acquirep(m1, s.allp[1])
        s.allp[1].runq.extend(gs(4))
        s.pidleput(s.allp[3])
        s.pidleput(s.allp[2])
        s.sched.nmspinning = nmspinning         # other spinning Ms exist elsewhere
        return s, m0
    s, m0 = setup(1)                            # 2*1 < 4-2 is false: no stealing
    gp, _, _ = s.find_runnable(m0)
    assert gp is None and len(s.allp[1].runq) == 4 and m0.p is None
    s, m0 = setup(0)                            # 2*0 < 2: may spin and steal
    gp, _, _ = s.find_runnable(m0)
    assert gp is not None and len(s.allp[1].runq) == 2


def test_wakep_starts_at_most_one_spinning_m():
    s = Scheduler(4)
    s._newm()
    s.acquirep(s.allm[0], s.allp[0])
    for pp in reversed(s.allp[1:]):
        s.pidleput(pp)
    s.wakep()
    s.wakep()
    assert s.sched.nmspinning == 1 and s.sched.npidle == 2
    assert [m.spinning for m in s.allm] == [False, True]
    assert s.allm[1].p is s.allp[1]             # P1 was on top of the idle stack


# ------------------------------------------------------------ go, Gosched

def test_newproc_puts_the_new_g_in_the_creating_ps_runnext():
    r = simulate([spawn([compute(5)]), spawn([compute(5)]), compute(1)], procs=1)
    spawns = of(r, ev.Spawn)[1:]
    assert [(e.g, e.p, e.displaced) for e in spawns] == [(2, 0, None), (3, 0, 2)]


def test_gosched_puts_the_g_at_the_tail_of_the_global_queue():
    main = [spawn([compute(50)]), spawn([compute(50)]), compute(1), gosched(), compute(1)]
    r = simulate(main, procs=1, frames=True)
    i = next(i for i, e in enumerate(r.events) if isinstance(e, ev.GoschedToGlobal))
    snap = r.snapshots[i]
    assert r.events[i].g == 1
    assert snap.global_runq[-1] == 1            # global tail, not the local queue
    assert 1 not in snap.procs[0].runq and snap.procs[0].runnext != 1


def test_gosched_g_waits_behind_local_work_until_local_queue_empties():
    main = [spawn([compute(50)]), compute(1), gosched(), compute(1)]
    r = simulate(main, procs=1)
    runs = [(e.g, e.source) for e in of(r, ev.Run)]
    assert runs == [(1, "the program start"), (2, "runnext"), (1, "the global queue")]


# ------------------------------------------------------------------ syscalls

def syscall_program(first_syscall: bool, blocking: bool = False):
    pre = [] if first_syscall else [syscall(1), compute(4)]
    return pre + [spawn([compute(100)]), syscall(1000, blocking=blocking)]


def test_sysmon_hands_off_the_p_after_a_syscall_outlasts_one_sysmon_tick():
    s = Scheduler(1)
    s.run(syscall_program(first_syscall=False))
    enter = [e for e in s.events if isinstance(e, ev.SyscallEnter)][-1]
    hand = [e for e in s.events if isinstance(e, ev.Handoff)]
    assert enter.t == 5
    first_seen = min(t for t in s.sysmon_ticks if t >= enter.t)    # sysmon notes the syscall
    assert len(hand) == 1 and not hand[0].blocking
    assert hand[0].t == first_seen + 20                            # and retakes one tick later
    assert hand[0].t - enter.t >= 20


def test_first_syscall_on_a_fresh_p_is_retaken_at_the_first_tick():
    # The runtime quirk, mirrored: a fresh P's syscalltick equals sysmon's
    # record (both 0), so the "first sighting" branch is skipped.
    s = Scheduler(1)
    s.run(syscall_program(first_syscall=True))
    hand = [e for e in s.events if isinstance(e, ev.Handoff)]
    assert hand[0].t == s.sysmon_ticks[0] == 20


def test_sysmon_leaves_a_syscall_p_alone_if_it_has_no_work_and_ps_are_idle():
    main = [syscall(1), compute(4), syscall(500)]
    r = simulate(main, procs=2)
    assert of(r, ev.Handoff) == []


def test_blocking_syscall_hands_off_the_p_at_once():
    r = simulate(syscall_program(first_syscall=False, blocking=True), procs=1)
    enter = of(r, ev.SyscallEnter)[-1]
    hand = of(r, ev.Handoff)
    assert len(hand) == 1 and hand[0].blocking and hand[0].t == enter.t
    run2 = [e for e in of(r, ev.Run) if e.g == 2][0]
    assert run2.t == enter.t and run2.m != enter.m     # a new M runs G2 on the same P


def test_exitsyscall_keeps_its_p_when_sysmon_did_not_take_it():
    r = simulate([syscall(1), compute(4), syscall(10), compute(1)], procs=1)
    exits = of(r, ev.SyscallExit)
    assert "still holds P0" in exits[-1].outcome


def test_exitsyscall_takes_an_idle_p_when_its_own_was_handed_off():
    main = [syscall(1), compute(4), spawn([compute(30)]), spawn([compute(30)]), syscall(200)]
    r = simulate(main, procs=2)
    out = of(r, ev.SyscallExit)[-1]
    assert "takes idle P" in out.outcome and of(r, ev.Handoff)


def test_exitsyscall_falls_back_to_the_global_queue_when_no_p_is_free():
    main = [syscall(1), compute(4), spawn([compute(500)]), syscall(100), compute(5)]
    r = simulate(main, procs=1, frames=True)
    i, out = [(i, e) for i, e in enumerate(r.events) if isinstance(e, ev.SyscallExit)][-1]
    assert out.t == 105 and "global queue" in out.outcome
    assert r.snapshots[i].global_runq == (1,)
    m = [x for x in r.snapshots[i].ms if x.id == out.m][0]
    assert m.state == "idle"
    last = [e for e in of(r, ev.Run) if e.g == 1][-1]
    assert last.t == 540 and last.source == "the global queue"   # after G2's 500 µs


# ----------------------------------------------------------------- preemption

def test_preemption_after_a_10ms_time_slice_sends_g_to_global_queue():
    long = [spawn([compute(10)]), compute(30_000)]
    s = Scheduler(1, frames=True)
    s.run([spawn(long)])
    pre = [e for e in s.events if isinstance(e, ev.Preempt)]
    assert len(pre) == 1 and pre[0].g == 2
    assert 10_000 <= pre[0].ran_us < 20_000
    i = s.events.index(pre[0])
    assert s.snapshots[i].global_runq[-1] == 2
    nxt = s.events[i + 1]
    assert isinstance(nxt, ev.Run) and nxt.g == 3 and nxt.inherit   # G3 waited in runnext
    assert [e.t for e in s.events if isinstance(e, ev.Exit) and e.g == 2] == [30_010]


def test_runnext_chain_shares_one_time_slice_and_is_preempted_together():
    # Ping-pong through runnext never bumps schedtick, so sysmon sees one
    # long slice and preempts whoever is running after 10 ms.
    ping = [send("a"), recv("b")] * 400
    pong = [x for _ in range(400) for x in (recv("a"), compute(50), send("b"))]
    r = simulate([spawn(pong)] + ping, procs=1, channels={"a": 0, "b": 0})
    assert r.stats.preemptions >= 1


@pytest.mark.parametrize("turn_us", [10, 50])
def test_retake_preempts_the_ps_time_slice_so_a_runnext_pair_cannot_starve_a_third_g(turn_us):
    """proc.go: retake preempts "a sequence of goroutines run via runnext, which share a
    single schedtick time slice" (inheritTime), whichever of them runs when preemptone's
    request lands. With 10 µs turns every sysmon tick falls on a switch between the pair;
    the request must still stop the pair (it used to be dropped with the G that had just
    blocked, and the third G waited for the whole 40 ms run)."""
    n = 40_000 // (2 * turn_us)
    ping = [x for _ in range(n) for x in (compute(turn_us), send("a"), recv("b"))]
    pong = [x for _ in range(n) for x in (recv("a"), compute(turn_us), send("b"))]
    # `go third` then `go pong`: pong takes runnext and pushes third to the local queue
    r = simulate([spawn([compute(10)], "third"), spawn(pong, "pong")] + ping, procs=1,
                 channels={"a": 0, "b": 0})
    first = next(e for e in r.events if isinstance(e, ev.Run) and e.g == 2)
    assert r.stats.total_us > 40_000
    assert 10_000 <= first.t < 20_000           # about one time slice, not the whole run
    pre = of(r, ev.Preempt)[0]
    assert pre.t <= first.t and pre.slice_us >= 10_000 and pre.ran_us <= 2 * turn_us


def test_sysmon_sleeps_20us_then_doubles_after_1ms_idle_up_to_10ms():
    s = Scheduler(1)
    s.run([compute(100_000)])
    gaps = [b - a for a, b in zip(s.sysmon_ticks, s.sysmon_ticks[1:])]
    assert s.sysmon_ticks[0] == 20
    # sleeps 1..51 are 20 µs (idle <= 50), then each doubles, capped at 10 ms
    assert gaps[:50] == [20] * 50
    assert gaps[50:60] == [40, 80, 160, 320, 640, 1280, 2560, 5120, 10_000, 10_000]


# ------------------------------------------------------------------ channels

def test_channel_wake_puts_the_woken_g_in_the_wakers_runnext():
    main = [spawn([recv("c"), compute(5)]), sleep(10), send("c"), compute(10)]
    r = simulate(main, procs=1, channels={"c": 0}, frames=True)
    i, wake = [(i, e) for i, e in enumerate(r.events) if isinstance(e, ev.Wake) and e.by][0]
    assert wake.g == 2 and wake.by == 1 and wake.p == 0
    assert r.snapshots[i].procs[0].runnext == 2


def test_unbuffered_send_hands_the_value_to_a_parked_receiver_without_blocking():
    main = [spawn([recv("c")]), sleep(5), send("c"), compute(5)]
    r = simulate(main, procs=1, channels={"c": 0})
    assert [(e.g, e.reason) for e in of(r, ev.Block)] == [(1, "sleep"), (2, "chan receive")]
    assert of(r, ev.Wake)[-1].g == 2                         # the sender never blocked


def test_unbuffered_send_blocks_until_a_receiver_comes():
    main = [spawn([compute(20), recv("c")]), send("c"), compute(1)]
    r = simulate(main, procs=1, channels={"c": 0})
    assert [(e.g, e.reason) for e in of(r, ev.Block)] == [(1, "chan send")]
    assert of(r, ev.Wake)[0].g == 1


def test_buffered_send_blocks_only_when_the_buffer_is_full():
    main = [spawn([compute(20), recv("c"), recv("c"), recv("c")]), send("c"), send("c"), send("c")]
    r = simulate(main, procs=1, channels={"c": 2})
    blocks = of(r, ev.Block)
    assert [(e.g, e.reason) for e in blocks] == [(1, "chan send")]
    # the receiver takes the head of the full buffer and wakes the sender,
    # whose value moves into the buffer: both remaining receives succeed.
    assert of(r, ev.Wake)[0].g == 1 and r.stats.goroutines == 2


# --------------------------------------------------------------- bad input

def test_negative_duration_names_the_goroutine_and_action():
    with pytest.raises(WorkloadError, match=r"goroutine 2 \(worker\), action \[1\] compute\(-3\)"):
        simulate([spawn([compute(1), compute(-3)], "worker")], procs=1)


def test_unknown_channel_names_the_goroutine_action_and_channel():
    with pytest.raises(WorkloadError, match=r"goroutine 1 \(main\), action \[0\] send\('nope'\).*unknown channel"):
        simulate([send("nope")], channels={"c": 0})


def test_bad_action_in_a_workload_function_is_reported_when_reached():
    def gen():
        yield compute(1)
        yield "compute 5"
    with pytest.raises(WorkloadError, match=r"goroutine 2 \(g\), action \[1\].*not an action"):
        simulate([spawn(gen, "g")])


def test_deadlock_is_reported_like_go_with_what_each_g_waits_on():
    with pytest.raises(DeadlockError) as info:
        simulate([spawn([send("a")], "sender"), recv("b")], channels={"a": 0, "b": 0})
    text = str(info.value)
    assert text.startswith("fatal error: all goroutines are asleep - deadlock!")
    assert "goroutine 1 (main) [chan receive]: waiting on channel 'b'" in text
    assert "goroutine 2 (sender) [chan send]: waiting on channel 'a'" in text


def test_sleeping_goroutines_are_not_a_deadlock():
    r = simulate([spawn([sleep(100), send("c")]), recv("c")], channels={"c": 0}, procs=2)
    assert r.stats.total_us == 100


# ------------------------------------------------------ replaceable stealing

def test_steal_policy_is_replaceable():
    seen = []

    def steal_from_highest(req):
        seen.append(req.thief)
        busy = [v for v in req.procs if v.id != req.thief and v.runq_len]
        if not busy:
            return None
        v = max(busy, key=lambda v: v.id)
        return StealChoice(v.id, 1)          # one at a time

    r = simulate([spawn([compute(10)])] * 8 + [compute(100)], procs=4, steal_policy=steal_from_highest)
    assert seen and all(e.count == 1 for e in of(r, ev.Steal))


def test_example_policy_steal_from_longest_robs_the_longest_queue():
    from whygo.sched import steal_from_longest
    views = (PView(0, False, 0, False), PView(1, False, 3, False), PView(2, False, 5, False),
             PView(3, True, 9, False))
    assert steal_from_longest(StealRequest(0, views, random.Random(0))) == StealChoice(2, 3)
    r = simulate([spawn([compute(10)])] * 8 + [compute(100)], procs=4, steal_policy=steal_from_longest,
                 check=True)
    assert r.stats.steals >= 1 and r.stats.goroutines == 9


def test_bad_steal_choice_raises_a_clear_error():
    def greedy(req):
        for v in req.procs:
            if v.id != req.thief and v.runq_len:
                return StealChoice(v.id, v.runq_len + 5)
        return None
    with pytest.raises(StealPolicyError, match="greedy: cannot take"):
        simulate([spawn([compute(10)])] * 8 + [compute(100)], procs=2, steal_policy=greedy)


@pytest.mark.parametrize("victim, says", [
    (lambda req: req.procs[1 - req.thief], "must be a P id (an int such as view.id), not a PView"),
    (lambda req: req.thief, "is the thief itself"),
    (lambda req: 7, "there is no P7 (Ps 0..1)"),
    (lambda req: "P0", "must be a P id"),
], ids=["a-view", "the-thief", "no-such-p", "a-string"])
def test_a_bad_victim_is_named_for_what_it_is(victim, says):
    """What was wrong with the victim, not only that it is not another P (lab 2's learners
    return the view they picked)."""
    def policy(req):
        if any(v.runq_len for v in req.procs if v.id != req.thief):
            return StealChoice(victim(req), 1)
        return None
    with pytest.raises(StealPolicyError, match=re.escape(says)):
        simulate([spawn([compute(10)])] * 8 + [compute(100)], procs=2, steal_policy=policy)


def test_g_states_move_through_the_runtime_names():
    s = Scheduler(1)
    s.run([compute(1)])
    assert s.allg[0].status == "_Gdead" and s.allp[0].status == "_Pidle"
    assert _Grunnable == "_Grunnable"


def test_endless_workload_is_stopped_with_a_clear_error():
    def forever():
        while True:
            yield compute(1000)
    with pytest.raises(WorkloadError, match="endless"):
        simulate([spawn(forever, "spinner")], limit_us=50_000)


@pytest.mark.parametrize("kwargs,match", [({"procs": 0}, "GOMAXPROCS must be an integer from 1 to 256"),
                                          ({"runq_size": 1}, "room for at least 2"),
                                          ({"channels": {"c": -1}}, "channel 'c': capacity -1")])
def test_bad_configuration_is_a_clear_error(kwargs, match):
    from whygo.sched import ConfigError
    with pytest.raises(ConfigError, match=match):
        simulate([compute(1)], **kwargs)


def test_a_long_chain_of_goroutines_yielding_at_once_does_not_overflow_the_stack():
    # 5,000 goroutines that Gosched and exit at the same instant on one P:
    # each schedule() is a tail call, run as a loop, not nested.
    r = simulate([spawn([gosched()])] * 5000, procs=1, summary=True)
    assert r.stats.gosched == 5000 and r.stats.goroutines == 5001


def test_exitsyscall_takes_its_old_p_back_from_another_thread_in_a_syscall():
    # Mirrors exitsyscallTryGetP: sysmon gave P0 to M1, whose G2 is now in a
    # syscall itself; main's syscall returns and takes P0 straight back.
    g2 = [compute(10), syscall(1000)]
    main = [syscall(1), compute(4), spawn(g2), syscall(60), compute(5)]
    r = simulate(main, procs=1, check=True)
    out = [e for e in of(r, ev.SyscallExit) if e.g == 1][-1]
    assert out.t == 65 and "takes its old P0 back from M1" in out.outcome
    assert [e.t for e in of(r, ev.Exit) if e.g == 1] == [70]


@pytest.mark.parametrize("work,idle_others,want", [
    (True, 0, "runs the waiting Gs"),          # local work: start an M at once
    (False, 0, "spinning to look for work"),   # nobody spinning or idle: a spinner
    (False, 2, "last P that is not idle"),      # every other P idle: start an M anyway
    (False, 1, "no work and goes idle"),        # else the P just goes idle
])
def test_handoffp_starts_an_m_for_work_a_spinner_if_none_or_idles_the_p(work, idle_others, want):
    s = Scheduler(3)
    for i, pp in enumerate(s.allp[1:], 1):
        if i <= idle_others:
            s.pidleput(pp)
        else:
            s.acquirep(s._newm(), pp)
    pp = s.allp[0]
    if work:
        pp.runq.extend(gs(2))
    assert want in s.handoffp(pp)
