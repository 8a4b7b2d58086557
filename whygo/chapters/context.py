"""Chapter 2.5, context (notebooks/02-5-context.ipynb): the glue its notebook needs.

* :func:`request_scenario` -- one order request with a 100 ms budget, played
  on the context-tree model (:mod:`whygo.context`) step by step;
* :func:`player` -- its animation (:mod:`whygo.views.context`);
* :func:`vet` -- ``go vet`` on a snippet, for the ``lostcancel`` analyzer
  (:mod:`whygo.golang.vet`).
"""
from __future__ import annotations

from whygo.context import ContextSnapshot, ContextTree
from whygo.golang.vet import vet
from whygo.i18n import _
from whygo.views.context import player


def request_scenario() -> list[ContextSnapshot]:
    """An order request with a 100 ms budget fans out to payment, inventory (with a DB query
    of 30 ms) and an audit log; the DB query times out alone, the audit is cancelled by hand,
    and the request's deadline ends the rest."""
    tree = ContextTree()
    frames: list[ContextSnapshot] = []

    def step(caption: str) -> None:
        frames.append(tree.snapshot(f"t={tree.now}: {caption}"))

    step(_("context.Background(), the root: never cancelled, no deadline"))
    tree.with_timeout("Background", "request", 100, "G handler")
    step(_("the handler creates request = WithTimeout(Background, 100 ms): a timer for t=100"))
    tree.with_timeout("request", "payment", 300, "G payment")
    step(_("payment asks for 300 ms, but its parent ends at t=100: WithDeadline returns a plain "
           "WithCancel (no timer), deadline t=100"))
    tree.with_cancel("request", "inventory", "G inventory")
    step(_("inventory = WithCancel(request): no deadline of its own, it inherits t=100"))
    tree.with_timeout("inventory", "db query", 30, "G db")
    step(_("the DB query gets 30 ms: sooner than t=100, so it gets its own timer for t=30"))
    tree.with_cancel("request", "audit", "G audit")
    step(_("audit = WithCancel(request), for a background log write"))
    tree.advance(20)
    step(_("time passes: nothing is due yet"))
    fired = tree.advance(30)
    step(_("{contexts}'s timer fires: DeadlineExceeded for it alone; its parent inventory "
           "goes on (cancellation never flows up)").format(contexts=", ".join(fired)))
    tree.advance(60)
    tree.cancel("audit")
    step(_("the handler calls audit's cancel(): Canceled, for audit only"))
    tree.cancel("audit")
    step(_("calling cancel() again changes nothing: the first error wins"))
    tree.advance(99)
    step(_("one millisecond before the request's deadline, three goroutines still wait"))
    fired = tree.advance(100)
    step(_("{contexts}'s timer fires: DeadlineExceeded travels down to payment and "
           "inventory at once").format(contexts=", ".join(fired)))
    tree.with_cancel("request", "late retry", "G retry")
    step(_("a context created under a finished parent is cancelled at birth (propagateCancel)"))
    return frames


__all__ = ["ContextTree", "player", "request_scenario", "vet"]
