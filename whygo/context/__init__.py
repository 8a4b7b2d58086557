"""A model of a context tree: how cancellation and deadlines travel (context/context.go).

The model mirrors the standard library's ``context/context.go`` closely
enough to animate how cancellation and deadlines travel:

- ``WithCancel(parent)`` creates a ``cancelCtx`` that ``propagateCancel``
  registers as a child of its parent;
- ``WithTimeout(parent, d)`` is ``WithDeadline(parent, now+d)``; when the
  parent's deadline is already sooner, ``WithDeadlineCause`` simply returns
  ``WithCancel(parent)`` (no timer of its own), and a deadline already past
  cancels the new context at once with ``DeadlineExceeded``;
- ``cancelCtx.cancel`` records the first error only, cancels every child
  with the same error, and removes the context from its parent
  (``removeChild``): cancellation flows down the tree, never up;
- a ``timerCtx``'s timer fires ``cancel(DeadlineExceeded)`` at its deadline.

Time is an integer number of milliseconds and advances only when asked
(``advance``), so a run is fully deterministic. Each step returns a frozen
:class:`ContextSnapshot` (drawn by ``whygo.views.context``).
"""
from __future__ import annotations

from dataclasses import dataclass

from whygo.i18n import _

CANCELED = "Canceled"                  # context.Canceled: "context canceled"
DEADLINE_EXCEEDED = "DeadlineExceeded"  # context.DeadlineExceeded: "context deadline exceeded"


class ContextModelError(ValueError):
    """A bad operation on the model: the message names the context and says what to do."""


@dataclass(frozen=True)
class Node:
    """One context as the snapshot shows it."""
    name: str
    parent: str | None
    kind: str                  # "Background", "WithCancel" or "WithTimeout(N ms)"
    deadline: int | None       # effective deadline in ms (None: no deadline)
    own_timer: bool            # True for a timerCtx whose timer is armed (or fired)
    err: str | None            # None while live, else CANCELED or DEADLINE_EXCEEDED
    goroutine: str             # label of the goroutine waiting on Done(), "" if none


@dataclass(frozen=True)
class ContextSnapshot:
    t: int
    nodes: tuple[Node, ...]
    caption: str

    def node(self, name: str) -> Node:
        for n in self.nodes:
            if n.name == name:
                return n
        raise ContextModelError(_("no context {name} in this snapshot").format(name=repr(name)))


@dataclass
class _Ctx:
    name: str
    parent: str | None
    kind: str
    deadline: int | None
    own_timer: bool
    goroutine: str
    err: str | None = None
    children: list[str] | None = None


class ContextTree:
    """A tree of contexts rooted at ``Background``, with a clock in milliseconds."""

    def __init__(self):
        self.now = 0
        self._ctx: dict[str, _Ctx] = {"Background": _Ctx("Background", None, "Background", None,
                                                          False, "", None, [])}

    # -- building the tree ------------------------------------------------
    def _parent(self, parent: str, name: str) -> _Ctx:
        if name in self._ctx:
            raise ContextModelError(_("a context named {name} already exists: pick another name").format(name=repr(name)))
        if parent not in self._ctx:
            raise ContextModelError(_("parent {parent} of {name} does not exist: create it first (known: {known})")
                                    .format(parent=repr(parent), name=repr(name), known=", ".join(self._ctx)))
        return self._ctx[parent]

    def _attach(self, parent: _Ctx, child: _Ctx) -> None:
        """propagateCancel: a child of a cancelled parent is cancelled at once."""
        self._ctx[child.name] = child
        if parent.err is not None:
            self._cancel(child.name, parent.err)
        else:
            parent.children.append(child.name)

    def with_cancel(self, parent: str, name: str, goroutine: str = "") -> None:
        p = self._parent(parent, name)
        self._attach(p, _Ctx(name, parent, "WithCancel", p.deadline, False, goroutine, None, []))

    def with_timeout(self, parent: str, name: str, timeout_ms: int, goroutine: str = "") -> None:
        """WithTimeout = WithDeadline(now + timeout); see WithDeadlineCause."""
        p = self._parent(parent, name)
        d = self.now + timeout_ms
        kind = f"WithTimeout({timeout_ms} ms)"
        if p.deadline is not None and p.deadline < d:
            # "The current deadline is already sooner than the new one": WithCancel(parent).
            self._attach(p, _Ctx(name, parent, kind, p.deadline, False, goroutine, None, []))
            return
        self._attach(p, _Ctx(name, parent, kind, d, True, goroutine, None, []))
        if d <= self.now:  # "deadline has already passed"
            self._cancel(name, DEADLINE_EXCEEDED)

    # -- cancelling -------------------------------------------------------
    def _cancel(self, name: str, err: str) -> None:
        """cancelCtx.cancel: first error wins; children get the same error; removeChild."""
        c = self._ctx[name]
        if c.err is not None:
            return
        c.err = err
        for child in list(c.children):
            self._cancel(child, err)
        c.children.clear()
        if c.parent is not None:
            siblings = self._ctx[c.parent].children
            if name in siblings:
                siblings.remove(name)

    def cancel(self, name: str) -> None:
        """Call the context's CancelFunc (a no-op if it is already done)."""
        if name not in self._ctx:
            raise ContextModelError(_("no context {name} to cancel (known: {known})")
                                    .format(name=repr(name), known=", ".join(self._ctx)))
        if name == "Background":
            raise ContextModelError(_("Background is never cancelled: cancel one of its children"))
        self._cancel(name, CANCELED)

    def advance(self, to_ms: int) -> list[str]:
        """Move the clock to ``to_ms``, firing due timers in deadline order; returns who fired."""
        if to_ms < self.now:
            raise ContextModelError(_("time only moves forward: now={now} ms, asked {to} ms").format(now=self.now, to=to_ms))
        fired = []
        while True:
            due = sorted((c.deadline, c.name) for c in self._ctx.values()
                         if c.own_timer and c.err is None and c.deadline <= to_ms)
            if not due:
                break
            deadline, name = due[0]
            self.now = deadline
            self._cancel(name, DEADLINE_EXCEEDED)
            fired.append(name)
        self.now = to_ms
        return fired

    # -- observing --------------------------------------------------------
    def descendants(self, name: str) -> list[str]:
        """Every context created under ``name`` (by creation, not by current registration)."""
        out = []
        for c in self._ctx.values():
            p = c.parent
            while p is not None:
                if p == name:
                    out.append(c.name)
                    break
                p = self._ctx[p].parent
        return out

    def snapshot(self, caption: str = "") -> ContextSnapshot:
        nodes = tuple(Node(c.name, c.parent, c.kind, c.deadline, c.own_timer, c.err, c.goroutine)
                      for c in self._ctx.values())
        return ContextSnapshot(self.now, nodes, caption)


__all__ = ["CANCELED", "DEADLINE_EXCEEDED", "ContextModelError", "ContextSnapshot", "ContextTree", "Node"]
