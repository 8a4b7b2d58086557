"""A simulator of Go's GMP scheduler (runtime/proc.go, Go 1.27), pure and seeded.

    from whygo.sched import simulate, compute, spawn, send, recv
    result = simulate([spawn([compute(100)])] * 8, procs=4, frames=True)
    result.stats, result.events, result.snapshots, result.timeline

Modules: ``state`` (G, M, P, sched), ``runq`` (run queue rules), ``steal``
(the replaceable stealing policy), ``chan`` (channels), ``model`` (the
event loop and the scheduling rules), ``syscall`` and ``sysmon`` (the rest
of the rules), ``invariants`` (checked by the tests), ``events``,
``snapshot``, ``stats``, ``timeline`` (shared with the real-runtime trace
side), ``workload`` (actions), ``scenarios`` (named, explained runs for the
notebooks). Views live in ``whygo.views.sched``.
"""
from .model import ConfigError, Result, Scheduler, simulate
from .steal import PView, StealChoice, StealPolicyError, StealRequest, steal_from_longest, steal_work
from .timeline import Mark, Span, Timeline
from .workload import (DeadlockError, WorkloadError, compute, exit, gosched, recv, send, sleep,
                       spawn, syscall)

__all__ = ["ConfigError", "DeadlockError", "Mark", "PView", "Result", "Scheduler", "Span",
           "StealChoice", "StealPolicyError", "StealRequest", "Timeline", "WorkloadError",
           "compute", "exit", "gosched", "recv", "send", "simulate", "sleep", "spawn",
           "steal_from_longest", "steal_work", "syscall"]
