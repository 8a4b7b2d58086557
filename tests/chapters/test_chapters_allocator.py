"""Tests of chapter 3.3's helpers (whygo/chapters/allocator.py)."""
from __future__ import annotations

import pytest

from whygo.alloc import load_table
from whygo.chapters import allocator as ch










def test_model_rounds_a_request_up_to_its_size_class():
    assert ch.model_bytes_per_object(33, True, 100) == 48
    assert ch.model_bytes_per_object(24, False, 100) == 24


def test_model_tiny_allocator_packs_small_noscan_objects_into_16_byte_blocks():
    assert ch.model_tiny_blocks(1, 1600) == 100
    assert ch.model_tiny_blocks(8, 1600) == 800
    assert ch.model_tiny_blocks(12, 1600) == 1600   # 4 bytes left: too few for the next one


def _row(kind, size, class_size, per_object, n=100):
    return {"kind": kind, "size": size, "requested_bytes": size, "n": n, "mallocs": n,
            "heap_alloc_bytes": per_object * n, "bytes_per_object": per_object,
            "class_size": class_size, "class_mallocs": n}


def test_model_vs_memstats_agrees_when_memstats_saw_the_model_class():
    table, agree = ch.model_vs_memstats([_row("noscan", 33, 48, 48.0), _row("scan", 24, 24, 24.0),
                                         _row("noscan", 1, 16, 1.0, n=1600)])
    assert agree
    assert [r[2] for r in table.rows] == ["48", "24", "1"]
    assert table.rows[0][3].startswith("~")


def test_model_vs_memstats_disagrees_on_another_class():
    _, agree = ch.model_vs_memstats([_row("noscan", 33, 64, 64.0)])
    assert not agree


def test_model_vs_memstats_refuses_no_rows():
    with pytest.raises(ch.ChapterError, match="memstats_for_sizes"):
        ch.model_vs_memstats([])


def test_label_runs_rejects_an_unknown_mode():
    with pytest.raises(ch.ChapterError, match="'new'.*'pool'"):
        ch.label_runs("arena")
    with pytest.raises(ch.ChapterError, match="'new'.*'pool'"):
        ch.label_runs()


def _run(mode, ops, pause, cycles):
    return {"mode": mode, "points": 1000, "workers": 2, "ops_per_second": ops,
            "gc_pause_seconds": pause, "gc_cycles": cycles, "checksum": 7}


def test_throughput_table_puts_medians_beside_the_article():
    fresh = [_run("new", 1e6, 0.01, 10), _run("new", 3e6, 0.03, 30), _run("new", 2e6, 0.02, 20)]
    pooled = [_run("pool", 5e6, 0.0, 0)] * 3
    table = ch.throughput_table(fresh, pooled)
    assert [r[0] for r in table.rows] == ["plain new()", "sync.Pool + mcache"]
    assert table.rows[0][1:3] == ["2.1M ops/s", "89 ms"]
    assert table.rows[0][3] == "~2.00 M ops/s"
    assert table.rows[0][4] == "~20.0 ms"
    assert "median of 3 runs" in table.caption


def test_the_size_class_table_the_chapter_quotes_has_68_classes():
    # the chapter prints NumSizeClasses x 2 as the mcache's span classes
    t = load_table()
    assert t.NumSizeClasses == 68 and len(t.classes) == 67


def test_label_benchmarks_count_three_allocations_fresh_and_none_pooled():
    bench = ch.label_benchmarks(benchtime="2000x")
    assert bench["BenchmarkSample/new"].allocs_per_op == 3
    assert bench["BenchmarkSample/pool"].allocs_per_op == 0


def test_label_runs_of_both_modes_encode_the_same_samples():
    runs = ch.label_runs("new", "pool", points=20_000, repeat=2, gomaxprocs=3)
    fresh, pooled = runs["new"], runs["pool"]
    assert len(fresh) == len(pooled) == 2
    assert {r["workers"] for r in fresh + pooled} == {3}   # GOMAXPROCS as asked, not this machine's
    assert fresh[0]["checksum"] == pooled[0]["checksum"]
    assert fresh[0]["mallocs_per_point"] >= 3 > pooled[0]["mallocs_per_point"]
