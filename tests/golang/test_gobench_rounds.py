"""%%gobench --count N runs N interleaved rounds, and shows procs only when --cpu asked for it."""
import pytest

from whygo.golang.gotest import BenchFlags, run_bench

CELL = """
func BenchmarkA(b *testing.B) { for i := 0; i < b.N; i++ {} }
func BenchmarkB(b *testing.B) { for i := 0; i < b.N; i++ {} }
"""

pytestmark = pytest.mark.slow


def test_count_runs_every_benchmark_once_per_round():
    outcome = run_bench(CELL, BenchFlags(benchtime="100x", count=3))
    assert outcome.error is None
    rows = [(r.name, r.round) for r in outcome.table]
    # grouped like go test -count=3 prints them, but each group holds rounds 0, 1, 2
    assert rows == [("BenchmarkA", 0), ("BenchmarkA", 1), ("BenchmarkA", 2),
                    ("BenchmarkB", 0), ("BenchmarkB", 1), ("BenchmarkB", 2)]
    assert len(outcome.table.paired("A", "B").ratios) == 3
    assert "procs" not in repr(outcome.table)


def test_cpu_list_is_asked_in_every_round_and_shown():
    outcome = run_bench(CELL, BenchFlags(benchtime="100x", count=2, cpu="1,3"))
    table = outcome.table
    assert sorted({(r.procs, r.round) for r in table if r.name == "BenchmarkA"}) == [
        (1, 0), (1, 1), (3, 0), (3, 1)]
    assert repr(table).splitlines()[0].split()[:2] == ["benchmark", "procs"]
    assert table.paired("A", "B", procs=3).ratios
