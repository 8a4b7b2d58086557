"""whygo.bench.test reads the suite's times from pytest's own closing lines."""
from whygo.bench.test import pytest_durations


def test_closing_lines_of_both_passes_are_read_in_order():
    out = ("....\n=========== 1150 passed, 2 skipped in 301.20s (0:05:01) ===========\n"
           "taskset -c 0 ...\n.....\n265 passed in 170.5s (0:02:50)\n")
    assert pytest_durations(out) == [301.2, 170.5]


def test_other_lines_with_seconds_are_not_closing_lines():
    assert pytest_durations("ok  \twhygo.dev/gocode/cmd/gcload\t0.220s\nin 3.0s\n") == []
