"""What the learner sees of a check: a coloured box, hints in tiers, the lab's progress.

A check's verdict (:mod:`whygo.labs.protocol`) goes through :func:`shown`, which
returns a :class:`CheckResult`. Its text form (``text/plain``) is exactly a verdict
line, the one with the hint tier shown, so nbval and the grader read text as before;
its HTML form is a box, green when the check passed and amber while it has not yet,
with the hints given so far and a progress line for the lab ("1 of 2 checks pass").

The tier and the progress are this process's memory (:data:`FEEDBACK`): the
kernel's, never a file. The first failure of a check shows its first hint (a nudge);
each repeated failure of the same check, of the same kind (the same nudge), shows the
next tier. A notebook run from the
top in a fresh kernel (nbval, the grader's Go-kernel worker) therefore always shows
the same outputs, and the grader's judges, a fresh process per check, print the full
line. Python checks come here from :func:`whygo.labs.check`; the Go kernel sends the
verdict lines its check cells print here too (:func:`split_output`).

The words of the box are in :data:`TEXT` (one place for a translation catalog).
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from whygo.i18n import N_, _, punct
from whygo.labs.catalog import LABS
from whygo.labs.leak import localized
from whygo.labs.protocol import VERDICT_RE, Verdict, parse_verdicts

TEXT = {
    "passed": N_("Passed"),
    "not yet": N_("Not yet"),
    "check": N_("check {check}"),
    "hint": N_("Hint"),
    "more": N_("More"),
    "again": N_("Try again, then run this check once more: a repeated failure gives a fuller hint."),
    "progress": N_("{lab}: {passed} of {total} checks pass"),
}

# (border, background, badge text) by outcome; the badge colour passes WCAG AA on white.
COLOURS = {True: ("#15803d", "#f0fdf4", "#ffffff"), False: ("#b45309", "#fffbeb", "#ffffff")}


@dataclass
class Feedback:
    """What this process has seen: failures per check and kind of failure (the hint tier),
    the last outcome per check (the progress)."""
    failures: dict[tuple[str, str], int] = field(default_factory=dict)
    outcomes: dict[str, bool] = field(default_factory=dict)

    def record(self, verdict: Verdict) -> CheckResult:
        # A kind of failure is known by its first hint: a new kind starts again with its nudge.
        key = (verdict.check, verdict.hints[0] if verdict.hints else "")
        tier = self.failures.get(key, 0)
        self.outcomes[verdict.check] = verdict.passed
        if not verdict.passed:
            self.failures[key] = tier + 1
        return CheckResult(verdict, tier, self.progress(verdict.check))

    def progress(self, check: str) -> tuple[str, int, int] | None:
        """(lab name, checks passed, checks) for the lab of ``check``; None for an unknown lab."""
        lab = LABS.get(check.split("/", 1)[0])
        if lab is None:
            return None
        number = lab.title.split(":", 1)[0].split()[-1]      # "Lab 2: Scheduler ..." -> "2"
        name = _("Lab {number}").format(number=number)
        return name, sum(self.outcomes.get(c, False) for c in lab.checks), len(lab.checks)


FEEDBACK = Feedback()   # the kernel's memory (one per process)


@dataclass(frozen=True)
class CheckResult:
    verdict: Verdict                          # as the check returned it, every hint tier
    tier: int = 0                             # the hint tier shown
    progress: tuple[str, int, int] | None = None

    @property
    def shown(self) -> Verdict:
        return self.verdict.at_tier(self.tier)

    def __repr__(self) -> str:               # text/plain: a verdict line (what nbval and the grader read)
        return self.shown.line()

    def _repr_html_(self) -> str:
        v = self.verdict
        border, background, badge_text = COLOURS[v.passed]
        hints = v.hints[:self.tier + 1]
        rows = [f'<div style="margin:4px 0">{_inline(v.message)}</div>']
        for n, hint in enumerate(hints):
            label = _(TEXT["hint"]) if n == 0 else _(TEXT["more"])
            rows.append(f'<div style="margin:4px 0"><b>{label}{punct(":")}</b>{punct(" ")}{_inline(hint)}</div>')
        if not v.passed and len(hints) < len(v.hints):
            rows.append(f'<div style="margin:4px 0;font-size:0.9em;color:#57534e">{_(TEXT["again"])}</div>')
        if self.progress:
            lab, done, total = self.progress
            rows.append(f'<div style="margin-top:6px;padding-top:4px;border-top:1px solid #d6d3d1;'
                        f'font-size:0.9em;color:#334155">{_meter(done, total, border)} '
                        f'{html.escape(_(TEXT["progress"]).format(lab=lab, passed=done, total=total))}</div>')
        status = _(TEXT["passed"]) if v.passed else _(TEXT["not yet"])
        head = (f'<div><span style="display:inline-block;background:{border};color:{badge_text};'
                f'font-weight:bold;padding:0 8px;border-radius:10px">{"✓" if v.passed else "✗"} {status}</span> '
                f'<span style="color:#475569">{html.escape(_(TEXT["check"]).format(check=v.check))}</span></div>')
        # mathjax_ignore: a message may quote "$GOROOT" or two "$"; it is text, not TeX.
        return (f'<div class="whygo-check mathjax_ignore" data-check="{html.escape(v.check)}" '
                f'data-passed="{str(v.passed).lower()}" style="border:1px solid {border};'
                f'border-left:6px solid {border};background:{background};color:#1c1917;border-radius:4px;'
                f'padding:6px 10px;margin:4px 0;max-width:100%;box-sizing:border-box;white-space:normal;'
                f'overflow-wrap:break-word;word-break:normal;font-family:system-ui,sans-serif;'
                f'font-size:14px;line-height:1.45">{head}{"".join(rows)}</div>')


def _inline(text: str) -> str:
    """Escaped text with `code` spans (checks name functions and flags that way)."""
    return re.sub(r"`([^`]+)`", r'<code style="background:#0000000d;padding:0 2px">\1</code>', html.escape(text))


def _meter(done: int, total: int, colour: str) -> str:
    cells = "".join(f'<span style="display:inline-block;width:10px;height:10px;margin-right:2px;'
                    f'border:1px solid {colour};background:{colour if k < done else "transparent"}"></span>'
                    for k in range(total))
    return f'<span aria-hidden="true">{cells}</span>'


def shown(verdict: Verdict, feedback: Feedback | None = None) -> CheckResult:
    """Record the verdict in this process and return what the learner is shown."""
    return (feedback or FEEDBACK).record(verdict)


def split_output(text: str, feedback: Feedback | None = None) -> list[str | CheckResult]:
    """Program output with each verdict line replaced by its CheckResult (the Go kernel's check cells),
    its English message and hints in the running edition (:mod:`whygo.labs.leak`)."""
    parts: list[str | CheckResult] = []
    pos = 0
    for m in VERDICT_RE.finditer(text):
        if m.start() > pos:
            parts.append(text[pos:m.start()])
        parts.append(shown(localized(parse_verdicts(m.group(0))[0]), feedback))
        pos = m.end() + (1 if text[m.end():m.end() + 1] == "\n" else 0)
    if pos < len(text):
        parts.append(text[pos:])
    return parts
