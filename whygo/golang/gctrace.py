"""Parse ``GODEBUG=gctrace=1`` output: one :class:`GCCycle` per GC.

At the end of every cycle ``gcMarkTermination`` (runtime/mgc.go) prints to
stderr, in the pinned go1.27::

    gc 5 @0.101s 0%: 0.12+0.75+0.002 ms clock, 0.24+0/0.23/0.46+0.005 ms cpu, 57->57->32 MB, 65 MB goal, 0 MB stacks, 0 MB globals, 2 P

- ``gc 5``: the cycle number; ``@0.101s``: seconds since the program
  started; ``0%``: share of CPU used by the GC since the program started.
- ``ms clock``: wall time of the three phases — stop-the-world sweep
  termination + concurrent mark + stop-the-world mark termination.
- ``ms cpu``: CPU time — sweep termination + mark assist / background mark
  (dedicated + fractional workers) / idle mark + mark termination.
- ``57->57->32 MB``: heap when the cycle started -> when it ended -> live
  (marked) heap; ``65 MB goal``: the heap goal; then the stacks and globals
  the GC scanned, and GOMAXPROCS.
- `` (forced)`` ends the line when the program called ``runtime.GC``; the
  runtime may add `` (checking for goroutine leaks)`` after the percentage.

Durations are printed by ``fmtNSAsMS`` (two significant digits, whole
milliseconds from 10 ms on); MB values are whole MiB (``>>20``). Pure Python.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields


class GCTraceError(ValueError):
    """A line looks like a gctrace line but does not parse; the message names it."""


@dataclass(frozen=True, slots=True)
class GCCycle:
    n: int                    # cycle number (memstats.numgc)
    at_s: float               # seconds since the program started
    cpu_percent: int          # GC share of CPU since the start
    clock_sweep_term_ms: float    # STW: sweep termination
    clock_mark_ms: float          # concurrent mark
    clock_mark_term_ms: float     # STW: mark termination
    cpu_sweep_term_ms: float
    cpu_assist_ms: float          # mark assists by allocating goroutines
    cpu_background_ms: float      # dedicated + fractional mark workers
    cpu_idle_ms: float            # idle mark workers
    cpu_mark_term_ms: float
    heap_start_mb: int        # heap at the start of the cycle
    heap_end_mb: int          # heap at the end of the cycle
    heap_live_mb: int         # marked (live) heap
    heap_goal_mb: int
    stacks_mb: int
    globals_mb: int
    procs: int                # GOMAXPROCS (work.maxprocs)
    forced: bool = False      # runtime.GC() (work.userForced)
    leak_check: bool = False  # "(checking for goroutine leaks)"

    @property
    def stw_ms(self) -> float:
        """Wall time the world was stopped: sweep termination + mark termination."""
        return self.clock_sweep_term_ms + self.clock_mark_term_ms

    @property
    def clock_ms(self) -> float:
        return self.clock_sweep_term_ms + self.clock_mark_ms + self.clock_mark_term_ms


@dataclass(frozen=True)
class GCTrace:
    cycles: list[GCCycle]
    other: list[str]  # every line that is not a gctrace line, in order


_NUM = r"(\d+(?:\.\d+)?)"
_LINE = re.compile(
    rf"gc (\d+) @{_NUM}s (\d+)%( \(checking for goroutine leaks\))?: "
    rf"{_NUM}\+{_NUM}\+{_NUM} ms clock, "
    rf"{_NUM}\+{_NUM}/{_NUM}/{_NUM}\+{_NUM} ms cpu, "
    r"(\d+)->(\d+)->(\d+) MB, (\d+) MB goal, (\d+) MB stacks, (\d+) MB globals, (\d+) P"
    r"( \(forced\))?$")
_LOOKS_LIKE = re.compile(r"gc \d+ @")


def parse_line(line: str) -> GCCycle | None:
    """One gctrace line as a GCCycle, or None if the line is something else.

    A line that starts like one (``gc N @``) but does not match the go1.27
    format raises :class:`GCTraceError`: better an error naming the line than
    a cycle silently lost.
    """
    m = _LINE.match(line.rstrip("\r\n"))
    if m is None:
        if _LOOKS_LIKE.match(line):
            raise GCTraceError(f"gctrace line in an unknown format: {line.strip()[:200]!r}. "
                               "This parser follows runtime/mgc.go of go1.27 (gcMarkTermination).")
        return None
    g = m.groups()
    return GCCycle(
        n=int(g[0]), at_s=float(g[1]), cpu_percent=int(g[2]), leak_check=g[3] is not None,
        clock_sweep_term_ms=float(g[4]), clock_mark_ms=float(g[5]), clock_mark_term_ms=float(g[6]),
        cpu_sweep_term_ms=float(g[7]), cpu_assist_ms=float(g[8]), cpu_background_ms=float(g[9]),
        cpu_idle_ms=float(g[10]), cpu_mark_term_ms=float(g[11]),
        heap_start_mb=int(g[12]), heap_end_mb=int(g[13]), heap_live_mb=int(g[14]),
        heap_goal_mb=int(g[15]), stacks_mb=int(g[16]), globals_mb=int(g[17]), procs=int(g[18]),
        forced=g[19] is not None)


def parse_gctrace(text: str) -> GCTrace:
    """Split output into GC cycles and every other line (program output, other traces).

    A last line cut short is left out: a program that exits while a GC cycle ends (the
    runtime prints that cycle's line after the program's main may have called os.Exit)
    leaves a partial line with no newline, which is no cycle and no error of the format."""
    cycles, other = [], []
    lines = text.splitlines()
    if lines and not text.endswith("\n") and _LOOKS_LIKE.match(lines[-1]) and not _LINE.match(lines[-1]):
        lines.pop()
    for line in lines:
        cycle = parse_line(line)
        if cycle is None:
            other.append(line)
        else:
            cycles.append(cycle)
    return GCTrace(cycles, other)


def columns(cycles: list[GCCycle]) -> dict[str, list]:
    """Cycles as columns for plotting: one list per field, plus ``stw_ms``."""
    names = [f.name for f in fields(GCCycle)]
    cols: dict[str, list] = {name: [getattr(c, name) for c in cycles] for name in names}
    cols["stw_ms"] = [c.stw_ms for c in cycles]
    return cols
