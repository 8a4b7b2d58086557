"""Property tests over random mutator/collector interleavings (hypothesis, derandomized).

With a correct barrier no reachable object is ever freed, whatever the
interleaving; with no barrier the checker finds one that loses an object,
which proves the check can fail.
"""
from hypothesis import given, settings
from hypothesis import strategies as st

from whygo.gc import GC, find_lost_object, random_heap, random_step
from whygo.gc.barriers import barrier_spec

SETTINGS = settings(derandomize=True, deadline=None, max_examples=80)


def run_random(rng, barrier, *, steps, wbbuf_entries=0, **kw):
    gc = GC(random_heap(rng, objects=rng.randint(2, 7), goroutines=rng.randint(1, 3)),
            barrier, wbbuf_entries=wbbuf_entries, **kw)
    for _ in range(steps):
        gc.step(random_step(gc, rng, p_gc=rng.choice([0.2, 0.4, 0.7])))
        # no reachable object is ever freed: every pointer from a root leads to a live object
        assert gc.heap.reachable() <= set(gc.heap.objects)
        assert not gc.freed & set(gc.heap.root_pointers())
        assert not [v for v in gc.violations if v.rule == "weak"], gc.history
        assert not gc.lost, gc.history
    return gc


@SETTINGS
@given(st.randoms(use_true_random=False), st.integers(20, 120))
def test_hybrid_barrier_never_frees_a_reachable_object(rng, steps):
    gc = run_random(rng, "hybrid", steps=steps)
    assert gc.stats.stack_rescans == 0


@SETTINGS
@given(st.randoms(use_true_random=False), st.integers(20, 120), st.sampled_from([2, 3, 4, 8]))
def test_hybrid_barrier_with_wbbuf_never_frees_a_reachable_object(rng, steps, entries):
    run_random(rng, "hybrid", steps=steps, wbbuf_entries=entries)


@SETTINGS
@given(st.randoms(use_true_random=False), st.integers(20, 120))
def test_yuasa_barrier_with_stack_snapshot_never_frees_a_reachable_object(rng, steps):
    run_random(rng, "yuasa", steps=steps)


@SETTINGS
@given(st.randoms(use_true_random=False), st.integers(20, 120))
def test_dijkstra_barrier_with_rescan_never_frees_a_reachable_object(rng, steps):
    run_random(rng, "dijkstra", steps=steps)


@settings(derandomize=True, deadline=None, max_examples=40)
@given(st.randoms(use_true_random=False), st.integers(20, 120))
def test_hybrid_as_commented_never_frees_a_reachable_object(rng, steps):
    # shade(*slot); shade(ptr) only while the writer's stack is grey (runtime/mbarrier.go)
    run_random(rng, "hybrid-pseudocode", steps=steps)


@settings(derandomize=True, deadline=None, max_examples=10)
@given(st.integers(0, 10_000))
def test_no_barrier_checker_finds_a_lost_object(seed):
    found = find_lost_object("none", seed=seed, minimize=False)
    assert found is not None and found.lost


def test_checker_catches_dijkstra_without_stack_rescan():
    found = find_lost_object(barrier_spec("dijkstra", rescan_stacks=False), seed=0,
                             steps=80, tries=1000)
    assert found is not None and found.lost


def test_checker_catches_yuasa_without_stack_snapshot():
    found = find_lost_object(barrier_spec("yuasa", stacks_at_start=False), seed=0)
    assert found is not None and found.lost
