"""Chapter 3.2 helpers (whygo/chapters/stacks_escape.py): the model's stack moves against a
report of the real runtime, and escape decisions paired with their source lines."""
import json
from pathlib import Path

import pytest

from whygo.chapters import stacks_escape as se
from whygo.chapters.stacks_escape import ChapterError

FIXTURES = Path(__file__).parents[1] / "fixtures"


def report(base=240, frame=192, depth=3000, start=2048):
    """A stackgrow-shaped report built from the model itself (no Go needed)."""
    moves = se.model_moves(base, frame, depth, start)
    return {"starting_stack_bytes": start,
            "growths": [{"depth": d, "used_bytes": 100 + frame * d} for d in moves],
            "checkpoints": [{"depth": 0, "used_bytes": 100}, {"depth": 100, "used_bytes": 100 + 100 * frame}]}


def test_frame_bytes_is_the_slope_of_used_bytes():
    assert se.frame_bytes(report(frame=160)) == 160
    with pytest.raises(ChapterError, match="checkpoints"):
        se.frame_bytes({"checkpoints": [{"depth": 0, "used_bytes": 1}]})


def test_newstack_doubles_the_stack_on_every_growth():
    rows = se.growth_rows(report())
    sizes = [r[3] for r in rows]
    assert sizes[0] == "2 KiB -> 4 KiB" and sizes[1] == "4 KiB -> 8 KiB" and sizes[4] == "32 KiB -> 64 KiB"
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))


def test_model_moves_when_the_next_frame_would_cross_stackguard0():
    from whygo.stack.constants import load_constants
    c = load_constants()
    # obj6.go stacksplit: a frame larger than StackSmall compares SP-(frame-StackSmall) with
    # stackguard0 = lo + stackGuard; the first move is at the first call that crosses it.
    reach = lambda d: 240 + 192 * d + (192 - c.stack_small)   # bytes below hi the check reaches
    first = se.model_moves(240, 192, 50)[0]
    assert reach(first - 1) < 2048 - c.stack_guard <= reach(first)


def real_report() -> dict:
    """What gocode/cmd/stackgrow printed with the pinned Go (stack_growth(depth=10_000), as
    chapter 3.2 runs it); test_the_fixture_is_what_stackgrow_prints keeps it current."""
    return json.loads((FIXTURES / "stackgrow_depth10000.json").read_text())


def test_predict_moves_recovers_the_base_and_predicts_the_rest():
    r = real_report()
    p = se.predict_moves(r)
    assert p.frame == 192 and p.fitted == 2
    assert p.real == (5, 15, 37, 79, 165, 335, 677, 1359, 2725, 5455)
    assert p.predicted == p.real and p.all_match        # 8 moves the model was not fitted on
    # the fitted base lies within one frame of the bytes the program reports in use at depth 0
    assert r["checkpoints"][0]["used_bytes"] - p.frame < p.bases[0] <= r["checkpoints"][0]["used_bytes"] + p.frame


def test_predict_moves_notices_a_report_the_model_cannot_explain():
    bad = real_report()
    bad["growths"][-1]["depth"] += 7
    assert not se.predict_moves(bad).all_match


def test_predict_moves_of_the_models_own_report_recovers_its_base():
    p = se.predict_moves(report(base=240))
    assert 240 in p.bases and p.all_match and p.fitted == 2


@pytest.mark.slow
def test_the_fixture_is_what_stackgrow_prints():
    from whygo.golang.evidence import stack_growth
    now, stored = stack_growth(depth=10_000), real_report()
    assert now["growths"] == stored["growths"]
    assert [(c["depth"], c["used_bytes"], c["moves"]) for c in now["checkpoints"]] == \
        [(c["depth"], c["used_bytes"], c["moves"]) for c in stored["checkpoints"]]


def test_predict_moves_needs_moves_left_to_predict():
    r = report(depth=10)
    with pytest.raises(ChapterError, match="nothing to predict"):
        se.predict_moves(r, fit_on=len(r["growths"]))


SRC = """type box struct{ n int }

var kept *box

func read(b *box) int { return b.n }

func keep(b *box) { kept = b }

func main() {
    a := box{1}
    read(&a)
    c := box{2}
    keep(&c)
}
"""


def test_beside_puts_each_decision_on_its_line():
    b = se.beside(SRC)
    assert any("does not escape" in d for d in b.decisions(5))
    assert any("leaking param: b" in d for d in b.decisions(7))
    assert "moved to heap: c" in b.decisions(12)
    assert b.decisions(10) == ()
    assert not any(d.startswith("can inline") for d in b.all_decisions())
    assert any(d.startswith("can inline") for d in se.beside(SRC, inlining=True).all_decisions())
    text = repr(b)
    assert "// -m: moved to heap: c" in text.splitlines()[11]


def test_beside_can_run_the_program():
    b = se.beside('func main() { fmt.Println("hi") }', run=True)
    assert b.output == "hi\n" and "program output:" in repr(b)


def test_beside_reports_compile_errors_clearly():
    with pytest.raises(ChapterError, match="does not compile"):
        se.beside("func main() { x := }")
    with pytest.raises(ChapterError, match="Go source"):
        se.beside("")
