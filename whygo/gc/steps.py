"""Schedule steps: one line of text per mutator operation or collector step.

A schedule is a list of strings, readable by a student and replayable by
the model (``find_lost_object`` returns one)::

    gc                  the collector does one unit of work (see collector.py)
    g1: x = new         allocate an object; local x points to it
    g1: x = y.f0        load a heap pointer into a stack slot   (no barrier)
    g1: x = y           copy a local, or load a global          (no barrier)
    g1: x = nil         drop a stack slot                        (no barrier)
    g1: x.f0 = y        write a pointer into a heap slot         (write barrier)
    g1: x.f0 = nil      delete a heap pointer                    (write barrier)
    g1: G = y           store into a global G                    (write barrier)

Writes to locals have no barrier; heap and global writes do, as in Go
(runtime/mbarrier.go, "Global writes", and "Stack writes": the compiler
omits the barrier for writes to the current frame, but emits it for a write
through a pointer that it cannot prove points into the stack). A local here
is a slot of the goroutine's own frame, so no model step is of the second
kind.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from whygo.i18n import _

from .heap import GCModelError


@dataclass(frozen=True)
class Collect:
    """The collector does one unit of work."""
    def __str__(self) -> str:
        return "gc"


@dataclass(frozen=True)
class Assign:
    """``g: dst = src`` where src is ``new``, ``nil``, a local/global name, or ``local.field``;
    dst is a local (stack write) or a global (barriered store)."""
    g: str
    dst: str
    src: str | None           # None: nil; "new": allocate
    src_field: str | None = None

    def __str__(self) -> str:
        src = "nil" if self.src is None else self.src
        if self.src_field is not None:
            src = f"{src}.{self.src_field}"
        return f"{self.g}: {self.dst} = {src}"


@dataclass(frozen=True)
class WriteField:
    """``g: obj.field = src``: a heap pointer write (src a local, or None for nil)."""
    g: str
    obj: str
    field: str
    src: str | None

    def __str__(self) -> str:
        return f"{self.g}: {self.obj}.{self.field} = {self.src or 'nil'}"


Step = Collect | Assign | WriteField

_NAME = r"[A-Za-z_]\w*"
_ASSIGN = re.compile(rf"^({_NAME})\s*:\s*({_NAME})\s*=\s*({_NAME})(?:\.({_NAME}))?$")
_WRITE = re.compile(rf"^({_NAME})\s*:\s*({_NAME})\.({_NAME})\s*=\s*({_NAME})$")


def parse_step(text: str | Step) -> Step:
    """Parse one schedule line; already-parsed steps pass through."""
    if isinstance(text, (Collect, Assign, WriteField)):
        return text
    if not isinstance(text, str):
        raise GCModelError(_("a schedule step is a string like 'gc' or 'g1: x.f0 = y'; got {text}").format(
            text=repr(text)))
    line = text.strip()
    if line == "gc":
        return Collect()
    if m := _WRITE.match(line):
        g, obj, fld, src = m.groups()
        return WriteField(g, obj, fld, None if src == "nil" else src)
    if m := _ASSIGN.match(line):
        g, dst, src, fld = m.groups()
        if src in ("nil", "new") and fld is not None:
            raise GCModelError(_("step {step}: '{value}' is not a value").format(step=repr(text),
                                                                               value=f"{src}.{fld}"))
        return Assign(g, dst, None if src == "nil" else src, fld)
    raise GCModelError(
        _("cannot read step {step}: write 'gc', 'g1: x = new', 'g1: x = y.f0', "
          "'g1: x = y', 'g1: x = nil', 'g1: x.f0 = y' or 'g1: x.f0 = nil'").format(step=repr(text)))
