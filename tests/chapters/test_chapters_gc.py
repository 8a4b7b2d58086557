"""Tests of chapter 3.1's helpers (whygo/chapters/gc.py)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import given, settings, strategies as st

from whygo.chapters import gc as ch
from whygo.gc import find_lost_object, scenarios


def test_article_barrier_skips_the_shade_when_the_new_object_is_marked():
    lost = ch.article_case(ch.ARTICLE)
    assert lost.final.lost == ("C",)


@pytest.mark.parametrize("barrier", ["dijkstra", "yuasa", "hybrid"])
def test_article_case_is_safe_under_every_real_barrier(barrier):
    assert ch.article_case(barrier).final.lost == ()


def test_article_barrier_shades_the_old_object_when_both_are_white():
    # the plain lost-object moves delete with nil, so the article's rule does shade C
    assert scenarios.lost_object(ch.ARTICLE).final.lost == ()


def test_article_barrier_loses_objects_in_random_runs():
    assert find_lost_object(ch.ARTICLE, seed=0, tries=100) is not None


def test_barrier_table_has_one_row_per_run_with_its_outcome():
    runs = [scenarios.lost_object(b) for b in ("none", "hybrid")]
    table = ch.barrier_table(runs)
    assert [r[0] for r in table.rows] == ["none", "hybrid"]
    assert table.rows[0][-1] == "C" and table.rows[1][-1] == "none"


def test_barrier_table_refuses_nothing():
    with pytest.raises(ch.ChapterError, match="at least one scenario"):
        ch.barrier_table([])


LISTING = """main.heapWrite STEXT size=80 args=0x10 locals=0x18 funcid=0x0 align=0x0
\t0x0000 00000 (cell.go:6)\tTEXT\tmain.heapWrite(SB), ABIInternal, $24-16
\t0x0010 00016 (cell.go:6)\tCMPL\truntime.writeBarrier(SB), $0
\t0x0019 00025 (cell.go:6)\tCALL\truntime.gcWriteBarrier2(SB)
\t0x0030 00048 (cell.go:6)\tRET
main.stackWrite STEXT nosplit size=4 args=0x8 locals=0x0 funcid=0x0 align=0x0
\t0x0000 00000 (cell.go:9)\tTEXT\tmain.stackWrite(SB), NOSPLIT|NOFRAME|ABIInternal, $0-8
\t0x0000 00000 (cell.go:12)\tRET
"""


def test_write_barrier_calls_finds_the_barrier_routine_per_function():
    calls = ch.write_barrier_calls(LISTING, ["main.heapWrite", "main.stackWrite"])
    assert calls == {"main.heapWrite": ["runtime.gcWriteBarrier2"], "main.stackWrite": []}


def test_write_barrier_calls_names_a_missing_function():
    with pytest.raises(ch.ChapterError, match="main.nowhere.*noinline"):
        ch.write_barrier_calls(LISTING, ["main.nowhere"])






BUCKETS = [(1e-6, 2e-6, 50), (2e-6, 4e-6, 49), (4e-6, 8e-6, 1)]


def test_pause_quantile_is_the_upper_bound_of_the_bucket_holding_it():
    assert ch.pause_quantile(BUCKETS, 0.5) == 2e-6
    assert ch.pause_quantile(BUCKETS, 0.99) == 4e-6
    assert ch.pause_quantile(BUCKETS, 1.0) == 8e-6


@settings(derandomize=True, deadline=None, max_examples=60)
@given(st.lists(st.integers(1, 50), min_size=1, max_size=8), st.floats(0.01, 1.0))
def test_pause_quantile_bounds_at_least_q_of_the_pauses(counts, q):
    buckets = [(2.0 ** i, 2.0 ** (i + 1), c) for i, c in enumerate(counts)]
    bound = ch.pause_quantile(buckets, q)
    below = sum(c for lo, hi, c in buckets if hi <= bound)
    assert below >= q * sum(counts)
    assert bound in [hi for _, hi, _ in buckets]


def test_pause_quantile_rejects_a_bad_fraction_and_an_empty_histogram():
    with pytest.raises(ch.ChapterError, match="fraction"):
        ch.pause_quantile(BUCKETS, 99)
    with pytest.raises(ch.ChapterError, match="empty"):
        ch.pause_quantile([], 0.5)


def _cycle(sweep, mark, term):
    return SimpleNamespace(clock_sweep_term_ms=sweep, clock_mark_ms=mark, clock_mark_term_ms=term)


def test_stw_figures_mean_of_both_pauses_and_concurrent_share():
    f = ch.stw_figures([_cycle(0.1, 9.8, 0.1), _cycle(0.2, 19.6, 0.2)], BUCKETS)
    assert f["mean_s"] == pytest.approx(0.15e-3)
    assert f["max_s"] == pytest.approx(0.2e-3)
    assert f["concurrent_share"] == pytest.approx(29.4 / 30.0)
    assert f["p99_s"] == 4e-6


def test_stw_table_puts_this_machine_beside_the_article():
    table = ch.stw_table(ch.stw_figures([_cycle(0.1, 9.8, 0.1)], BUCKETS), 8.0)
    assert len(table.rows) == 3
    assert table.rows[0][1:] == ["82 µs", "126 µs", "99.3%"]
    assert all(str(cell).startswith(("~", "<= ~", "this machine")) for cell in table.rows[2])


def test_stw_table_columns_do_not_move_with_the_figures():
    # nbval blanks the figures, not the padding of the header: the widths must hold
    slow = {"mean_s": 1.234, "max_s": 9.99, "p50_s": 1.0, "p99_s": 12.3456, "concurrent_share": 0.5}
    fast = {"mean_s": 1e-6, "max_s": 1e-6, "p50_s": 1e-6, "p99_s": 1e-6, "concurrent_share": 1.0}
    head = [repr(ch.stw_table(f, s)).splitlines()[1:3] for f, s in ((slow, 123.4), (fast, 1.0))]
    assert head[0] == head[1]
