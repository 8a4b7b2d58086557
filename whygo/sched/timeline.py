"""The Timeline: which goroutine ran on which P, and when.

One small structure shared by both sides of the course: the simulator
(``whygo.sched``) produces it, and the real-runtime side builds the same
thing from ``go tool trace`` output, so ``whygo.views.sched.render_timeline``
can draw the model and the real runtime side by side.

Times are microseconds from the start of the run. ``Span.kind`` is "run"
(the G executes Go code on the P) or "syscall" (the G sits in a system call
while still holding the P). ``Mark.kind`` is one of MARK_KINDS; other
producers may add kinds, the view draws unknown kinds with a neutral marker.
"""
from __future__ import annotations

from dataclasses import dataclass, field

MARK_KINDS = ("steal", "handoff", "preempt", "gosched", "overflow")


@dataclass(frozen=True, slots=True)
class Span:
    p: int
    g: int
    start_us: float
    end_us: float
    kind: str = "run"

    @property
    def duration_us(self) -> float:
        return self.end_us - self.start_us


@dataclass(frozen=True, slots=True)
class Mark:
    kind: str
    p: int
    t_us: float
    label: str = ""


@dataclass(frozen=True)
class Timeline:
    procs: int
    spans: list[Span] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)

    def __repr__(self) -> str:   # short, for notebooks
        return f"Timeline(procs={self.procs}, spans={len(self.spans)}, marks={len(self.marks)})"

    @property
    def end_us(self) -> float:
        ends = [s.end_us for s in self.spans] + [m.t_us for m in self.marks]
        return max(ends, default=0.0)

    def busy_us(self, p: int) -> float:
        """Time P ``p`` spent running Go code (syscall spans excluded)."""
        return sum(s.duration_us for s in self.spans if s.p == p and s.kind == "run")
