"""Lab notebooks: structure, the verdict protocol, and every check against starter and solution.

Fast tests call the check functions directly. The ``slow`` tests run each
lab notebook with the solutions injected in a fresh kernel (``whygo.labs.execute``,
one process each): the solutions must pass every check. That the starter code
fails every check is proved without running it here: nbval runs every shipped lab
and compares with its stored outputs, which
``test_shipped_notebooks_hold_the_starter_verdicts`` reads as "not yet" for every
check (and the grader's tests give the starter zero).
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
from whygo.labs.feedback import Feedback, split_output
from whygo.labs.protocol import MORE, Verdict, not_yet, parse_verdicts, passed
from whygo.labs.registry import ANSWERS

SOLUTIONS = Path(__file__).resolve().parents[2] / "labs" / "solutions"


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


def _output_text(outputs) -> str:
    """What the grader's worker reads of a cell: streams and the text form of displays."""
    return "".join(o.get("text", "") or o.get("data", {}).get("text/plain", "") for o in outputs)


@pytest.mark.parametrize("lab", LABS.values(), ids=list(LABS))
def test_shipped_notebooks_hold_the_starter_verdicts(lab):
    """Stored outputs (what nbval compares) say "not yet" for every check, as a box whose text
    form is the verdict line with the first hint only, and whose progress line counts 0 passed."""
    cells = cells_by_id(read(lab.path))
    for check in lab.checks:
        outs = cells["check-" + check.split("/")[1]].outputs
        verdicts = parse_verdicts(_output_text(outs))
        assert [v.check for v in verdicts] == [check] and not verdicts[0].passed, outs
        assert MORE not in verdicts[0].hint, verdicts[0].line()
        boxes = [o for o in outs if "text/html" in o.get("data", {})]
        assert len(boxes) == 1, outs
        html = boxes[0].data["text/html"]
        assert f'data-check="{check}"' in html and 'data-passed="false"' in html
        assert f"0 of {len(lab.checks)} checks pass" in html


def test_the_go_lab_keeps_its_check_code_out_of_sight():
    """Collapsed in JupyterLab (jupyter.source_hidden), behind a toggle on the website (hide-input)."""
    cells = cells_by_id(read(LABS["leak"].path))
    for check in LABS["leak"].checks:
        cell = cells[LABS["leak"].check_cell(check)]
        assert cell.metadata.get("jupyter", {}).get("source_hidden") is True, check
        assert "hide-input" in cell.metadata.get("tags", []), check


# -- what the learner sees: a box, hints in tiers, progress -----------------------------------

def test_a_check_result_is_a_box_whose_text_is_the_verdict_line():
    v = not_yet("escape/2", "Mean makes 1 allocation(s) per call", "a nudge", "the answer")
    result = Feedback().record(v)
    assert repr(result) == "[check escape/2] not yet: Mean makes 1 allocation(s) per call — hint: a nudge"
    assert parse_verdicts(repr(result)) == [v.at_tier(0)]
    html = result._repr_html_()
    assert 'data-passed="false"' in html and "a nudge" in html and "the answer" not in html
    assert "overflow-wrap:break-word" in html and "word-break:normal" in html   # wraps between words
    ok = Feedback().record(passed("escape/1", "0 allocations"))
    assert repr(ok) == "[check escape/1] passed: 0 allocations" and 'data-passed="true"' in ok._repr_html_()


def test_hints_come_in_tiers_per_check_and_progress_counts_the_last_outcomes():
    fb = Feedback()
    nudge, more = "a nudge", "the answer"
    first = fb.record(not_yet("escape/2", "no", nudge, more))
    other = fb.record(not_yet("escape/1", "no", "other nudge", "other answer"))
    second = fb.record(not_yet("escape/2", "no", nudge, more))
    third = fb.record(not_yet("escape/2", "no", nudge, more))
    assert [first.shown.hint, other.shown.hint, second.shown.hint, third.shown.hint] == \
        [nudge, "other nudge", more, more]
    # another kind of failure of the same check starts with its own nudge
    assert fb.record(not_yet("escape/2", "no", "new nudge", "new answer")).shown.hint == "new nudge"
    assert nudge in second._repr_html_() and more in second._repr_html_()   # the box keeps the nudge
    assert first.progress == ("Lab 1", 0, 2)
    assert fb.record(passed("escape/1", "yes")).progress == ("Lab 1", 1, 2)
    assert fb.record(passed("escape/2", "yes")).progress == ("Lab 1", 2, 2)
    assert "2 of 2 checks pass" in fb.record(passed("escape/2", "yes"))._repr_html_()


@pytest.mark.slow
def test_the_first_failure_of_lab_1_does_not_give_the_answer_away():
    ANSWERS["escape/2"] = cells_by_id(read(LABS["escape"].path))["task-2"].source.split("\n", 1)[1]
    v = run_check("escape/2", {})
    fb = Feedback()
    first, again = fb.record(v), fb.record(v)
    assert "running sum" not in repr(first) and "running sum" in repr(again)


def test_go_output_verdict_lines_become_check_results_and_the_rest_stays_text():
    line = "[check leak/1] not yet: still waiting — hint: look at ctx — more: select on ctx.Done()"
    parts = split_output(f"before\n{line}\nafter\n", Feedback())
    assert parts[0] == "before\n" and parts[2] == "after\n"
    assert repr(parts[1]) == "[check leak/1] not yet: still waiting — hint: look at ctx"
    assert parts[1].progress == ("Lab 4", 0, 2)


def test_lab_modules_import_no_cycle():
    """whygo.labs' modules, with imports inside functions too, form no import cycle (issue 12)."""
    import ast
    import whygo.labs
    folder = Path(whygo.labs.__file__).parent
    graph = {}
    for path in folder.glob("*.py"):
        name = "whygo.labs" if path.stem == "__init__" else f"whygo.labs.{path.stem}"
        deps = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("whygo.labs"):
                deps.add(node.module)
                deps.update(f"{node.module}.{a.name}" for a in node.names)
            elif isinstance(node, ast.Import):
                deps.update(a.name for a in node.names if a.name.startswith("whygo.labs"))
        graph[name] = deps
    graph = {k: {d for d in v if d in graph and d != k} for k, v in graph.items()}
    # a package's __init__ is imported by every submodule: leave those edges out
    graph = {k: v - {"whygo.labs"} for k, v in graph.items()}
    seen, stack = set(), []

    def visit(node):
        if node in stack:
            raise AssertionError("import cycle: " + " -> ".join(stack[stack.index(node):] + [node]))
        if node in seen:
            return
        stack.append(node)
        for dep in sorted(graph[node]):
            visit(dep)
        stack.pop()
        seen.add(node)

    for node in sorted(graph):
        visit(node)
    from whygo.labs import registry
    assert set(registry.checks()) == {c for lab in LABS.values() if lab.kernel == "python3" for c in lab.checks}
    assert "type Item struct" in registry.context("diet/1") and registry.context("escape/1") == "package main\n"


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


def test_sched_policy_check_says_a_p_id_was_expected_for_a_view():
    """Returning the view of P0 instead of its id: the message says what was wrong."""
    from whygo.sched import StealChoice
    v = run_check("sched/2", {"my_steal": lambda req: StealChoice(req.procs[0], 1)})
    assert not v.passed and "must be a P id" in v.message and "a PView" in v.message, v.line()
    assert "not another P" not in v.message


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
def solved(tmp_path_factory):
    """Every lab with its solutions, run two at a time: lab id -> check cell id -> verdicts."""
    root = tmp_path_factory.mktemp("labs")
    with ThreadPoolExecutor(2) as pool:
        results = pool.map(lambda lab: _execute(with_solutions(read(lab.path), lab), lab.kernel, root / lab.id),
                           LABS.values())
        return dict(zip(LABS, results))


@pytest.mark.slow
@pytest.mark.parametrize("lab", LABS.values(), ids=list(LABS))
def test_solution_passes_every_check(solved, lab):
    for check in lab.checks:
        got = solved[lab.id].get(lab.check_cell(check), [])
        assert [v.check for v in got] == [check], (check, got)
        assert got[0].passed, got[0].line()


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
