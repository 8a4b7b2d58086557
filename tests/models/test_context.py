"""Rules of the context-tree model (whygo/context), named after the context.go behaviour each
one mirrors."""
import pytest
from hypothesis import given, settings, strategies as st

from whygo.context import CANCELED, DEADLINE_EXCEEDED, ContextModelError, ContextTree


def small_tree():
    t = ContextTree()
    t.with_timeout("Background", "req", 100)
    t.with_cancel("req", "a")
    t.with_cancel("a", "a1")
    t.with_cancel("req", "b")
    return t


def errs(t):
    return {n.name: n.err for n in t.snapshot().nodes}


def test_cancel_reaches_every_descendant_with_the_same_error():
    t = small_tree()
    t.cancel("a")
    e = errs(t)
    assert e["a"] == e["a1"] == CANCELED
    assert e["req"] is None and e["b"] is None


def test_cancel_never_flows_up_to_the_parent():
    t = small_tree()
    t.cancel("a1")
    assert errs(t)["a"] is None and errs(t)["a1"] == CANCELED


def test_withdeadline_returns_withcancel_when_parent_deadline_is_sooner():
    t = small_tree()
    t.with_timeout("req", "slow", 500)
    n = t.snapshot().node("slow")
    assert n.deadline == 100 and not n.own_timer
    t.with_timeout("req", "fast", 40)
    n = t.snapshot().node("fast")
    assert n.deadline == 40 and n.own_timer


def test_timer_fires_deadline_exceeded_at_the_deadline_not_before():
    t = small_tree()
    t.with_timeout("a", "q", 30)
    assert t.advance(29) == [] and errs(t)["q"] is None
    assert t.advance(30) == ["q"] and errs(t)["q"] == DEADLINE_EXCEEDED
    assert errs(t)["a"] is None


def test_parent_timer_gives_children_deadline_exceeded():
    t = small_tree()
    assert t.advance(150) == ["req"]
    assert set(errs(t).values()) == {None, DEADLINE_EXCEEDED}
    assert errs(t)["Background"] is None and errs(t)["b"] == DEADLINE_EXCEEDED


def test_timers_fire_in_deadline_order():
    t = ContextTree()
    t.with_timeout("Background", "late", 50)
    t.with_timeout("Background", "early", 10)
    assert t.advance(60) == ["early", "late"]


def test_first_error_wins():
    t = small_tree()
    t.cancel("b")
    t.advance(200)
    assert errs(t)["b"] == CANCELED and errs(t)["a"] == DEADLINE_EXCEEDED


def test_propagatecancel_cancels_child_of_done_parent_at_once():
    t = small_tree()
    t.cancel("req")
    t.with_cancel("req", "late")
    assert errs(t)["late"] == CANCELED


def test_deadline_already_passed_cancels_at_once():
    t = ContextTree()
    t.with_timeout("Background", "zero", 0)
    assert errs(t)["zero"] == DEADLINE_EXCEEDED


def test_removechild_unregisters_a_cancelled_child():
    t = small_tree()
    t.cancel("a")
    assert "a" not in t._ctx["req"].children


@pytest.mark.parametrize("call, word", [
    (lambda t: t.cancel("nope"), "nope"),
    (lambda t: t.with_cancel("nope", "x"), "nope"),
    (lambda t: t.with_cancel("req", "a"), "already exists"),
    (lambda t: t.cancel("Background"), "never cancelled"),
    (lambda t: t.advance(-1), "forward"),
])
def test_bad_operations_raise_a_clear_error(call, word):
    with pytest.raises(ContextModelError, match=word):
        call(small_tree())


ops = st.lists(st.tuples(st.sampled_from(["cancel", "timeout", "child", "advance"]),
                         st.integers(0, 30), st.integers(0, 200)), max_size=40)


@settings(derandomize=True, deadline=None, max_examples=150)
@given(ops)
def test_invariants_done_parent_means_done_children_and_deadlines_never_grow(script):
    t = ContextTree()
    names = ["Background"]
    for kind, pick, amount in script:
        target = names[pick % len(names)]
        if kind == "cancel" and target != "Background":
            t.cancel(target)
        elif kind == "timeout":
            names.append(f"c{len(names)}")
            t.with_timeout(target, names[-1], amount)
        elif kind == "child":
            names.append(f"c{len(names)}")
            t.with_cancel(target, names[-1])
        elif kind == "advance":
            t.advance(t.now + amount)
        snap = t.snapshot()
        by = {n.name: n for n in snap.nodes}
        for n in snap.nodes:
            if n.parent is None:
                continue
            p = by[n.parent]
            if p.err is not None:
                assert n.err is not None, f"{n.name} is live under finished {p.name}"
            if p.deadline is not None:
                assert n.deadline is not None and n.deadline <= p.deadline
            if n.deadline is not None and n.deadline <= t.now and n.err is None:
                pytest.fail(f"{n.name} is past its deadline but not cancelled")
