"""Build a learner's Go declarations together with a check's own test file, and run it.

The labs that grade Go code (escape analysis, allocation diet) need three
things from one build: the compiler's ``-m`` decisions on the learner's lines,
allocation counts (``testing.AllocsPerRun`` or ``-benchmem``), and the values
the code computes (so that "return nil" does not pass). :func:`go_check`
writes the learner's cell as ``cell_test.go`` (completed by the same snippet
rules as ``%%gobench``: ``package main`` and the imports it uses), the check's
harness as ``check_test.go``, compiles them with ``go test -c``
(:mod:`whygo.golang.build`: the one binary cache) and runs the test binary
in its own process group under a timeout (:mod:`whygo.golang.process`).

It never raises for bad Go: compile errors and timeouts come back in the
:class:`GoCheckRun` so a check can turn them into "not yet".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from whygo.golang import build, diagnostics, gotest, process
from whygo.golang.diagnostics import CompileError, Diagnostic
from whygo.golang.toolchain import go_env
from whygo.i18n import _

CELL_FILE = gotest.CELL_FILE          # "cell_test.go": compiler messages name the learner's lines by it


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
            first = e.message.splitlines()[0]
            if e.line:
                return _("your Go does not compile (line {line} of your cell: {message})").format(
                    line=e.line, message=first)
            return _("your Go does not compile (the build: {message})").format(message=first)
        if self.timed_out:
            return _("the check's run timed out (an endless loop?)")
        if self.returncode not in (0, None):
            panic = next((l for l in self.stderr.splitlines() + self.stdout.splitlines()
                          if l.startswith("panic: ")), None)
            return panic or _("the check's run failed (exit status {code})").format(code=self.returncode)
        return None


def _run(argv: list[str], cwd: Path, timeout: float) -> tuple[str, str, int | None, bool]:
    got = process.run(argv, cwd=cwd, env=go_env(), timeout=timeout)
    return got.out, got.err, None if got.timed_out else got.returncode, got.timed_out


def _failed(log: str, timed_out: bool) -> list[CompileError]:
    return diagnostics.compile_errors(log, {CELL_FILE}) or [
        CompileError(0, 0, _("the build timed out") if timed_out else _("the build failed"), "")]


def go_check(cell: str, harness: str, *, gcflags: str = "-m", run_args: list[str] | None = None,
             timeout: float = 60.0) -> GoCheckRun:
    """Compile ``cell`` + ``harness`` (a complete ``package main`` test file) and run the tests.

    ``run_args`` go to the test binary (default: run every Test, verbose).
    """
    built = build.build_held(gotest.check_target(cell, ("check_test.go", harness)), test=True,
                             flags=["-trimpath", f"-gcflags={gcflags}"], name="cell.test")
    result = GoCheckRun(decisions=diagnostics.compiler_decisions(built.log, {CELL_FILE}))
    if not built.ok:
        result.compile_errors = _failed(built.log, built.timed_out)
        return result
    with build.binary_cache().workdir() as work:
        argv = [str(built.binary), *(run_args or ["-test.v", "-test.count=1"])]
        result.stdout, result.stderr, result.returncode, result.timed_out = _run(argv, work, timeout)
    return result


def escapes(decisions: list[Diagnostic], first: int, last: int) -> list[Diagnostic]:
    """The heap decisions ("moved to heap", "escapes to heap") on cell lines first..last."""
    return [d for d in decisions if first <= d.line <= last and
            ("moved to heap" in d.message or d.message.endswith("escapes to heap"))]
