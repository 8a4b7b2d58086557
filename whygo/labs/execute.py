"""Run one lab notebook in a fresh kernel and log what each cell printed (the grader's worker).

    python -m whygo.labs.execute NOTEBOOK EVENTS.jsonl --kernel python3 --timeout 120
    python -m whygo.labs.execute NOTEBOOK - ...          (events on stdout: how the grader runs it)

This runs in its own process (the grader starts it in a sandbox for the
Go-kernel lab), so student code never runs in the grader: the kernel is a
child of this worker. Every executed cell appends one JSON line to EVENTS as
soon as it finishes, so the grader keeps what was done even if this process
is killed later::

    {"index": 3, "id": "check-1", "text": "...stdout and stderr...", "error": null}
    {"event": "timeout", "id": "task-2"}       the notebook's time ran out in that cell
    {"event": "dead", "id": "task-2"}          the kernel died (os._exit, a crash)
    {"event": "truncated", "id": "task-2"}     output beyond --max-output was dropped

Limits: ``--timeout`` for the whole notebook (each cell gets what is left;
at the end the kernel is interrupted and the run stops); ``--max-output``
bytes of output kept per cell (the rest is dropped as it arrives, so a cell
printing forever cannot exhaust memory, and the check cells after it still
have their say). The kernel's pid
goes to ``--pidfile`` so a caller can kill the kernel's process group if
this worker does not stop in time.

With EVENTS ``-`` the worker keeps a private copy of its stdout for the
events, points fd 1 (which the kernel inherits) at /dev/null and makes
itself non-dumpable: code in the kernel, which runs as the same user, can
then neither write events nor read them through ``/proc``.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import TextIO

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError

from whygo.labs.sandbox import private_stdout


class _OutOfTime(Exception):
    pass


class LabClient(NotebookClient):
    """nbclient with a notebook-wide deadline, an output cap and a progress log."""

    def __init__(self, nb, *, events: TextIO, deadline: float, max_output: int, pidfile: Path | None, **kw):
        super().__init__(nb, allow_errors=True, interrupt_on_timeout=True, record_timing=False, **kw)
        self.events = events
        self.deadline = deadline
        self.max_output = max_output
        self.pidfile = pidfile
        self.kept: dict[int, int] = {}
        self.truncated_cells: set[int] = set()
        self.current: str | None = None
        self.on_notebook_start = self._started
        self.on_cell_start = self._cell_start
        self.on_cell_executed = self._cell_done

    def log_event(self, record: dict) -> None:
        self.events.write(json.dumps(record) + "\n")
        self.events.flush()

    def _started(self, notebook=None, **_):
        if self.pidfile is not None:
            pid = getattr(self.km.provisioner, "pid", None) if self.km and self.km.provisioner else None
            if pid:
                self.pidfile.write_text(str(pid))

    def _cell_start(self, cell, cell_index, **_):
        self.current = cell.get("id")
        if cell.cell_type == "code" and time.monotonic() >= self.deadline:
            raise _OutOfTime()

    def _get_timeout(self, cell):
        return max(1, math.ceil(self.deadline - time.monotonic()))

    async def _async_handle_timeout(self, timeout, cell=None):
        self.log_event({"event": "timeout", "id": cell.get("id") if cell else None})
        return await super()._async_handle_timeout(timeout, cell)

    def _cell_done(self, cell, cell_index, execute_reply=None, **_):
        text, error = [], None
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                text.append(out.text)
            elif out.output_type in ("execute_result", "display_data"):
                text.append(out.get("data", {}).get("text/plain", ""))
            elif out.output_type == "error":
                error = f"{out.ename}: {out.evalue}"[:500]
        self.log_event({"index": cell_index, "id": cell.get("id"), "text": "".join(text)[:100_000],
                        "error": error})

    def output(self, outs, msg, display_id, cell_index):
        size = len(json.dumps(msg.get("content", {})))
        kept = self.kept.get(cell_index, 0)
        if kept + size > self.max_output:
            if cell_index not in self.truncated_cells:
                self.truncated_cells.add(cell_index)
                self.log_event({"event": "truncated", "id": self.nb.cells[cell_index].get("id")})
            return None
        self.kept[cell_index] = kept + size
        return super().output(outs, msg, display_id, cell_index)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m whygo.labs.execute")
    p.add_argument("notebook")
    p.add_argument("events")
    p.add_argument("--kernel", required=True)
    p.add_argument("--timeout", type=float, default=120.0)
    p.add_argument("--max-output", type=int, default=1_000_000, help="bytes of output kept per cell")
    p.add_argument("--pidfile")
    ns = p.parse_args(argv)
    events = private_stdout() if ns.events == "-" else open(ns.events, "a")
    nb = nbformat.read(ns.notebook, as_version=4)
    client = LabClient(nb, events=events, deadline=time.monotonic() + ns.timeout,
                       max_output=ns.max_output, pidfile=Path(ns.pidfile) if ns.pidfile else None,
                       kernel_name=ns.kernel, startup_timeout=60,
                       resources={"metadata": {"path": str(Path(ns.notebook).parent)}})
    try:
        client.execute()
    except _OutOfTime:
        client.log_event({"event": "timeout", "id": client.current})
    except DeadKernelError:
        client.log_event({"event": "dead", "id": client.current})
    except Exception as exc:   # anything else: say so, the grader notes it
        client.log_event({"event": "failed", "id": client.current, "error": f"{type(exc).__name__}: {exc}"[:500]})
    client.log_event({"event": "end"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
