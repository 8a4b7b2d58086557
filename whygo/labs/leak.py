"""Lab 4's check messages, for the catalog: its checks are Go code, its words are here too.

Lab 4 runs in the Go kernel: its checks are Go in the notebook (cells ``check-1`` and
``check-2``) and print their verdict lines themselves, in English (the grader reads the
line's English prefix; the message after it is only read by the learner). Each message and
hint those cells print is registered below, with ``{n}`` where the Go formats a number in
(``%d``), so that the catalog holds it. The Go kernel shows a verdict line through
:func:`whygo.labs.feedback.split_output`, which asks :func:`localized` for the verdict in
the running edition: the printed English is looked up here, and a text not found is shown
as printed. A test keeps this table and the notebook's Go in step.
"""
from __future__ import annotations

import functools
import re
from dataclasses import replace

from whygo.i18n import N_, _, is_zh
from whygo.labs.protocol import MORE, Verdict

MESSAGES = (
    # check-1
    N_("without a deadline fetchAll returned {n} bodies, not 3"),
    N_("when ctx is never done, wait for every body"),
    N_("fetchAll returned soon after the deadline, with {n} bodies"),
    N_("fetchAll was still waiting 1 s after a 50 ms deadline"),
    N_("the receive loop waits on one channel only: what else could it wait on?"),
    N_("in the receive loop, select on the results channel and on ctx.Done()"),
    # check-2
    N_("fetchAll waited for all the fetches instead of returning at the deadline"),
    N_("return when ctx is done (task 1) first"),
    N_("{n} goroutines were still blocked 3 s after fetchAll returned"),
    N_("after fetchAll returns, who receives from results?"),
    N_("each one is stuck sending on a channel nobody reads: give the channel a slot per URL, "
       "or let the sender select on ctx.Done()"),
    N_("every goroutine fetchAll started has ended after cancellation"),
)


@functools.cache
def _patterns() -> tuple[tuple[re.Pattern, str], ...]:
    """Each message as a regular expression matching what the Go prints (``{n}``: a number)."""
    return tuple((re.compile(re.escape(m).replace(re.escape("{n}"), r"(?P<n>-?\d+)")), m) for m in MESSAGES)


def translated(text: str) -> str:
    """``text``, printed in English by a check cell of lab 4, in the running edition."""
    if not is_zh():
        return text
    for pattern, message in _patterns():
        found = pattern.fullmatch(text)
        if found:
            return _(message).format(**found.groupdict())
    return text


def localized(verdict: Verdict) -> Verdict:
    """The verdict with its message and every hint tier in the running edition."""
    if not is_zh():
        return verdict
    return replace(verdict, message=translated(verdict.message),
                   hint=MORE.join(translated(h) for h in verdict.hints))
