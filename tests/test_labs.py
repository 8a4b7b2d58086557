"""Lab notebooks: structure, the verdict protocol, and every check against starter and solution.

Fast tests call the check functions directly. The ``slow`` tests run each
lab notebook in a fresh kernel (``whygo.labs.execute``, one process each),
once as shipped and once with the solutions injected: the starter code must
fail every check, the solutions must pass every check.
"""
from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from hypothesis import given, settings, strategies as st

from whygo.labs import run_check
from whygo.labs.catalog import LABS
from whygo.labs.notebook import cells_by_id, lab_of, read, solutions, with_solutions
from whygo.labs.protocol import Verdict, not_yet, parse_verdicts, passed
from whygo.labs.tasks import ANSWERS

SOLUTIONS = Path(__file__).resolve().parents[1] / "labs" / "solutions"


# -- the verdict line ----------------------------------------------------------------------

def test_verdict_line_round_trips_through_the_parser():
    for v in (passed("escape/1", "0 allocations"), not_yet("sched/2", "too slow", "steal half")):
        assert parse_verdicts("noise\n" + v.line() + "\nmore noise") == [v]


def test_parser_ignores_lines_that_only_look_like_verdicts():
    assert parse_verdicts("  [check escape/1] passed: indented\n[check escape] passed: no number\n") == []


# -- notebooks and solutions ---------------------------------------------------------------

@pytest.mark.parametrize("lab", LABS.values(), ids=list(LABS))
def test_every_lab_has_stable_task_and_check_cells(lab):
    nb = read(lab.path)
    assert lab_of(nb) is lab
    assert nb.metadata.kernelspec.name == lab.kernel
    cells = cells_by_id(nb)
    order = [c.id for c in nb.cells]
    for check in lab.checks:
        n = check.split("/")[1]
        assert f"task-{n}" in cells and f"check-{n}" in cells, check
        assert order.index(f"task-{n}") < order.index(f"check-{n}")
        source = cells[f"check-{n}"].source
        assert f'check("{check}")' in source or f"[check {check}]" in source
    assert "What you will learn" in nb.cells[0].source and "Time:" in nb.cells[0].source


@pytest.mark.parametrize("lab", LABS.values(), ids=list(LABS))
def test_solutions_replace_task_cells_only(lab):
    nb = read(lab.path)
    solved = with_solutions(nb, lab)
    sols = solutions(lab)
    assert set(sols) == {f"task-{c.split('/')[1]}" for c in lab.checks}
    for before, after in zip(nb.cells, solved.cells):
        if after.id in sols:
            assert after.source == sols[after.id] != before.source
        else:
            assert after.source == before.source


@pytest.mark.parametrize("lab", LABS.values(), ids=list(LABS))
def test_shipped_notebooks_hold_the_starter_verdicts(lab):
    """Stored outputs (what nbval compares) say "not yet" for every check."""
    cells = cells_by_id(read(lab.path))
    for check in lab.checks:
        outs = cells["check-" + check.split("/")[1]].outputs
        text = "".join(o.get("text", "") for o in outs)
        verdicts = parse_verdicts(text)
        assert [v.check for v in verdicts] == [check] and not verdicts[0].passed, text


# -- checks, called directly (fast) ----------------------------------------------------------

def _solution_ns(lab_id: str) -> dict:
    ns: dict = {}
    for cid, source in solutions(LABS[lab_id]).items():
        exec(compile(source, cid, "exec"), ns)
    return ns


def test_sched_predictions_check_fails_on_a_wrong_answer_and_passes_the_truth():
    from whygo.labs.sched import SITUATIONS, truth
    right = {k: truth(k) for k in SITUATIONS}
    assert right == {"a": "runnext", "b": "local", "c": "global", "d": "stolen", "e": "global"}
    assert run_check("sched/1", {"predictions": right}).passed
    wrong = dict(right, c="local")   # the source article's claim about Gosched
    v = run_check("sched/1", {"predictions": wrong})
    assert not v.passed and "c" in v.message


def test_sched_policy_check_passes_the_solution_and_fails_no_stealing():
    assert run_check("sched/2", _solution_ns("sched")).passed
    assert not run_check("sched/2", {"my_steal": lambda req: None}).passed


def test_sched_policy_check_reports_an_impossible_choice_as_not_yet():
    from whygo.sched import StealChoice
    v = run_check("sched/2", {"my_steal": lambda req: StealChoice(req.thief, 1)})
    assert not v.passed and "simulator stopped" in v.message


def test_barrier_checks_pass_the_solutions():
    ns = _solution_ns("barrier")
    assert run_check("barrier/1", ns).passed
    assert run_check("barrier/2", ns).passed


@pytest.mark.parametrize("wrong", [lambda h, s, o, n, c: [n], lambda h, s, o, n, c: [o],
                                   lambda h, s, o, n, c: []], ids=["insertion-only", "deletion-only", "none"])
def test_barrier_check_reports_the_interleaving_that_breaks_a_wrong_barrier(wrong):
    v = run_check("barrier/1", {"my_barrier": wrong})
    assert not v.passed and "lost reachable object" in v.message and "steps:" in v.message


def test_barrier_check_refuses_a_barrier_that_shades_everything():
    def everything(heap, slot_owner, old, new, ctx):
        return list(heap.objects)
    v = run_check("barrier/1", {"my_barrier": everything})
    assert not v.passed and "shades objects the write does not touch" in v.message


def test_conditional_barrier_check_refuses_the_unconditional_one():
    v = run_check("barrier/2", {"commented_barrier": lambda h, s, o, n, c: [o, n]})
    assert not v.passed and "already black" in v.message


def test_a_check_turns_any_exception_into_not_yet():
    def boom(*a):
        raise RuntimeError("student bug")
    v = run_check("barrier/1", {"my_barrier": boom})
    assert not v.passed and "student bug" in v.message
    assert not run_check("nosuch/1", {}).passed


def test_missing_answers_are_reported_not_raised():
    for check in ("sched/1", "sched/2", "barrier/1", "barrier/2", "binary/1"):
        v = run_check(check, {})
        assert not v.passed and "found" in v.message, check


def _go_answer(check: str, kind: str) -> None:
    lab, n = check.split("/")
    if kind == "solution":
        source = solutions(LABS[lab])[f"task-{n}"]
    else:
        source = cells_by_id(read(LABS[lab].path))[f"task-{n}"].source
    ANSWERS[check] = source.split("\n", 1)[1]   # drop the %%task line


@pytest.mark.slow
@pytest.mark.parametrize("check", ["escape/1", "escape/2", "diet/1", "diet/2"])
def test_go_checks_fail_the_starter_and_pass_the_solution(check):
    _go_answer(check, "starter")
    assert not run_check(check, {}).passed
    _go_answer(check, "solution")
    v = run_check(check, {})
    assert v.passed, v.line()


@pytest.mark.slow
def test_go_check_reports_a_compile_error_as_not_yet():
    ANSWERS["escape/1"] = "func NewPoint(x, y int) Point { return Point{x, y "
    v = run_check("escape/1", {})
    assert not v.passed and "does not compile" in v.message


@pytest.mark.slow
def test_escape_check_refuses_a_function_that_lost_its_values():
    ANSWERS["escape/2"] = "func Mean(values []float64) float64 { return 0 }"
    v = run_check("escape/2", {})
    assert not v.passed and "expected" in v.message


# -- whole notebooks in fresh kernels ---------------------------------------------------------

def _execute(nb, kernel: str, tmp: Path) -> dict[str, list[Verdict]]:
    """Run a notebook with the grader's worker; check cell id -> verdicts printed."""
    tmp.mkdir(parents=True, exist_ok=True)
    path, events = tmp / "lab.ipynb", tmp / "events.jsonl"
    nbformat.write(nb, str(path))
    subprocess.run([sys.executable, "-m", "whygo.labs.execute", str(path), str(events), "--kernel", kernel,
                    "--timeout", "400"], check=True, timeout=500, capture_output=True)
    out = {}
    for line in events.read_text().splitlines():
        e = json.loads(line)
        if str(e.get("id", "")).startswith("check-"):
            out[e["id"]] = parse_verdicts(e.get("text", ""))
    return out


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """Every lab, as shipped and with solutions, run two at a time."""
    jobs = []
    for lab in LABS.values():
        nb = read(lab.path)
        jobs.append((lab.id, "starter", nb, lab.kernel))
        jobs.append((lab.id, "solution", with_solutions(nb, lab), lab.kernel))
    root = tmp_path_factory.mktemp("labs")
    with ThreadPoolExecutor(2) as pool:
        results = pool.map(lambda j: _execute(j[2], j[3], root / f"{j[0]}-{j[1]}"), jobs)
        return {(j[0], j[1]): r for j, r in zip(jobs, results)}


@pytest.mark.slow
@pytest.mark.parametrize("lab", LABS.values(), ids=list(LABS))
def test_starter_fails_every_check_and_solution_passes_every_check(executed, lab):
    for kind, expect in (("starter", False), ("solution", True)):
        verdicts = executed[(lab.id, kind)]
        for check in lab.checks:
            got = verdicts.get(lab.check_cell(check), [])
            assert [v.check for v in got] == [check], (kind, check, got)
            assert got[0].passed is expect, (kind, got[0].line())


_text = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=60).filter(
    lambda s: " — hint: " not in s and s.strip() == s)


@settings(derandomize=True, deadline=None, max_examples=200)
@given(lab=st.sampled_from(sorted(LABS)), n=st.integers(1, 9), ok=st.booleans(), message=_text, hint=_text)
def test_any_verdict_line_parses_back_to_the_same_verdict(lab, n, ok, message, hint):
    v = passed(f"{lab}/{n}", message) if ok else not_yet(f"{lab}/{n}", message, hint)
    assert parse_verdicts(f"output before\n{v.line()}\noutput after") == [v]


@pytest.mark.slow
def test_go_check_reuses_the_built_test_binary_but_runs_it_again(tmp_path, monkeypatch):
    from whygo.golang import build
    from whygo.labs import golab
    monkeypatch.setenv("WHYGO_CACHE", str(tmp_path))
    cell = "func Now() int64 { return time.Now().UnixNano() }"
    harness = 'package main\n\nimport (\n\t"fmt"\n\t"testing"\n)\n\nfunc TestNow(t *testing.T) { fmt.Println("NOW", Now()) }\n'
    first, second = golab.go_check(cell, harness), golab.go_check(cell, harness)
    assert first.problem() is None and "NOW" in first.stdout
    assert first.stdout != second.stdout                       # it ran twice
    assert len(build.binary_cache().entries()) == 1             # from one build
    assert [d.message for d in first.decisions] == [d.message for d in second.decisions]
