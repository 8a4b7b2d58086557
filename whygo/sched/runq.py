"""Run queue rules: local queues, runnext and the global queue.

Each function mirrors one function of runtime/proc.go (Go 1.27) and works on
the plain state of ``whygo.sched.state``, so it can be tested on its own. The
runtime's lock-free ring buffer (head/tail indices, CAS) becomes a deque
bounded by ``sched.runq_size``: the simulator runs one thing at a time, so
the races those atomics guard against cannot happen here.
"""
from __future__ import annotations

from .state import G, P, Sched


def runqput(sched: Sched, pp: P, gp: G, next: bool) -> tuple[G | None, list[G] | None]:
    """Put gp on pp's local queue. Mirrors runtime/proc.go: runqput.

    With ``next`` (used by ``newproc`` and ``ready``) gp takes the ``runnext``
    slot and the G it displaces is kicked to the tail of the local queue.
    If the local queue is full, ``runqputslow`` moves half of it plus the G
    to the global queue. Returns (the displaced G or None, the batch moved
    to the global queue or None).
    """
    kicked = None
    if next:
        old = pp.runnext
        pp.runnext = gp
        if old is None:
            return None, None
        gp = kicked = old
    runq = pp.runq
    if len(runq) < sched.runq_size:
        runq.append(gp)
        if len(runq) > pp.runq_peak:
            pp.runq_peak = len(runq)
        return kicked, None
    return kicked, runqputslow(sched, pp, gp)


def runqputslow(sched: Sched, pp: P, gp: G) -> list[G]:
    """Move half of a full local queue plus gp to the global queue, in one batch.

    Mirrors runtime/proc.go: runqputslow. With the real capacity of 256 that
    is 128 + 1 = 129 goroutines, oldest first, gp last.
    """
    n = len(pp.runq) // 2
    if n != sched.runq_size // 2:
        raise AssertionError(f"runqputslow: queue of {pp} is not full")
    popleft = pp.runq.popleft
    batch = [popleft() for _ in range(n)]
    batch.append(gp)
    globrunqputbatch(sched, batch)
    return batch


def runqputbatch(sched: Sched, pp: P, batch: list[G]) -> list[G]:
    """Put as many of ``batch`` as fit on pp's local queue; return the rest.

    Mirrors runtime/proc.go: runqputbatch.
    """
    room = sched.runq_size - len(pp.runq)
    pp.runq.extend(batch[:room])
    if len(pp.runq) > pp.runq_peak:
        pp.runq_peak = len(pp.runq)
    return batch[room:]


def runqget(pp: P) -> tuple[G | None, bool]:
    """Take the next G from pp: ``runnext`` first, then the head of the queue.

    Mirrors runtime/proc.go: runqget. Returns (gp, inheritTime): a G taken
    from runnext inherits the rest of the current time slice, so ``execute``
    does not bump ``schedtick`` and sysmon counts the pair as one slice.
    """
    gp = pp.runnext
    if gp is not None:
        pp.runnext = None
        return gp, True
    if pp.runq:
        return pp.runq.popleft(), False
    return None, False


def globrunqput(sched: Sched, gp: G) -> None:
    """Put gp at the tail of the global queue. Mirrors runtime/proc.go: globrunqput."""
    sched.runq.append(gp)
    if len(sched.runq) > sched.runq_peak:
        sched.runq_peak = len(sched.runq)


def globrunqputbatch(sched: Sched, batch: list[G]) -> None:
    """Append a batch to the global queue. Mirrors runtime/proc.go: globrunqputbatch."""
    sched.runq.extend(batch)
    if len(sched.runq) > sched.runq_peak:
        sched.runq_peak = len(sched.runq)


def globrunqget(sched: Sched) -> G | None:
    """Take one G from the head of the global queue. Mirrors runtime/proc.go: globrunqget."""
    return sched.runq.popleft() if sched.runq else None


def globrunqgetbatch_size(size: int, gomaxprocs: int, n: int) -> int:
    """How many Gs one visit to the global queue takes.

    Mirrors the formula in runtime/proc.go: globrunqgetbatch, called by
    findRunnable with ``n = len(pp.runq)/2``: min(n, size, size/gomaxprocs+1).
    Each P takes its fair share plus one, and never more than half a local
    queue (128 with the real capacity).
    """
    return min(n, size, size // gomaxprocs + 1)


def globrunqgetbatch(sched: Sched, n: int) -> tuple[G | None, list[G]]:
    """Take a batch from the global queue: one G to run now and the rest.

    Mirrors runtime/proc.go: globrunqgetbatch. The caller puts the rest on its
    local queue with runqputbatch.
    """
    size = len(sched.runq)
    if size == 0:
        return None, []
    n = globrunqgetbatch_size(size, sched.gomaxprocs, n)
    popleft = sched.runq.popleft
    gp = popleft()
    return gp, [popleft() for _ in range(n - 1)]


def runqgrab_count(queued: int) -> int:
    """How many Gs a thief takes from a victim's queue: half, rounded up.

    Mirrors runtime/proc.go: runqgrab (``n := t - h; n = n - n/2``).
    """
    return queued - queued // 2


def runqtake(victim: P, count: int, runnext: bool) -> list[G]:
    """Remove ``count`` Gs from the head of victim's queue, or its runnext.

    The taking half of runtime/proc.go: runqgrab, once the thief has decided
    what to take (see ``whygo.sched.steal``).
    """
    if runnext:
        gp = victim.runnext
        victim.runnext = None
        return [gp]
    popleft = victim.runq.popleft
    return [popleft() for _ in range(count)]


def runqsteal(sched: Sched, pp: P, batch: list[G]) -> G:
    """Put a stolen batch on the thief's queue and return the G to run now.

    Mirrors runtime/proc.go: runqsteal: the last G grabbed is run at once,
    the others go to the thief's local queue in order.
    """
    gp = batch[-1]
    rest = batch[:-1]
    if len(pp.runq) + len(rest) > sched.runq_size:
        raise AssertionError("runqsteal: runq overflow")
    pp.runq.extend(rest)
    if len(pp.runq) > pp.runq_peak:
        pp.runq_peak = len(pp.runq)
    return gp
