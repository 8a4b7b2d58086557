"""``whygo grade``: grade lab submissions for a class, safely.

    whygo grade alice.ipynb bob.ipynb ... [--lab escape] [--out grades.csv] [--workers 2] [--timeout 120]

For each submission:

1. Read it (a broken file gets a row with the reason) and find its lab in
   the metadata (``whygo.lab``); with ``--lab`` a notebook of another lab
   is refused with a note.
2. Prepare a copy in a private temporary folder: every check cell gets
   back the source it was shipped with (matched by cell id), so the verdicts
   come from the teacher's checks. A deleted check cell or a check placed
   before its task cell is noted. The submitted file is only read.
3. Run the copy with :mod:`whygo.labs.execute` in a separate process, with a
   fresh kernel of the lab's kind, a time limit for the whole notebook and
   a cap on output. If the worker overruns, its process group and the
   kernel's are killed.
4. Read the verdict lines (:mod:`whygo.labs.protocol`) printed by the
   check cells, and only those: each check scores 1 (passed) or 0.

Results: a CSV (``file, lab, score, max, <check>..., note``; a check column
holds ``passed``, ``not yet`` or ``did not run``), a summary table on
stdout and a progress line per submission on stderr.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from whygo.labs.catalog import LABS, Lab
from whygo.labs.notebook import LabNotebookError, cells_by_id, check_cells, lab_of, read
from whygo.labs.protocol import parse_verdicts

PASSED, NOT_YET, DID_NOT_RUN = "passed", "not yet", "did not run"
KILL_GRACE = 30.0     # seconds the worker gets beyond --timeout to shut its kernel down


@dataclass
class Row:
    file: str
    lab: str = ""
    checks: dict[str, str] = field(default_factory=dict)   # check id -> passed / not yet / did not run
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def score(self) -> int:
        return sum(v == PASSED for v in self.checks.values())

    @property
    def max(self) -> int:
        return len(self.checks)

    @property
    def note(self) -> str:
        return "; ".join(self.notes)


def prepare(nb, lab: Lab) -> tuple[nbformat.NotebookNode, list[str]]:
    """The notebook to run (shipped check cells restored) and notes on its structure."""
    notes = []
    shipped = check_cells(lab)
    cells = cells_by_id(nb)
    order = [c.get("id") for c in nb.cells]
    for cid, source in shipped.items():
        if cid not in cells:
            notes.append(f"check cell {cid} was deleted")
            continue
        if cells[cid].cell_type != "code":
            cells[cid].cell_type = "code"
            cells[cid].outputs, cells[cid].execution_count = [], None
        cells[cid].source = source
        task = "task-" + cid.split("-", 1)[1]
        if task not in cells:
            notes.append(f"task cell {task} was deleted")
        elif order.index(task) > order.index(cid):
            notes.append(f"cells reordered: {cid} comes before {task}")
    for c in nb.cells:   # outputs are the kernel's business, not the submission's
        if c.cell_type == "code":
            c.outputs, c.execution_count = [], None
    nbformat.validate(nb)
    return nb, notes


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def run_worker(notebook: Path, lab: Lab, workdir: Path, *, timeout: float, max_output: int) -> list[dict]:
    """Execute ``notebook`` in a separate process; the events it logged (see execute.py)."""
    events, pidfile = workdir / "events.jsonl", workdir / "kernel.pid"
    argv = [sys.executable, "-m", "whygo.labs.execute", str(notebook), str(events), "--kernel", lab.kernel,
            "--timeout", str(timeout), "--max-output", str(max_output), "--pidfile", str(pidfile)]
    proc = subprocess.Popen(argv, cwd=workdir, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        proc.wait(timeout=timeout + KILL_GRACE)
    except subprocess.TimeoutExpired:
        _kill_group(proc.pid)
        proc.wait()
        with open(events, "a") as f:
            f.write(json.dumps({"event": "killed"}) + "\n")
    finally:
        if pidfile.exists():   # the kernel runs in its own session: make sure nothing is left
            try:
                _kill_group(int(pidfile.read_text()))
            except ValueError:
                pass
    if not events.exists():
        return []
    out = []
    for line in events.read_text(errors="replace").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            pass
    return out


def score(row: Row, lab: Lab, events: list[dict], timeout: float) -> None:
    """Fill ``row.checks`` from the verdicts printed by the check cells; add notes for what went wrong."""
    row.checks = {c: DID_NOT_RUN for c in lab.checks}
    owner = {lab.check_cell(c): c for c in lab.checks}
    for e in events:
        kind = e.get("event")
        if kind == "timeout":
            row.notes.append(f"time limit ({timeout:g} s) reached in cell {e.get('id')}")
        elif kind == "dead":
            row.notes.append(f"the kernel died in cell {e.get('id')}")
        elif kind == "truncated":
            row.notes.append(f"output of cell {e.get('id')} too large: truncated")
        elif kind == "killed":
            row.notes.append("the run did not stop in time and was killed")
        elif kind == "failed":
            row.notes.append(f"the notebook could not run: {e.get('error')}")
        elif kind is None and e.get("id") in owner:
            check = owner[e["id"]]
            verdicts = [v for v in parse_verdicts(e.get("text", "")) if v.check == check]
            if verdicts:
                row.checks[check] = PASSED if verdicts[-1].passed else NOT_YET
            elif e.get("error"):
                row.checks[check] = NOT_YET
                row.notes.append(f"{check} could not run: {e['error'].splitlines()[0][:200]}")
    kinds = {e.get("event") for e in events}
    if "end" not in kinds and "killed" not in kinds:   # the worker itself died without a word
        row.notes.append("the run ended early")


def grade_one(path: Path, *, expected_lab: str | None, timeout: float, max_output: int) -> Row:
    row = Row(file=str(path))
    start = time.monotonic()
    try:
        nb = read(path)
        lab = lab_of(nb)
    except LabNotebookError as exc:
        row.notes.append(str(exc).replace(f"{path}: ", ""))
        return row
    row.lab = lab.id
    if expected_lab and lab.id != expected_lab:
        row.notes.append(f"this is the notebook of lab {lab.id!r}, not of lab {expected_lab!r}: not graded")
        row.checks = {c: DID_NOT_RUN for c in LABS[expected_lab].checks}
        row.lab = expected_lab
        return row
    work = Path(tempfile.mkdtemp(prefix="whygo-grade-"))
    try:
        prepared, notes = prepare(nb, lab)
        row.notes.extend(notes)
        copy = work / "submission.ipynb"
        nbformat.write(prepared, str(copy))
        events = run_worker(copy, lab, work, timeout=timeout, max_output=max_output)
        score(row, lab, events, timeout)
    except Exception as exc:   # one bad submission must not stop the class
        row.notes.append(f"could not be graded: {type(exc).__name__}: {exc}")
        row.checks = row.checks or {c: DID_NOT_RUN for c in lab.checks}
    finally:
        shutil.rmtree(work, ignore_errors=True)
        row.seconds = time.monotonic() - start
    return row


def grade(paths: list[Path], *, expected_lab: str | None = None, workers: int = 2, timeout: float = 120.0,
          max_output: int = 1_000_000, progress=None) -> list[Row]:
    """Grade every submission (``workers`` at a time); rows in the order of ``paths``."""
    done, lock = [0], threading.Lock()

    def one(path: Path) -> Row:
        row = grade_one(path, expected_lab=expected_lab, timeout=timeout, max_output=max_output)
        with lock:
            done[0] += 1
            if progress:
                progress(done[0], len(paths), row)
        return row

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(one, paths))


def write_csv(rows: list[Row], out: Path) -> None:
    checks = sorted({c for r in rows for c in r.checks})
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["file", "lab", "score", "max", *checks, "note"])
        for r in rows:
            w.writerow([r.file, r.lab, r.score, r.max, *(r.checks.get(c, "") for c in checks), r.note])


def summary(rows: list[Row]) -> str:
    from whygo.report import Table
    table = Table(["file", "lab", "score", "note"],
                  [[Path(r.file).name, r.lab or "?", f"{r.score}/{r.max}", r.note[:80]] for r in rows])
    total = sum(r.score for r in rows)
    possible = sum(r.max for r in rows)
    return f"{table!r}\n{len(rows)} submission(s), {total}/{possible} checks passed"


def _progress(done: int, total: int, row: Row) -> None:
    width = 20
    bar = "#" * (width * done // total) + "." * (width - width * done // total)
    print(f"[{bar}] {done}/{total} {Path(row.file).name}: {row.score}/{row.max}"
          + (f" ({row.note[:60]})" if row.note else ""), file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="whygo grade", description="Grade lab notebooks handed in by students. "
                                "Each runs in a fresh kernel in its own process; submitted files are only read.")
    p.add_argument("submissions", nargs="+", metavar="SUBMISSION.ipynb")
    p.add_argument("--lab", choices=sorted(LABS), help="the lab expected (notebooks of another lab are refused)")
    p.add_argument("--out", default="grades.csv", help="CSV file to write (default: grades.csv)")
    p.add_argument("--workers", type=int, default=2, help="notebooks graded at the same time (default: 2)")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds allowed per notebook (default: 120)")
    p.add_argument("--max-output", type=int, default=1_000_000, help="bytes of output kept per cell (default: 1 MB)")
    ns = p.parse_args(argv)
    if ns.workers < 1 or ns.timeout <= 0:
        p.error("--workers must be >= 1 and --timeout > 0")
    paths = [Path(s) for s in ns.submissions]
    missing = [str(s) for s in paths if not s.is_file()]
    rows = grade(paths, expected_lab=ns.lab, workers=ns.workers, timeout=ns.timeout,
                 max_output=ns.max_output, progress=_progress)
    for r in rows:
        if r.file in missing:
            r.notes = ["file not found"]
    write_csv(rows, Path(ns.out))
    print(summary(rows))
    print(f"wrote {ns.out}")
    return 0
