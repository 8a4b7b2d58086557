"""gctrace parser: real go1.27.3 output (fixtures) and the exact print of runtime/mgc.go.

Fixtures (binaries built from gocode/ with the pinned toolchain, 2 CPUs):
  gctrace_gcload.txt        GODEBUG=gctrace=1 GOMAXPROCS=2 gcload -duration 1s -live 16 -rate 128 -scan=false  (stderr)
  gctrace_gcload_scan.txt   GODEBUG=gctrace=1 GOMAXPROCS=2 gcload -duration 1s -live 32 -rate 256 -scan=true  (stderr)
  gctrace_forced_mixed.txt  GODEBUG=gctrace=1 GOMAXPROCS=2 stackgrow -depth 3000 -at 3000 -gcs 2  (stdout+stderr)
"""
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from whygo.golang.gctrace import GCCycle, GCTraceError, columns, parse_gctrace, parse_line

FIXTURES = Path(__file__).parents[1] / "fixtures"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text()


# -- a Python copy of the print in runtime/mgc.go (gcMarkTermination), to round-trip ----------

def itoa_div(val: int, dec: int) -> str:
    """runtime/mgc.go: itoaDiv — val with a decimal point dec digits from the right."""
    if dec == 0:
        return str(val)
    digits = str(val).rjust(dec + 1, "0")
    return digits[:-dec] + "." + digits[-dec:]


def fmt_ns_as_ms(ns: int) -> str:
    """runtime/mgc.go: fmtNSAsMS — two significant digits, whole ms from 10 ms."""
    if ns >= 10_000_000:
        return itoa_div(ns // 1_000_000, 0)
    x = ns // 1000
    if x == 0:
        return "0"
    dec = 3
    while x >= 100:
        x //= 10
        dec -= 1
    return itoa_div(x, dec)


def gctrace_line(n, since_start_ns, util, clock_ns, cpu_ns, heap, goal, stacks, globals_, procs,
                 forced, leaks):
    line = f"gc {n} @{itoa_div(since_start_ns // 1_000_000, 3)}s {util}%"
    if leaks:
        line += " (checking for goroutine leaks)"
    line += ": " + "+".join(fmt_ns_as_ms(ns) for ns in clock_ns) + " ms clock, "
    a, b, c, d, e = (fmt_ns_as_ms(ns) for ns in cpu_ns)
    line += f"{a}+{b}/{c}/{d}+{e} ms cpu, "
    line += f"{heap[0]}->{heap[1]}->{heap[2]} MB, {goal} MB goal, {stacks} MB stacks, "
    line += f"{globals_} MB globals, {procs} P"
    return line + (" (forced)" if forced else "")


ns = st.integers(min_value=0, max_value=5 * 10**9)
mb = st.integers(min_value=0, max_value=1 << 20)


@settings(derandomize=True, deadline=None, max_examples=200)
@given(n=st.integers(1, 10**6), since=st.integers(0, 10**13), util=st.integers(0, 100),
       clock=st.tuples(ns, ns, ns), cpu=st.tuples(ns, ns, ns, ns, ns), heap=st.tuples(mb, mb, mb),
       goal=mb, stacks=mb, globals_=mb, procs=st.integers(1, 1024), forced=st.booleans(),
       leaks=st.booleans())
def test_every_field_of_the_mgc_print_round_trips(n, since, util, clock, cpu, heap, goal, stacks,
                                                  globals_, procs, forced, leaks):
    line = gctrace_line(n, since, util, clock, cpu, heap, goal, stacks, globals_, procs, forced,
                        leaks)
    c = parse_line(line)
    assert c is not None, line
    assert (c.n, c.cpu_percent, c.procs, c.forced, c.leak_check) == (n, util, procs, forced, leaks)
    assert c.at_s == float(itoa_div(since // 1_000_000, 3))
    assert (c.clock_sweep_term_ms, c.clock_mark_ms, c.clock_mark_term_ms) == tuple(
        float(fmt_ns_as_ms(x)) for x in clock)
    assert (c.cpu_sweep_term_ms, c.cpu_assist_ms, c.cpu_background_ms, c.cpu_idle_ms,
            c.cpu_mark_term_ms) == tuple(float(fmt_ns_as_ms(x)) for x in cpu)
    assert (c.heap_start_mb, c.heap_end_mb, c.heap_live_mb) == heap
    assert (c.heap_goal_mb, c.stacks_mb, c.globals_mb) == (goal, stacks, globals_)


def test_fmt_ns_as_ms_copy_matches_real_output_shapes():
    # The shapes seen in the real fixture: 0.016, 0.68, 0.12, 12 (whole ms), 0.
    assert [fmt_ns_as_ms(x) for x in (16_000, 680_000, 120_000, 12_345_678, 999)] == \
        ["0.016", "0.68", "0.12", "12", "0"]


# -- real output -------------------------------------------------------------------------------

def test_real_gcload_trace_parses_every_line_as_a_cycle():
    text = fixture("gctrace_gcload.txt")
    trace = parse_gctrace(text)
    assert len(trace.cycles) == len(text.splitlines()) and trace.other == []
    assert [c.n for c in trace.cycles] == list(range(1, len(trace.cycles) + 1))
    assert all(c.procs == 2 and not c.forced for c in trace.cycles)


def test_cycle_times_increase_and_heaps_are_consistent():
    cycles = parse_gctrace(fixture("gctrace_gcload.txt")).cycles
    assert all(a.at_s <= b.at_s for a, b in zip(cycles, cycles[1:]))
    for c in cycles:
        # The live heap is what marking found: never more than the heap at the end.
        assert c.heap_live_mb <= c.heap_end_mb
        assert c.stw_ms == pytest.approx(c.clock_sweep_term_ms + c.clock_mark_term_ms)
        assert c.clock_ms >= c.stw_ms


def test_gogc_100_goal_is_about_twice_the_previous_live_heap():
    # mgcpacer.go: goal = live * (1 + GOGC/100) (+ stacks and globals, 0 MB here).
    cycles = parse_gctrace(fixture("gctrace_gcload.txt")).cycles
    later = [(prev, cur) for prev, cur in zip(cycles, cycles[1:]) if prev.heap_live_mb >= 8]
    assert later, "fixture should reach a steady live heap"
    for prev, cur in later:
        assert cur.heap_goal_mb == pytest.approx(2 * prev.heap_live_mb, abs=2)


def test_forced_cycles_and_program_output_are_kept_apart():
    text = fixture("gctrace_forced_mixed.txt")
    trace = parse_gctrace(text)
    assert len(trace.cycles) == 2 and all(c.forced for c in trace.cycles)
    assert len(trace.other) == 1 and trace.other[0].startswith('{"program":"stackgrow"')


def test_a_gc_line_in_an_unknown_format_is_an_error_naming_it():
    with pytest.raises(GCTraceError, match="gc 7 @1.5s"):
        parse_line("gc 7 @1.5s 3%: 1+2 ms clock")


def test_a_last_line_cut_short_by_the_program_exiting_is_left_out():
    """The runtime prints a cycle's line after main may have called os.Exit: the process can
    end mid-line. Only such a last, unterminated line is forgiven; inside the text it is an error."""
    whole = fixture("gctrace_forced_mixed.txt")
    cut = "gc 16 @1.540s 6%: 0.034+24+0.044 ms clock, 0.069+0.47/10/37+"
    assert parse_gctrace(whole.rstrip("\n") + "\n" + cut).cycles == parse_gctrace(whole).cycles
    with pytest.raises(GCTraceError):
        parse_gctrace(cut + "\n" + whole)


def test_unrelated_lines_are_not_cycles():
    assert parse_line("scav 0 KiB work") is None
    assert parse_line("") is None


def test_columns_have_one_value_per_cycle():
    cycles = parse_gctrace(fixture("gctrace_gcload.txt")).cycles
    cols = columns(cycles)
    assert set(cols) >= {"n", "heap_live_mb", "heap_goal_mb", "stw_ms", "forced"}
    assert all(len(v) == len(cycles) for v in cols.values())
    assert cols["n"] == [c.n for c in cycles]
    assert isinstance(cycles[0], GCCycle)


def test_durations_of_10_ms_and_more_are_whole_milliseconds():
    # fmtNSAsMS prints whole ms from 10 ms on: "0.15+81+0.078 ms clock".
    cycles = parse_gctrace(fixture("gctrace_gcload_scan.txt")).cycles
    line = fixture("gctrace_gcload_scan.txt").splitlines()[1]
    assert "+81+" in line and cycles[1].clock_mark_ms == 81.0
    assert any(c.clock_mark_ms >= 10 and c.clock_mark_ms.is_integer() for c in cycles)


def test_pointerful_heap_costs_far_more_mark_cpu_than_pointer_free():
    # Same program; with -scan=true every live word must be scanned.
    def mark_cpu(name):
        cycles = parse_gctrace(fixture(name)).cycles
        return sum(c.cpu_assist_ms + c.cpu_background_ms + c.cpu_idle_ms for c in cycles) / len(cycles)
    assert mark_cpu("gctrace_gcload_scan.txt") > 20 * mark_cpu("gctrace_gcload.txt")
