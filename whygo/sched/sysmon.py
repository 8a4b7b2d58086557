"""sysmon: the thread without a P that watches the others.

Methods of ``Scheduler`` (model.py), mirroring runtime/proc.go: ``sysmon``
(its sleep: 20 µs, doubling after 1 ms of idle cycles, up to 10 ms; a deep
sleep while every P is idle), ``retake`` (take Ps from long syscalls, ask
long-running Gs to stop) and ``preemptone`` / ``gopreempt_m``.
"""
from __future__ import annotations

from . import events as ev
from .runq import globrunqput
from .state import (EV_PREEMPT, EV_SYSMON, FORCE_PREEMPT_US, SYSMON_IDLE_CYCLES, SYSMON_MAX_US,
                    SYSMON_MIN_US, G, P, _Grunnable, _Grunning, _Gsyscall, _Pidle, _Prunning)


class SysmonRules:
    """The sysmon half of the scheduler (mixed into model.Scheduler)."""

    def _sysmon(self) -> None:
        """One sysmon cycle. Mirrors runtime/proc.go: sysmon.

        Sleeps 20 µs while it keeps finding work (retaking Ps); after 50 idle
        cycles (1 ms) the sleep doubles, up to 10 ms. When every P is idle it
        sleeps until a syscall or timer wakes it (sched.sysmonwait).
        """
        sched = self.sched
        if self.record:
            self.sysmon_ticks.append(self.now)
        if sched.npidle == sched.gomaxprocs:
            self.sysmonwait = True
            return
        n = self.retake(self.now)
        self.sysmon_idle = 0 if n else self.sysmon_idle + 1
        if self.sysmon_idle == 0:
            self.sysmon_delay = SYSMON_MIN_US
        elif self.sysmon_idle > SYSMON_IDLE_CYCLES:
            self.sysmon_delay = min(self.sysmon_delay * 2, SYSMON_MAX_US)
        self._push(self.now + self.sysmon_delay, EV_SYSMON)

    def _wake_sysmon(self, syscall: bool) -> None:
        """notewakeup(&sched.sysmonnote); a syscall wake-up resets idle and delay."""
        if not self.sysmonwait:
            return
        self.sysmonwait = False
        if syscall:
            self.sysmon_idle = 0
            self.sysmon_delay = SYSMON_MIN_US
        self._push(self.now, EV_SYSMON)

    def retake(self, now: float) -> int:
        """Preempt long-running Gs and take Ps from long syscalls. Mirrors runtime/proc.go: retake.

        Per running P: if its schedtick has not moved for 10 ms
        (forcePreemptNS), preempt its G. If its G is in a syscall: the first
        time sysmon sees that syscall it only notes the time; from the next
        tick on (>= 20 µs later) it takes the P and hands it off, unless the
        P has no work, someone is spinning or idle, and the syscall is younger
        than 10 ms. Returns the number of Ps retaken from syscalls.
        """
        n = 0
        sched = self.sched
        for pp in self.allp:
            if pp.status != _Prunning:
                continue
            sysretake = False
            if pp.pd_schedtick != pp.schedtick:
                pp.pd_schedtick = pp.schedtick
                pp.pd_schedwhen = now
            elif pp.pd_schedwhen + FORCE_PREEMPT_US <= now:
                self.preemptone(pp)
                sysretake = True
            m = pp.m
            gp = m.curg if m is not None else None
            if gp is None or gp.status != _Gsyscall:    # setBlockOnExitSyscall fails
                continue
            if not sysretake and pp.pd_syscalltick != pp.syscalltick:
                pp.pd_syscalltick = pp.syscalltick
                pp.pd_syscallwhen = now
                continue
            if pp.runqempty() and sched.nmspinning + sched.npidle > 0 \
                    and pp.pd_syscallwhen + FORCE_PREEMPT_US > now:
                continue
            # takeP: unwire the P from the syscalling thread.
            self._close_span(gp, pp, "syscall")
            m.p = None
            pp.m = None
            pp.status = _Pidle
            pp.syscalltick += 1
            n += 1
            self.handoffs += 1
            self._handoff(pp, m, gp, blocking=False)
        return n

    def preemptone(self, pp: P) -> bool:
        """Ask the G running on pp to stop. Mirrors runtime/proc.go: preemptone.

        Go 1.14+ preempts asynchronously with a signal (SIGURG); the model
        stops the G at once, as a timed event right after this sysmon cycle.
        The request is made to the P's time slice (its ``schedtick``), not to
        one G: see :meth:`_preempt_slice`.
        """
        m = pp.m
        gp = m.curg if m is not None else None
        if gp is None or gp.status != _Grunning:
            return False
        self._push(self.now, EV_PREEMPT, pp, pp.schedtick)
        return True

    def _preempt_slice(self, pp: P, schedtick: int) -> None:
        """Deliver sysmon's request: preempt whatever G runs on pp in the same time slice.

        What retake measures is a time slice, not a G: "a single long-running
        goroutine or a sequence of goroutines run via runnext, which share a
        single schedtick time slice" (proc.go: retake). In the runtime
        preemptone flags the G and the P (``gp.preempt``, ``pp.preempt``; the
        signal handler checks either, preempt.go: wantAsyncPreempt) and the
        signal lands microseconds later; a G switch inside that window is rare
        and only delays the preemption to sysmon's next tick. In the model a
        switch and a sysmon tick fall on the same instant whenever the
        workload's times line up with sysmon's (a ping-pong pair of 10 µs
        turns, ticks 10 ms apart), and a request bound to the G that just
        blocked would be lost at every tick: the pair would starve every other
        G for the whole run. So the request follows the slice: whichever G
        inherited it is preempted, unless a fresh slice began (schedtick moved,
        and the new G is owed 10 ms). The runtime itself clears the flags at
        every switch (schedule: ``pp.preempt``, execute: ``gp.preempt``), an
        inherited one included, and retake re-issues the request at sysmon's
        next tick (schedtick and schedwhen unchanged); the model's shortcut
        saves that tick.
        """
        m = pp.m
        gp = m.curg if m is not None else None
        if pp.schedtick != schedtick or gp is None or gp.status != _Grunning:
            return
        self._preempt(gp)

    def _preempt(self, gp: G) -> None:
        """The preempted G yields. Mirrors runtime/proc.go: gopreempt_m -> goschedImpl.

        In Go 1.27 goschedImpl(gp, preempted=true) puts it at the tail of the
        global queue (only a preemption for a stop-the-world keeps it in runnext).
        """
        m = gp.m
        pp = m.p
        ran = self.now - gp.span_start
        slice_us = self.now - pp.slice_start
        gp.token += 1               # the pending end of its compute slice is now stale
        gp.left_us = max(0.0, gp.until - self.now)
        self._dropg(m, gp, _Grunnable)
        gp.runnable_since = self.now
        globrunqput(self.sched, gp)
        self.preemptions += 1
        if self.record:
            self._emit(ev.Preempt(self.now, pp.id, m.id, gp.id, ran, slice_us))
            self._mark("preempt", pp, f"G{gp.id} preempted")
        self.wakep()
        self.schedule(m)
