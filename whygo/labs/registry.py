"""The one registry of the labs: where a check's function and a task's Go context are found.

Each Python-kernel lab has a module of checks (named by ``Lab.checks_module`` in
:mod:`whygo.labs.catalog`) that defines::

    CHECKS = {"escape/1": check_point, ...}    # check id -> fn(namespace) -> Verdict
    CONTEXT = "package main ..."               # optional: the Go a %%task of the lab compiles with

and reads the learner's ``%%task`` cells from :data:`ANSWERS`. Everything that needs a
check or a context (``check()``, ``%%task``, the grader's judge) asks this module, which
imports the lab modules by name on first use. The imports form a tree: the lab modules
and :mod:`whygo.labs.tasks` import this module, and this module imports none of them.
"""
from __future__ import annotations

import functools
import importlib
from collections.abc import Callable

from whygo.labs.catalog import LABS

ANSWERS: dict[str, str] = {}   # check id -> the Go source of its %%task cell, as last run

EMPTY_CONTEXT = "package main\n"   # a task compiled alone, as a library (no func main needed)


def _modules() -> dict[str, object]:
    """lab id -> its module of checks (the Go-kernel lab checks itself in its notebook)."""
    return {lab.id: importlib.import_module(lab.checks_module) for lab in LABS.values() if lab.checks_module}


@functools.cache
def checks() -> dict[str, Callable]:
    """check id -> check function, for every Python-kernel lab."""
    table: dict[str, Callable] = {}
    for module in _modules().values():
        table.update(module.CHECKS)
    return table


def context(check_id: str) -> str:
    """The Go file the ``%%task`` cell of ``check_id`` is compiled with."""
    lab_id = check_id.split("/", 1)[0]
    lab = LABS.get(lab_id)
    if lab is None or not lab.checks_module:
        return EMPTY_CONTEXT
    return getattr(importlib.import_module(lab.checks_module), "CONTEXT", EMPTY_CONTEXT)
