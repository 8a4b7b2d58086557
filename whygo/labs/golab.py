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
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from whygo.golang import diagnostics, gotest
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


def go_check(cell: str, harness: str, *, gcflags: str = "-m", run_args: list[str] | None = None,
             timeout: float = 60.0) -> GoCheckRun:
    """Compile ``cell`` + ``harness`` (a complete ``package main`` test file) and run the tests.

    ``run_args`` go to the test binary (default: run every Test, verbose).
    """
    root = course_cache_dir() / "labs"
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="check-", dir=root))
    try:
        (work / "go.mod").write_text("module cell\n\ngo 1.27\n")
        (work / "check_test.go").write_text(harness)
        drop: frozenset[str] = frozenset()
        for _attempt in range(3):   # undo automatic imports the compiler calls unused
            (work / CELL_FILE).write_text(gotest.bench_file(cell, drop))
            argv = [str(toolchain().go), "test", "-c", "-trimpath", f"-gcflags={gcflags}", "-o", "cell.test", "."]
            out, err, code, timed_out = _run(argv, work, BUILD_TIMEOUT)
            unused = diagnostics.unused_imports(out + err).get(CELL_FILE, set()) - drop
            if code == 0 or timed_out or not unused:
                break
            drop |= unused
        log = out + err
        result = GoCheckRun(decisions=diagnostics.compiler_decisions(log, {CELL_FILE}))
        if code != 0 or timed_out:
            result.compile_errors = diagnostics.compile_errors(log, {CELL_FILE}) or [
                CompileError(0, 0, "the build timed out" if timed_out else "go test -c failed", "")]
            return result
        argv = [str(work / "cell.test"), *(run_args or ["-test.v", "-test.count=1"])]
        result.stdout, result.stderr, result.returncode, result.timed_out = _run(argv, work, timeout)
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def escapes(decisions: list[Diagnostic], first: int, last: int) -> list[Diagnostic]:
    """The heap decisions ("moved to heap", "escapes to heap") on cell lines first..last."""
    return [d for d in decisions if first <= d.line <= last and
            ("moved to heap" in d.message or d.message.endswith("escapes to heap"))]
