"""Measured figures are printed as ~value unit, and the nbval rules blank exactly those."""
import re

import pytest

from conftest import ROOT
from whygo.report import Table, measured, ratio, seconds, size


def sanitize_rules():
    """Parse tests/nbval_sanitize.cfg the way nbval does (section, regex:, replace:)."""
    rules, regex = [], None
    for line in (ROOT / "tests" / "nbval_sanitize.cfg").read_text().splitlines():
        if line.startswith("regex:"):
            regex = line[len("regex:"):].strip()
        elif line.startswith("replace:"):
            rules.append((regex, line[len("replace:"):].strip()))
    return rules


def sanitize(text):
    for regex, replace in sanitize_rules():
        text = re.sub(regex, replace, text)
    return text


@pytest.mark.parametrize("value, expected", [
    (measured(12.345, "ms"), "~12.3 ms"), (measured(1234.5, "ns/op"), "~1,234 ns/op"),
    (seconds(4.56e-3), "~4.56 ms"), (seconds(850e-9), "~850 ns"), (seconds(2.0), "~2.00 s"),
    (size(3 * 1024 * 1024), "~3.00 MiB"), (ratio(0.123), "~0.123 x"), (measured(0), "~0"),
])
def test_measured_figures_are_marked_with_a_tilde(value, expected):
    assert value == expected


@pytest.mark.parametrize("text", [
    "took ~12.3 ms", "~1,234 ns/op", "~4.2 MiB", "~0.123 x", "~850 µs", "~3.1e-05 s"])
def test_sanitize_blanks_measured_figures(text):
    assert "MEASURED" in sanitize(text) and not re.search(r"\d", sanitize(text))


@pytest.mark.parametrize("text", [
    "verdict: wrong", "allocs/op: 0", "128 + 1 = 129 goroutines moved", "line 4: can inline add",
    "holds roughly (3 of 4 runs)", "exit status 3"])
def test_sanitize_keeps_verdicts_counts_and_compiler_messages(text):
    assert sanitize(text) == text


@pytest.mark.parametrize("cut", ["", "gc \n", "gc 7 @0.01", "gc 7 @0.012s 3%: 0.01+\n"])
def test_sanitize_turns_gctrace_lines_into_one_marker_even_with_the_last_line_cut_short(cut):
    lines = "gc 1 @0.001s 2%: 0.01+0.2+0.01 ms clock, 4->4->0 MB, 4 MB goal, 0 MB stacks, 2 P\n" * 3
    assert sanitize(lines + cut) == "GCTRACE-LINES\n"
    assert sanitize(lines + "done\n") == "GCTRACE-LINES\ndone\n"   # only a cut line at the end


def test_sanitize_blanks_addresses_paths_and_frame_payloads():
    text = ("panic at 0xc000012345 in /tmp/whygo-abc/cell.go "
            '<img src="data:image/png;base64,iVBORw0KGgo="/> id="whygo-0123456789ab" '
            "/root/.cache/whygo/bin/ab12 /work/main/gocode/cmd/x")
    out = sanitize(text)
    for gone in ("c000012345", "whygo-abc", "iVBOR", "0123456789ab", "ab12", "/work/main"):
        assert gone not in out
    assert "REPO/gocode/cmd/x" in out


def test_table_shows_as_text_and_html():
    t = Table(["figure", "article", "this machine"], [["goroutine create", "~50 ns", seconds(2.5e-7)]])
    assert repr(t).splitlines()[-1].split() == ["goroutine", "create", "~50", "ns", "~250", "ns"]
    assert "<td>~250 ns</td>" in t._repr_html_()


def test_bench_tables_mark_clock_figures_and_keep_allocation_counts():
    from whygo.golang.benchfmt import parse
    table = parse("BenchmarkAdd-2   \t123456789\t         9.52 ns/op\t      16 B/op\t       1 allocs/op\n")
    out = sanitize(repr(table))
    assert "~MEASURED" in out and "123456789" not in out and "9.52" not in out
    assert out.rstrip().endswith("(~MEASURED)16          1")  # B/op, allocs/op reproduce exactly


def test_bench_table_header_does_not_move_with_the_figures():
    from whygo.golang.benchfmt import parse
    fast = parse("BenchmarkAdd-2   \t1000\t         9.5 ns/op\n")
    slow = parse("BenchmarkAdd-2   \t123456789\t      12345.25 ns/op\n")
    assert repr(fast).splitlines()[0] == repr(slow).splitlines()[0]
    assert sanitize(repr(fast)) == sanitize(repr(slow))


def test_table_text_does_not_move_with_the_figures():
    # A fast and a slow machine print figures of different lengths; after nbval's
    # rules blank them, the two tables (header, dashes, plain cells) must be equal.
    fast = Table(["way", "allocs", "time", "P99"], [["new", "2.00", "~9.8 ms", "<= ~262 µs"],
                                                     ["pool", "0.00", "~85.1 µs", "<= ~8.19 µs"]])
    slow = Table(["way", "allocs", "time", "P99"], [["new", "2.00", "~1.23 s", "<= ~1.05 ms"],
                                                     ["pool", "0.00", "~1,234,567 ns", "<= ~33.6 ms"]])
    assert repr(fast) != repr(slow)
    assert sanitize(repr(fast)) == sanitize(repr(slow))


def test_a_chinese_row_lines_up_with_the_english_ones():
    # A CJK character takes two columns in a monospaced cell: padding counts display
    # columns, so the column after a Chinese cell starts where it starts after an English one.
    from whygo.report import width
    assert width("分配") == 4 and width("new") == 3 and width("，") == 2 and width("µs") == 2
    t = Table(["分配方式", "GC 次数"], [["每次 new", "12"], ["pool", "3"], ["sync.Pool 复用对象", "1"]])
    lines = repr(t).splitlines()
    lasts = ["GC 次数", "12", "3", "1"]
    starts = {width(line) - width(last) for line, last in zip([lines[0], *lines[2:]], lasts)}
    assert starts == {width("sync.Pool 复用对象") + 2}, lines
    assert lines[1].split() == ["-" * width("sync.Pool 复用对象"), "-" * width("GC 次数")]
    english = Table(["way", "allocs"], [["new", "2.00"], ["pool", "0.00"]])
    assert repr(english) == "way   allocs\n----  ------\nnew   2.00\npool  0.00"
