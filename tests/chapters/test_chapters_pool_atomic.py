"""Chapter 2.4 (sync.Pool and atomics): the helpers of whygo/chapters/pool_atomic.py.

The Go side (gocode/cmd/poolpressure) has its own go tests; here one real run
checks the allocation counts the chapter relies on, and the pure helpers are
tested on made-up input.
"""
import json

import pytest

from whygo.chapters import pool_atomic as ch
from whygo.golang import benchfmt




def test_parse_runs_needs_both_ways():
    line = json.dumps({"way": "new", "requests": 10, "labels": 60, "mallocs": 20, "bytes": 1520,
                       "gcs": 0, "seconds": 0.1})
    with pytest.raises(ch.ChapterError, match="new and pool"):
        ch.parse_runs(line)
    with pytest.raises(ch.ChapterError, match="line 1"):
        ch.parse_runs('{"way": "new"}')


def test_pool_pressure_allocates_twice_per_request_without_the_pool_and_never_with_it():
    runs = ch.pool_pressure(requests=20_000)
    new, pooled = runs["new"], runs["pool"]
    assert new.labels == pooled.labels == 6 * 20_000
    assert 2.0 <= new.mallocs_per_request < 2.01          # the TagSet and its slice
    assert pooled.mallocs < 100                           # a few, whatever the number of requests
    assert new.bytes_per_request >= 152


def test_pool_pressure_rejects_bad_counts():
    with pytest.raises(ch.ChapterError, match="requests"):
        ch.pool_pressure(requests=0)
    with pytest.raises(ch.ChapterError, match="labels"):
        ch.pool_pressure(labels=-1)


# Three interleaved rounds of %%gobench --cpu 1,2 --count 3: round 2 was disturbed
# while the mutex ran (30 ns), which the per-round median must ignore.
ROUNDS = [
    "BenchmarkMutexCounter 10 10.0 ns/op\nBenchmarkMutexCounter-2 10 20.0 ns/op\n"
    "BenchmarkAtomicCounter 10 4.0 ns/op\nBenchmarkAtomicCounter-2 10 8.0 ns/op\n",
    "BenchmarkMutexCounter 10 12.0 ns/op\nBenchmarkMutexCounter-2 10 21.0 ns/op\n"
    "BenchmarkAtomicCounter 10 6.0 ns/op\nBenchmarkAtomicCounter-2 10 7.0 ns/op\n",
    "BenchmarkMutexCounter 10 30.0 ns/op\nBenchmarkMutexCounter-2 10 19.0 ns/op\n"
    "BenchmarkAtomicCounter 10 5.0 ns/op\nBenchmarkAtomicCounter-2 10 9.5 ns/op\n",
]


def _table():
    return benchfmt.BenchTable.from_rounds([benchfmt.parse(r) for r in ROUNDS], cpu_flag="1,2")


def test_counter_gains_are_medians_of_the_ratio_within_each_round():
    gains = ch.counter_gains(_table(), {"alone": ("BenchmarkMutexCounter", "BenchmarkAtomicCounter")},
                             procs=(1, 2))
    assert [(g.procs, g.mutex_ns, g.atomic_ns) for g in gains] == [(1, 12.0, 5.0), (2, 20.0, 8.0)]
    # rounds give 10/4, 12/6, 30/5 with 1 P: the median round is 2.5, not 12/5 = 2.4
    assert gains[0].ratio.ratios == (2.5, 2.0, 6.0)
    assert gains[0].throughput_gain == pytest.approx(1.5)
    assert gains[1].throughput_gain == pytest.approx(2.5 - 1)   # 20/8, 21/7=3, 19/9.5=2
    # fastest rounds: mutex 10 against atomic 4 (1 P); 19 against 7 (2 Ps)
    assert gains[0].fastest_ratio == pytest.approx(2.5)
    assert gains[1].fastest_ratio == pytest.approx(19 / 7)


def test_counter_gains_names_a_missing_gomaxprocs():
    table = _table()
    with pytest.raises(ch.ChapterError, match="GOMAXPROCS=4"):
        ch.counter_gains(table, {"alone": ("BenchmarkMutexCounter", "BenchmarkAtomicCounter")},
                         procs=(4,))
