"""The `go test -bench` parser, on output captured from the pinned toolchain (tests/fixtures/benchfmt_*.txt)."""
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from whygo.golang import benchfmt
from whygo.golang.benchfmt import BenchFormatError, BenchTable, parse, parse_result_line

FIXTURES = Path(__file__).parents[1] / "fixtures"


def fixture(name: str) -> str:
    return (FIXTURES / f"benchfmt_{name}.txt").read_text()


def test_result_line_gives_name_procs_iterations_and_standard_metrics():
    row = parse_result_line("BenchmarkAlloc-2    \t    2000\t        45.04 ns/op\t      64 B/op\t       1 allocs/op")
    assert (row.name, row.procs, row.iterations) == ("BenchmarkAlloc", 2, 2000)
    assert (row.ns_per_op, row.bytes_per_op, row.allocs_per_op) == (45.04, 64, 1)
    assert row.full_name == "BenchmarkAlloc-2"


def test_no_procs_suffix_means_gomaxprocs_1():
    row = parse_result_line("BenchmarkAdd     \t    1000\t         1.482 ns/op")
    assert (row.name, row.procs, row.full_name) == ("BenchmarkAdd", 1, "BenchmarkAdd")


def test_sub_benchmark_names_keep_their_slash_part():
    table = parse(fixture("basic"))
    assert table.names() == ["BenchmarkAdd", "BenchmarkAlloc", "BenchmarkJoin/n=1",
                             "BenchmarkJoin/n=0", "BenchmarkMetric"]
    assert table["BenchmarkJoin/n=0"].bytes_per_op == 72


def test_custom_metric_from_report_metric_is_kept_and_ns_op_may_be_absent():
    row = parse(fixture("basic"))["BenchmarkMetric"]
    assert row.metrics["items/op"] == 1000
    assert row.ns_per_op is None
    assert parse(fixture("basic")).units() == ["ns/op", "B/op", "allocs/op", "items/op"]


def test_configuration_lines_are_read_before_the_results():
    table = parse(fixture("basic"))
    assert table.config["goos"] == "linux" and table.config["pkg"] == "cell"


def test_non_result_lines_are_not_results():
    for line in ["hello from the benchmark", "BenchmarkLogs says hi", "BenchmarkX 12 ns/op",
                 "BenchmarkX 12 abc ns/op", "PASS", "ok  \tcell\t0.004s"]:
        assert parse_result_line(line) is None, line


def test_failures_are_collected_with_their_message():
    table = parse(fixture("fail"))
    assert [(f.name, f.kind) for f in table.failures] == [("BenchmarkFails", "FAIL")]
    assert table.failures[0].message == "cell_test.go:21: broken on purpose"
    assert not table.ok
    assert "hello from the benchmark" in table.log
    assert table.names() == ["BenchmarkOK", "BenchmarkLogs"]


def test_go_test_summary_line_is_not_logged():
    table = parse(fixture("gotest"))
    assert table.names() == ["BenchmarkAlloc"] and table.log == "" and table.ok


def test_lookup_without_the_benchmark_prefix():
    table = parse(fixture("basic"))
    assert table["Alloc"] is table["BenchmarkAlloc"]
    assert "Alloc" in table and "Nope" not in table


def test_unknown_name_error_lists_the_benchmarks():
    with pytest.raises(KeyError, match="BenchmarkAlloc"):
        parse(fixture("basic"))["BenchmarkNope"]


def test_several_counts_give_the_median_row():
    table = parse(fixture("cpu_count"))
    one = [r for r in table if r.procs == 1]
    assert len(one) == 2
    assert table["BenchmarkAdd-2"].procs == 2
    med = table["BenchmarkAdd-2"].ns_per_op
    assert med == pytest.approx((1.823 + 1.522) / 2)


def test_several_procs_need_the_suffix():
    with pytest.raises(KeyError, match="BenchmarkAdd-2"):
        parse(fixture("cpu_count"))["BenchmarkAdd"]


def test_ratio_divides_the_first_by_the_second():
    table = parse(fixture("basic"))
    assert table.ratio("Alloc", "Add") == pytest.approx(45.04 / 1.462)
    assert table.ratio("Alloc", "BenchmarkJoin/n=0", "B/op") == pytest.approx(64 / 72)


def test_ratio_of_a_missing_unit_is_a_clear_error():
    with pytest.raises(BenchFormatError, match="BenchmarkMetric.*ns/op"):
        parse(fixture("basic")).ratio("BenchmarkMetric", "Add")
    with pytest.raises(BenchFormatError, match="= 0"):
        parse(fixture("basic")).ratio("Alloc", "Add", "B/op")


def test_to_records_gives_one_plain_dict_per_line():
    records = parse(fixture("basic")).to_records()
    assert records[1] == {"name": "BenchmarkAlloc", "procs": 2, "round": 0, "iterations": 2000,
                          "ns/op": 45.04, "B/op": 64.0, "allocs/op": 1.0}
    assert len(records) == 5


def test_text_repr_is_aligned_columns():
    lines = repr(replace(parse(fixture("basic")), cpu_flag="1,2")).splitlines()
    assert lines[0].split() == ["benchmark", "procs", "iterations", "ns/op", "B/op",
                                "allocs/op", "items/op"]
    # right-aligned numbers: every row ends its ns/op column at the same place
    col_end = lines[0].index("ns/op") + len("ns/op")
    assert lines[2][:col_end].endswith("45.04")
    assert len({len(line) for line in lines[1:5]}) == 1


def test_procs_column_only_when_gomaxprocs_was_asked_for():
    # Without --cpu, Go runs with one P per CPU: the column would tell this machine's
    # CPU count, so a 1-CPU and a 2-CPU machine would store different tables.
    one_cpu, two_cpus = parse("BenchmarkAdd 10 5 ns/op\n"), parse("BenchmarkAdd-2 10 5 ns/op\n")
    assert repr(one_cpu) == repr(two_cpus)
    assert "procs" not in repr(one_cpu) and "procs" not in one_cpu._repr_html_()
    asked = replace(two_cpus, cpu_flag="2")
    assert repr(asked).splitlines()[0].split()[:2] == ["benchmark", "procs"]
    assert repr(asked).splitlines()[1].split()[:2] == ["BenchmarkAdd", "2"]


def _rounds(*texts):
    return BenchTable.from_rounds([parse(t) for t in texts], cpu_flag="1,2")


def test_rounds_are_grouped_like_go_test_count_prints_them():
    table = _rounds("BenchmarkA 1 10 ns/op\nBenchmarkA-2 1 11 ns/op\nBenchmarkB 1 5 ns/op\n",
                    "BenchmarkA 1 12 ns/op\nBenchmarkA-2 1 13 ns/op\nBenchmarkB 1 6 ns/op\n")
    assert [(r.full_name, r.round) for r in table] == [
        ("BenchmarkA", 0), ("BenchmarkA", 1), ("BenchmarkA-2", 0), ("BenchmarkA-2", 1),
        ("BenchmarkB", 0), ("BenchmarkB", 1)]
    assert table.cpu_flag == "1,2"


def test_paired_divides_within_each_round_and_takes_the_median():
    # Round 1 was disturbed while A ran (40 ns): its ratio is an outlier, the median ignores it.
    table = _rounds("BenchmarkA 1 10 ns/op\nBenchmarkB 1 5 ns/op\n",
                    "BenchmarkA 1 40 ns/op\nBenchmarkB 1 5 ns/op\n",
                    "BenchmarkA 1 9 ns/op\nBenchmarkB 1 4.5 ns/op\n")
    pair = table.paired("A", "B")
    assert pair.ratios == (2.0, 8.0, 2.0)
    assert pair.median == 2.0 and pair.spread == (2.0, 8.0)
    assert pair.at_least(2.0) and not pair.at_least(2.01)


def test_custom_time_metrics_are_marked_as_measured():
    table = parse("BenchmarkA 10 5 ns/op 4.5 cpu-ns/op 3 B/op 7 items/op\n")
    assert repr(table).splitlines()[1].split() == ["BenchmarkA", "~10", "~5", "3", "~4.5", "7"]


def test_fastest_is_the_least_disturbed_round():
    table = _rounds("BenchmarkA 1 10 ns/op\nBenchmarkA-2 1 30 ns/op\n",
                    "BenchmarkA 1 8 ns/op\nBenchmarkA-2 1 25 ns/op\n")
    assert table.fastest("A", procs=1) == 8 and table.fastest("A", procs=2) == 25
    with pytest.raises(BenchFormatError, match="B/op"):
        table.fastest("A", procs=1, unit="B/op")


def test_paired_picks_a_gomaxprocs_and_names_what_is_missing():
    table = _rounds("BenchmarkA 1 10 ns/op\nBenchmarkA-2 1 30 ns/op\nBenchmarkB 1 5 ns/op\n"
                    "BenchmarkB-2 1 10 ns/op\n")
    assert table.paired("A", "B", procs=2).median == 3.0
    with pytest.raises(KeyError, match="several GOMAXPROCS"):
        table.paired("A", "B")
    with pytest.raises(KeyError, match="GOMAXPROCS=4"):
        table.paired("A", "B", procs=4)


def test_html_repr_is_a_table_with_escaped_names():
    table = BenchTable(rows=(parse_result_line("BenchmarkX/<b>-2 10 5 ns/op"),))
    html = table._repr_html_()
    assert "<table>" in html and "<th" in html
    assert "BenchmarkX/&lt;b&gt;" in html and "/<b>" not in html


def test_empty_table_says_so():
    assert "no benchmark results" in repr(parse("PASS\n"))
    assert "no benchmark results" in parse("")._repr_html_()


@settings(derandomize=True, deadline=None, max_examples=200)
@given(name=st.from_regex(r"Benchmark[A-Za-z0-9_/=]{0,12}", fullmatch=True),
       procs=st.integers(1, 64), n=st.integers(1, 10**9),
       values=st.lists(st.floats(0, 1e9, allow_nan=False).map(lambda v: round(v, 3)), min_size=1, max_size=4))
def test_formatted_result_lines_round_trip(name, procs, n, values):
    units = ["ns/op", "B/op", "allocs/op", "x/op"][:len(values)]
    full = name if procs == 1 else f"{name}-{procs}"
    line = f"{full}\t{n:8d}\t" + "\t".join(f"{v} {u}" for v, u in zip(values, units))
    row = parse_result_line(line)
    assert row is not None and row.full_name == full and row.iterations == n
    assert list(row.metrics.values()) == values


def test_module_is_pure():
    code = Path(benchfmt.__file__).read_text().split('"""', 2)[2]  # after the docstring
    assert "import IPython" not in code and "subprocess" not in code
