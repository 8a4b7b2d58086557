"""The ``%%task`` cell magic: a lab's Go task cell, kept for its check.

    %%task escape/1
    func NewPoint(x, y int) *Point { ... }

The cell's Go source is stored under the check id (``escape/1``) in
:data:`whygo.labs.registry.ANSWERS`, where the check cell finds it, and is compiled once with
``-gcflags=-m`` (:func:`whygo.golang.cells.run_task_cell`, the cell logic ``%%go`` and the
Go kernel share) so the learner sees the compiler's escape decisions for their lines at once.
Nothing here raises for bad Go: compile errors are printed ("cell line N: ..."), and the
check reports them as "not yet".
"""
from __future__ import annotations

from whygo.golang.cells import CellFlagsError, parse_task_line, run_task_cell
from whygo.labs import registry


class TaskNameError(CellFlagsError):
    """``%%task`` needs the check id of the task, e.g. ``%%task escape/1``."""


def save_task(line: str, cell: str) -> str:
    """Keep the cell's Go source for its check (the grader's answer process does only this)."""
    try:
        name = parse_task_line(line)
    except CellFlagsError as exc:
        raise TaskNameError(str(exc)) from None
    registry.ANSWERS[name] = cell
    return name


def task(line: str, cell: str) -> None:
    name = save_task(line, cell)
    outcome = run_task_cell(name, cell, registry.context(name))
    for _, text in outcome.chunks:
        print(text, end="")
    if outcome.error:
        print(outcome.error)


def load_ipython_extension(ipython) -> None:
    ipython.register_magic_function(task, magic_kind="cell", magic_name="task")
