"""The ``%%task`` cell magic: a lab's Go task cell, kept for its check.

    %%task escape/1
    func NewPoint(x, y int) *Point { ... }

The cell's Go source is stored under the check id (``escape/1``) in
:data:`whygo.labs.registry.ANSWERS`, where the check cell finds it, and is compiled once with
``-gcflags=-m`` so the learner sees the compiler's escape decisions for
their lines at once. Nothing here raises for bad Go: compile errors are
printed, and the check reports them as "not yet".
"""
from __future__ import annotations

from whygo.labs import registry
from whygo.labs.golab import CELL_FILE, go_compile


class TaskNameError(ValueError):
    """``%%task`` needs the check id of the task, e.g. ``%%task escape/1``."""


def save_task(line: str, cell: str) -> str:
    """Keep the cell's Go source for its check (the grader's answer process does only this)."""
    name = line.strip()
    if not name or " " in name or "/" not in name:
        raise TaskNameError(f"%%task needs one check id like 'escape/1', got {line.strip()!r}")
    registry.ANSWERS[name] = cell
    return name


def task(line: str, cell: str) -> None:
    name = save_task(line, cell)
    # A library (no ``func main`` needed, no link) next to the declarations its lab gives
    # (diet: ``type Item``), without the check's tests.
    result = go_compile(cell, registry.context(name))
    if result.compile_errors:
        for e in result.compile_errors:
            where = f"line {e.line}: " if e.line else ""
            print(f"compile error: {where}{e.message}")
        return
    # Inlined standard-library code reports on the line that calls it; its
    # "inlining call" notes and its panic strings would bury the learner's own decisions.
    decisions = [d for d in result.decisions if d.file == CELL_FILE
                 and not d.message.startswith(("inlining call to", '"'))]
    print(f"saved as {name}; the compiler's decisions (-gcflags=-m) on your lines:")
    for d in decisions:
        print(f"  line {d.line}: {d.message}")
    if not decisions:
        print("  (none)")


def load_ipython_extension(ipython) -> None:
    ipython.register_magic_function(task, magic_kind="cell", magic_name="task")
