"""System calls: a G blocks in the kernel, its M with it; the P may move on.

Methods of ``Scheduler`` (model.py), kept apart because they are their own
story in runtime/proc.go: ``entersyscall``/``entersyscallblock`` on the way
in, ``handoffp`` when the P is given to another M, ``exitsyscall`` and its
fallbacks on the way out. Who takes the P away while the syscall runs is
sysmon's ``retake`` (sysmon.py).
"""
from __future__ import annotations

from whygo.i18n import _

from . import events as ev
from .runq import globrunqput
from .state import (EV_SYSCALL, M_IDLE, M_RUNNING, M_SYSCALL, G, M, P, _Grunnable, _Grunning,
                    _Gsyscall, _Pidle, _Prunning)


class SyscallRules:
    """The syscall half of the scheduler (mixed into model.Scheduler)."""

    def entersyscall(self, m: M, gp: G, us: float, blocking: bool) -> None:
        """gp enters a system call; its M blocks in the kernel with it.

        Mirrors runtime/proc.go: reentersyscall. The M keeps its P (which stays
        _Prunning) and records ``oldp``; sysmon may retake the P later. With
        ``blocking`` it mirrors entersyscallblock: ``handoffp(releasep())``
        at once, without waiting for sysmon.
        """
        pp = m.p
        self._close_span(gp, pp)
        gp.status = _Gsyscall
        m.state = M_SYSCALL
        m.syscalltick = pp.syscalltick
        if self.record:
            self._emit(ev.SyscallEnter(self.now, pp.id, m.id, gp.id, us, blocking))
        self._push(self.now + us, EV_SYSCALL, gp)
        if blocking:
            m.oldp = None               # entersyscallblock does not keep oldp
            pp.syscalltick += 1
            m.p = None
            pp.m = None
            pp.status = _Pidle          # releasep
            self.handoffs += 1
            self._handoff(pp, m, gp, blocking=True)
        else:
            m.oldp = pp
        self._wake_sysmon(syscall=True)   # entersyscallWakeSysmon

    def _handoff(self, pp: P, m: M, gp: G, blocking: bool) -> None:
        outcome = self.handoffp(pp)
        if self.record:
            to = pp.m.id if pp.m is not None else None
            self._emit(ev.Handoff(self.now, pp.id, m.id, gp.id, to, blocking, outcome))
            self._mark("handoff", pp, f"P{pp.id} handed off")

    def handoffp(self, pp: P) -> str:
        """Give a P that lost its M to a new M, or idle it. Mirrors runtime/proc.go: handoffp.

        Start an M at once if the P (or the global queue) has work; else start
        a spinning M if nobody is spinning and no P is idle; else, if every
        other P is idle, start an M anyway (the runtime wants someone polling
        the network, so it does this only when no thread is blocked in
        netpoll already, ``sched.lastpoll != 0``; the model has no netpoller);
        else put the P on the idle list. Returns what happened.
        """
        sched = self.sched
        if not pp.runqempty() or sched.runq:
            m = self.startm(pp, False)
            return _("goes to M{m}, which runs the waiting Gs").format(m=m.id)
        if sched.nmspinning + sched.npidle == 0:
            sched.nmspinning += 1
            m = self.startm(pp, True)
            return _("goes to M{m}, spinning to look for work").format(m=m.id)
        if sched.npidle == sched.gomaxprocs - 1:
            m = self.startm(pp, False)
            return _("goes to M{m} (it is the last P that is not idle)").format(m=m.id)
        self.pidleput(pp)
        return _("has no work and goes idle")

    def exitsyscall(self, gp: G) -> None:
        """The syscall returns. Mirrors runtime/proc.go: exitsyscall.

        Fast path: the M still has its P, the G just continues. Else
        exitsyscallTryGetP: take the old P back if another syscalling thread
        holds it, else any idle P; else exitsyscallNoP: the G goes to the
        global queue and the M parks.
        """
        m = gp.m
        oldp, m.oldp = m.oldp, None
        pp = m.p
        if pp is not None:
            self._close_span(gp, pp, "syscall")
            pp.syscalltick += 1
            outcome = _("M{m} still holds P{p}, so G{g} just continues").format(m=m.id, p=pp.id, g=gp.id)
        else:
            pp, outcome = self._exitsyscall_try_get_p(m, oldp)
            if pp is None:
                self.exitsyscall_no_p(m, gp)
                return
            self.acquirep(m, pp)
            pp.syscalltick += 1
        gp.status = _Grunning
        m.state = M_RUNNING
        gp.span_start = self.now
        gp.lastp = pp
        if self.record:
            self._emit(ev.SyscallExit(self.now, pp.id, m.id, gp.id, outcome))
        self._run(m)

    def _exitsyscall_try_get_p(self, m: M, oldp: P | None) -> tuple[P | None, str]:
        """Mirrors runtime/proc.go: exitsyscallTryGetP."""
        if oldp is not None and oldp.status == _Prunning and oldp.m is not None \
                and oldp.m.curg is not None and oldp.m.curg.status == _Gsyscall:
            other = oldp.m          # setBlockOnExitSyscall + takeP on the thread holding it
            self._close_span(other.curg, oldp, "syscall")
            other.p = None
            oldp.m = None
            oldp.syscalltick += 1
            return oldp, _("it takes its old P{p} back from M{m}, itself in a syscall").format(p=oldp.id, m=other.id)
        pp = self.pidleget()
        if pp is not None:
            self._wake_sysmon(syscall=True)
            if oldp:
                return pp, _("P{old} was handed off; it takes idle P{p}").format(old=oldp.id, p=pp.id)
            return pp, _("its P was given away at once; it takes idle P{p}").format(p=pp.id)
        return None, ""

    def exitsyscall_no_p(self, m: M, gp: G) -> None:
        """No P free: the G waits in the global queue, the M parks.

        Mirrors runtime/proc.go: exitsyscallNoP (exitsyscall0 in older Go).
        """
        gp.status = _Grunnable
        gp.runnable_since = self.now
        m.curg = None
        gp.m = None
        globrunqput(self.sched, gp)
        m.state = M_IDLE
        self.sched.midle.append(m)
        if self.record:
            p = gp.lastp.id if gp.lastp else None
            self._emit(ev.SyscallExit(self.now, p, m.id, gp.id,
                                      _("no P is free, so G{g} goes to the global queue and M{m} parks")
                                      .format(g=gp.id, m=m.id)))
