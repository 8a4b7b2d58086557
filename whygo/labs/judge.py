"""The judge: one check of a Python lab, run where none of the submission's Python has run.

    python -I -m whygo.labs.judge sched/2 --requests FD --replies FD     (in a sandbox of its own)

The grader starts one judge per check, each in a fresh sandbox, while the
submission's task cells wait in the answer process (:mod:`whygo.labs.answers`),
another sandbox with another uid. The judge runs the course's own
:func:`whygo.labs.run_check` with a namespace whose lookups are requests to
the answer process: data comes back as data, a function comes back as a
proxy that calls the student's function over there. So the check's code,
the simulator it drives and the Go it builds live only here, where a task
cell cannot reach them; all a submission controls is what its answers are.

The verdict line goes to the judge's stdout, a pipe only the grader reads:
the judge keeps a private copy of it and points fd 1 at /dev/null, and makes
itself non-dumpable, so the student's Go that a check runs here (as the
judge's uid) can neither write to that pipe nor ptrace the judge. That Go
shares its test binary with the check's harness, so it can still fake what
that binary prints: checks that run Go trust their harness the way the
notebook does. A fresh sandbox per check means it cannot affect another check.
"""
from __future__ import annotations

import argparse
import dataclasses
import importlib
import os
import sys
from typing import Any

from whygo.i18n import _
from whygo.labs.answers import AnswerProcessGone, Answers, randoms_in
from whygo.labs.sandbox import private_stdout


def _remote_error(text: str) -> Exception:
    """An exception named like the one the student's function raised, so messages read the same."""
    name, _, message = str(text).partition(": ")
    cls = type(name if name.isidentifier() else "RemoteError", (RuntimeError,), {})
    return cls(message)


def decode(data: Any) -> Any:
    """The answer process's data, with the course's dataclasses rebuilt (and nothing else)."""
    if isinstance(data, list):
        return [decode(v) for v in data]
    if isinstance(data, dict):
        if "$dataclass" not in data:
            return {k: decode(v) for k, v in data.items()}
        module, _dot, name = str(data["$dataclass"]).rpartition(".")
        cls = getattr(importlib.import_module(module), name, None) if module.startswith("whygo.") else None
        if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
            raise TypeError(_("the answer is a {name}, not a value of the course's types").format(name=name))
        return cls(**{k: decode(v) for k, v in dict(data.get("fields", {})).items()})
    return data


def _random_state(state: list) -> tuple:
    version, internal, gauss = state
    return int(version), tuple(int(x) for x in internal), None if gauss is None else float(gauss)


@dataclasses.dataclass
class RemoteFunction:
    """A function defined by a task cell, called in the answer process."""
    answers: Answers
    name: str

    def __call__(self, *args):
        reply = self.answers.ask("call", self.name, args)
        if "raised" in reply:
            raise _remote_error(reply["raised"])
        for rng, state in zip(randoms_in(args), reply.get("random") or []):
            rng.setstate(_random_state(state))
        return decode(reply.get("value"))


@dataclasses.dataclass
class RemoteNamespace:
    """The task cells' namespace, as the checks read it (``ns.get(name)``)."""
    answers: Answers

    def get(self, name: str, default: Any = None) -> Any:
        reply = self.answers.ask("get", name)
        if reply.get("function"):
            return RemoteFunction(self.answers, name)
        if "raised" in reply:
            raise _remote_error(reply["raised"])
        return decode(reply["value"]) if "value" in reply else default

    def __getitem__(self, name: str) -> Any:
        missing = object()
        value = self.get(name, missing)
        if value is missing:
            raise KeyError(name)
        return value

    def __contains__(self, name: str) -> bool:
        return "missing" not in self.answers.ask("get", name)


def judge(check: str, answers: Answers):
    """The verdict of ``check`` on the answers (every failure is "not yet", as in the notebook)."""
    from whygo.labs import run_check
    from whygo.labs.registry import ANSWERS
    try:
        sources = answers.ask("tasks").get("value")
    except (AnswerProcessGone, ValueError):   # then every %%task check says "no code saved"
        sources = None
    if isinstance(sources, dict):
        ANSWERS.update({k: v for k, v in sources.items() if isinstance(k, str) and isinstance(v, str)})
    return run_check(check, RemoteNamespace(answers))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m whygo.labs.judge")
    p.add_argument("check", help="the check id, e.g. sched/2")
    p.add_argument("--requests", type=int, required=True, help="fd to write requests to the answer process")
    p.add_argument("--replies", type=int, required=True, help="fd to read its replies from")
    ns = p.parse_args(argv)
    verdicts = private_stdout()
    for fd in (ns.requests, ns.replies):   # the Go a check runs must not inherit them
        os.set_inheritable(fd, False)
    verdict = judge(ns.check, Answers(ns.requests, ns.replies))
    verdicts.write(verdict.line() + "\n")
    verdicts.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
