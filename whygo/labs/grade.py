"""``whygo grade``: grade lab submissions for a class, each in sandboxes of its own.

    whygo grade alice.ipynb bob.ipynb ... [--lab escape] [--out grades.csv] [--workers 2] [--timeout 120]

Nothing a submission contains runs in the grader's process, and nothing runs
outside a sandbox (:mod:`whygo.labs.sandbox`: a uid of its own, no network,
its own folder, the course read-only, limits). For each submission:

1. Every submission is read before any of them runs (a broken file gets a
   row with the reason); its lab comes from the metadata (``whygo.lab``);
   with ``--lab`` a notebook of another lab is refused with a note.
2. Only its task cells are taken (matched by cell id); everything else comes
   from the lab as shipped, in the shipped order, so edited or moved check
   cells and printed verdicts count for nothing. Changes outside the task
   cells are noted, never run.
3. Python labs: the setup and task cells run in the answer process
   (:mod:`whygo.labs.answers`), one sandbox; each check runs in a judge
   (:mod:`whygo.labs.judge`), a fresh sandbox per check, which asks the answer
   process for the values it reads. A task cell cannot reach the check.
   The Go-kernel lab: the notebook runs in a fresh kernel in one sandbox
   (:mod:`whygo.labs.execute`); its checks are Go and print their verdicts.
4. Verdict lines (:mod:`whygo.labs.protocol`) are read by this process from
   the judges' stdout (or, for the Go lab, from the check cells' outputs),
   and only there: each check scores 1 (passed) or 0.

One time limit covers the whole submission (``--timeout``); at the limit its
sandboxes are killed and the checks not reached "did not run".

Results: a CSV (``file, lab, score, max, <check>..., note``; a check column
holds ``passed``, ``not yet`` or ``did not run``), written by this process
only, a summary table on stdout and a progress line per submission on stderr.
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from whygo.i18n import ENV, LANGS, _, punct
from whygo.labs.answers import AnswerProcessGone, Answers, OutOfTime
from whygo.labs.catalog import LABS, Lab
from whygo.labs.notebook import LabNotebookError, cells_by_id, lab_of, read, shipped
from whygo.labs.protocol import parse_verdicts
from whygo.labs.sandbox import Box, Limits, Ran, Sandbox
from whygo.report import Table, clip

PASSED, NOT_YET, DID_NOT_RUN = "passed", "not yet", "did not run"
KILL_GRACE = 30.0     # seconds the Go lab's worker gets beyond --timeout to shut its kernel down
VERDICT_CAP = 100_000  # bytes of a judge's stdout read (its verdict lines)
EVENT_CELLS = 64      # the Go lab's events are kept up to this many cells of --max-output
ENTER_FAILED = 125    # exit status of a sandbox that could not be built (sandbox.main)
PYTHON = [sys.executable, "-I", "-m"]


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
        return punct("; ").join(self.notes)


@dataclass(frozen=True)
class Setup:
    """How every submission of this run is graded."""
    sandbox: Sandbox
    limits: Limits
    hide: tuple[Path, ...]       # files a sandbox must not see even inside the course (submissions, the CSV)
    timeout: float
    max_output: int

    def start(self, argv: list[str], **kw) -> Box:
        return self.sandbox.start(argv, limits=self.limits, hide=list(self.hide), **kw)

    def run(self, argv: list[str], **kw) -> Ran:
        return self.sandbox.run(argv, limits=self.limits, hide=list(self.hide), **kw)


class SandboxFailed(RuntimeError):
    pass


def task_cells(lab: Lab) -> list[str]:
    return ["task-" + c.split("/", 1)[1] for c in lab.checks]


def prepare(nb, lab: Lab) -> tuple[dict[str, str], list[str]]:
    """The submission's task cells (id -> source) and notes on what else it changed (all ignored)."""
    submitted = cells_by_id(nb)
    ours = shipped(lab)
    tasks, notes, ignored = {}, [], []
    for cell in ours.cells:
        cid = cell.get("id")
        theirs = submitted.get(cid)
        if cid in task_cells(lab):
            if theirs is not None and theirs.cell_type == "code":
                tasks[cid] = theirs.source
            else:
                notes.append(_("task cell {cell} was deleted").format(cell=cid))
        elif cell.cell_type == "code" and (theirs is None or theirs.source != cell.source):
            ignored.append(cid)
    shipped_ids = {c.get("id") for c in ours.cells}
    added = sum(c.cell_type == "code" and c.get("id") not in shipped_ids and bool(c.source.strip())
                for c in nb.cells)
    if added:
        ignored.append(_("{n} added cell(s)").format(n=added))
    if ignored:
        notes.append(_("only task cells are graded; ignored: {cells}").format(cells=punct(", ").join(ignored)))
    return tasks, notes


def graded_notebook(lab: Lab, tasks: dict[str, str]) -> nbformat.NotebookNode:
    """The lab as shipped, outputs cleared, with the submission's task cells."""
    nb = shipped(lab)
    for c in nb.cells:
        if c.cell_type == "code":
            c.outputs, c.execution_count = [], None
            if c.get("id") in task_cells(lab):
                c.source = tasks.get(c.id, "")
    return nb


# -- Python labs: the answer process and one judge per check ---------------------------------

def run_python_lab(lab: Lab, tasks: dict[str, str], setup: Setup, deadline: float) -> list[dict]:
    """Run the setup and task cells in the answer process, each check in a judge; the events."""
    req_r, req_w = os.pipe()
    rep_r, rep_w = os.pipe()
    try:
        box = setup.start([*PYTHON, "whygo.labs.answers", "--max-output", str(setup.max_output)],
                          stdin=req_r, stdout=rep_w)
    finally:
        os.close(req_r)
        os.close(rep_w)
    events: list[dict] = []
    try:
        with box:
            answers = Answers(req_w, rep_r)
            checks = {lab.check_cell(c): c for c in lab.checks}
            for cell in shipped(lab).cells:
                cid = cell.get("id", "")
                if cell.cell_type != "code" or (cid in task_cells(lab) and cid not in tasks):
                    continue
                try:
                    if cid in checks:
                        events.append({"id": cid, **judge(checks[cid], (req_w, rep_r), setup, deadline)})
                    else:
                        events += _cell_events(cid, answers.run(cid, tasks.get(cid, cell.source), deadline))
                except OutOfTime:
                    events.append({"event": "timeout", "id": cid})
                    break
                except AnswerProcessGone:
                    _raise_if_not_started(box)
                    events.append({"event": "dead", "id": cid})
                    break
    finally:
        os.close(req_w)
        os.close(rep_r)
    events.append({"event": "end"})
    return events


def _cell_events(cid: str, reply: dict) -> list[dict]:
    events = [{"id": cid, "text": "", "error": reply.get("error")}]
    if reply.get("truncated"):
        events.append({"event": "truncated", "id": cid})
    if reply.get("replaced"):
        events.append({"event": "replaced", "id": cid, "names": [str(n)[:100] for n in reply["replaced"][:5]]})
    return events


def judge(check: str, fds: tuple[int, int], setup: Setup, deadline: float) -> dict:
    """Run one check in a fresh sandbox; its verdict text (the judge's stdout)."""
    argv = [*PYTHON, "whygo.labs.judge", check, "--requests", str(fds[0]), "--replies", str(fds[1])]
    ran = setup.run(argv, pass_fds=fds, timeout=max(0.0, deadline - time.monotonic()), cap=VERDICT_CAP)
    if ran.captured.timed_out:
        raise OutOfTime()
    _raise_if_failed_to_enter(ran.captured.returncode, ran.error())
    text = ran.captured.out
    if not parse_verdicts(text):
        return {"text": text, "error": _("the check stopped without a verdict (exit status {code})")
                .format(code=ran.captured.returncode)}
    return {"text": text, "error": None}


def _raise_if_not_started(box: Box) -> None:
    try:
        code = box.wait(timeout=5)
    except subprocess.TimeoutExpired:
        return
    _raise_if_failed_to_enter(code, box.error())


def _raise_if_failed_to_enter(code: int, error: str) -> None:
    if code == ENTER_FAILED and error:
        raise SandboxFailed(_("the sandbox could not be built: {error}").format(error=error))


# -- the Go-kernel lab: one kernel in one sandbox ---------------------------------------------

def run_kernel_lab(lab: Lab, tasks: dict[str, str], setup: Setup, work: Path) -> list[dict]:
    """Execute the graded notebook with :mod:`whygo.labs.execute`; the events it printed."""
    notebook = work / "submission.ipynb"
    nbformat.write(graded_notebook(lab, tasks), str(notebook))
    argv = [*PYTHON, "whygo.labs.execute", "submission.ipynb", "-", "--kernel", lab.kernel,
            "--timeout", str(setup.timeout), "--max-output", str(setup.max_output)]
    from jupyter_client.kernelspec import KernelSpecManager
    spec = Path(KernelSpecManager().get_kernel_spec(lab.kernel).resource_dir) / "kernel.json"
    copy = {"submission.ipynb": notebook,   # the spec too: an installed one may be readable by root only
            f".local/share/jupyter/kernels/{lab.kernel}/kernel.json": spec}
    ran = setup.run(argv, copy=copy, timeout=setup.timeout + KILL_GRACE, cap=EVENT_CELLS * setup.max_output)
    killed = [{"event": "killed"}] if ran.captured.timed_out else []
    if not killed:
        _raise_if_failed_to_enter(ran.captured.returncode, ran.error())
    events = []
    for line in ran.captured.out.splitlines():
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            pass
    return [e for e in events if isinstance(e, dict)] + killed


# -- scoring ----------------------------------------------------------------------------------

def score(row: Row, lab: Lab, events: list[dict], timeout: float) -> None:
    """Fill ``row.checks`` from the verdicts of the check cells; add notes for what went wrong."""
    row.checks = {c: DID_NOT_RUN for c in lab.checks}
    owner = {lab.check_cell(c): c for c in lab.checks}
    for e in events:
        kind, cid = e.get("event"), str(e.get("id"))
        if kind == "timeout":
            row.notes.append(_("time limit ({seconds} s) reached in cell {cell}").format(seconds=f"{timeout:g}", cell=cid))
        elif kind == "dead":
            row.notes.append(_("the kernel died in cell {cell}").format(cell=cid))
        elif kind == "truncated":
            row.notes.append(_("output of cell {cell} too large: truncated").format(cell=cid))
        elif kind == "killed":
            row.notes.append(_("the run did not stop in time and was killed"))
        elif kind == "failed":
            row.notes.append(_("the notebook could not run: {error}").format(error=e.get("error")))
        elif kind == "replaced":
            row.notes.append(_("{cell} replaced {names}: no effect, checks run in a process of their own")
                             .format(cell=cid, names=punct(", ").join(e.get("names", []))))
        elif kind is None and cid in owner:
            check = owner[cid]
            verdicts = [v for v in parse_verdicts(str(e.get("text", ""))) if v.check == check]
            if verdicts:
                row.checks[check] = PASSED if verdicts[-1].passed else NOT_YET
            elif e.get("error"):
                row.checks[check] = NOT_YET
                row.notes.append(_("{check} could not run: {error}").format(check=check, error=_first_line(e["error"])))
        elif kind is None and e.get("error"):
            row.notes.append(_("{cell} stopped with {error}").format(cell=cid, error=_first_line(e["error"])))
    kinds = {e.get("event") for e in events}
    if "end" not in kinds and "killed" not in kinds:   # the worker itself died without a word
        row.notes.append(_("the run ended early"))


def _first_line(error: object) -> str:
    return str(error).splitlines()[0][:200]


# -- one submission, a class ------------------------------------------------------------------

def _read_all(paths: list[Path]) -> dict[Path, object]:
    """Every submission, read before any code runs: notebook, or the LabNotebookError it raised."""
    out: dict[Path, object] = {}
    for path in paths:
        try:
            out[path] = read(path)
        except LabNotebookError as exc:
            out[path] = exc
    return out


def grade_one(path: Path, nb, *, expected_lab: str | None, setup: Setup) -> Row:
    row = Row(file=str(path))
    start = time.monotonic()
    try:
        if isinstance(nb, Exception):
            raise nb
        lab = lab_of(nb)
    except LabNotebookError as exc:
        row.notes.append(str(exc).removeprefix(str(path)).lstrip(":： "))   # the row names the file
        return row
    row.lab = lab.id
    if expected_lab and lab.id != expected_lab:
        row.notes.append(_("this is the notebook of lab {got!r}, not of lab {expected!r}: not graded")
                         .format(got=lab.id, expected=expected_lab))
        row.checks = {c: DID_NOT_RUN for c in LABS[expected_lab].checks}
        row.lab = expected_lab
        return row
    try:
        tasks, notes = prepare(nb, lab)
        row.notes.extend(notes)
        if lab.kernel == "python3":
            events = run_python_lab(lab, tasks, setup, deadline=start + setup.timeout)
        else:
            with tempfile.TemporaryDirectory(prefix="whygo-grade-") as work:
                events = run_kernel_lab(lab, tasks, setup, Path(work))
        score(row, lab, events, setup.timeout)
    except Exception as exc:   # one bad submission must not stop the class
        row.notes.append(_("could not be graded: {error}").format(error=f"{type(exc).__name__}: {exc}"))
        row.checks = row.checks or {c: DID_NOT_RUN for c in lab.checks}
    finally:
        row.seconds = time.monotonic() - start
    return row


def grade(paths: list[Path], *, expected_lab: str | None = None, workers: int = 2, timeout: float = 120.0,
          max_output: int = 1_000_000, progress=None, sandbox: Sandbox | None = None,
          limits: Limits | None = None, out: Path | None = None) -> list[Row]:
    """Grade every submission (``workers`` at a time); rows in the order of ``paths``.

    ``out`` (the CSV to come) is hidden from the sandboxes like the submissions.
    """
    sandbox = sandbox or Sandbox.probe()
    setup = Setup(sandbox, limits or Limits(cpu_seconds=math.ceil(timeout)),
                  tuple(Path(p).resolve() for p in [*paths, *([out] if out else [])]), timeout, max_output)
    notebooks = _read_all(paths)
    done, lock = [0], threading.Lock()

    def one(path: Path) -> Row:
        row = grade_one(path, notebooks[path], expected_lab=expected_lab, setup=setup)
        if not sandbox.complete:
            row.notes.append(sandbox.short)
        with lock:
            done[0] += 1
            if progress:
                progress(done[0], len(paths), row)
        return row

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(one, paths))


def write_csv(rows: list[Row], out: Path) -> None:
    """Write the CSV next to ``out`` and rename it into place (a link planted there is replaced, not followed)."""
    checks = sorted({c for r in rows for c in r.checks})
    fd, tmp = tempfile.mkstemp(dir=Path(out).resolve().parent, prefix=".grades-", suffix=".csv")
    with os.fdopen(fd, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["file", "lab", "score", "max", *checks, "note"])
        for r in rows:
            w.writerow([r.file, r.lab, r.score, r.max, *(r.checks.get(c, "") for c in checks), r.note])
    os.chmod(tmp, 0o644)
    os.replace(tmp, out)


def summary(rows: list[Row]) -> str:
    table = Table([_("file"), _("lab"), _("score"), _("note")],
                  [[Path(r.file).name, r.lab or "?", f"{r.score}/{r.max}", clip(r.note, 80)] for r in rows])
    total = sum(r.score for r in rows)
    possible = sum(r.max for r in rows)
    return f"{table!r}\n" + _("{n} submission(s), {passed}/{possible} checks passed").format(
        n=len(rows), passed=total, possible=possible)


def _progress(done: int, total: int, row: Row) -> None:
    width = 20
    bar = "#" * (width * done // total) + "." * (width - width * done // total)
    print(f"[{bar}] {done}/{total} {Path(row.file).name}: {row.score}/{row.max}"
          + (f" ({clip(row.note, 60)})" if row.note else ""), file=sys.stderr, flush=True)


def help_epilog() -> str:
    """The help's closing text in the running edition, with the sandbox's default limits."""
    limits = Limits()
    return _("""\
sandbox (as root, with Linux namespaces): each submission runs in sandboxes of its
own, as a uid of its own, without network, seeing its own folder (/tmp, its HOME)
and the course read-only (never labs/solutions, .git or other submissions), with
Go's build cache shared read-only. Only task cells are graded, and Python checks
run in a process that never ran the submission's code.

limits: CPU time = --timeout per process, {memory} MB of memory per process (--memory),
{processes} processes and threads, files up to {file} MB, {disk} MB written in all.

Without root or namespaces the grader says what it cannot enforce, when it starts
and in every row's note.""").format(memory=limits.memory_mb, processes=limits.processes,
                                    file=limits.file_mb, disk=limits.disk_mb)


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse's own word "usage" in the running edition, and the colon after the section
    headings (set in main) as the edition writes it."""

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, _("usage") + punct(": ") if prefix is None else prefix)

    def format_help(self) -> str:
        text = super().format_help()
        for heading in (_("positional arguments"), _("options")):
            text = text.replace(f"\n{heading}:\n", f"\n{heading}{punct(':')}\n")
        return text


def _language_first(argv: list[str]) -> None:
    """Apply ``--lang`` before the parser is built, so that ``--help`` and the parser's
    errors are in that language too (the parser checks the value afterwards)."""
    for i, arg in enumerate(argv):
        value = arg[len("--lang="):] if arg.startswith("--lang=") else (
            argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else None)
        if value in LANGS:
            os.environ[ENV] = value   # read by _() here and passed into every sandbox


def main(argv: list[str] | None = None) -> int:
    _language_first(sys.argv[1:] if argv is None else argv)
    p = argparse.ArgumentParser(prog="whygo grade", description=_("Grade lab notebooks handed in by students, "
                                "each in a sandbox; submitted files are only read."), epilog=help_epilog(),
                                formatter_class=_HelpFormatter, add_help=False)
    files = p.add_argument_group(_("positional arguments"))
    files.add_argument("submissions", nargs="+", metavar="SUBMISSION.ipynb")
    o = p.add_argument_group(_("options"))
    o.add_argument("-h", "--help", action="help", help=_("show this help message and exit"))
    o.add_argument("--lab", choices=sorted(LABS), help=_("the lab expected (notebooks of another lab are refused)"))
    o.add_argument("--out", default="grades.csv", help=_("CSV file to write (default: grades.csv)"))
    o.add_argument("--workers", type=int, default=2, help=_("notebooks graded at the same time (default: 2)"))
    o.add_argument("--timeout", type=float, default=120.0, help=_("seconds allowed per notebook (default: 120)"))
    o.add_argument("--max-output", type=int, default=1_000_000,
                   help=_("bytes of output kept per cell (default: 1 MB)"))
    o.add_argument("--memory", type=int, default=Limits().memory_mb,
                   help=_("MB of memory a process may write to (default: {memory})").format(memory=Limits().memory_mb))
    o.add_argument("--lang", choices=LANGS, help=_("language of the notes and the summary, and of the checks' "
                   "messages (default: WHYGO_LANG, else English); the CSV's columns stay English"))
    ns = p.parse_args(argv)   # --lang is already in effect (_language_first); here it is only checked
    if ns.workers < 1 or ns.timeout <= 0 or ns.memory < 256:
        p.error(_("--workers must be >= 1, --timeout > 0 and --memory >= 256"))
    sandbox = Sandbox.probe()
    limits = Limits(cpu_seconds=math.ceil(ns.timeout), memory_mb=ns.memory)
    print(sandbox.summary(limits), file=sys.stderr, flush=True)
    paths = [Path(s) for s in ns.submissions]
    missing = [str(s) for s in paths if not s.is_file()]
    rows = grade(paths, expected_lab=ns.lab, workers=ns.workers, timeout=ns.timeout, max_output=ns.max_output,
                 progress=_progress, sandbox=sandbox, limits=limits, out=Path(ns.out))
    for r in rows:
        if r.file in missing:
            r.notes = [_("file not found")]
    write_csv(rows, Path(ns.out))
    print(summary(rows))
    if not sandbox.complete:
        print(sandbox.summary(limits))
    print(_("wrote {path}").format(path=ns.out))
    return 0
