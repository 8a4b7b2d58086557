"""Chapter 2.5 (context): a small model of a context tree, and its Graphviz view.

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
:class:`ContextSnapshot`; :func:`render` draws one as an SVG string.
"""
from __future__ import annotations

from dataclasses import dataclass

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
        raise ContextModelError(f"no context {name!r} in this snapshot")


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
            raise ContextModelError(f"a context named {name!r} already exists: pick another name")
        if parent not in self._ctx:
            raise ContextModelError(f"parent {parent!r} of {name!r} does not exist: create it first "
                                    f"(known: {', '.join(self._ctx)})")
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
            raise ContextModelError(f"no context {name!r} to cancel (known: {', '.join(self._ctx)})")
        if name == "Background":
            raise ContextModelError("Background is never cancelled: cancel one of its children")
        self._cancel(name, CANCELED)

    def advance(self, to_ms: int) -> list[str]:
        """Move the clock to ``to_ms``, firing due timers in deadline order; returns who fired."""
        if to_ms < self.now:
            raise ContextModelError(f"time only moves forward: now={self.now} ms, asked {to_ms} ms")
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


# -- the chapter's scenario -------------------------------------------------------------------

def request_scenario() -> list[ContextSnapshot]:
    """An order request with a 100 ms budget fans out to payment, inventory (with a DB query
    of 30 ms) and an audit log; the DB query times out alone, the audit is cancelled by hand,
    and the request's deadline ends the rest."""
    tree = ContextTree()
    frames = [tree.snapshot("t=0: context.Background(), the root: never cancelled, no deadline")]

    def step(caption: str) -> None:
        frames.append(tree.snapshot(f"t={tree.now}: {caption}"))

    tree.with_timeout("Background", "request", 100, "G handler")
    step("the handler creates request = WithTimeout(Background, 100 ms): a timer for t=100")
    tree.with_timeout("request", "payment", 300, "G payment")
    step("payment asks for 300 ms, but its parent ends at t=100: WithDeadline returns a plain "
         "WithCancel (no timer), deadline t=100")
    tree.with_cancel("request", "inventory", "G inventory")
    step("inventory = WithCancel(request): no deadline of its own, it inherits t=100")
    tree.with_timeout("inventory", "db query", 30, "G db")
    step("the DB query gets 30 ms: sooner than t=100, so it gets its own timer for t=30")
    tree.with_cancel("request", "audit", "G audit")
    step("audit = WithCancel(request), for a background log write")
    tree.advance(20)
    step("time passes: nothing is due yet")
    fired = tree.advance(30)
    step(f"{', '.join(fired)}'s timer fires: DeadlineExceeded for it alone; its parent inventory "
         "goes on (cancellation never flows up)")
    tree.advance(60)
    tree.cancel("audit")
    step("the handler calls audit's cancel(): Canceled, for audit only")
    tree.cancel("audit")
    step("calling cancel() again changes nothing: the first error wins")
    tree.advance(99)
    step("one millisecond before the request's deadline, three goroutines still wait")
    fired = tree.advance(100)
    step(f"{', '.join(fired)}'s timer fires: DeadlineExceeded travels down to payment and "
         "inventory at once")
    tree.with_cancel("request", "late retry", "G retry")
    step("a context created under a finished parent is cancelled at birth (propagateCancel)")
    return frames


# -- the view --------------------------------------------------------------------------------

_NL = "\\n"  # a Graphviz line break inside a label
_FILL = {None: "#dcfce7", CANCELED: "#e5e7eb", DEADLINE_EXCEEDED: "#fee2e2"}


def to_dot(snap: ContextSnapshot) -> str:
    """The snapshot as a Graphviz graph: one box per context (plain labels), edges parent->child."""
    def q(text: str) -> str:
        return '"' + text.replace('"', "'") + '"'

    lines = ["digraph ctx {", "  rankdir=TB; bgcolor=white;",
             '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];',
             '  edge [color="#475569"];',
             f'  label={q(f"t = {snap.t} ms")}; labelloc=t; fontname="Helvetica";']
    for n in snap.nodes:
        parts = [n.name] if n.kind == n.name else [n.name, n.kind]
        if n.deadline is not None:
            parts.append(f"deadline t={n.deadline}" + (" (own timer)" if n.own_timer else " (inherited)"))
        if n.goroutine:
            parts.append(f"waiting: {n.goroutine}" if n.err is None else f"woken: {n.goroutine}")
        parts.append("err: nil" if n.err is None else f"err: {n.err}")
        width = "3" if n.err == DEADLINE_EXCEEDED else "1"
        lines.append(f"  {q(n.name)} [label={q(_NL.join(parts))}, fillcolor={q(_FILL[n.err])}, "
                     f"penwidth={width}];")
    for n in snap.nodes:
        if n.parent is not None:
            # removeChild: a finished context is no longer registered with its parent (dashed).
            style = " [style=dashed]" if n.err is not None else ""
            lines.append(f"  {q(n.parent)} -> {q(n.name)}{style};")
    lines.append("}")
    return "\n".join(lines)


def render(snap: ContextSnapshot) -> str:
    """Snapshot -> SVG string (the course's WebAssembly Graphviz: identical everywhere)."""
    from whygo.graphviz_render import to_svg
    return to_svg(to_dot(snap))


def player(frames: list[ContextSnapshot], title: str = "a context tree"):
    from whygo.anim import Player
    return Player(frames, render, title=title)


# -- go vet on a snippet ---------------------------------------------------------------------

def vet(source: str) -> list[str]:
    """Run ``go vet`` (which includes the ``lostcancel`` analyzer) on one ``package main``
    file and return its findings as ``main.go:LINE:COL: message`` lines ([] when clean)."""
    import re
    import tempfile
    from pathlib import Path

    from whygo.golang.toolchain import go_command
    if not source.lstrip().startswith("package "):
        raise ContextModelError("vet() needs a whole Go file that starts with 'package main'")
    with tempfile.TemporaryDirectory(prefix="whygo-vet-") as tmp:
        Path(tmp, "go.mod").write_text("module vetme\n\ngo 1.22\n")
        Path(tmp, "main.go").write_text(source)
        proc = go_command("vet", ".", cwd=tmp, check=False, timeout=120)
    out = []
    for line in (proc.stdout + proc.stderr).splitlines():
        m = re.search(r"(main\.go:\d+:\d+: .*)", line)
        if m:
            out.append(m.group(1))
    if proc.returncode != 0 and not out:
        raise ContextModelError("go vet failed without a finding:\n" + (proc.stdout + proc.stderr)[-1500:])
    return out
