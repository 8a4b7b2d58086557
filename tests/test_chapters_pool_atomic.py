"""Chapter 2.4 (sync.Pool and atomics): the helpers of whygo/chapters/pool_atomic.py.

The Go side (gocode/cmd/ch24pool) has its own go tests; here one real run
checks the allocation counts the chapter relies on, and the pure helpers are
tested on made-up input.
"""
import json

import pytest

from whygo.chapters import pool_atomic as ch
from whygo.golang import benchfmt


def test_sync_source_reads_poolcleanup_from_the_toolchain():
    text = ch.sync_source("poolCleanup")
    assert text.startswith("func poolCleanup()")
    assert "p.victim = p.local" in text and text.endswith("}")


def test_parse_runs_needs_both_ways():
    line = json.dumps({"way": "new", "requests": 10, "labels": 60, "mallocs": 20, "bytes": 1520,
                       "gcs": 0, "seconds": 0.1})
    with pytest.raises(ch.PoolChapterError, match="new and pool"):
        ch.parse_runs(line)
    with pytest.raises(ch.PoolChapterError, match="line 1"):
        ch.parse_runs('{"way": "new"}')


def test_pool_pressure_allocates_twice_per_request_without_the_pool_and_never_with_it():
    runs = ch.pool_pressure(requests=20_000)
    new, pooled = runs["new"], runs["pool"]
    assert new.labels == pooled.labels == 6 * 20_000
    assert 2.0 <= new.mallocs_per_request < 2.01          # the TagSet and its slice
    assert pooled.mallocs < 100                           # a few, whatever the number of requests
    assert new.bytes_per_request >= 152


def test_pool_pressure_rejects_bad_counts():
    with pytest.raises(ch.PoolChapterError, match="requests"):
        ch.pool_pressure(requests=0)
    with pytest.raises(ch.PoolChapterError, match="labels"):
        ch.pool_pressure(labels=-1)


BENCH = """\
BenchmarkMutexCounter     	10	 10.0 ns/op
BenchmarkMutexCounter     	10	 12.0 ns/op
BenchmarkMutexCounter     	10	 30.0 ns/op
BenchmarkMutexCounter-2   	10	 20.0 ns/op
BenchmarkAtomicCounter    	10	  4.0 ns/op
BenchmarkAtomicCounter    	10	  5.0 ns/op
BenchmarkAtomicCounter    	10	  6.0 ns/op
BenchmarkAtomicCounter-2  	10	  8.0 ns/op
"""


def test_counter_gains_are_median_mutex_over_median_atomic_minus_one():
    table = benchfmt.parse(BENCH)
    gains = ch.counter_gains(table, {"alone": ("BenchmarkMutexCounter", "BenchmarkAtomicCounter")},
                             procs=(1, 2))
    assert [(g.procs, g.mutex_ns, g.atomic_ns) for g in gains] == [(1, 12.0, 5.0), (2, 20.0, 8.0)]
    assert gains[0].throughput_gain == pytest.approx(12 / 5 - 1)


def test_counter_gains_names_a_missing_gomaxprocs():
    table = benchfmt.parse(BENCH)
    with pytest.raises(ch.PoolChapterError, match="GOMAXPROCS=4"):
        ch.counter_gains(table, {"alone": ("BenchmarkMutexCounter", "BenchmarkAtomicCounter")},
                         procs=(4,))
