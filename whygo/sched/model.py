"""The GMP scheduler simulator: a small discrete-event loop over G, M and P.

How to read it (the same story as the long comment at the top of
runtime/proc.go): a G is a goroutine, an M an OS thread, a P the right to run
Go code, with a local run queue. An M needs a P to run a G. When a G becomes
runnable (``go`` or a channel wake-up) it goes to the ``runnext`` slot of the
current P and ``wakep`` starts a spinning M on an idle P, which looks for
work: its own queue, the global queue, then other Ps' queues (stealing).
sysmon, a thread without a P, wakes up every 20 µs to 10 ms to take Ps away
from Ms stuck in system calls and to preempt Gs that ran for 10 ms.

The simulation is one loop over a heap of timed events (like SimPy, but
small): an M starts scheduling, a compute slice ends, a syscall returns, a
timer fires, sysmon ticks. Everything between two events is instantaneous:
``go``, channel operations and the scheduler itself take no simulated time.
Each rule is a method named after the runtime function it mirrors; the run
queue rules live in ``runq.py``, channels in ``chan.py``, stealing in
``steal.py``; system calls in ``syscall.py`` and sysmon in ``sysmon.py``
(methods of the same Scheduler, split by topic as proc.go is).

Simplifications, each documented where it happens: no network poller, GC,
locked threads or ``needspinning`` dance (the model never races with itself);
preemption stops the G at the moment sysmon asks (async preemption is fast);
a timer fires exactly on time on the P that set it.

``record=False`` is the summary mode: no events, snapshots or timeline are
kept, only the statistics, which makes 100,000 goroutines fast.
"""
from __future__ import annotations

import heapq
import random
from dataclasses import dataclass
from functools import partial

from whygo.i18n import _

from . import events as ev
from .chan import Hchan, chanrecv, chansend
from .invariants import check_invariants
from .runq import (globrunqget, globrunqgetbatch, globrunqput, runqget, runqput, runqputbatch,
                   runqsteal, runqtake)
from .snapshot import MSnap, PSnap, Snapshot
from .state import (EV_COMPUTE, EV_PREEMPT, EV_SCHEDULE, EV_STEAL_RETRY, EV_SYSCALL, EV_SYSMON,
                    EV_TIMER, M, M_IDLE, M_RUNNING, M_SPINNING, RUNNEXT_STEAL_BACKOFF_US, RUNQ_SIZE,
                    SCHED_FAIRNESS_TICK, SYSMON_MIN_US, G, P, Sched, _Gdead, _Grunnable, _Grunning,
                    _Gsyscall, _Gwaiting, _Pidle, _Prunning)
from .stats import Stats, percentile
from .steal import PView, StealRequest, check_choice, steal_work
from .syscall import SyscallRules
from .sysmon import SysmonRules
from .timeline import Mark, Span, Timeline
from .workload import (Compute, DeadlockError, Exit, Gosched, Recv, Send, Sleep, Spawn, Syscall,
                       WorkloadError, actions_of, check_action)

_BACKOFF = object()     # find_runnable: "the M waits 3 µs before stealing a runnext"


class ConfigError(ValueError):
    """The simulator was asked for an impossible configuration."""


@dataclass(frozen=True)
class Result:
    """What one run produced. events/snapshots/timeline are empty in summary mode."""
    procs: int
    stats: Stats
    events: tuple = ()
    snapshots: tuple = ()
    timeline: Timeline | None = None

    def __repr__(self) -> str:   # short: a notebook cell ending in a Result must stay readable
        return (f"Result(procs={self.procs}, goroutines={self.stats.goroutines}, "
                f"total_us={self.stats.total_us:g}, events={len(self.events)}, "
                f"snapshots={len(self.snapshots)})")


class Scheduler(SyscallRules, SysmonRules):
    """One simulated Go program: ``Scheduler(procs=4).run(main_workload)``.

    ``steal_policy`` replaces the runtime's stealing rule (see
    ``whygo.sched.steal`` for the contract). ``record=False`` is the fast
    summary mode; ``frames=True`` also keeps one snapshot per event;
    ``check=True`` verifies the invariants after every event (tests).
    """

    def __init__(self, procs: int = 4, *, runq_size: int = RUNQ_SIZE,
                 channels: dict[str, int] | None = None, seed: int = 0,
                 steal_policy=None, record: bool = True, frames: bool = False,
                 check: bool = False, limit_us: float = 1e9) -> None:
        if isinstance(procs, bool) or not isinstance(procs, int) or not 1 <= procs <= 256:
            raise ConfigError(_("procs={value}: GOMAXPROCS must be an integer from 1 to 256").format(value=repr(procs)))
        if isinstance(runq_size, bool) or not isinstance(runq_size, int) or runq_size < 2:
            raise ConfigError(_("runq_size={value}: a local run queue needs room for at least 2 Gs")
                              .format(value=repr(runq_size)))
        self.chans: dict[str, Hchan] = {}
        for name, cap in (channels or {}).items():
            if isinstance(cap, bool) or not isinstance(cap, int) or cap < 0:
                raise ConfigError(_("channel {name}: capacity {cap} must be an integer >= 0 (0 = unbuffered)")
                                  .format(name=repr(name), cap=repr(cap)))
            self.chans[name] = Hchan(name, cap)
        if steal_policy is not None and not callable(steal_policy):
            raise ConfigError(_("steal_policy={value} must be a function StealRequest -> StealChoice | None")
                              .format(value=repr(steal_policy)))
        self.sched = Sched(procs, runq_size)
        self.allp = self.sched.allp
        self.allm: list[M] = []
        self.allg: list[G] = []
        self.rng = random.Random(seed)
        self.steal_policy = steal_policy or steal_work
        self.record = record or frames
        self.frames = frames
        self.check = check
        self.limit_us = limit_us
        self.now = 0.0
        self.end_us = 0.0
        self.main_exit_us = 0.0
        self.live = 0
        self._heap: list = []
        self._seq = 0
        self._pending = 0          # timed events other than sysmon ticks
        self._in_schedule = False  # see schedule(): tail calls become a loop
        self._reschedule: M | None = None
        self._checked: dict[int, object] = {}   # id -> workload already validated
        # sysmon's own state (proc.go: sysmon locals idle and delay, sched.sysmonwait)
        self.sysmon_idle = 0
        self.sysmon_delay = SYSMON_MIN_US
        self.sysmonwait = False
        # counters for Stats
        self.steals = self.stolen = self.handoffs = self.preemptions = 0
        self.goscheds = self.overflows = self.global_batches = self.fairness_picks = 0
        self.latencies: list[float] = []
        # recordings (full mode only)
        self.events: list[ev.Event] = []
        self.snapshots: list[Snapshot] = []
        self.spans: list[Span] = []
        self.marks: list[Mark] = []
        self.sysmon_ticks: list[float] = []   # when sysmon woke (full mode only)

    # ------------------------------------------------------------------ loop

    def _push(self, t: float, kind: int, obj=None, token=0) -> None:
        self._seq += 1
        heapq.heappush(self._heap, (t, self._seq, kind, obj, token))
        if kind != EV_SYSMON:
            self._pending += 1

    def run(self, main, name: str = "main") -> Result:
        """Run ``main`` as goroutine 1 until every goroutine has exited.

        Unlike Go, where the program ends when main returns, the simulation
        waits for all goroutines (as if main ended with a WaitGroup.Wait).
        """
        if self.allg:
            raise ConfigError(_("a Scheduler runs once; make a new one for another run"))
        # Start-up as in schedinit/procresize and rt0_go: M0 holds P0, the
        # other Ps go on the idle stack from the last to P1 (so P1 is on top),
        # and M0 runs the main goroutine. In Go, runtime.main first runs the
        # runtime's own helper goroutines (bgsweep, bgscavenge, ...), so P0's
        # schedtick is past 0 when user code starts: main gets a fresh time
        # slice here rather than inheriting one from runnext.
        m0 = self._newm()
        p0 = self.allp[0]
        self.acquirep(m0, p0)
        for pp in reversed(self.allp[1:]):
            self.pidleput(pp)
        self._push(SYSMON_MIN_US, EV_SYSMON)
        gp = self._newg(main, name)
        if self.record:
            self._emit(ev.Spawn(0.0, 0, m0.id, gp.id, None, None))
        self.execute(m0, gp, False, "the program start")
        if self.check:
            self.check_invariants()
        self._loop()
        return self.result()

    def _loop(self) -> None:
        heap = self._heap
        pop = heapq.heappop
        check = self.check
        limit = self.limit_us
        while heap:
            t, _seq, kind, obj, token = pop(heap)
            if t > limit:
                raise WorkloadError(_("the program still runs after {limit} µs of simulated time; "
                                      "is a workload endless? (pass limit_us=... to allow more)")
                                    .format(limit=f"{limit:g}"))
            self.now = t
            if kind == EV_SYSMON:
                if self._pending == 0:
                    break
                self._sysmon()
                continue
            self._pending -= 1
            if kind == EV_COMPUTE:
                if token == obj.token:
                    obj.left_us = 0.0
                    self._run(obj.m)
            elif kind == EV_SCHEDULE:
                self.schedule(obj)
            elif kind == EV_SYSCALL:
                self.exitsyscall(obj)
            elif kind == EV_TIMER:
                self._timer_fired(obj)
            elif kind == EV_PREEMPT:    # obj is a P, token the schedtick sysmon saw
                self._preempt_slice(obj, token)
            elif kind == EV_STEAL_RETRY:
                self._steal_retry(*obj)
            if check:
                self.check_invariants()
        if self.live:
            self._deadlock()

    def _deadlock(self) -> None:
        """Mirrors runtime/proc.go: checkdead: nothing can ever run again."""
        stuck = [g for g in self.allg if g.status != _Gdead]
        lost = [g for g in stuck if g.status != _Gwaiting]
        if lost:  # a runnable G with no M to run it would be a bug in this model
            raise AssertionError(f"scheduler model bug: {lost} not waiting but nothing will run them")
        lines = [f"goroutine {g.id}{' (' + g.name + ')' if g.name else ''} [{g.waitreason}]: "
                 f"waiting on channel {g.waitch!r}" for g in stuck]
        raise DeadlockError("fatal error: all goroutines are asleep - deadlock!\n\n" + "\n".join(lines))

    # ------------------------------------------------------------ recording

    def _emit(self, e: ev.Event) -> None:
        self.events.append(e)
        if self.frames:
            self.snapshots.append(self.snapshot(e))

    def _mark(self, kind: str, pp: P, label: str) -> None:
        self.marks.append(Mark(kind, pp.id, self.now, label))

    def _close_span(self, gp: G, pp: P, kind: str = "run") -> None:
        start = gp.span_start
        if kind == "run":
            pp.busy_us += self.now - start
        if self.record and self.now > start:
            self.spans.append(Span(pp.id, gp.id, start, self.now, kind))
        gp.span_start = self.now

    # ------------------------------------------------------- Gs, Ms and Ps

    def _newg(self, workload, name: str) -> G:
        gid = len(self.allg) + 1
        actions = actions_of(workload, gid, name)
        checked = isinstance(actions, (list, tuple))
        if checked and self._checked.get(id(actions)) is not actions:
            seen = set()        # `[spawn(w)] * 100_000` repeats one object: check it once
            for i, a in enumerate(actions):
                if id(a) not in seen:
                    check_action(a, gid, name, i, self.chans)
                    seen.add(id(a))
            self._checked[id(actions)] = actions
        it = iter(actions) if checked else _guarded(actions, gid, name)
        gp = G(gid, name, partial(next, it, None), checked)
        gp.runnable_since = self.now
        self.allg.append(gp)
        self.live += 1
        return gp

    def _newm(self) -> M:
        m = M(len(self.allm))
        self.allm.append(m)
        return m

    def acquirep(self, m: M, pp: P) -> None:
        """Mirrors runtime/proc.go: acquirep: wire M and P together."""
        m.p = pp
        pp.m = m
        pp.status = _Prunning

    def pidleput(self, pp: P) -> None:
        """Put pp on the idle list. Mirrors runtime/proc.go: pidleput."""
        if not pp.runqempty():
            raise AssertionError(f"pidleput: {pp} has a non-empty run queue")
        pp.status = _Pidle
        pp.m = None
        self.sched.pidle.append(pp)
        self.sched.npidle += 1

    def pidleget(self) -> P | None:
        """Take the idle P on top of the stack. Mirrors runtime/proc.go: pidleget."""
        if not self.sched.pidle:
            return None
        self.sched.npidle -= 1
        return self.sched.pidle.pop()

    def startm(self, pp: P, spinning: bool) -> M:
        """Give pp to an idle M (or a new one) and let it schedule.

        Mirrors runtime/proc.go: startm (mget, else newm). The caller has
        already counted a spinning M in ``nmspinning``.
        """
        m = self.sched.midle.pop() if self.sched.midle else self._newm()
        self.acquirep(m, pp)
        m.spinning = spinning
        m.state = M_SPINNING if spinning else M_RUNNING
        self._push(self.now, EV_SCHEDULE, m)
        return m

    def wakep(self) -> None:
        """Start one spinning M on an idle P, unless one is already spinning.

        Mirrors runtime/proc.go: wakep, called when a G becomes runnable
        (newproc, ready, goschedImpl). "Be conservative about spinning
        threads": at most one is woken this way at a time; when it finds work
        it calls wakep again (resetspinning), so wake-ups chain.
        """
        sched = self.sched
        if sched.nmspinning != 0 or not sched.pidle:
            return
        sched.nmspinning += 1
        pp = self.pidleget()
        m = self.startm(pp, True)
        if self.record:
            self._emit(ev.Spinning(self.now, pp.id, m.id, None))

    def resetspinning(self, m: M) -> None:
        """The M found work: it stops spinning and wakes another spinner.

        Mirrors runtime/proc.go: resetspinning.
        """
        m.spinning = False
        m.state = M_RUNNING
        self.sched.nmspinning -= 1
        self.wakep()

    # ------------------------------------------------------------ schedule

    def schedule(self, m: M) -> None:
        """Find a G for M's P and run it. Mirrors runtime/proc.go: schedule.

        In the runtime schedule never returns, and here every call to it is
        the last thing its caller does. So a call made while an outer one is
        running (a G yields, the next one yields at the same instant, ...) is
        handed to the outer loop instead of nesting: 100,000 goroutines that
        Gosched in a row cannot overflow Python's stack.
        """
        if self._in_schedule:
            self._reschedule = m
            return
        self._in_schedule = True
        try:
            while m is not None:
                self._reschedule = None
                gp, inherit, source = self.find_runnable(m)
                if gp is not None:      # else M parked, or waits out the runnext-steal backoff
                    if m.spinning:
                        self.resetspinning(m)
                    self.execute(m, gp, inherit, source)
                m = self._reschedule
        finally:
            self._in_schedule = False

    def find_runnable(self, m: M):
        """Where an M with a P looks for work, in the runtime's order.

        Mirrors runtime/proc.go: findRunnable: (1) every 61st schedtick one G
        from the global queue first, for fairness; (2) the local queue,
        runnext first (runqget); (3) a batch from the global queue
        (globrunqgetbatch); (4) the network poller, not modelled; (5) steal
        from other Ps, if this M is spinning or fewer than half of the busy
        Ps have a spinning M (``2*nmspinning < gomaxprocs-npidle``);
        (6) nothing: release the P, stop the M.
        Returns (G, inheritTime, where it came from) or (None, False, "").
        """
        pp = m.p
        sched = self.sched
        if pp.schedtick % SCHED_FAIRNESS_TICK == 0 and sched.runq:
            gp = globrunqget(sched)
            self.fairness_picks += 1
            if self.record:
                self._emit(ev.Fairness(self.now, pp.id, m.id, gp.id, pp.schedtick))
            return gp, False, "the global queue (fairness check)"
        gp, inherit = runqget(pp)
        if gp is not None:
            return gp, inherit, "runnext" if inherit else "its local queue"
        if sched.runq:
            gp, rest = globrunqgetbatch(sched, sched.runq_size // 2)
            if runqputbatch(sched, pp, rest):
                raise AssertionError("Couldn't put Gs into empty local runq")
            self.global_batches += 1
            if self.record:
                self._emit(ev.GlobalBatch(self.now, pp.id, m.id, gp.id, 1 + len(rest)))
            return gp, False, "the global queue"
        if m.spinning or 2 * sched.nmspinning < sched.gomaxprocs - sched.npidle:
            if not m.spinning:      # becomeSpinning
                m.spinning = True
                m.state = M_SPINNING
                sched.nmspinning += 1
            found = self.steal_work(m, pp)
            if found is _BACKOFF:
                return None, False, ""
            if found is not None:
                return found, False, "another P (stolen)"
        self.stopm(m, pp)
        return None, False, ""

    def stopm(self, m: M, pp: P) -> None:
        """No work anywhere: drop the P and park the M.

        Mirrors the end of runtime/proc.go: findRunnable (releasep, pidleput,
        drop spinning) and stopm. The runtime re-checks every queue after
        dropping ``nmspinning`` because other threads may have added work in
        between; here nothing runs in between, so there is nothing to re-check.
        """
        m.p = None
        self.pidleput(pp)
        if m.spinning:
            m.spinning = False
            self.sched.nmspinning -= 1
        m.state = M_IDLE
        self.sched.midle.append(m)
        if self.record:
            self._emit(ev.Idle(self.now, pp.id, m.id, None))

    def steal_work(self, m: M, pp: P):
        """Ask the steal policy whom to rob, then rob them.

        Mirrors runtime/proc.go: stealWork + runqgrab + runqsteal (the choice
        is made by ``self.steal_policy``, by default the runtime's). Taking a
        victim's runnext while the victim's M is running Go code first backs
        off 3 µs (runqgrab's ``usleep(3)``), giving the victim the chance to
        run that G itself, as a ping-pong pair on one P does.
        """
        req = StealRequest(pp.id, tuple(PView(p.id, p.status == _Pidle, len(p.runq), p.runnext is not None)
                                        for p in self.allp), self.rng)
        choice = self.steal_policy(req)
        if choice is None:
            return None
        check_choice(choice, req, self.sched.runq_size, self.steal_policy)
        victim = self.allp[choice.victim]
        if choice.runnext:
            vm = victim.m
            if victim.status == _Prunning and vm is not None and (vm.curg is None or vm.curg.status != _Gsyscall):
                self._push(self.now + RUNNEXT_STEAL_BACKOFF_US, EV_STEAL_RETRY, (m, victim, victim.runnext))
                return _BACKOFF
        return self._take(m, pp, victim, runqtake(victim, choice.count, choice.runnext), choice.runnext)

    def _take(self, m: M, pp: P, victim: P, batch: list[G], runnext: bool) -> G:
        gp = runqsteal(self.sched, pp, batch)
        self.steals += 1
        self.stolen += len(batch)
        if self.record:
            self._emit(ev.Steal(self.now, pp.id, m.id, gp.id, victim.id, len(batch), runnext))
            self._mark("steal", pp, f"P{pp.id} stole {len(batch)} from P{victim.id}")
        return gp

    def _steal_retry(self, m: M, victim: P, gp: G) -> None:
        """After the 3 µs backoff: take the runnext if it is still there, else look again."""
        if victim.runnext is gp:
            victim.runnext = None
            got = self._take(m, m.p, victim, [gp], True)
            self.resetspinning(m)
            self.execute(m, got, False, "another P's runnext (stolen)")
        else:
            self.schedule(m)

    def execute(self, m: M, gp: G, inherit: bool, source: str) -> None:
        """Run gp on m. Mirrors runtime/proc.go: execute.

        Bumps the P's ``schedtick`` unless gp inherits the time slice (it came
        from runnext), which is what sysmon watches to preempt after 10 ms.
        """
        pp = m.p
        m.curg = gp
        gp.m = m
        gp.status = _Grunning
        m.state = M_RUNNING
        if not inherit:
            pp.schedtick += 1
            pp.slice_start = self.now
        waited = self.now - gp.runnable_since
        self.latencies.append(waited)
        gp.wait_us += waited
        gp.runs += 1
        gp.span_start = self.now
        gp.lastp = pp
        if self.record:
            self._emit(ev.Run(self.now, pp.id, m.id, gp.id, source, inherit, waited))
        self._run(m)

    # ------------------------------------------------------------- actions

    def _run(self, m: M) -> None:
        """Carry out the running G's actions until one takes time or blocks."""
        gp = m.curg
        if gp.left_us > 0:          # resume a compute slice cut by preemption
            self._compute(gp, gp.left_us)
            return
        nxt = gp.next_action
        while True:
            a = nxt()
            if a is None:
                self.goexit(m, gp)
                return
            gp.index += 1
            if not gp.checked:
                check_action(a, gp.id, gp.name, gp.index - 1, self.chans)
            t = type(a)
            if t is Compute:
                if a.us > 0:
                    self._compute(gp, a.us)
                    return
            elif t is Spawn:
                self.newproc(m, gp, a)
            elif t is Send:
                if self._chan(m, gp, a.ch, True):
                    return
            elif t is Recv:
                if self._chan(m, gp, a.ch, False):
                    return
            elif t is Sleep:
                if a.us > 0:
                    self._sleep(m, gp, a.us)
                    return
            elif t is Syscall:
                self.entersyscall(m, gp, a.us, a.blocking)
                return
            elif t is Gosched:
                self.gosched(m, gp)
                return
            elif t is Exit:
                self.goexit(m, gp)
                return

    def _compute(self, gp: G, us: float) -> None:
        gp.left_us = us
        gp.until = self.now + us
        self._push(gp.until, EV_COMPUTE, gp, gp.token)

    def _dropg(self, m: M, gp: G, status: str) -> None:
        """gp stops running on m (proc.go: dropg), closing its timeline span."""
        pp = m.p
        self._close_span(gp, pp)
        m.curg = None
        gp.m = None
        gp.status = status
        gp.lastp = pp

    def newproc(self, m: M, parent: G, a: Spawn) -> None:
        """The ``go`` statement. Mirrors runtime/proc.go: newproc.

        The new G takes the creating P's runnext (``runqput(pp, newg, true)``),
        so it runs next on this P unless stolen; the G it displaces goes to the
        tail of the local queue. Then ``wakep`` looks for an idle P to help.
        """
        pp = m.p
        gp = self._newg(a.workload, a.name)
        kicked, overflow = runqput(self.sched, pp, gp, True)
        if self.record:
            self._emit(ev.Spawn(self.now, pp.id, m.id, gp.id, parent.id,
                                kicked.id if kicked is not None else None, overflow is not None))
        if overflow:
            self._overflow(m, pp, overflow)
        self.wakep()

    def _overflow(self, m: M | None, pp: P, batch: list[G]) -> None:
        self.overflows += 1
        if self.record:
            self._emit(ev.RunqOverflow(self.now, pp.id, m.id if m else None, batch[-1].id,
                                       tuple(g.id for g in batch)))
            self._mark("overflow", pp, f"{len(batch)} Gs to global")

    def ready(self, pp: P, gp: G, by: G | None, reason: str) -> None:
        """Make a waiting G runnable. Mirrors runtime/proc.go: ready (goready).

        The woken G goes to the runnext of the *waker's* P, so a G woken by a
        channel send runs right after the sender blocks or yields, on the same
        P, with warm caches; then ``wakep``.
        """
        gp.status = _Grunnable
        gp.runnable_since = self.now
        gp.waitreason = gp.waitch = ""
        kicked, overflow = runqput(self.sched, pp, gp, True)
        if self.record:
            m = pp.m
            self._emit(ev.Wake(self.now, pp.id, m.id if m else None, gp.id,
                               by.id if by else None, reason, kicked.id if kicked else None,
                               overflow is not None))
        if overflow:
            self._overflow(pp.m, pp, overflow)
        self.wakep()

    def gopark(self, m: M, gp: G, reason: str, ch: str = "") -> None:
        """gp blocks; its M schedules something else. Mirrors runtime/proc.go: gopark/park_m."""
        self._dropg(m, gp, _Gwaiting)
        gp.waitreason = reason
        gp.waitch = ch
        if self.record:
            self._emit(ev.Block(self.now, m.p.id, m.id, gp.id, reason, ch))
        self.schedule(m)

    def _chan(self, m: M, gp: G, name: str, sending: bool) -> bool:
        """A channel operation; returns True if gp parked (runtime/chan.go)."""
        c = self.chans[name]
        other, park = chansend(c, gp) if sending else chanrecv(c, gp)
        if other is not None:
            self.ready(m.p, other, gp, f"{'send on' if sending else 'receive from'} {name}")
        if park:
            self.gopark(m, gp, "chan send" if sending else "chan receive", name)
        return park

    def _sleep(self, m: M, gp: G, us: float) -> None:
        """time.Sleep: a timer on this P, then park (runtime/time.go: timeSleep)."""
        gp.timer_p = m.p
        self._push(self.now + us, EV_TIMER, gp)
        self.gopark(m, gp, "sleep")

    def _timer_fired(self, gp: G) -> None:
        """A sleep ends: goready the G on the P that owns the timer.

        Simplification: in the runtime the owning P runs its timers when it
        enters the scheduler (or another P steals them); here the timer fires
        exactly on time. If the owning P is busy in a syscall or idle, the G
        goes to an idle P started for it, else to the global queue.
        """
        tp = gp.timer_p
        gp.timer_p = None
        m = tp.m
        if tp.status == _Prunning and m is not None and (m.curg is None or m.curg.status != _Gsyscall):
            self.ready(tp, gp, None, "timer")
        else:
            pp = tp if tp in self.sched.pidle else (self.sched.pidle[-1] if self.sched.pidle else None)
            if pp is not None:
                self.sched.pidle.remove(pp)
                self.sched.npidle -= 1
                gp.status = _Grunnable
                gp.runnable_since = self.now
                gp.waitreason = ""
                runqput(self.sched, pp, gp, True)
                m = self.startm(pp, False)
                if self.record:
                    self._emit(ev.Wake(self.now, pp.id, m.id, gp.id, None, "timer"))
            else:
                gp.status = _Grunnable
                gp.runnable_since = self.now
                gp.waitreason = ""
                globrunqput(self.sched, gp)
        self._wake_sysmon(syscall=False)

    def gosched(self, m: M, gp: G) -> None:
        """runtime.Gosched(). Mirrors runtime/proc.go: goschedImpl -> globrunqput.

        The G goes to the tail of the GLOBAL queue (the source document says
        the local queue: that is wrong), then wakep and schedule.
        """
        pp = m.p
        self._dropg(m, gp, _Grunnable)
        gp.runnable_since = self.now
        globrunqput(self.sched, gp)
        self.goscheds += 1
        if self.record:
            self._emit(ev.GoschedToGlobal(self.now, pp.id, m.id, gp.id))
            self._mark("gosched", pp, f"G{gp.id} Gosched")
        self.wakep()
        self.schedule(m)

    def goexit(self, m: M, gp: G) -> None:
        """The G returns. Mirrors runtime/proc.go: goexit0, then schedule."""
        pp = m.p
        self._dropg(m, gp, _Gdead)
        gp.next_action = None       # free the workload iterator: 100,000 dead Gs add up
        self.live -= 1
        self.end_us = self.now
        if gp.id == 1:
            self.main_exit_us = self.now
        if self.record:
            self._emit(ev.Exit(self.now, pp.id, m.id, gp.id))
        self.schedule(m)

    # ------------------------------------------------------------- outputs

    def snapshot(self, event: ev.Event | None = None) -> Snapshot:
        """A frozen picture of the whole scheduler, for the views."""
        procs = []
        for p in self.allp:
            m = p.m
            g = m.curg if m is not None else None
            procs.append(PSnap(p.id, p.status, m.id if m else None, g.id if g else None,
                               g is not None and g.status == _Gsyscall,
                               p.runnext.id if p.runnext else None,
                               tuple(x.id for x in p.runq), p.schedtick))
        ms = tuple(MSnap(m.id, m.state, m.p.id if m.p else None, m.curg.id if m.curg else None)
                   for m in self.allm)
        # the waitReason as the runtime writes it ("chan receive"), the rest in the running edition
        waiting = tuple((g.id, _("{reason} on {ch}").format(reason=g.waitreason, ch=g.waitch)
                         if g.waitch else g.waitreason)
                        for g in self.allg if g.status == _Gwaiting)
        return Snapshot(self.now, tuple(procs), tuple(g.id for g in self.sched.runq), ms, waiting,
                        self.sched.runq_size, event, event.describe() if event else "")

    def stats(self) -> Stats:
        lat = sorted(self.latencies)
        n = len(lat)
        return Stats(
            procs=self.sched.gomaxprocs, total_us=self.end_us, main_exit_us=self.main_exit_us,
            goroutines=len(self.allg),
            threads=len(self.allm), busy_us=tuple(p.busy_us for p in self.allp),
            steals=self.steals, stolen=self.stolen, handoffs=self.handoffs,
            preemptions=self.preemptions, gosched=self.goscheds, overflows=self.overflows,
            global_batches=self.global_batches, fairness_picks=self.fairness_picks,
            runq_peak=tuple(p.runq_peak for p in self.allp), global_runq_peak=self.sched.runq_peak,
            latency_mean_us=sum(lat) / n if n else 0.0, latency_p50_us=percentile(lat, 50),
            latency_p99_us=percentile(lat, 99), latency_max_us=lat[-1] if n else 0.0,
            latency_by_g=tuple(g.wait_us for g in self.allg))

    def result(self) -> Result:
        timeline = Timeline(self.sched.gomaxprocs, list(self.spans), list(self.marks)) if self.record else None
        return Result(self.sched.gomaxprocs, self.stats(), tuple(self.events), tuple(self.snapshots), timeline)

    def check_invariants(self) -> None:
        """Raise AssertionError if the state is impossible (see invariants.py)."""
        check_invariants(self)


def _guarded(actions, gid: int, name: str):
    """Iterate a workload function's actions, naming the goroutine if it fails."""
    try:
        yield from actions
    except WorkloadError:
        raise
    except Exception as exc:
        raise WorkloadError(_("goroutine {gid} ({name}): its workload function raised {exc}")
                            .format(gid=gid, name=name or "workload", exc=repr(exc))) from exc


def simulate(main, *, procs: int = 4, channels: dict[str, int] | None = None, seed: int = 0,
             runq_size: int = RUNQ_SIZE, frames: bool = False, summary: bool = False,
             steal_policy=None, check: bool = False, limit_us: float = 1e9) -> Result:
    """Run ``main`` on a fresh scheduler and return its Result.

    ``summary=True`` keeps only the statistics (fast, for 100,000 goroutines);
    ``frames=True`` keeps one snapshot per event for the animation player.
    """
    if summary and frames:
        raise ConfigError(_("summary=True records nothing, so it cannot keep frames; pick one"))
    s = Scheduler(procs, runq_size=runq_size, channels=channels, seed=seed,
                  steal_policy=steal_policy, record=not summary, frames=frames,
                  check=check, limit_us=limit_us)
    return s.run(main)
