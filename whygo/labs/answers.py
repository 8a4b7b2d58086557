"""The answer process: the only process where a Python lab submission's code runs while it is graded.

    python -I -m whygo.labs.answers --max-output 1000000     (in a sandbox; requests on stdin, replies on stdout)

It runs the lab's own setup cell and the student's task cells, one request at
a time, in an IPython shell (so ``%%task`` and ``%load_ext`` work), and then
answers questions about the result. A check never runs here: a judge
(:mod:`whygo.labs.judge`) runs it in another sandbox and asks this process
for the values it needs. A task cell that replaces ``whygo.labs.run_check``
or any other function of the course therefore changes nothing that
grades it; the change is still reported, so the teacher sees the attempt.

Requests are pickled tuples (they come from the grader or a judge, never from
the student); replies are single JSON lines, because they come from a
process the student controls and are read by one that must not trust it::

    ("run", n, cell_id, source)  -> {"n": n, "error": "NameError: ..." | null, "truncated": bool,
                                     "replaced": ["whygo.labs.run_check", ...]}
    ("get", n, name)             -> {"n": n, "value": <data>} | {"n": n, "function": true} | {"n": n, "missing": true}
    ("call", n, name, args)      -> {"n": n, "value": <data>, "random": [<state>, ...]} | {"n": n, "raised": "..."}
    ("tasks", n)                 -> {"n": n, "value": {"escape/1": "<Go source of the %%task cell>", ...}}

Data is JSON plus dataclasses of the course (``{"$dataclass": "whygo.sched.steal.StealChoice",
"fields": {...}}``), which the judge rebuilds only for classes of ``whygo``.
The arguments of a call are copies; a ``random.Random`` among them (a
scheduler's seeded ``req.rng``) has its new state sent back, so a seeded
simulation runs exactly as it does in the notebook.

``%%task`` cells are only stored here (the judge compiles them), and helpers
that only print what a check will measure (``DISPLAY_ONLY``) do nothing, so
the grader does not build the same Go twice.
"""
from __future__ import annotations

import argparse
import dataclasses
import io
import json
import os
import pickle
import random
import select
import sys
import time
from typing import Any, BinaryIO

from whygo.i18n import _

MAX_REPLY = 4_000_000             # bytes of one reply line the reader accepts
DISPLAY_ONLY = ("show_build",)    # lab helpers that build and print, nothing a check reads


class AnswerProcessGone(RuntimeError):
    """The answer process died or closed its pipe."""


class OutOfTime(RuntimeError):
    """No reply before the deadline."""


# -- the answer process ---------------------------------------------------------------------

class CappedOutput(io.TextIOBase):
    """stdout and stderr of the cells: counted per cell, dropped (the grader keeps no output)."""

    def __init__(self, limit: int):
        self.limit, self.written, self.truncated = limit, 0, False

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.written += len(text)
        self.truncated |= self.written > self.limit
        return len(text)

    def next_cell(self) -> None:
        self.written, self.truncated = 0, False


def encode(value: Any, depth: int = 0) -> Any:
    """JSON-ready data, or TypeError for what a check cannot read (sets, arrays, open files...)."""
    if depth > 20:
        raise TypeError(_("data nested too deep"))
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [encode(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {str(k): encode(v, depth + 1) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        cls = type(value)
        return {"$dataclass": f"{cls.__module__}.{cls.__qualname__}",
                "fields": {f.name: encode(getattr(value, f.name), depth + 1) for f in dataclasses.fields(value)}}
    raise TypeError(_("a {type} is not data a check can read").format(type=type(value).__name__))


def randoms_in(args: tuple) -> list[random.Random]:
    """The random.Random objects among the arguments and their dataclass fields, in order."""
    found = []
    for a in args:
        if isinstance(a, random.Random):
            found.append(a)
        elif dataclasses.is_dataclass(a) and not isinstance(a, type):
            found += [v for f in dataclasses.fields(a) if isinstance(v := getattr(a, f.name), random.Random)]
    return found


def _described(exc: BaseException) -> str:
    return (f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)[:500]


def _course_functions() -> dict[str, Any]:
    """Every function and class of the course's loaded modules, to notice one being replaced."""
    table = {}
    for name, module in list(sys.modules.items()):
        if name == "whygo" or name.startswith("whygo."):
            for attr, value in list(vars(module).items()):
                if callable(value) and not attr.startswith("__"):
                    table[f"{name}.{attr}"] = value
    return table


def _store_task(line: str, cell: str) -> None:
    """``%%task`` here: keep the Go source for the judge, compile nothing."""
    from whygo.labs.tasks import save_task
    save_task(line, cell)


class AnswerServer:
    def __init__(self, max_output: int):
        from IPython.core.interactiveshell import InteractiveShell
        from traitlets.config import Config
        config = Config()
        config.HistoryManager.enabled = False
        self.shell = InteractiveShell.instance(config=config)
        # The lab's `%load_ext whygo.labs` then finds it loaded, and %%task is this one.
        self.shell.extension_manager.loaded.add("whygo.labs")
        self.shell.register_magic_function(_store_task, magic_kind="cell", magic_name="task")
        self.output = CappedOutput(max_output)

    def run(self, cell_id: str, source: str) -> dict:
        self.output.next_cell()
        before = _course_functions()
        result = self.shell.run_cell(source, store_history=False)
        for name in DISPLAY_ONLY:
            if name in self.shell.user_ns and callable(self.shell.user_ns[name]):
                self.shell.user_ns[name] = lambda *a, **k: None
        error = result.error_before_exec or result.error_in_exec
        after = _course_functions()
        replaced = sorted(k for k, v in before.items() if k in after and after[k] is not v)
        return {"error": _described(error) if error else None, "truncated": self.output.truncated,
                "replaced": replaced[:5]}

    def get(self, name: str) -> dict:
        if name not in self.shell.user_ns:
            return {"missing": True}
        value = self.shell.user_ns[name]
        if callable(value):
            return {"function": True}
        return {"value": encode(value)}

    def call(self, name: str, args: tuple) -> dict:
        try:
            value = self.shell.user_ns[name](*args)
        except Exception as exc:
            return {"raised": _described(exc)}
        return {"value": encode(value), "random": [r.getstate() for r in randoms_in(args)]}

    def tasks(self) -> dict:
        from whygo.labs.registry import ANSWERS
        return {"value": {k: v for k, v in ANSWERS.items() if isinstance(k, str) and isinstance(v, str)}}

    def serve(self, requests: BinaryIO, replies: BinaryIO) -> None:
        handlers = {"run": self.run, "get": self.get, "call": self.call, "tasks": self.tasks}
        while True:
            try:
                op, n, *args = pickle.load(requests)
            except EOFError:
                return
            sys.stdout = sys.stderr = self.output     # a cell may have put them back
            try:
                reply = handlers[op](*args)
            except Exception as exc:
                reply = {"raised": _described(exc)}
            replies.write(json.dumps({"n": n, **reply}).encode() + b"\n")
            replies.flush()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m whygo.labs.answers")
    p.add_argument("--max-output", type=int, default=1_000_000, help="characters of output counted per cell")
    ns = p.parse_args(argv)
    # The protocol keeps private copies of stdin and stdout; fds 0-2 go to /dev/null so that
    # nothing a cell or its subprocesses write (print, os.write(1), !ls) can reach the pipes.
    requests, replies = os.fdopen(os.dup(0), "rb"), os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    server = AnswerServer(ns.max_output)
    server.serve(requests, replies)
    return 0


# -- talking to it (the grader and the judges) ----------------------------------------------

class Answers:
    """The requesting side: one request at a time, one JSON reply each."""

    def __init__(self, requests_fd: int, replies_fd: int):
        self.requests_fd, self.replies_fd = requests_fd, replies_fd
        self.buffer = b""
        self.n = int.from_bytes(os.urandom(4), "big")   # judges and the grader never reuse a number

    def ask(self, *request, deadline: float | None = None) -> dict:
        self.n += 1
        data = memoryview(pickle.dumps((request[0], self.n, *request[1:]), protocol=pickle.HIGHEST_PROTOCOL))
        try:
            while data:
                data = data[os.write(self.requests_fd, data):]
        except BrokenPipeError:
            raise AnswerProcessGone("the answer process is gone") from None
        while True:
            reply = json.loads(self._line(deadline))
            if isinstance(reply, dict) and reply.get("n") == self.n:
                return reply

    def _line(self, deadline: float | None) -> bytes:
        while b"\n" not in self.buffer:
            if len(self.buffer) > MAX_REPLY:
                raise ValueError("a reply too large to read")
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not select.select([self.replies_fd], [], [], wait)[0]:
                raise OutOfTime()
            chunk = os.read(self.replies_fd, 1 << 16)
            if not chunk:
                raise AnswerProcessGone("the answer process is gone")
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line

    def run(self, cell_id: str, source: str, deadline: float) -> dict:
        return self.ask("run", cell_id, source, deadline=deadline)


if __name__ == "__main__":
    sys.exit(main())
