"""Build a learner's Go declarations together with a check's own test file, and run it.

The labs that grade Go code (escape analysis, allocation diet) need three
things from one build: the compiler's ``-m`` decisions on the learner's lines,
allocation counts (``testing.AllocsPerRun`` or ``-benchmem``), and the values
the code computes (so that "return nil" does not pass). :func:`go_check`
writes the learner's cell as ``cell_test.go`` (completed by the same snippet
rules as ``%%gobench``: ``package main`` and the imports it uses), the check's
harness as ``check_test.go``, compiles them with ``go test -c`` and runs the
test binary in its own process group under a timeout.

It never raises for bad Go: compile errors and timeouts come back in the
:class:`GoCheckRun` so a check can turn them into "not yet".
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from whygo.golang import diagnostics, gotest
from whygo.golang.cache import BinaryCache, cache_key, sweep_dead
from whygo.golang.diagnostics import CompileError, Diagnostic
from whygo.golang.toolchain import course_cache_dir, go_env, toolchain

CELL_FILE = gotest.CELL_FILE          # "cell_test.go": compiler messages name the learner's lines by it
BUILD_TIMEOUT = 300.0


@dataclass
class GoCheckRun:
    compile_errors: list[CompileError] = field(default_factory=list)
    decisions: list[Diagnostic] = field(default_factory=list)   # -m messages on the learner's lines
    stdout: str = ""
    stderr: str = ""
    returncode: int | None = None
    timed_out: bool = False

    @property
    def built(self) -> bool:
        return not self.compile_errors

    def problem(self) -> str | None:
        """One sentence when the build or the run failed, else None."""
        if self.compile_errors:
            e = self.compile_errors[0]
            where = f"line {e.line} of your cell" if e.line else "the build"
            return f"your Go does not compile ({where}: {e.message.splitlines()[0]})"
        if self.timed_out:
            return "the check's run timed out (an endless loop?)"
        if self.returncode not in (0, None):
            panic = next((l for l in self.stderr.splitlines() + self.stdout.splitlines()
                          if l.startswith("panic: ")), None)
            return panic or f"the check's run failed (exit status {self.returncode})"
        return None


def _run(argv: list[str], cwd: Path, timeout: float) -> tuple[str, str, int | None, bool]:
    proc = subprocess.Popen(argv, cwd=cwd, env=go_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, errors="replace", start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
        return out, err, proc.returncode, False
    except BaseException as exc:   # timeout or interrupt: nothing of the group may survive
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = proc.communicate()
        if isinstance(exc, subprocess.TimeoutExpired):
            return out, err, None, True
        raise


def _cache() -> BinaryCache:
    cache = BinaryCache(course_cache_dir() / "labs")
    sweep_dead(cache.work_root)
    return cache


def _build(work: Path, cell: str, extra: tuple[str, str], argv: list[str], *,
           package: str = "main") -> tuple[str, bool, bool]:
    """Write the module and run ``argv`` (a go build/test command); (log, ok, timed_out).
    Retries without the automatic imports the compiler calls unused."""
    (work / "go.mod").write_text("module cell\n\ngo 1.27\n")
    (work / extra[0]).write_text(_package(extra[1], package))
    drop: frozenset[str] = frozenset()
    for _attempt in range(3):
        name = CELL_FILE if package == "main" else "cell.go"   # _test.go files are not compiled by go build
        (work / name).write_text(_package(gotest.bench_file(cell, drop), package))
        out, err, code, timed_out = _run(argv, work, BUILD_TIMEOUT)
        unused = diagnostics.unused_imports(out + err).get(CELL_FILE, set()) - drop
        if code == 0 or timed_out or not unused:
            break
        drop |= unused
    return out + err, code == 0 and not timed_out, timed_out


def _package(text: str, name: str) -> str:
    return text if name == "main" else re.sub(r"(?m)^package main\b", f"package {name}", text, count=1)


def _failed(log: str, timed_out: bool) -> list[CompileError]:
    return diagnostics.compile_errors(log, {CELL_FILE}) or [
        CompileError(0, 0, "the build timed out" if timed_out else "the build failed", "")]


def go_compile(cell: str, context: str = "package main\n", *, gcflags: str = "-m") -> GoCheckRun:
    """Compile ``cell`` with ``context`` (declarations it may use) as a library: no link, no run."""
    cache = _cache()
    with cache.workdir() as work:
        argv = [str(toolchain().go), "build", "-trimpath", f"-gcflags={gcflags}", "."]
        log, ok, timed_out = _build(work, cell, ("context.go", context), argv, package="lab")
    result = GoCheckRun(decisions=diagnostics.compiler_decisions(log, {CELL_FILE}))
    if not ok:
        result.compile_errors = _failed(log, timed_out)
    return result


def go_check(cell: str, harness: str, *, gcflags: str = "-m", run_args: list[str] | None = None,
             timeout: float = 60.0) -> GoCheckRun:
    """Compile ``cell`` + ``harness`` (a complete ``package main`` test file) and run the tests.

    ``run_args`` go to the test binary (default: run every Test, verbose).
    """
    cache = _cache()
    key = cache_key([("kind", "labs-go-check"), ("go", toolchain().version), ("gcflags", gcflags),
                     ("cell", cell), ("harness", harness)])
    with cache.workdir() as work:
        entry = cache.lookup(key)
        if entry is None:
            argv = [str(toolchain().go), "test", "-c", "-trimpath", f"-gcflags={gcflags}", "-o", "cell.test", "."]
            log, ok, timed_out = _build(work, cell, ("check_test.go", harness), argv)
            if not ok:
                return GoCheckRun(decisions=diagnostics.compiler_decisions(log, {CELL_FILE}),
                                  compile_errors=_failed(log, timed_out))
            entry = cache.store(key, work / "cell.test", {"log": log})
        result = GoCheckRun(decisions=diagnostics.compiler_decisions(entry.log, {CELL_FILE}))
        argv = [str(entry.binary), *(run_args or ["-test.v", "-test.count=1"])]
        result.stdout, result.stderr, result.returncode, result.timed_out = _run(argv, work, timeout)
        return result


def escapes(decisions: list[Diagnostic], first: int, last: int) -> list[Diagnostic]:
    """The heap decisions ("moved to heap", "escapes to heap") on cell lines first..last."""
    return [d for d in decisions if first <= d.line <= last and
            ("moved to heap" in d.message or d.message.endswith("escapes to heap"))]
