"""Run a cell's benchmarks with ``go test`` (the engine of ``%%gobench``).

The cell is the content of a ``_test.go`` file. Like ``%%go`` it may leave out
the ``package`` clause and the imports: then it becomes ``package main`` and
the imports it uses are added (``testing`` and any other package, by the
runner's snippet rules), with a ``//line cell_test.go:1:1`` directive so that
compile errors and panics name the cell's own lines. A cell that starts with
``package`` is compiled exactly as written.

:func:`whygo.golang.build.build` compiles the test binary with ``go test -c``
in a private temporary module (an unchanged cell comes from the binary
cache), and the binary runs as ``cell.test -test.run=^$ -test.bench=.
-test.benchmem`` through :mod:`whygo.golang.process`: its own process group,
stopped like every program on timeout, interrupt or ``interrupt_all``.
"""
from __future__ import annotations

import dataclasses
import re
import shlex
import time
from dataclasses import dataclass
from pathlib import Path

from whygo.golang import build, diagnostics, process, snippet
from whygo.golang.benchfmt import BenchTable, parse, parse_result_line
from whygo.golang.diagnostics import CompileError, where
from whygo.golang.flags import FlagParser
from whygo.golang.toolchain import go_env

CELL_FILE = "cell_test.go"
MAX_OUTPUT = 1_000_000   # bytes kept of each stream, like the runner's default
_LINE_LIMIT = 1 << 16    # read lines in pieces: one endless line cannot fill memory


class BenchFlagsError(ValueError):
    """A bad ``%%gobench`` flag line; the message names the flag and shows the usage."""


class _Parser(FlagParser):
    errors = BenchFlagsError


def _build_parser() -> _Parser:
    p = _Parser(prog="%%gobench", add_help=False,
                description="Run the cell's Benchmark functions with go test -bench . -benchmem.")
    p.add_argument("--bench", metavar="REGEXP", default=".", help="which benchmarks (default: all)")
    p.add_argument("--benchtime", metavar="T", default="1s",
                   help="time per benchmark (1s) or iterations (1000x)")
    p.add_argument("--count", metavar="N", type=int, default=1, help="run every benchmark N times, in N interleaved rounds")
    p.add_argument("--cpu", metavar="LIST", default=None, help="GOMAXPROCS values, e.g. 1,2,4")
    p.add_argument("--timeout", metavar="N", type=float, default=120.0,
                   help="kill the run after N seconds (default 120)")
    p.add_argument("--help", action="store_true", help="show this help")
    return p


_PARSER = _build_parser()


@dataclass(frozen=True)
class BenchFlags:
    bench: str = "."
    benchtime: str = "1s"
    count: int = 1
    cpu: str | None = None
    timeout: float = 120.0


def parse_bench_flags(line: str) -> BenchFlags | None:
    """Parse the ``%%gobench`` line; None for ``--help`` (after printing the help)."""
    try:
        ns = _PARSER.parse_args(shlex.split(line))
    except ValueError as exc:
        if isinstance(exc, BenchFlagsError):
            raise
        raise BenchFlagsError(f"cannot split the flag line ({exc}): {line!r}") from None
    if ns.help:
        print(_PARSER.format_help())
        return None
    if ns.count < 1:
        raise BenchFlagsError(f"--count expects a number >= 1, got {ns.count}")
    if not ns.timeout > 0:
        raise BenchFlagsError(f"--timeout expects seconds > 0, got {ns.timeout}")
    if not re.fullmatch(r"\d+(\.\d+)?(ns|us|µs|ms|s|m|h|x)", ns.benchtime):
        raise BenchFlagsError(f"--benchtime expects a duration like 1s, 500ms or a count like 1000x, "
                              f"got {ns.benchtime!r}")
    if ns.cpu is not None and not re.fullmatch(r"\d+(,\d+)*", ns.cpu):
        raise BenchFlagsError(f"--cpu expects a list like 1,2,4, got {ns.cpu!r}")
    return BenchFlags(bench=ns.bench, benchtime=ns.benchtime, count=ns.count, cpu=ns.cpu,
                      timeout=ns.timeout)


@dataclass
class BenchOutcome:
    table: BenchTable | None        # None when nothing ran (compile error, timeout before output)
    log: str                        # the benchmark's own prints and --- BENCH: logs
    stderr: str                     # compile errors as "cell line N: ...", panics, test failures
    error: str | None               # one sentence when the run failed
    compile_errors: list[CompileError]
    timed_out: bool = False


def cell_file(cell: str, *, filename: str = CELL_FILE, package: str = "main") -> snippet.GoFile:
    """The ``_test.go`` file for a cell: as written if it has a package clause, else
    completed by the runner's snippet rules (``package main``, the imports it uses)."""
    if snippet.classify(cell) == "program":
        return snippet.GoFile(filename, cell, CELL_FILE, "program", (), cell)
    from whygo.golang.runner import import_table  # the same table %%go cells use
    return snippet.make_file(cell, import_table(), filename=filename, reported_as=CELL_FILE,
                             form="declarations", package=package)


def bench_file(cell: str, drop: frozenset[str] = frozenset()) -> str:
    """The text of :func:`cell_file` (without the ``drop`` paths the compiler called unused)."""
    f = cell_file(cell)
    return snippet.without_imports(f, set(drop), _table()).text if drop and f.imports_added else f.text


def _table():
    from whygo.golang.runner import import_table
    return import_table()


def cell_target(*files: snippet.GoFile) -> build.Target:
    """A temporary module of these files, compiler messages read for the cell's lines."""
    return build.Target(list(files), reported={CELL_FILE}, own={CELL_FILE}, table=_table())


def check_target(cell: str, extra: tuple[str, str], package: str = "main") -> build.Target:
    """A lab's build: the learner's cell (completed like a %%gobench cell) beside ``extra``
    (file name, text: a check's harness, or the declarations a task may use).
    ``package`` other than "main" builds a library: ``go build`` skips ``_test.go``
    files, so the cell is then ``cell.go``."""
    filename = CELL_FILE if package == "main" else "cell.go"
    cell_go = cell_file(cell, filename=filename, package=package)
    if cell_go.form == "program":
        cell_go = dataclasses.replace(cell_go, text=_package(cell_go.text, package))
    context = snippet.GoFile(extra[0], _package(extra[1], package), extra[0], "program", ())
    return cell_target(cell_go, context)


def _package(text: str, name: str) -> str:
    return text if name == "main" else re.sub(r"(?m)^package main\b", f"package {name}", text, count=1)


def _keep_always(line: str) -> bool:
    """Lines worth keeping past the output cap: benchmark results, failures, panics."""
    return (parse_result_line(line) is not None
            or line.startswith(("--- FAIL", "--- SKIP", "panic: ", "fatal error: ", "goos:", "goarch:",
                                "pkg:", "cpu:")))


def _run_bench_binary(argv: list[str], cwd: Path, timeout: float) -> tuple[str, str, int | None, bool]:
    """Run the test binary (one group, stopped like every program: whygo.golang.process).

    A chatty benchmark must not push its own results out of the table, so
    result lines (and failures, panics) are kept past MAX_OUTPUT bytes.
    """
    got = process.run(argv, cwd=cwd, env=go_env(), timeout=timeout, cap=MAX_OUTPUT, keep=_keep_always)
    return (_note(got.out, got.dropped[0]), _note(got.err, got.dropped[1]),
            None if got.timed_out else got.returncode, got.timed_out)


def _note(text: str, dropped: int) -> str:
    if not dropped:
        return text
    return text + (f"\n... [output truncated at {MAX_OUTPUT // 1_000_000} MB: {dropped} bytes of "
                   f"other lines dropped; results kept]\n")


def run_bench(cell: str, flags: BenchFlags = BenchFlags()) -> BenchOutcome:
    """Compile the cell as a test binary and run its benchmarks."""
    with build.binary_cache().workdir() as work:
        built = build.build_held(cell_target(cell_file(cell)), test=True, name="cell.test")
        if not built.ok:
            errors = diagnostics.compile_errors(built.log, {CELL_FILE})
            listed = "".join(f"{where(e, CELL_FILE)}{e.message}\n" for e in errors)
            first = errors[0]
            at = f"at cell line {first.line}" if first.line else "in the generated wrapper"
            sentence = f"compile error {at}: {first.message.splitlines()[0]}"
            return BenchOutcome(None, "", listed, sentence, errors, built.timed_out)
        argv = [str(built.binary), "-test.run=^$", f"-test.bench={flags.bench}",
                "-test.benchmem", f"-test.benchtime={flags.benchtime}", "-test.count=1",
                "-test.timeout=0"]
        if flags.cpu:
            argv.append(f"-test.cpu={flags.cpu}")
        # --count N runs N rounds of every benchmark (interleaved) rather than Go's
        # -test.count=N, which runs one benchmark N times before the next: a burst of
        # load then lands on one benchmark only and a comparison flips.
        rounds, err, code, timed_out = [], "", 0, False
        deadline = time.monotonic() + flags.timeout
        for _ in range(flags.count):
            out, err_round, code, timed_out = _run_bench_binary(argv, work,
                                                                max(0.1, deadline - time.monotonic()))
            rounds.append(parse(out))
            err += err_round
            if code != 0 or timed_out:
                break
        table = BenchTable.from_rounds(rounds, cpu_flag=flags.cpu)
        error = None
        if timed_out:
            error = f"timed out after {flags.timeout:g} s"
        elif code != 0:
            failed = [f for f in table.failures if f.kind == "FAIL"]
            panic = next((l for l in err.splitlines() if l.startswith("panic: ")), None)
            if panic:
                error = panic
            elif failed:
                msg = failed[0].message.splitlines()[0] if failed[0].message else ""
                error = f"benchmark {failed[0].name} failed" + (f": {msg}" if msg else "")
            else:
                error = f"exit status {code}"
        return BenchOutcome(table, table.log, err, error, [], timed_out)
