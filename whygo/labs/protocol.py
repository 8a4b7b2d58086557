"""The verdict line: how a check speaks to the learner and to the grader.

Every check prints exactly one line::

    [check escape/1] passed: NewPoint makes 0 allocations per call
    [check escape/1] not yet: NewPoint allocates 1 time per call — hint: return a Point, not a *Point

The same line serves both readers. The learner reads it; ``whygo grade``
finds it with :data:`VERDICT_RE` in the outputs of the lab's check cells
(cells whose id starts with ``check-``) and ignores it anywhere else, so a
student cannot pass by printing the line from a task cell. One plain-text
protocol works in both kernels: Python checks print it from
:func:`whygo.labs.check`, the Go kernel's checks print it from Go.

A verdict is deterministic (no timings in it), so shipped notebooks
reproduce it exactly under nbval.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

PASSED, NOT_YET = "passed", "not yet"
VERDICT_RE = re.compile(r"^\[check (?P<check>[a-z0-9-]+/[a-z0-9-]+)\] (?P<status>passed|not yet): (?P<text>.*)$",
                        re.MULTILINE)


@dataclass(frozen=True)
class Verdict:
    check: str                  # "<lab>/<n>", e.g. "escape/1"
    passed: bool
    message: str                # what is right, or what is wrong
    hint: str = ""              # only for "not yet"

    def line(self) -> str:
        if self.passed:
            return f"[check {self.check}] {PASSED}: {self.message}"
        hint = f" — hint: {self.hint}" if self.hint else ""
        return f"[check {self.check}] {NOT_YET}: {self.message}{hint}"


def passed(check: str, message: str) -> Verdict:
    return Verdict(check, True, message)


def not_yet(check: str, message: str, hint: str = "") -> Verdict:
    return Verdict(check, False, message, hint)


def parse_verdicts(text: str) -> list[Verdict]:
    """Every verdict line in a block of output text."""
    out = []
    for m in VERDICT_RE.finditer(text):
        body = m["text"]
        message, _, hint = body.partition(" — hint: ")
        out.append(Verdict(m["check"], m["status"] == PASSED, message, hint))
    return out
