"""The ``%%go`` and ``%%gobench`` cell magics: IPython glue over :mod:`whygo.golang.cells`.

``%load_ext whygo`` registers both magics. A ``%%go`` cell is a Go program
(or declarations, or bare statements: the runner's snippet forms) built and
run by :func:`whygo.golang.runner.run`; a ``%%gobench`` cell is the content
of a ``_test.go`` file run by :func:`whygo.golang.gotest.run_bench`. The
flags, the running and every message live in :mod:`whygo.golang.cells`,
shared with ``%%task`` and the Go kernel; here they are written to
``sys.stdout``/``sys.stderr`` and a failed cell raises a short
:class:`GoCellError`.
"""
from __future__ import annotations

import atexit
import sys

from IPython.core.error import UsageError
from IPython.core.magic import Magics, cell_magic, line_cell_magic, magics_class

from whygo.golang.cells import (CellFlags, CellFlagsError, CellOutcome, compile_failure,  # noqa: F401
                                failure_note, parse_flags, run_bench_cell, run_cell)

__all__ = ["CellFlags", "CellFlagsError", "CellOutcome", "GoCellError", "GoMagics",
           "failure_note", "parse_flags", "run_cell", "load_ipython_extension"]


# -- the IPython front end ------------------------------------------------

class GoCellError(Exception):
    """A ``%%go`` / ``%%gobench`` cell failed. Shown as one short message, no traceback.

    IPython calls ``_render_traceback_`` instead of formatting Python frames,
    so the learner sees the Go problem, not 40 frames of IPython internals.
    Notebook cells that are meant to fail carry nbval's ``raises-exception`` tag.
    """

    def _render_traceback_(self) -> list[str]:
        return [f"\x1b[0;31m{type(self).__name__}\x1b[0m: {self}"]


def _write(outcome: CellOutcome) -> None:
    for name, text in outcome.chunks:
        stream = sys.stdout if name == "stdout" else sys.stderr
        stream.write(text)
        stream.flush()


def _flags_or_usage(line: str) -> CellFlags:
    """IPython shows a UsageError as its message alone: no traceback, nothing run."""
    try:
        return parse_flags(line)
    except CellFlagsError as exc:
        raise UsageError(str(exc)) from None


@magics_class
class GoMagics(Magics):
    """``%%go`` and ``%%gobench``; one runner Session per IPython shell."""

    def __init__(self, shell=None):
        super().__init__(shell)
        self._session = None

    @property
    def session(self):
        if self._session is None:
            from whygo.golang.runner import Session
            self._session = Session()
            atexit.register(self._session.close)
        return self._session

    @line_cell_magic
    def go(self, line: str, cell: str | None = None):
        """Build and run the cell's Go code: ``%%go [--gcflags=-m] [--env K=V] [--timeout N] ...``.

        The one-line form runs no cell code: ``%go --run gocode/cmd/NAME``
        builds and runs a program of gocode/, ``%go --help`` lists the flags.

        Shows, in this order: the compiler's decisions for the cell's own lines
        (with ``--gcflags=-m``, "line 4: can inline add") or the assembly of one
        function (``--asm FUNC``, compile only); then the program's stdout;
        then its stderr (on sys.stderr). A compile error, non-zero exit, panic
        or timeout raises ``GoCellError`` after the output (unless
        ``--allow-fail``). ``%%go --help`` lists every flag.
        """
        flags = _flags_or_usage(line)
        if cell is None and not (flags.run or flags.help):
            raise UsageError("%go on one line only takes --run gocode/PATH or --help; "
                             "put Go code in a %%go cell")
        outcome = run_cell(flags, cell or "", self.session)
        _write(outcome)
        if outcome.error:
            if flags.allow_fail:
                sys.stderr.write(failure_note(outcome))
            else:
                raise GoCellError(outcome.error)

    @cell_magic
    def gobench(self, line: str, cell: str):
        """Run the cell's benchmarks: ``%%gobench [--benchtime 1s] [--count N] [--cpu 1,2] [--timeout N]``.

        The cell is the content of a ``_test.go`` file (``package`` and
        imports may be left out, as in ``%%go``). Runs
        ``go test -run ^$ -bench . -benchmem`` and returns a ``BenchTable``:
        ``table["BenchmarkAdd"].ns_per_op``, ``table.ratio("A", "B")``,
        ``table.to_records()``. The benchmark's own prints go to stdout first.
        """
        from whygo.golang.gotest import BenchFlagsError
        try:
            outcome = run_bench_cell(line, cell)
        except BenchFlagsError as exc:
            raise UsageError(str(exc)) from None
        _write(outcome)
        if outcome.error:
            raise GoCellError(outcome.error)
        return outcome.result


def load_ipython_extension(ipython) -> None:
    """Called by ``%load_ext whygo`` (through ``whygo/__init__.py``).

    Says so at once when the Go in use is not the course's pinned one
    (``WHYGO_GO``): stored outputs were made with the pinned compiler.
    """
    from whygo.golang.toolchain import ToolchainError, toolchain
    ipython.register_magics(GoMagics)
    try:
        warning = toolchain().warning()
    except ToolchainError as exc:  # the first %%go cell reports it again, with the fix
        warning = str(exc)
    if warning:
        print(warning, file=sys.stderr)
