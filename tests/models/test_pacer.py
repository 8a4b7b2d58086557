"""The pacer's heap goal against hand-computed values of runtime/mgcpacer.go's formulas."""
from pathlib import Path

import pytest

from whygo.gc import GCModelError
from whygo.gc.pacer import (NO_GOAL, gc_percent_heap_goal, heap_goal, heap_goal_mb, heap_minimum,
                            memory_limit_heap_goal, predict_goals, simulate_heap, trigger)

M = 1 << 20
FIXTURES = Path(__file__).parents[1] / "fixtures"


def test_gc_percent_goal_counts_heap_stacks_and_globals():
    # 100 MiB marked, 2 MiB stacks, 1 MiB globals, GOGC=100: 100 + (100+2+1) = 203 MiB
    assert gc_percent_heap_goal(100 * M, 2 * M, 1 * M, 100) == 203 * M
    # GOGC=50: 100 + 103/2 = 151.5 MiB
    assert gc_percent_heap_goal(100 * M, 2 * M, 1 * M, 50) == 100 * M + 103 * M // 2


def test_heap_minimum_is_4mib_scaled_by_gogc():
    assert heap_minimum(100) == 4 * M
    assert heap_minimum(200) == 8 * M
    assert heap_minimum(50) == 2 * M
    assert heap_minimum("off") == 0


def test_goal_never_below_heap_minimum():
    assert gc_percent_heap_goal(1 * M, 0, 0, 100) == 4 * M      # 2 MiB < 4 MiB
    assert gc_percent_heap_goal(1 * M, 0, 0, 50) == 2 * M       # 1.5 MiB < 2 MiB
    assert gc_percent_heap_goal(0, 0, 0, 100) == 4 * M          # start-up


def test_gogc_off_means_no_gcpercent_goal():
    assert gc_percent_heap_goal(100 * M, 0, 0, "off") == NO_GOAL
    assert gc_percent_heap_goal(100 * M, 0, 0, -1) == NO_GOAL
    assert heap_goal_mb(100, gogc="off") == float("inf")


def test_memory_limit_goal_subtracts_non_heap_and_3_percent_headroom():
    goal = 100 * M - 10 * M                                    # limit - non-heap
    expected = goal - goal // 100 * 3
    assert memory_limit_heap_goal(100 * M, 50 * M, non_heap=10 * M) == expected


def test_memory_limit_goal_headroom_is_at_least_1mib():
    assert memory_limit_heap_goal(5 * M, 1 * M) == 4 * M        # 3% of 5 MiB < 1 MiB


def test_memory_limit_goal_subtracts_the_overage():
    # mapped = 10 + 120 = 130 MiB > 100: overage 30; goal = 100 - 40 = 60 MiB, minus 3 %
    goal = 60 * M
    expected = goal - goal // 100 * 3
    assert memory_limit_heap_goal(100 * M, 50 * M, non_heap=10 * M, heap_alloc=120 * M) == expected


def test_memory_limit_goal_never_below_heap_marked():
    assert memory_limit_heap_goal(100 * M, 95 * M, non_heap=10 * M) == 95 * M


def test_gomemlimit_caps_the_gogc_goal():
    limit_goal = 150 * M - 150 * M // 100 * 3
    assert heap_goal(100 * M, 0, 0, 100, 150 * M) == limit_goal          # 200 MiB capped
    assert heap_goal(10 * M, 0, 0, 100, 150 * M) == 20 * M               # not limited
    assert heap_goal(100 * M, 0, 0, "off", 150 * M) == limit_goal        # GOGC=off + limit


def test_trigger_is_clamped_between_45_and_61_64ths_of_the_runway():
    span = 50 * M // 64
    assert trigger(100 * M, 50 * M, runway=0) == span * 61 + 50 * M
    assert trigger(100 * M, 50 * M, runway=1000 * M) == span * 45 + 50 * M
    assert trigger(100 * M, 50 * M, runway=10 * M) == 90 * M


def test_trigger_for_big_heaps_can_be_goal_minus_4mib():
    # goal 1000 MiB, marked 500: 61/64 of the way is 976.6 MiB < goal - 4 MiB = 996 MiB
    assert trigger(1000 * M, 500 * M, runway=0) == 996 * M
    # marked 990: 61/64 of the way (999.5 MiB) is above goal - 4 MiB, so it stays
    assert trigger(1000 * M, 990 * M, runway=0) == 10 * M // 64 * 61 + 990 * M


def test_bad_gogc_is_a_clear_error():
    with pytest.raises(GCModelError, match="GOGC='fast'"):
        heap_goal(M, gogc="fast")


def test_predict_goals_matches_real_gctrace_within_rounding():
    from whygo.golang.gctrace import parse_gctrace
    cycles = parse_gctrace((FIXTURES / "gctrace_gcload.txt").read_text()).cycles
    predicted = predict_goals(cycles, 100)
    assert len(predicted) == len(cycles)
    for c, p in zip(cycles, predicted):
        # gctrace prints whole MiB rounded down: goal and live each lose < 1 MiB
        assert abs(p - c.heap_goal_mb) <= 2, (c, p)
    assert predicted[:3] == [c.heap_goal_mb for c in cycles[:3]]


def test_predict_goals_accepts_plain_numbers():
    assert predict_goals([(32, 0, 0), (40, 1, 1)], 100) == [4.0, 64.0]
    with pytest.raises(GCModelError, match="heap_live_mb"):
        predict_goals([(1, 2)])


def test_sawtooth_goal_follows_the_previous_cycle():
    s = simulate_heap(200, 50, 100, duration_s=3)
    assert len(s.cycles) >= 3
    for prev, cur in zip(s.cycles, s.cycles[1:]):
        assert cur.goal_mb == pytest.approx(2 * prev.heap_live_mb, abs=1e-3)
    for c in s.cycles:
        assert c.heap_end_mb <= c.goal_mb + 1e-9
        assert c.heap_live_mb >= s.live_mb
    assert len(s.t_s) == len(s.heap_mb) == len(s.goal_mb)


def test_sawtooth_gogc_off_without_limit_never_collects():
    s = simulate_heap(100, 50, "off", duration_s=2)
    assert s.cycles == () and s.peak_mb == pytest.approx(50 + 100 * 2)


def test_sawtooth_memory_limit_keeps_the_heap_under_the_limit():
    s = simulate_heap(100, 50, "off", memlimit=120, duration_s=3)
    assert s.cycles and s.peak_mb <= 120


def test_sawtooth_higher_gogc_means_fewer_cycles():
    counts = [len(simulate_heap(300, 40, g, duration_s=3).cycles) for g in (50, 100, 200, 400)]
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]


def test_sawtooth_rejects_bad_input():
    with pytest.raises(GCModelError, match="alloc_rate_mb_s"):
        simulate_heap(0, 10)
    with pytest.raises(GCModelError, match="memlimit=1"):
        simulate_heap(10, 10, memlimit=1, stacks_mb=2)
