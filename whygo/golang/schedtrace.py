"""Parse ``GODEBUG=schedtrace=MS`` (and ``scheddetail=1``) output into a time series.

Every MS milliseconds sysmon calls ``schedtrace`` (runtime/proc.go), which
prints to stderr, in the pinned go1.27::

    SCHED 25ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=0 needspinning=1 idlethreads=1 runqueue=0 [ 25 24 ] schedticks=[ 7 13 ]

``runqueue`` is the global run queue; ``[ 25 24 ]`` the local run queue
length of each P; ``schedticks`` how many times each P has scheduled.
With ``scheddetail=1`` the header ends with ``gcwaiting= nmidlelocked=
stopwait= sysmonwait=`` and is followed by one line per P, M and G::

      P0: status=1 schedtick=2 syscalltick=0 m=0 runqsize=2 gfreecnt=0 timerslen=0
      M0: p=0 curg=9 mallocing=0 throwing=0 preemptoff= locks=0 dying=0 spinning=false blocked=false lockedg=nil
      G9: status=2() m=0 lockedm=nil

:func:`parse_schedtrace` returns one :class:`SchedSample` per SCHED line;
:func:`columns` turns the samples into plot-ready columns. Pure Python.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

# runtime/runtime2.go (go1.27): the P status values schedtrace prints as numbers.
# Status 2 was _Psyscall; in go1.27 it is unused (a P in a syscall stays _Prunning).
P_STATUS = {0: "_Pidle", 1: "_Prunning", 2: "_Psyscall_unused", 3: "_Pgcstop", 4: "_Pdead"}
# runtime/runtime2.go (go1.27): the G status values; 0x1000 (_Gscan) may be added.
G_STATUS = {0: "_Gidle", 1: "_Grunnable", 2: "_Grunning", 3: "_Gsyscall", 4: "_Gwaiting",
            6: "_Gdead", 8: "_Gcopystack", 9: "_Gpreempted", 10: "_Gleaked", 11: "_Gdeadextra"}
_GSCAN = 0x1000

HEADER_FIELDS = ("gomaxprocs", "idleprocs", "threads", "spinningthreads", "needspinning",
                 "idlethreads", "runqueue")


class SchedTraceError(ValueError):
    """A SCHED line lacks a field this parser needs; the message names the line and field."""


@dataclass(frozen=True, slots=True)
class PDetail:
    """One ``  P<i>:`` line of scheddetail=1."""
    id: int
    status: int
    schedtick: int
    syscalltick: int
    m: int | None
    runqsize: int
    gfreecnt: int
    timerslen: int

    @property
    def status_name(self) -> str:
        return P_STATUS.get(self.status, str(self.status))


@dataclass(frozen=True, slots=True)
class MDetail:
    """One ``  M<i>:`` line of scheddetail=1 (the main fields)."""
    id: int
    p: int | None
    curg: int | None
    spinning: bool
    blocked: bool


@dataclass(frozen=True, slots=True)
class GDetail:
    """One ``  G<i>:`` line of scheddetail=1."""
    id: int
    status: int
    waitreason: str
    m: int | None

    @property
    def status_name(self) -> str:
        scan = "_Gscan+" if self.status & _GSCAN else ""
        return scan + G_STATUS.get(self.status & ~_GSCAN, str(self.status))


@dataclass(frozen=True)
class SchedSample:
    """One SCHED line: the scheduler's state ``ms`` milliseconds after start.

    ``local_runq`` has one length per P; ``schedticks`` one count per P
    (empty if the line had none). In detailed mode both come from the P lines.
    """
    ms: int
    gomaxprocs: int
    idleprocs: int
    threads: int
    spinningthreads: int
    needspinning: int
    idlethreads: int
    runqueue: int
    local_runq: tuple[int, ...]
    schedticks: tuple[int, ...] = ()
    detailed: bool = False
    # scheddetail=1 only: the P, M and G lines under the SCHED line.
    p_lines: tuple[PDetail, ...] = field(default=(), repr=False)
    m_lines: tuple[MDetail, ...] = field(default=(), repr=False)
    g_lines: tuple[GDetail, ...] = field(default=(), repr=False)

    @property
    def runnable(self) -> int:
        """Goroutines waiting in a run queue: global plus every local queue."""
        return self.runqueue + sum(self.local_runq)


@dataclass(frozen=True)
class SchedTrace:
    samples: list[SchedSample]
    other: list[str]   # lines that were not schedtrace output (the program's own, ...)


_SCHED = re.compile(r"SCHED (\d+)ms: (.*)$")
_KV = re.compile(r"(\w+)=(\S*)")
_BRACKETS = re.compile(r"\[ ((?:\d+ ?)*)\]")
_P_LINE = re.compile(r"  P(\d+): (.*)$")
_M_LINE = re.compile(r"  M(\d+): (.*)$")
_G_LINE = re.compile(r"  G(\d+): status=(\d+)\((.*)\) m=(\w+) lockedm=(\w+)$")
_DETAIL = re.compile(r"  [PMG]\d+:")
# How each of schedtrace's lines ends (runtime/proc.go: schedtrace): the header without and with
# scheddetail, then the P, M and G lines.
_WHOLE = re.compile(r"SCHED \d+ms: .*(schedticks=\[ [\d ]*\]|sysmonwait=(true|false))$"
                    r"|  P\d+: .* timerslen=\d+$|  M\d+: .* lockedg=\w+$|  G\d+: .* lockedm=\w+$")


def _id(text: str) -> int | None:
    return None if text == "nil" else int(text)


def _header(line: str, match: re.Match) -> dict:
    ms, rest = match.groups()
    head = rest.split("[", 1)[0]
    kv = dict(_KV.findall(head))
    values = {"ms": int(ms)}
    for name in HEADER_FIELDS:
        if name not in kv:
            raise SchedTraceError(f"SCHED line has no {name}=: {line[:160]!r}. Is this "
                                  "GODEBUG=schedtrace output of go1.27?")
        values[name] = int(kv[name])
    lists = _BRACKETS.findall(rest)
    values["local_runq"] = tuple(int(x) for x in lists[0].split()) if lists else ()
    values["schedticks"] = tuple(int(x) for x in lists[1].split()) if len(lists) > 1 else ()
    values["detailed"] = "gcwaiting" in kv
    return values


def parse_schedtrace(text: str) -> SchedTrace:
    """Parse schedtrace (optionally scheddetail) output mixed with anything else.

    Lines that are neither SCHED lines nor the detail lines under one are
    returned in ``other``. A SCHED line without a required field raises
    :class:`SchedTraceError` naming the line.

    A last line cut short is left out: a program that exits while
    ``schedtrace`` prints (sysmon prints on its own clock) leaves a partial
    line with no newline (seen: ``... runqueue=`` and no value). It is no
    sample and no error of the format. A last line that is whole (it ends as
    schedtrace's lines end) is read, newline or not. With scheddetail, a last
    sample with fewer P lines than ``gomaxprocs`` was cut short the same way
    (between lines or inside one) and is left out too.
    """
    samples: list[SchedSample] = []
    other: list[str] = []
    current: dict | None = None
    lines = text.splitlines()
    if lines and not text.endswith("\n") and (_SCHED.match(lines[-1]) or _DETAIL.match(lines[-1])) \
            and not _WHOLE.match(lines[-1]):
        lines.pop()

    def flush() -> None:
        if current is None:
            return
        lines = {k: tuple(current.pop(k)) for k in ("p_lines", "m_lines", "g_lines")}
        if current["detailed"]:
            current["local_runq"] = tuple(p.runqsize for p in lines["p_lines"])
            current["schedticks"] = tuple(p.schedtick for p in lines["p_lines"])
        samples.append(SchedSample(**current, **lines))

    for line in lines:
        if (m := _SCHED.match(line)) is not None:
            flush()
            current = _header(line, m) | {"p_lines": [], "m_lines": [], "g_lines": []}
        elif current is not None and current["detailed"] and (p := _P_LINE.match(line)):
            kv = dict(_KV.findall(p.group(2)))
            current["p_lines"].append(PDetail(
                int(p.group(1)), int(kv["status"]), int(kv["schedtick"]), int(kv["syscalltick"]),
                _id(kv["m"]), int(kv["runqsize"]), int(kv["gfreecnt"]), int(kv["timerslen"])))
        elif current is not None and current["detailed"] and (mm := _M_LINE.match(line)):
            kv = dict(_KV.findall(mm.group(2)))
            current["m_lines"].append(MDetail(int(mm.group(1)), _id(kv["p"]), _id(kv["curg"]),
                                          kv["spinning"] == "true", kv["blocked"] == "true"))
        elif current is not None and current["detailed"] and (g := _G_LINE.match(line)):
            gid, status, reason, m, _lockedm = g.groups()
            current["g_lines"].append(GDetail(int(gid), int(status), reason, _id(m)))
        else:
            other.append(line)
    if current is not None and current["detailed"] and len(current["p_lines"]) < current["gomaxprocs"]:
        current = None   # the output ended inside its P lines
    flush()
    return SchedTrace(samples, other)


def columns(samples: list[SchedSample]) -> dict[str, list[int]]:
    """Samples as columns for plotting: ``ms``, every header field, ``runnable``,
    and ``runq_p0``, ``runq_p1``, ... (one per P; 0 where a sample had fewer Ps)."""
    cols: dict[str, list[int]] = {"ms": [s.ms for s in samples]}
    for name in HEADER_FIELDS:
        cols[name] = [getattr(s, name) for s in samples]
    cols["runnable"] = [s.runnable for s in samples]
    nprocs = max((len(s.local_runq) for s in samples), default=0)
    for i in range(nprocs):
        cols[f"runq_p{i}"] = [s.local_runq[i] if i < len(s.local_runq) else 0 for s in samples]
    return cols
