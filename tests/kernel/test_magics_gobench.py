"""%%gobench and its engine whygo.golang.gotest, building and running real Go test binaries."""
import os
import signal
import time

import psutil
import pytest
from IPython.core.error import UsageError
from IPython import get_ipython
from IPython.testing import globalipapp
from IPython.utils.capture import capture_output

from stopwatch import GRACE_S, MARGIN_S, STUBBORN_BENCH, TIMEOUT_S, When, alive, stamps
from whygo.golang.benchfmt import BenchTable
from whygo.golang.gotest import BenchFlags, BenchFlagsError, bench_file, parse_bench_flags, run_bench
from whygo.magics import GoCellError


@pytest.fixture(scope="module")
def ip():
    globalipapp.start_ipython()  # once per process; later calls only return None
    shell = get_ipython()
    shell.run_line_magic("load_ext", "whygo")
    return shell


def test_bench_flags_parse_and_default():
    assert parse_bench_flags("") == BenchFlags()
    f = parse_bench_flags("--benchtime 100x --count 3 --cpu 1,2 --timeout 9 --bench Add")
    assert (f.benchtime, f.count, f.cpu, f.timeout, f.bench) == ("100x", 3, "1,2", 9.0, "Add")


@pytest.mark.parametrize("line, named", [("--benchtime forever", "--benchtime"), ("--count 0", "--count"),
                                         ("--cpu one", "--cpu"), ("--timeout 0", "--timeout"),
                                         ("--what", "--what")])
def test_bad_bench_flags_name_the_flag(line, named):
    with pytest.raises(BenchFlagsError, match=named):
        parse_bench_flags(line)


def test_a_cell_with_a_package_clause_is_compiled_as_written():
    cell = 'package main\n\nimport "testing"\n\nfunc BenchmarkX(b *testing.B) {}\n'
    assert bench_file(cell) == cell


def test_a_cell_without_package_gets_package_testing_import_and_a_line_directive():
    src = bench_file("func BenchmarkX(b *testing.B) {\n\ts := strings.Repeat(\"a\", 3)\n\t_ = s\n}")
    head, _, cell = src.partition("//line cell_test.go:1:1\n")
    assert head.startswith("package main\n") and '"testing"' in head and '"strings"' in head
    assert cell.startswith("func BenchmarkX")


def test_a_wrongly_guessed_import_is_dropped_and_the_cell_builds():
    cell = ("type box struct{ n int }\n\nfunc BenchmarkList(b *testing.B) {\n"
            "\tlist := box{3}\n\tfor b.Loop() {\n\t\t_ = list.n\n\t}\n}")
    assert '"container/list"' in bench_file(cell)
    outcome = run_bench(cell, BenchFlags(benchtime="10x"))
    assert outcome.error is None and outcome.table.names() == ["BenchmarkList"]


def test_a_benchmark_that_never_ends_is_killed_at_the_timeout():
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    outcome = run_bench("func BenchmarkSpin(b *testing.B) {\n\tfor {}\n}", BenchFlags(timeout=2))
    assert outcome.timed_out and outcome.error == "timed out after 2 s"
    left = [p for p in psutil.Process().children(recursive=True) if p.pid not in before]
    assert all(p.status() == psutil.STATUS_ZOMBIE for p in left)


def test_a_benchmark_ignoring_sigint_gets_sigint_at_the_timeout_and_sigkill_after_the_grace():
    outcome = run_bench(STUBBORN_BENCH, BenchFlags(timeout=TIMEOUT_S))   # builds, then runs
    back = time.time()
    s = stamps(outcome.log)
    assert outcome.timed_out and outcome.error == f"timed out after {TIMEOUT_S:g} s"
    assert not alive(s.pid)
    assert s.sigint is not None and s.sigint - s.start <= TIMEOUT_S + MARGIN_S, \
        f"SIGINT {s.sigint - s.start:.2f} s after the benchmark started"
    assert back - s.sigint <= GRACE_S + MARGIN_S, f"SIGKILL {back - s.sigint:.2f} s after SIGINT"
    assert back - s.start <= TIMEOUT_S + GRACE_S + MARGIN_S


def test_an_interrupt_stops_a_benchmark_ignoring_sigint_within_the_grace():
    poke = When("cell.test", lambda: os.kill(os.getpid(), signal.SIGINT))
    poke.start()
    with pytest.raises(KeyboardInterrupt):
        run_bench(STUBBORN_BENCH, BenchFlags(timeout=120))
    back = time.time()
    poke.join(5)
    assert poke.at is not None and back - poke.at <= GRACE_S + MARGIN_S, \
        f"the interrupt took {back - poke.at:.2f} s"
    assert not alive(poke.process.pid)


BENCH = '''
//go:noinline
func add(a, b int) int { return a + b }

var sink []byte

func BenchmarkAdd(b *testing.B) {
	for b.Loop() {
		add(1, 2)
	}
}

func BenchmarkAlloc(b *testing.B) {
	for b.Loop() {
		sink = make([]byte, 64)
	}
}
'''


def test_gobench_returns_a_table_of_the_cell_benchmarks(ip):
    with capture_output():
        table = ip.run_cell_magic("gobench", "--benchtime 200x --cpu 1", BENCH)
    assert isinstance(table, BenchTable)
    assert table.names() == ["BenchmarkAdd", "BenchmarkAlloc"]
    assert table["Add"].iterations == 200 and table["Add"].procs == 1
    assert table["Alloc"].bytes_per_op == 64 and table["Alloc"].allocs_per_op == 1
    assert table["Add"].allocs_per_op == 0


def test_gobench_compile_error_names_the_cell_line(ip):
    with capture_output() as cap, pytest.raises(GoCellError, match="cell line 3") as exc:
        ip.run_cell_magic("gobench", "--benchtime 10x", "func BenchmarkX(b *testing.B) {\n\tfor b.Loop() {\n\t\tx++\n\t}\n}")
    assert str(exc.value) == "compile error at cell line 3: undefined: x"
    assert cap.stderr == ""      # shown once: in the error, not also on stderr


def test_gobench_failing_benchmark_raises_after_the_table_prints(ip):
    cell = 'func BenchmarkBad(b *testing.B) { b.Fatal("broken on purpose") }'
    with capture_output(), pytest.raises(GoCellError, match="BenchmarkBad failed: .*broken on purpose"):
        ip.run_cell_magic("gobench", "--benchtime 10x", cell)


def test_gobench_bad_flag_is_a_usage_error(ip):
    with pytest.raises(UsageError, match="--benchtime"):
        ip.run_cell_magic("gobench", "--benchtime forever", BENCH)


def test_endless_output_is_capped_and_memory_stays_bounded():
    import tracemalloc
    cell = ('func BenchmarkChatty(b *testing.B) {\n\tline := strings.Repeat("x", 1023) + "\\n"\n'
            '\tfor i := 0; i < 20_000; i++ {\n\t\tfmt.Print(line)\n\t}\n\tfor b.Loop() {\n\t}\n}')
    tracemalloc.start()
    try:
        outcome = run_bench(cell, BenchFlags(benchtime="1x"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert outcome.error is None and "BenchmarkChatty" in outcome.table
    assert "[output truncated at 1 MB" in outcome.log and len(outcome.log) < 1_100_000
    assert peak < 8_000_000  # 20 MB printed; about 1 MB read, parsed a few times


def test_gobench_help_lists_the_flags_and_runs_nothing(ip):
    with capture_output() as cap:
        result = ip.run_cell_magic("gobench", "--help", "this is not Go")
    assert result is None and "--benchtime" in cap.stdout and "--cpu" in cap.stdout
