"""The scheduler's state: G, M, P and the global ``sched``, named as in the runtime.

Mirrors runtime/runtime2.go (types ``g``, ``m``, ``p``, ``schedt``) of the
pinned Go 1.27 toolchain, keeping only the fields the model needs. These are
mutable working objects (``__slots__``, integer ids, deques) so that a run of
100,000 goroutines stays small and fast; views never see them, they see the
frozen snapshots made by ``whygo.sched.snapshot``.

States: a G is ``_Grunnable``, ``_Grunning``, ``_Gsyscall``, ``_Gwaiting`` or
``_Gdead``; a P is ``_Pidle`` or ``_Prunning``. Go 1.27 no longer has a
``_Psyscall`` state (it is ``_Psyscall_unused`` in runtime2.go): a P whose G
is in a system call stays ``_Prunning`` and "in a syscall" is read from the
G's state, which is exactly what the model does. An M is "running" (it has a
P and runs a G or the scheduler), "spinning" (it has a P and looks for work
to steal), "syscall" (it is blocked in a system call with its G) or "idle".
"""
from __future__ import annotations

from collections import deque

# G states (runtime2.go: _Grunnable ...). Strings, so snapshots read well.
_Grunnable = "_Grunnable"
_Grunning = "_Grunning"
_Gsyscall = "_Gsyscall"
_Gwaiting = "_Gwaiting"
_Gdead = "_Gdead"

# P states (runtime2.go). _Psyscall is gone in Go 1.27, see the module docstring.
_Pidle = "_Pidle"
_Prunning = "_Prunning"

# M states: the runtime has no such enum; these name what an M is doing.
M_RUNNING = "running"
M_SPINNING = "spinning"
M_SYSCALL = "syscall"
M_IDLE = "idle"

RUNQ_SIZE = 256                  # runtime2.go: runq [256]guintptr
FORCE_PREEMPT_US = 10_000        # proc.go: forcePreemptNS = 10ms
SYSMON_MIN_US = 20               # proc.go sysmon: "start with 20us sleep"
SYSMON_MAX_US = 10_000           # proc.go sysmon: "up to 10ms"
SYSMON_IDLE_CYCLES = 50          # proc.go sysmon: "start doubling the sleep after 1ms"
SCHED_FAIRNESS_TICK = 61         # proc.go findRunnable: pp.schedtick%61 == 0
STEAL_TRIES = 4                  # proc.go stealWork: const stealTries = 4
RUNNEXT_STEAL_BACKOFF_US = 3     # proc.go runqgrab: usleep(3) before stealing runnext

# Kinds of timed events in the simulation loop's heap (model.py).
EV_SCHEDULE, EV_COMPUTE, EV_SYSCALL, EV_TIMER, EV_STEAL_RETRY, EV_PREEMPT, EV_SYSMON = range(7)


class G:
    """A goroutine (runtime2.go: type g)."""
    __slots__ = ("id", "name", "status", "next_action", "index", "checked", "left_us",
                 "until", "token", "m", "lastp", "runnable_since", "waitreason",
                 "waitch", "span_start", "timer_p", "wait_us", "runs")

    def __init__(self, gid: int, name: str, next_action, checked: bool) -> None:
        self.id = gid
        self.name = name
        self.status = _Grunnable
        self.next_action = next_action   # () -> next action, or None at the end
        self.index = 0                   # number of actions taken so far (for messages)
        self.checked = checked           # actions already validated at spawn time
        self.left_us = 0.0               # compute time still owed by the current action
        self.until = 0.0                 # when the current compute slice ends
        self.token = 0                   # bumps on preemption: stale wake-ups are ignored
        self.m = None                    # the M running it (or blocked in a syscall with it)
        self.lastp = None                # the P it last ran on
        self.runnable_since = 0.0        # when it last became _Grunnable (latency)
        self.waitreason = ""             # why it is _Gwaiting ("chan receive", "sleep"...)
        self.waitch = ""                 # channel it waits on
        self.span_start = 0.0            # start of the current timeline span
        self.timer_p = None              # the P whose timer will wake it (sleep)
        self.wait_us = 0.0               # total scheduling latency (runnable -> running)
        self.runs = 0                    # how many times it was scheduled

    def __repr__(self) -> str:
        return f"G{self.id}"


class M:
    """An OS thread (runtime2.go: type m)."""
    __slots__ = ("id", "p", "curg", "spinning", "state", "oldp", "syscalltick")

    def __init__(self, mid: int) -> None:
        self.id = mid
        self.p = None           # the P it holds
        self.curg = None        # the G it runs (kept during a syscall)
        self.spinning = False   # looking for work with nothing local
        self.state = M_IDLE
        self.oldp = None        # the P it had when it entered a syscall
        self.syscalltick = 0

    def __repr__(self) -> str:
        return f"M{self.id}"


class P:
    """A processor: the right to run Go code, with its own run queue (type p)."""
    __slots__ = ("id", "status", "m", "runq", "runnext", "schedtick", "syscalltick",
                 "pd_schedtick", "pd_schedwhen", "pd_syscalltick", "pd_syscallwhen",
                 "busy_us", "runq_peak", "slice_start")

    def __init__(self, pid: int) -> None:
        self.id = pid
        self.status = _Pidle
        self.m = None
        self.runq: deque[G] = deque()   # bounded by Sched.runq_size, like runq [256]
        self.runnext = None
        self.schedtick = 0              # incremented by execute() unless the time slice is inherited
        self.slice_start = 0.0          # when the current time slice began (the last schedtick bump)
        self.syscalltick = 0            # incremented when a syscall ends or the P is retaken
        # sysmontick: what sysmon saw last time (proc.go: type sysmontick).
        self.pd_schedtick = 0
        self.pd_schedwhen = 0.0
        self.pd_syscalltick = 0
        # The runtime's clock (nanotime) is never near zero, so a P that never
        # had a syscall observed looks "long ago" to retake. Mirror that.
        self.pd_syscallwhen = float("-inf")
        self.busy_us = 0.0
        self.runq_peak = 0

    def runqempty(self) -> bool:
        """proc.go: runqempty (the local queue and runnext are both empty)."""
        return not self.runq and self.runnext is None

    def __repr__(self) -> str:
        return f"P{self.id}"


class Sched:
    """The global scheduler state (runtime2.go: type schedt, the ``sched`` variable)."""
    __slots__ = ("gomaxprocs", "runq_size", "runq", "pidle", "npidle", "midle",
                 "nmspinning", "runq_peak", "allp")

    def __init__(self, gomaxprocs: int, runq_size: int = RUNQ_SIZE) -> None:
        self.gomaxprocs = gomaxprocs
        self.runq_size = runq_size       # capacity of each P's local queue
        self.runq: deque[G] = deque()    # the global run queue (sched.runq)
        self.pidle: list[P] = []         # idle Ps, a stack like the runtime's linked list
        self.npidle = 0
        self.midle: list[M] = []         # idle Ms, a stack as well
        self.nmspinning = 0
        self.runq_peak = 0
        self.allp = [P(i) for i in range(gomaxprocs)]
