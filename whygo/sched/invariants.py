"""Invariants of the scheduler state, checked after every event by the property tests.

``Scheduler(check=True)`` calls ``check_invariants`` after each event of the
loop; a violation is a bug in the model, never in a workload.
"""
from __future__ import annotations

from .state import G, _Gdead, _Grunnable, _Grunning, _Gsyscall, _Gwaiting, _Pidle, _Prunning


def check_invariants(s) -> None:
    """Raise AssertionError if the state is impossible (used by the property tests).

    Every live G is in exactly one place; a P runs at most one G and has
    at most one M; queues respect their capacity; counters match.
    """
    sched = s.sched
    seen: dict[int, str] = {}

    def put(g: G, where: str) -> None:
        assert g.id not in seen, f"G{g.id} both in {seen[g.id]} and {where}"
        seen[g.id] = where

    for p in s.allp:
        assert len(p.runq) <= sched.runq_size, f"{p} runq over capacity"
        for g in p.runq:
            put(g, f"{p}.runq")
            assert g.status == _Grunnable, f"{g} in {p}.runq is {g.status}"
        if p.runnext is not None:
            put(p.runnext, f"{p}.runnext")
            assert p.runnext.status == _Grunnable
        if p.m is not None:
            assert p.m.p is p, f"{p}.m={p.m} but {p.m}.p={p.m.p}"
            assert p.status == _Prunning
        if p.status == _Pidle:
            assert p in sched.pidle and p.m is None and p.runqempty(), f"{p} idle but not clean"
    for g in sched.runq:
        put(g, "sched.runq")
        assert g.status == _Grunnable
    for m in s.allm:
        if m.curg is not None:
            put(m.curg, f"{m}.curg")
            assert m.curg.m is m
            assert m.curg.status in (_Grunning, _Gsyscall)
            if m.curg.status == _Grunning:
                assert m.p is not None, f"{m} runs {m.curg} without a P"
    for c in s.chans.values():
        for g in list(c.recvq) + list(c.sendq):
            put(g, f"chan {c.name}")
            assert g.status == _Gwaiting
    for g in s.allg:
        if g.status == _Gdead:
            assert g.id not in seen, f"dead {g} still queued in {seen.get(g.id)}"
        elif g.status == _Gwaiting and g.timer_p is not None:
            put(g, "timer")
        else:
            assert g.id in seen, f"{g} ({g.status}) is lost: in no queue and on no M"
    assert sched.npidle == len(sched.pidle)
    assert sched.nmspinning == sum(m.spinning for m in s.allm), "nmspinning out of sync"
    assert s.live == sum(g.status != _Gdead for g in s.allg)

