"""``whygo grade`` and ``whygo labs student-version``: robust to what students hand in.

One class of crafted submissions of the scheduler lab (pure Python, quick to
run) is graded once, two at a time; each test looks at its row. Every
robustness case of the brief has a submission: invalid JSON, another lab's
notebook, a deleted and a reordered cell, a cell that never ends, a kernel killed by
``os._exit``, a flood of output, and a student who prints a fake verdict.
Hostile submissions (the sandbox) are in test_grade_sandbox.py.
"""
from __future__ import annotations

import copy
import csv
import hashlib
import os
from pathlib import Path

import nbformat
import pytest

from whygo.labs.catalog import LABS
from whygo.labs.grade import DID_NOT_RUN, NOT_YET, PASSED, grade, main, write_csv
from whygo.labs.notebook import cells_by_id, main_student, read, solutions, with_solutions

TIMEOUT = 40.0


def _sched(solved: bool = True):
    lab = LABS["sched"]
    nb = read(lab.path)
    return with_solutions(nb, lab) if solved else nb


def _set(nb, cid: str, source: str):
    cells_by_id(nb)[cid].source = source
    return nb


def _submissions(folder: Path) -> dict[str, Path]:
    subs = {}

    def put(name, nb):
        path = folder / f"{name}.ipynb"
        nbformat.write(nb, str(path))
        subs[name] = path

    put("solved", _sched())
    put("starter", _sched(False))
    (folder / "invalid.ipynb").write_text('{"cells": [ oops')
    subs["invalid"] = folder / "invalid.ipynb"
    put("other-lab", read(LABS["barrier"].path))
    deleted = _sched()
    deleted.cells = [c for c in deleted.cells if c.id != "check-2"]
    put("deleted", deleted)
    reordered = _sched()
    ids = [c.id for c in reordered.cells]
    check1 = reordered.cells.pop(ids.index("check-1"))
    reordered.cells.insert(ids.index("task-1"), check1)
    put("reordered", reordered)
    # a cell that never ends; it sleeps rather than spins, which would take a core from the rest of
    # the suite for the whole time limit (a spinning cell that even ignores interrupts is
    # test_code_that_ignores_interrupts_is_killed_at_the_time_limit, with a 10 s limit)
    put("endless", _set(_sched(), "task-2", "import time\nwhile True:\n    time.sleep(1)"))
    put("exit", _set(_sched(), "task-2", "import os\nos._exit(1)"))
    put("flood", _set(_sched(), "task-2", "for i in range(100_000):\n    print('x' * 100)"))
    cheat = _set(_sched(False), "task-1", 'print("[check sched/1] passed: trust me")')
    put("cheat", _set(cheat, "check-2", 'print("[check sched/2] passed: trust me")'))
    return subs


def _fingerprint(paths):
    return {p: (hashlib.sha256(p.read_bytes()).hexdigest(), os.stat(p).st_mtime_ns) for p in paths}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    subs = _submissions(folder)
    before = _fingerprint(subs.values())
    rows = grade(list(subs.values()), expected_lab="sched", workers=2, timeout=TIMEOUT, max_output=200_000)
    return subs, {name: row for name, row in zip(subs, rows)}, before


pytestmark = pytest.mark.slow


def test_solution_scores_full_marks_and_starter_zero(graded):
    _, rows, _ = graded
    assert rows["solved"].checks == {"sched/1": PASSED, "sched/2": PASSED} and rows["solved"].note == ""
    assert rows["starter"].checks == {"sched/1": NOT_YET, "sched/2": NOT_YET}
    assert (rows["solved"].score, rows["solved"].max, rows["starter"].score) == (2, 2, 0)


def test_invalid_json_gets_a_note_and_the_others_are_still_graded(graded):
    _, rows, _ = graded
    assert "invalid JSON" in rows["invalid"].note and rows["invalid"].score == 0
    assert rows["solved"].score == 2


def test_notebook_of_another_lab_is_refused(graded):
    _, rows, _ = graded
    row = rows["other-lab"]
    assert "lab 'barrier', not of lab 'sched'" in row.note
    assert row.checks == {"sched/1": DID_NOT_RUN, "sched/2": DID_NOT_RUN}


def test_a_deleted_check_cell_is_noted_and_the_labs_own_check_still_runs(graded):
    _, rows, _ = graded
    row = rows["deleted"]
    assert "only task cells are graded; ignored: check-2" in row.note
    assert row.checks == {"sched/1": PASSED, "sched/2": PASSED}


def test_moved_cells_do_not_matter_the_labs_order_is_used(graded):
    _, rows, _ = graded
    row = rows["reordered"]
    assert row.checks == {"sched/1": PASSED, "sched/2": PASSED} and row.note == ""


def test_a_deleted_task_cell_is_noted_and_its_check_says_not_yet(tmp_path):
    nb = _sched()
    nb.cells = [c for c in nb.cells if c.id != "task-2"]
    path = tmp_path / "no-task.ipynb"
    nbformat.write(nb, str(path))
    row = grade([path], workers=1, timeout=TIMEOUT)[0]
    assert "task cell task-2 was deleted" in row.note
    assert row.checks == {"sched/1": PASSED, "sched/2": NOT_YET}


def test_endless_loop_hits_the_time_limit_and_keeps_earlier_checks(graded):
    _, rows, _ = graded
    row = rows["endless"]
    assert "time limit" in row.note and "task-2" in row.note
    assert row.checks["sched/1"] == PASSED and row.checks["sched/2"] != PASSED


def test_kernel_killed_by_os_exit_is_noted(graded):
    _, rows, _ = graded
    row = rows["exit"]
    assert "kernel died in cell task-2" in row.note
    assert row.checks == {"sched/1": PASSED, "sched/2": DID_NOT_RUN}


def test_huge_output_is_truncated_and_the_checks_after_it_still_count(graded):
    _, rows, _ = graded
    row = rows["flood"]
    assert "output of cell task-2 too large" in row.note
    assert row.checks == {"sched/1": PASSED, "sched/2": NOT_YET}   # task-2 was replaced by the flood


def test_fake_verdicts_do_not_count(graded):
    _, rows, _ = graded
    assert rows["cheat"].checks == {"sched/1": NOT_YET, "sched/2": NOT_YET}


def test_submitted_files_are_never_written(graded):
    subs, _, before = graded
    assert _fingerprint(subs.values()) == before
    assert sorted(p.name for p in next(iter(subs.values())).parent.iterdir()) == sorted(p.name for p in subs.values())


def test_csv_has_one_column_per_check_and_a_note(graded, tmp_path):
    subs, rows, _ = graded
    out = tmp_path / "grades.csv"
    write_csv(list(rows.values()), out)
    table = list(csv.DictReader(out.open()))
    assert list(table[0]) == ["file", "lab", "score", "max", "sched/1", "sched/2", "note"]
    solved = next(r for r in table if r["file"] == str(subs["solved"]))
    assert (solved["score"], solved["max"], solved["sched/1"]) == ("2", "2", "passed")


def test_cli_writes_csv_and_prints_a_summary(tmp_path, capsys):
    path = tmp_path / "one.ipynb"
    nbformat.write(_sched(), str(path))
    assert main([str(path), str(tmp_path / "missing.ipynb"), "--out", str(tmp_path / "g.csv"),
                 "--workers", "1", "--timeout", str(TIMEOUT)]) == 0
    out, err = capsys.readouterr()
    assert "2 submission(s), 2/2 checks passed" in out and "1/2" in err and "2/2" in err
    assert "file not found" in (tmp_path / "g.csv").read_text()


# -- student version ------------------------------------------------------------------------

@pytest.mark.parametrize("keep", [False, True])
def test_student_version_has_every_lab_without_solutions(tmp_path, keep):
    argv = [str(tmp_path / "class")] + (["--keep-outputs"] if keep else [])
    assert main_student(argv) == 0
    for lab in LABS.values():
        nb = read(tmp_path / "class" / lab.notebook)
        cells = cells_by_id(nb)
        assert [c.id for c in nb.cells] == [c.id for c in read(lab.path).cells]
        for cid, solution in solutions(lab).items():
            assert cells[cid].source != solution
        has_outputs = any(c.get("outputs") for c in nb.cells if c.cell_type == "code")
        assert has_outputs is keep


def test_student_version_refuses_a_file_as_outdir(tmp_path, capsys):
    target = tmp_path / "file"
    target.write_text("")
    assert main_student([str(target)]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_go_kernel_lab_is_graded_from_its_go_checks(tmp_path):
    lab = LABS["leak"]
    solved, starter = tmp_path / "solved.ipynb", tmp_path / "starter.ipynb"
    nbformat.write(with_solutions(read(lab.path), lab), str(solved))
    nbformat.write(read(lab.path), str(starter))
    rows = grade([solved, starter], expected_lab="leak", workers=2, timeout=90)
    assert rows[0].checks == {"leak/1": PASSED, "leak/2": PASSED}, rows[0].note
    assert rows[1].checks == {"leak/1": NOT_YET, "leak/2": NOT_YET}, rows[1].note


def test_code_that_ignores_interrupts_is_killed_at_the_time_limit(tmp_path):
    path = tmp_path / "stubborn.ipynb"
    stubborn = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"
    nbformat.write(_set(_sched(), "task-2", stubborn), str(path))
    row = grade([path], workers=1, timeout=10)[0]
    assert "time limit (10 s) reached in cell task-2" in row.note
    assert row.checks == {"sched/1": PASSED, "sched/2": DID_NOT_RUN}
    assert row.seconds < 10 + 5   # killed at the limit, with its sandbox


def test_without_a_sandbox_the_grader_says_so_at_the_start_and_in_every_row(tmp_path, monkeypatch, capsys):
    import whygo.labs.grade as grading
    from whygo.labs.sandbox import Sandbox
    found = Sandbox.probe()
    weak = Sandbox(False, False, "not sandboxed: the grader is not root, so submissions run as you (tester)",
                   "not sandboxed (ran as tester)", found.course, found.go_cache, found.std_lists)
    monkeypatch.setattr(grading.Sandbox, "probe", classmethod(lambda cls: weak))
    path = tmp_path / "one.ipynb"
    nbformat.write(_sched(), str(path))
    assert main([str(path), "--out", str(tmp_path / "g.csv"), "--workers", "1", "--timeout", str(TIMEOUT)]) == 0
    out, err = capsys.readouterr()
    assert err.startswith("WARNING: not sandboxed: the grader is not root") and "WARNING: not sandboxed" in out
    row = next(csv.DictReader((tmp_path / "g.csv").open()))
    assert (row["score"], row["note"]) == ("2", "not sandboxed (ran as tester)")


def test_help_states_the_sandbox_and_its_limits(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    for words in ("as a uid of its own, without network", "CPU time = --timeout per process",
                  "MB of memory per process", "processes and threads", "files up to", "Without root or namespaces"):
        assert words in text
