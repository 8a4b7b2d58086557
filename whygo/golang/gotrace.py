"""Read a real ``runtime/trace`` through ``go tool trace -d=parsed``.

``go tool trace -d=parsed trace.out`` (cmd/trace/main.go: debugProcessedEvents)
prints every event of the trace, in time order, with ``internal/trace``'s
``Event.String``::

    M=12978 P=0 G=-1 StateTransition Time=6117316597248 GoID=20 Runnable->Running Reason=""
    M=12976 P=-1 G=-1 StateTransition Time=6117320115328 ProcID=1 Running->Idle Reason=""
    M=12975 P=1 G=1 Metric Time=6117316542592 Name="/sched/gomaxprocs:threads" Value=Value{Uint64(2)}

``M`` is the OS thread, ``P`` and ``G`` the P and goroutine the event
happened on (``-1``: none). Stack traces follow on indented lines after
``Stack=`` / ``TransitionStack=``; this module keeps only the first frame of
a new goroutine's ``TransitionStack`` (the function it starts in), which
tells the program's goroutines from the runtime's own.

From the events it builds the same :class:`whygo.sched.timeline.Timeline`
the scheduler model produces (which G ran on which P, and when), so the model
and the real runtime can be drawn side by side, and it extracts the evidence
the course points at:

- :func:`stolen` — goroutines created on one P that first ran on another:
  work moved by stealing (runtime/proc.go: ``findRunnable`` -> ``stealWork``).
- :func:`handoffs` — a P taken away from a G blocked in a system call and
  given to another G (``sysmon`` -> ``retake`` -> ``handoffp``; in the trace a
  ``ProcSteal``: the P goes Running->Idle in an event emitted from elsewhere).
- :func:`gosched_resumes` — goroutines that yielded with ``runtime.Gosched``
  and ran again later.

Pure Python, no IPython; :func:`run_trace_tool` is the only function that
starts a process.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable

from whygo.golang.toolchain import go_command
from whygo.sched.timeline import Mark, Span, Timeline


class GoTraceError(ValueError):
    """The trace text or file cannot be read; the message names the offending item."""


@dataclass(frozen=True, slots=True)
class TraceEvent:
    """One line of ``go tool trace -d=parsed`` (internal/trace: Event.String).

    ``m``, ``p`` and ``g`` are None where the tool prints -1. For a state
    transition, ``resource`` is "G" or "P", ``id`` the goroutine or P that
    changed state, ``old``/``new`` its states ("Runnable", "Running",
    "Syscall", "Waiting", "NotExist", "Idle", "Undetermined") and
    ``reason`` the runtime's reason string (e.g. "runtime.Gosched",
    "chan receive", "preempted"). ``detail`` keeps the rest of the line for
    the other kinds (Metric, Sync, Range*, Label, ...).
    """
    m: int | None
    p: int | None
    g: int | None
    kind: str
    time_ns: int
    resource: str | None = None
    id: int | None = None
    old: str | None = None
    new: str | None = None
    reason: str = ""
    detail: str = ""
    start_func: str = ""  # G created (NotExist->Runnable): the function it starts in


_HEAD = re.compile(r"M=(-?\d+) P=(-?\d+) G=(-?\d+) (\w+) Time=(\d+)(.*)$")
_TRANSITION = re.compile(r' (GoID|ProcID)=(\d+) (\w+)->(\w+) Reason="((?:[^"\\]|\\.)*)"')
_GOMAXPROCS = re.compile(r'Name="/sched/gomaxprocs:threads" Value=Value\{Uint64\((\d+)\)\}')


def _opt(text: str) -> int | None:
    n = int(text)
    return None if n < 0 else n


def parse_events(text: str) -> list[TraceEvent]:
    """Parse the whole text output of ``go tool trace -d=parsed``.

    Lines that start with ``M=`` are events; stack lines are skipped except
    the first frame after ``TransitionStack=`` of a goroutine creation,
    kept as ``start_func``. A line that starts with ``M=`` but does not have
    the expected shape raises :class:`GoTraceError` naming it: that means a
    Go version with a different format.
    """
    events: list[TraceEvent] = []
    want_start = False  # the next frame line is a new goroutine's start function
    for number, line in enumerate(text.splitlines(), 1):
        if not line.startswith("M="):
            if line == "TransitionStack=" and events and events[-1].old == "NotExist":
                want_start = True
            elif want_start and line.startswith("\t") and " @ 0x" in line:
                events[-1] = replace(events[-1], start_func=line.strip().split(" @ ")[0])
                want_start = False
            elif not line.startswith("\t"):
                want_start = False
            continue
        want_start = False
        head = _HEAD.match(line)
        if head is None:
            raise GoTraceError(f"line {number} is not a trace event: {line[:120]!r}. "
                               "Is this `go tool trace -d=parsed` output of go1.27?")
        m, p, g, kind, time_ns, rest = head.groups()
        ev = dict(m=_opt(m), p=_opt(p), g=_opt(g), kind=kind, time_ns=int(time_ns))
        if kind == "StateTransition":
            tr = _TRANSITION.match(rest)
            if tr is None:
                raise GoTraceError(f"line {number}: state transition without GoID/ProcID "
                                   f"old->new: {line[:120]!r}")
            res, ident, old, new, reason = tr.groups()
            ev.update(resource="G" if res == "GoID" else "P", id=int(ident), old=old, new=new,
                      reason=reason)
        else:
            ev["detail"] = rest.strip()
        events.append(TraceEvent(**ev))
    return events


def run_trace_tool(trace_file: str | Path, *, timeout: float = 120) -> str:
    """Run ``go tool trace -d=parsed TRACE`` with the pinned toolchain; return its output."""
    path = Path(trace_file)
    if not path.is_file() or path.stat().st_size == 0:
        raise GoTraceError(f"trace file {path} is missing or empty: run the program with "
                           "-trace FILE first (see whygo.golang.evidence.real_scheduler).")
    proc = go_command("tool", "trace", "-d=parsed", str(path), timeout=timeout, check=False)
    if proc.returncode != 0:
        raise GoTraceError(f"`go tool trace -d=parsed {path}` failed: {proc.stderr.strip()[:500]}")
    return proc.stdout


def read_trace(trace_file: str | Path) -> list[TraceEvent]:
    """Events of a trace file: :func:`run_trace_tool` then :func:`parse_events`."""
    return parse_events(run_trace_tool(trace_file))


# ---------------------------------------------------------------------------
# Derived facts


def gomaxprocs(events: Iterable[TraceEvent]) -> int:
    """GOMAXPROCS of the run: the trace's gomaxprocs metric, else the highest P seen + 1."""
    highest = -1
    for ev in events:
        if ev.kind == "Metric" and (m := _GOMAXPROCS.search(ev.detail)):
            return int(m.group(1))
        for p in (ev.p, ev.id if ev.resource == "P" else None):
            if p is not None:
                highest = max(highest, p)
    return highest + 1


def created_on(events: Iterable[TraceEvent]) -> dict[int, int]:
    """goroutine -> the P it was created on (``go`` statement: NotExist->Runnable)."""
    return {ev.id: ev.p for ev in events
            if ev.resource == "G" and ev.old == "NotExist" and ev.new == "Runnable"
            and ev.p is not None}


def ran_on(events: Iterable[TraceEvent]) -> dict[int, list[int]]:
    """goroutine -> the Ps it ran on, in order, each switch counted once."""
    out: dict[int, list[int]] = defaultdict(list)
    for ev in events:
        if ev.resource == "G" and ev.new == "Running" and ev.old != "Running" and ev.p is not None:
            ps = out[ev.id]
            if not ps or ps[-1] != ev.p:
                ps.append(ev.p)
    return dict(out)


@dataclass(frozen=True, slots=True)
class Stolen:
    """A goroutine created on P ``created_p`` whose first run was on another P."""
    g: int
    created_p: int
    first_p: int
    t_us: float


def stolen(events: list[TraceEvent]) -> list[Stolen]:
    """Goroutines that left the P they were created on before they first ran.

    ``newproc`` puts a new G in the creating P's runnext/runq; if another P
    runs it first, the G was taken by ``runqsteal`` (or, when the local queue
    overflowed, via the global queue: ``runqputslow``). Either way: work moved.
    """
    t0 = events[0].time_ns if events else 0
    birth = created_on(events)
    seen: set[int] = set()
    out = []
    for ev in events:
        if ev.resource == "G" and ev.new == "Running" and ev.id in birth and ev.id not in seen:
            seen.add(ev.id)
            if ev.p is not None and ev.p != birth[ev.id]:
                out.append(Stolen(ev.id, birth[ev.id], ev.p, (ev.time_ns - t0) / 1e3))
    return out


@dataclass(frozen=True, slots=True)
class Handoff:
    """P ``p`` was taken from G ``syscall_g`` blocked in a system call.

    ``next_g`` is the first other G that ran on ``p`` while ``syscall_g`` was
    still in the syscall (None if none did before it came back).
    """
    p: int
    syscall_g: int
    t_us: float
    next_g: int | None


def handoffs(events: list[TraceEvent]) -> list[Handoff]:
    """Ps handed off from a G in a syscall (sysmon's retake; trace ``ProcSteal``).

    A steal shows as ``ProcID=X Running->Idle`` emitted from a context that
    does not own P X (sysmon runs without a P); a P stopping by itself is
    emitted on that P.
    """
    t0 = events[0].time_ns if events else 0
    in_syscall: dict[int, int] = {}   # P -> the G that entered a syscall on it
    taken: dict[int, dict] = {}       # G still in its syscall -> {p, t, next_g} of its hand-off
    done: list[dict] = []
    for ev in events:
        if ev.resource == "G":
            if ev.old == "Running" and ev.new == "Syscall" and ev.p is not None:
                in_syscall[ev.p] = ev.id
            elif ev.old == "Syscall":
                in_syscall = {p: g for p, g in in_syscall.items() if g != ev.id}
                if ev.id in taken:
                    done.append(taken.pop(ev.id))
            if ev.new == "Running" and ev.old != "Syscall" and ev.p is not None:
                for h in taken.values():  # the first G to use a handed-off P
                    if h["p"] == ev.p and h["next_g"] is None:
                        h["next_g"] = ev.id
        elif (ev.resource == "P" and ev.old == "Running" and ev.new == "Idle"
              and ev.p != ev.id and ev.id in in_syscall):
            g = in_syscall.pop(ev.id)
            taken[g] = {"p": ev.id, "g": g, "t": ev.time_ns, "next_g": None}
    done.extend(taken.values())
    return sorted((Handoff(h["p"], h["g"], (h["t"] - t0) / 1e3, h["next_g"]) for h in done),
                  key=lambda h: h.t_us)


@dataclass(frozen=True, slots=True)
class Resume:
    """G ``g`` yielded with runtime.Gosched on ``yield_p`` and ran again on ``resume_p``."""
    g: int
    yield_p: int
    yield_us: float
    resume_p: int
    resume_us: float


def gosched_resumes(events: list[TraceEvent]) -> list[Resume]:
    """Every Gosched yield (Running->Runnable, reason "runtime.Gosched") and its next run.

    ``goschedImpl`` puts the G on the global run queue (``globrunqput``), so
    each resume is a G taken from the global queue, by whichever P got there
    first: ``resume_p != yield_p`` shows it need not be the P it left.
    """
    t0 = events[0].time_ns if events else 0
    waiting: dict[int, tuple[int, int]] = {}
    out = []
    for ev in events:
        if ev.resource != "G" or ev.p is None:
            continue
        if ev.old == "Running" and ev.new == "Runnable" and ev.reason == "runtime.Gosched":
            waiting[ev.id] = (ev.p, ev.time_ns)
        elif ev.new == "Running" and ev.id in waiting:
            p, t = waiting.pop(ev.id)
            out.append(Resume(ev.id, p, (t - t0) / 1e3, ev.p, (ev.time_ns - t0) / 1e3))
    return out


# ---------------------------------------------------------------------------
# The timeline, in the model's structure (whygo.sched.timeline)


def timeline(events: list[TraceEvent], *, goroutines: set[int] | None = None) -> Timeline:
    """The real run as the model's :class:`~whygo.sched.timeline.Timeline` (µs from the first event).

    Spans: kind "run" while a G executes on a P; kind "syscall" while a G
    sits in a system call still holding its P, until the call returns or the
    P is handed off. Marks: "steal" (a G's first run on a P other than the
    one it was created on), "handoff" (P taken from a G in a syscall),
    "gosched" and "preempt" (a G stopped by runtime.Gosched or by
    preemption). ``goroutines`` limits spans and marks to those Gs (e.g.
    :func:`user_goroutines`, to leave out the runtime's own).
    """
    if not events:
        return Timeline(procs=0)
    t0 = events[0].time_ns
    us = lambda ns: (ns - t0) / 1e3  # noqa: E731 - a one-line unit conversion
    keep = (lambda g: True) if goroutines is None else (lambda g: g in goroutines)  # noqa: E731
    birth = created_on(events)
    started: set[int] = set()
    running: dict[int, tuple[int, int]] = {}   # G -> (P, start ns)
    syscall: dict[int, tuple[int, int]] = {}   # G -> (P it holds, start ns)
    spans: list[Span] = []
    marks: list[Mark] = []

    def close(table: dict, g: int, end_ns: int, kind: str) -> None:
        if g in table:
            p, start = table.pop(g)
            if keep(g):
                spans.append(Span(p, g, us(start), us(end_ns), kind))

    for ev in events:
        if ev.resource == "G":
            g = ev.id
            if ev.old == "Running":
                close(running, g, ev.time_ns, "run")
            if ev.old == "Syscall":
                close(syscall, g, ev.time_ns, "syscall")
            if ev.new == "Running" and ev.p is not None:
                running[g] = (ev.p, ev.time_ns)
                if g not in started:
                    started.add(g)
                    if g in birth and birth[g] != ev.p and keep(g):
                        marks.append(Mark("steal", ev.p, us(ev.time_ns), f"G{g} from P{birth[g]}"))
            elif ev.new == "Syscall" and ev.p is not None:
                syscall[g] = (ev.p, ev.time_ns)
            elif ev.new == "Runnable" and ev.old == "Running" and ev.p is not None and keep(g):
                if ev.reason == "runtime.Gosched":
                    marks.append(Mark("gosched", ev.p, us(ev.time_ns), f"G{g}"))
                elif ev.reason == "preempted":
                    marks.append(Mark("preempt", ev.p, us(ev.time_ns), f"G{g}"))
        elif (ev.resource == "P" and ev.old == "Running" and ev.new == "Idle"
              and ev.p != ev.id):
            # ProcSteal: the P leaves the G in its syscall (which goes on without it).
            for g, (p, _start) in list(syscall.items()):
                if p == ev.id:
                    close(syscall, g, ev.time_ns, "syscall")
                    if keep(g):
                        marks.append(Mark("handoff", p, us(ev.time_ns), f"P{p} taken from G{g}"))
    end = events[-1].time_ns
    for g in list(running):
        close(running, g, end, "run")
    for g in list(syscall):
        close(syscall, g, end, "syscall")
    spans.sort(key=lambda s: (s.start_us, s.p))
    marks.sort(key=lambda m: (m.t_us, m.p))
    return Timeline(procs=gomaxprocs(events), spans=spans, marks=marks)


def user_goroutines(events: Iterable[TraceEvent], *, main: int = 1) -> set[int]:
    """The program's own goroutines: main plus every G started outside the runtime.

    A created G whose start function is in package ``runtime`` or below
    (``runtime.gcBgMarkWorker``, the goroutines ``runtime/trace.Start``
    makes...) belongs to the runtime and is left out; ``go f()`` in the
    program and ``sync.WaitGroup.Go`` are kept.
    """
    users = {main}
    for ev in events:
        if (ev.resource == "G" and ev.old == "NotExist" and ev.new == "Runnable"
                and not ev.start_func.startswith("runtime")):
            users.add(ev.id)
    return users
