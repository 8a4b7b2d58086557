"""How long `whygo grade` takes per submission, sandbox included, and for a class of 100.

Grades N copies of the escape-analysis lab with its solutions (the slowest
honest Python case: every check builds and runs Go, in a judge sandbox of its
own) with two workers, after one warm-up grading. The grader itself warms Go's
shared build cache (read-only to the sandboxes) and lists the standard
packages once per run; everything a submission builds stays in its sandbox.

* ``grade.per_submission_seconds``: wall time / N (goal <= 5 s);
* ``grade.class_100_seconds``: that figure x 100 (the class, extrapolated);
* ``grade.one_notebook_seconds``: the median time one submission took from
  start to its row (answer process, one judge per check), which the workers overlap;
* ``grade.per_submission_distinct_seconds``: the same with N *different*
  submissions (a comment naming the student in each task cell). No submission
  reuses another's test binaries (each sandbox has its own lab cache), so this
  matches the first figure; a clear gap would mean builds leak between students.
"""
from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path

import nbformat

from whygo.labs.notebook import cells_by_id

N = 10
WORKERS = 2


def _copies(nb, folder: Path, tag: str, distinct: bool) -> list[Path]:
    paths = []
    for i in range(N):
        copy = nbformat.from_dict(nb)
        if distinct:
            for cid in ("task-1", "task-2"):
                cell = cells_by_id(copy)[cid]
                head, _, body = cell.source.partition("\n")
                cell.source = f"{head}\n// {tag} student {i}\n{body}"
        path = folder / f"{tag}-student{i:02d}.ipynb"
        nbformat.write(copy, str(path))
        paths.append(path)
    return paths


def _timed(paths, grade) -> tuple[float, list]:
    start = time.perf_counter()
    rows = grade(paths, workers=WORKERS)
    wall = time.perf_counter() - start
    if any(r.score != r.max for r in rows):
        raise RuntimeError(f"a copy of the solution did not get full marks: {[r.checks for r in rows]}")
    return wall / N, rows


def measure():
    from whygo.labs.catalog import LABS
    from whygo.labs.grade import grade
    from whygo.labs.notebook import read, with_solutions

    lab = LABS["escape"]
    folder = Path(tempfile.mkdtemp(prefix="whygo-bench-grade-"))
    try:
        nb = with_solutions(read(lab.path), lab)
        paths = _copies(nb, folder, "same", distinct=False)
        warm = grade(paths[:1], workers=1)
        if warm[0].score != warm[0].max:
            raise RuntimeError(f"the solution did not pass while warming up: {warm[0].checks} {warm[0].note}")
        per, rows = _timed(paths, grade)
        yield "grade.per_submission_seconds", per, "s"
        yield "grade.class_100_seconds", per * 100, "s"
        yield "grade.one_notebook_seconds", statistics.median(r.seconds for r in rows), "s"
        tag = f"run{time.time_ns()}"   # new text on every bench run: never in the cache
        per_distinct, _ = _timed(_copies(nb, folder, tag, distinct=True), grade)
        yield "grade.per_submission_distinct_seconds", per_distinct, "s"
    finally:
        shutil.rmtree(folder, ignore_errors=True)
