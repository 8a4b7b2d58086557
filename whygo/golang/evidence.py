"""Real evidence for the scheduler and memory chapters, one call per notebook cell.

Each function builds a program of ``gocode/cmd/`` through the course runner
(:func:`whygo.golang.runner.run_package`: built once, kept in the binary
cache keyed by the sources and the toolchain), runs it with the right
``GODEBUG``/``GOGC``/``GOMAXPROCS`` and a timeout (the runner kills the whole
process group at the limit), and returns parsed results:

- :func:`gc_run` / :func:`gc_cycles` / :func:`gc_pauses` — ``gcload`` under
  ``GODEBUG=gctrace=1``: one :class:`~whygo.golang.gctrace.GCCycle` per GC
  and the ``/sched/pauses/total/gc:seconds`` histogram.
- :func:`sched_series` — any scenario under ``GODEBUG=schedtrace=MS``: a
  list of :class:`~whygo.golang.schedtrace.SchedSample`.
- :func:`real_scheduler` / :func:`real_timeline` — a scheduler scenario with
  ``-trace``, read back with ``go tool trace -d=parsed``: the per-P
  :class:`~whygo.sched.timeline.Timeline` plus the stealing, hand-off and
  Gosched evidence.
- :func:`memstats_for_sizes` — ``smallalloc``: MemStats per object size;
  :func:`alloc_benchmarks` — its ``go test -bench Alloc -benchmem``.
- :func:`stack_growth` — ``stackgrow``: every stack move of a deep recursion.

Numbers that come from a clock (times, GC counts) vary from run to run; the
scenario summaries (counts) do not. Nothing here imports IPython.
"""
from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from whygo.golang import gotrace, programs, runner
from whygo.golang.gctrace import GCCycle, parse_gctrace
from whygo.golang.programs import ChapterError
from whygo.golang.schedtrace import SchedSample, parse_schedtrace

SCENARIOS = ("fanout", "imbalance", "syscall", "gosched")
PROGRAMS = SCENARIOS + ("gcload", "stackgrow", "smallalloc")
MAX_OUTPUT = 16 << 20  # bytes per stream; gctrace/schedtrace of long runs stay far below

# Sizes that keep a scenario's trace small (a few hundred events) yet show the effect.
SCENARIO_DEFAULTS: dict[str, dict[str, int]] = {
    "fanout": {"workers": 3, "jobs": 12, "work": 300_000},
    "imbalance": {"goroutines": 16, "work": 300_000},
    "syscall": {"workers": 2, "work": 3_000_000},
    "gosched": {"goroutines": 3, "rounds": 5, "work": 200_000},
}


EvidenceError = ChapterError   # a gocode program could not be found, built or run

def gocode_dir() -> Path:
    """The gocode/ module: ``$WHYGO_GOCODE``, else next to the ``whygo`` package."""
    try:
        return runner.gocode_dir()
    except runner.PackageError as exc:
        raise EvidenceError(str(exc)) from None


def _check_program(program: str) -> None:
    if program not in PROGRAMS:
        raise EvidenceError(f"unknown gocode program {program!r}; choose one of "
                            f"{', '.join(PROGRAMS)}.")
    gocode_dir()


def build(program: str) -> Path:
    """Build ``gocode/cmd/PROGRAM`` (once: the runner's binary cache) and return the binary."""
    _check_program(program)
    result = runner.run_package(f"cmd/{program}", build_only=True)
    if not result.built or result.binary is None:
        raise EvidenceError(f"building gocode/cmd/{program} failed: {result.error_message()}\n"
                            f"{result.build_log.strip()}")
    return result.binary


def _flags(args: dict[str, Any] | None) -> list[str]:
    return [f"-{name}={value}" for name, value in (args or {}).items()]


def run(program: str, args: dict[str, Any] | None = None, *, env: dict[str, str] | None = None,
        timeout: float = 120) -> runner.GoResult:
    """Run a gocode program with ``-name=value`` flags through the course runner.

    ``env`` adds variables (GODEBUG, GOGC, GOMAXPROCS...). A failed build, a
    non-zero exit, a timeout or truncated output raises :class:`EvidenceError`
    with the reason and the end of the program's stderr.
    """
    _check_program(program)
    return programs.run(f"cmd/{program}", _flags(args), env=env, timeout=timeout, max_output=MAX_OUTPUT)


def _procs_env(gomaxprocs: int | None) -> dict[str, str]:
    if gomaxprocs is None:
        return {}
    if gomaxprocs < 1:
        raise EvidenceError(f"gomaxprocs={gomaxprocs}: GOMAXPROCS must be at least 1.")
    return {"GOMAXPROCS": str(gomaxprocs)}


# ---------------------------------------------------------------------------
# Garbage collector


@dataclass(frozen=True)
class PauseHistogram:
    """A runtime/metrics pause histogram, non-empty buckets only.

    ``buckets`` holds ``(low_s, high_s, count)``; a bound is None where the
    runtime's bucket is infinite.
    """
    metric: str
    buckets: list[tuple[float | None, float | None, int]]

    @property
    def total(self) -> int:
        return sum(c for _, _, c in self.buckets)

    @property
    def max_s(self) -> float | None:
        """Upper bound of the highest non-empty bucket: no pause was longer."""
        return self.buckets[-1][1] if self.buckets else None


@dataclass(frozen=True)
class GCRun:
    cycles: list[GCCycle]          # from GODEBUG=gctrace=1
    pauses: PauseHistogram         # /sched/pauses/total/gc:seconds at the end
    report: dict = field(repr=False)  # gcload's whole JSON report


def gc_run(*, gogc: int | str = 100, seconds: float = 2.0, live_mib: int = 32,
           rate_mib: int = 256, size: int = 1024, scan: bool = True,
           gomaxprocs: int | None = None, memlimit: str | None = None,
           timeout: float = 120) -> GCRun:
    """Run ``gcload`` for ``seconds`` with GOGC=``gogc`` (``"off"`` allowed) and gctrace on.

    ``scan=True`` makes the objects pointer slots the GC must scan; with
    ``scan=False`` they are plain bytes it only marks (far less mark work).
    ``memlimit`` sets GOMEMLIMIT (e.g. ``"64MiB"``).
    """
    if seconds <= 0:
        raise EvidenceError(f"seconds={seconds}: the run must last more than 0 s.")
    env = {"GODEBUG": "gctrace=1", "GOGC": str(gogc), **_procs_env(gomaxprocs)}
    if memlimit is not None:
        env["GOMEMLIMIT"] = memlimit
    result = run("gcload", {"duration": f"{seconds}s", "live": live_mib, "rate": rate_mib,
                          "size": size, "scan": str(scan).lower()}, env=env, timeout=timeout)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError as exc:
        raise EvidenceError(f"gcload printed no JSON report: {result.stdout[:300]!r}") from exc
    pauses = report["pauses"]
    hist = PauseHistogram(pauses["metric"], [tuple(b) for b in pauses["buckets"]])
    return GCRun(parse_gctrace(result.stderr).cycles, hist, report)


def gc_cycles(**kwargs) -> list[GCCycle]:
    """The gctrace cycles of one :func:`gc_run` (same keyword arguments)."""
    return gc_run(**kwargs).cycles


def gc_pauses(**kwargs) -> PauseHistogram:
    """The GC pause histogram of one :func:`gc_run` (same keyword arguments)."""
    return gc_run(**kwargs).pauses


# ---------------------------------------------------------------------------
# Scheduler


def _scenario_args(scenario: str, args: dict[str, Any] | None) -> dict[str, Any]:
    if scenario not in SCENARIOS:
        raise EvidenceError(f"unknown scheduler scenario {scenario!r}; choose one of "
                            f"{', '.join(SCENARIOS)}.")
    unknown = set(args or {}) - set(SCENARIO_DEFAULTS[scenario])
    if unknown:
        raise EvidenceError(f"{scenario} has no flag {', '.join(sorted(unknown))}; its flags are "
                            f"{', '.join(SCENARIO_DEFAULTS[scenario])}.")
    return SCENARIO_DEFAULTS[scenario] | (args or {})


def sched_series(program: str = "imbalance", gomaxprocs: int = 2, schedtrace_ms: int = 10, *,
                 detail: bool = False, args: dict[str, Any] | None = None,
                 timeout: float = 120) -> list[SchedSample]:
    """Run scenario ``program`` with ``GODEBUG=schedtrace=MS`` (``detail``: plus
    ``scheddetail=1``) and return the samples, in time order."""
    if schedtrace_ms < 1:
        raise EvidenceError(f"schedtrace_ms={schedtrace_ms}: the period must be >= 1 ms.")
    godebug = f"schedtrace={schedtrace_ms}" + (",scheddetail=1" if detail else "")
    result = run(program, _scenario_args(program, args),
               env={"GODEBUG": godebug, **_procs_env(gomaxprocs)}, timeout=timeout)
    return parse_schedtrace(result.stderr).samples


@dataclass(frozen=True)
class SchedRun:
    """One traced run of a scheduler scenario and what the trace shows."""
    scenario: str
    summary: str                          # the program's deterministic one-line summary
    events: list[gotrace.TraceEvent] = field(repr=False)
    goroutines: set[int] = field(repr=False)  # the program's own Gs (runtime's left out)
    stolen: list[gotrace.Stolen]
    handoffs: list[gotrace.Handoff]
    resumes: list[gotrace.Resume]

    def timeline(self):
        """The per-P :class:`~whygo.sched.timeline.Timeline` of the program's goroutines."""
        return gotrace.timeline(self.events, goroutines=self.goroutines)

    def ps_used(self) -> dict[int, set[int]]:
        """The program's goroutines -> the set of Ps each ran on."""
        return {g: set(ps) for g, ps in gotrace.ran_on(self.events).items() if g in self.goroutines}


def real_scheduler(scenario: str, gomaxprocs: int = 2, *, args: dict[str, Any] | None = None,
                   timeout: float = 120) -> SchedRun:
    """Run a scenario with ``-trace`` and read the trace back (``go tool trace -d=parsed``)."""
    flags = _scenario_args(scenario, args)
    with tempfile.TemporaryDirectory(prefix="whygo-trace-") as tmp:
        trace_file = Path(tmp) / f"{scenario}.trace"
        result = run(scenario, flags | {"trace": trace_file}, env=_procs_env(gomaxprocs),
                   timeout=timeout)
        events = gotrace.read_trace(trace_file)
    users = gotrace.user_goroutines(events)
    return SchedRun(
        scenario=scenario, summary=result.stdout.strip(), events=events, goroutines=users,
        stolen=[s for s in gotrace.stolen(events) if s.g in users],
        handoffs=[h for h in gotrace.handoffs(events) if h.syscall_g in users],
        resumes=[r for r in gotrace.gosched_resumes(events) if r.g in users])


def real_timeline(scenario: str, gomaxprocs: int = 2, **kwargs):
    """The per-P Timeline of a real run of ``scenario`` (see :func:`real_scheduler`)."""
    return real_scheduler(scenario, gomaxprocs, **kwargs).timeline()


# ---------------------------------------------------------------------------
# Allocator and stacks


def memstats_for_sizes(sizes: Iterable[int], n: int = 10_000, *,
                       kinds: Iterable[str] = ("noscan", "scan"), timeout: float = 120
                       ) -> list[dict]:
    """``smallalloc``: per (kind, size), MemStats deltas for ``n`` objects and the
    size class that took them (keys: kind, size, requested_bytes, n, mallocs,
    heap_alloc_bytes, bytes_per_object, class_size, class_mallocs).
    ``class_size`` is 0 for objects with no class MemStats.BySize reports
    (large objects, and classes above BySize[60])."""
    sizes, kinds = list(sizes), list(kinds)
    bad = [s for s in sizes if not isinstance(s, int) or s < 1]
    if bad or not sizes:
        raise EvidenceError(f"sizes must be positive integers, got {bad or sizes}.")
    if n < 1:
        raise EvidenceError(f"n={n}: allocate at least one object per size.")
    result = run("smallalloc", {"sizes": ",".join(map(str, sizes)), "kinds": ",".join(kinds),
                              "n": n}, timeout=timeout)
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def stack_growth(depth: int = 10_000, at: Iterable[int] = (0, 10, 100, 1000, 10_000), *,
                 gcs: int = 4, adaptive: bool = False, timeout: float = 120) -> dict:
    """``stackgrow``: the JSON report of a recursion ``depth`` deep (growths,
    checkpoints, shrinks after GC). ``adaptive=False`` sets
    ``GODEBUG=adaptivestackstart=0`` so the goroutine starts at 2 KiB."""
    env = {} if adaptive else {"GODEBUG": "adaptivestackstart=0"}
    result = run("stackgrow", {"depth": depth, "at": ",".join(map(str, at)), "gcs": gcs},
               env=env, timeout=timeout)
    return json.loads(result.stdout)


def alloc_benchmarks(pattern: str = "Alloc", *, benchtime: str = "200000x", count: int = 1,
                     timeout: float = 300):
    """``go test -bench PATTERN -benchmem`` in gocode/cmd/smallalloc, as a
    :class:`whygo.golang.benchfmt.BenchTable` (rows ``BenchmarkAlloc/noscan/size=8``...).
    ``benchtime`` defaults to a fixed iteration count so runs take the same work."""
    return programs.bench("cmd/smallalloc", pattern, benchtime=benchtime, count=count, timeout=timeout)
