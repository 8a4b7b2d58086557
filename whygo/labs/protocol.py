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

A check may give its hint in tiers, from a nudge to the fuller help, joined by
:data:`MORE`::

    [check escape/2] not yet: Mean makes 1 allocation(s) per call — hint: does Mean need the values once it has seen them? — more: keep a running sum and a count

That full line is what a check prints (and what the grader reads); the learner
is shown one tier at a time (:mod:`whygo.labs.feedback`: the first failure of a
check shows the nudge, a repeated one the next tier), as a verdict line too.

A verdict is deterministic (no timings in it), so shipped notebooks
reproduce it exactly under nbval.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

PASSED, NOT_YET = "passed", "not yet"
HINT, MORE = " — hint: ", " — more: "
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
        hint = f"{HINT}{self.hint}" if self.hint else ""
        return f"[check {self.check}] {NOT_YET}: {self.message}{hint}"

    @property
    def hints(self) -> tuple[str, ...]:
        """The hint's tiers, the nudge first."""
        return tuple(self.hint.split(MORE)) if self.hint else ()

    def at_tier(self, tier: int) -> Verdict:
        """This verdict with only hint tier ``tier`` (the last one if there are fewer)."""
        hints = self.hints
        return replace(self, hint=hints[min(tier, len(hints) - 1)]) if hints else self


def passed(check: str, message: str) -> Verdict:
    return Verdict(check, True, message)


def not_yet(check: str, message: str, *hints: str) -> Verdict:
    """A "not yet" verdict; ``hints`` from a nudge to the fuller help (see :data:`MORE`)."""
    return Verdict(check, False, message, MORE.join(h for h in hints if h))


def parse_verdicts(text: str) -> list[Verdict]:
    """Every verdict line in a block of output text."""
    out = []
    for m in VERDICT_RE.finditer(text):
        body = m["text"]
        message, _, hint = body.partition(HINT)
        out.append(Verdict(m["check"], m["status"] == PASSED, message, hint))
    return out
