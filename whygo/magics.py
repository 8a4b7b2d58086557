"""The ``%%go`` and ``%%gobench`` cell magics, and the cell logic the Go kernel shares.

``%load_ext whygo`` registers both magics. A ``%%go`` cell is a Go program
(or declarations, or bare statements: the runner's snippet forms) built and
run by :func:`whygo.golang.runner.run`; a ``%%gobench`` cell is the content
of a ``_test.go`` file run by :func:`whygo.golang.gotest.run_bench`.

Three layers, so that the Go kernel (``whygo/kernel.py``) says exactly what
the magic says:

1. :func:`parse_flags` turns the flag line into :class:`CellFlags` (one
   parser for the magic's line and the kernel's ``//whygo: ...`` comment);
2. :func:`run_cell` runs a cell and returns a :class:`CellOutcome`: the
   ordered output chunks and, for a failed cell, one error sentence;
3. the front end writes the chunks (here: ``sys.stdout``/``sys.stderr``; in
   the kernel: stream messages) and reports the error (here: a short
   :class:`GoCellError`; in the kernel: an ``error`` reply).

An error is shown once. A cell that does not compile runs nothing, so the
compiler's messages are not printed as output: they ARE the error (the first
one names the cell line, with the runner's hint; the others follow, one per
line), and the learner sees one red error block, in JupyterLab and in the
book alike. With ``--allow-fail`` the same lines are printed on stderr
instead (:func:`failure_note`).

Output order, always: the compiler's decisions (``-m``) or the assembly
(``--asm``), then the program's stdout, then its stderr. The runner captures
the two streams on separate pipes, so their interleaving in time is lost;
a fixed order keeps notebook outputs identical from run to run.
"""
from __future__ import annotations

import argparse
import atexit
import re
import shlex
import sys
from dataclasses import dataclass, field

from IPython.core.error import UsageError
from IPython.core.magic import Magics, cell_magic, line_cell_magic, magics_class

from whygo.golang.toolchain import ToolchainError

__all__ = ["CellFlags", "CellFlagsError", "CellOutcome", "GoCellError", "GoMagics",
           "failure_note", "parse_flags", "run_cell", "load_ipython_extension"]


# -- 1. flags ---------------------------------------------------------------

class CellFlagsError(ValueError):
    """A bad flag line. The message names the flag and ends with the usage line."""


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing and calling ``sys.exit``."""

    def error(self, message: str):
        raise CellFlagsError(f"{message}\n{self.format_usage().strip()}")

    def exit(self, status: int = 0, message: str | None = None):
        raise CellFlagsError((message or "").strip() or self.format_usage().strip())


def _env_pair(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
        raise argparse.ArgumentTypeError(f"--env expects KEY=VALUE (e.g. GODEBUG=gctrace=1), got {text!r}")
    return key, value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1
    if not value > 0:
        raise argparse.ArgumentTypeError(f"--timeout expects a number of seconds > 0, got {text!r}")
    return value


def _build_parser() -> _Parser:
    p = _Parser(prog="%%go", add_help=False,
                description="Build and run the cell's Go code with the course's pinned Go.")
    p.add_argument("--gcflags", metavar="FLAGS", help="compiler flags, e.g. -m (escape analysis, inlining)")
    p.add_argument("--ldflags", metavar="FLAGS", help="linker flags")
    p.add_argument("--env", metavar="KEY=VAL", action="append", type=_env_pair, default=[],
                   help="environment of the program (repeatable), e.g. GODEBUG=gctrace=1")
    p.add_argument("--args", metavar="ARGS", default="", help="command-line arguments of the program, quoted")
    p.add_argument("--stdin", metavar="TEXT", help="text the program reads on stdin (default: nothing)")
    p.add_argument("--timeout", metavar="N", type=_seconds, default=30.0,
                   help="kill the program after N seconds (default 30)")
    p.add_argument("--allow-fail", action="store_true",
                   help="a failing program shows its error but does not raise")
    p.add_argument("--cgo", action="store_true", help="build with CGO_ENABLED=1")
    p.add_argument("--save", metavar="NAME",
                   help="keep the cell's declarations as NAME.go; later cells compile with them")
    p.add_argument("--run", metavar="gocode/PATH", help="build and run a main package of gocode/ "
                   "instead of the cell (leave the cell empty)")
    p.add_argument("--asm", metavar="FUNC", help="compile only, and show FUNC's assembly by cell line")
    p.add_argument("--quiet-build", action="store_true",
                   help="do not print compiler decisions (-m), only use the flags")
    p.add_argument("--help", action="store_true", help="show this help")
    return p


_PARSER = _build_parser()
_TAKES_VALUE = {opt for a in _PARSER._actions if a.nargs is None and a.option_strings
                for opt in a.option_strings}


def _attach_values(words: list[str]) -> list[str]:
    """``--gcflags -m`` -> ``--gcflags=-m``: argparse would take a value that starts
    with "-" for another option, and compiler flags always do."""
    out, i = [], 0
    while i < len(words):
        if words[i] in _TAKES_VALUE and i + 1 < len(words):
            out.append(f"{words[i]}={words[i + 1]}")
            i += 2
        else:
            out.append(words[i])
            i += 1
    return out


@dataclass(frozen=True)
class CellFlags:
    """The parsed flag line of a ``%%go`` cell (or of a kernel cell's ``//whygo:`` comment)."""
    gcflags: str | None = None
    ldflags: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    args: tuple[str, ...] = ()
    stdin: str | None = None
    timeout: float = 30.0
    allow_fail: bool = False
    cgo: bool = False
    save: str | None = None
    run: str | None = None
    asm: str | None = None
    quiet_build: bool = False
    help: bool = False


def parse_flags(line: str) -> CellFlags:
    """Parse a flag line such as ``--timeout 5 --env GODEBUG=gctrace=1 --gcflags=-m``."""
    try:
        words = shlex.split(line)
    except ValueError as exc:  # an unclosed quote
        raise CellFlagsError(f"cannot split the flag line ({exc}): {line!r}\n"
                             f"{_PARSER.format_usage().strip()}") from None
    ns = _PARSER.parse_args(_attach_values(words))
    try:
        args = tuple(shlex.split(ns.args))
    except ValueError as exc:
        raise CellFlagsError(f"--args: {exc}: {ns.args!r}") from None
    if ns.run and ns.save:
        raise CellFlagsError("--run and --save do not go together: --run builds a gocode/ "
                             "package, --save keeps the cell's code")
    return CellFlags(gcflags=ns.gcflags, ldflags=ns.ldflags, env=dict(ns.env), args=args,
                     stdin=ns.stdin, timeout=ns.timeout, allow_fail=ns.allow_fail, cgo=ns.cgo,
                     save=ns.save, run=ns.run, asm=ns.asm, quiet_build=ns.quiet_build, help=ns.help)


def usage() -> str:
    return _PARSER.format_help()


# -- 2. running a cell -------------------------------------------------------

@dataclass
class CellOutcome:
    """What a cell produced: output chunks in display order, and the error if it failed."""
    chunks: list[tuple[str, str]] = field(default_factory=list)   # ("stdout" | "stderr", text)
    # One sentence ("exit status 3"), or for a cell that does not compile every compiler
    # message, one per line ("compile error at cell line 3: ...\ncell line 5: ...").
    error: str | None = None
    compile_failed: bool = False      # the error is the compiler's messages (nothing ran)
    result: object = None             # the runner's GoResult (None for --help / --save only)

    def out(self, text: str) -> None:
        self._add("stdout", text)

    def err(self, text: str) -> None:
        self._add("stderr", text)

    def _add(self, name: str, text: str) -> None:
        if text:
            self.chunks.append((name, text if text.endswith("\n") else text + "\n"))


def _has_code(source: str) -> bool:
    return any(l.strip() and not l.strip().startswith("//") for l in source.splitlines())


def _with_flag(gcflags: str | None, flag: str) -> str:
    words = shlex.split(gcflags or "")
    return " ".join(words if flag in words else [*words, flag])


def run_cell(flags: CellFlags, source: str, session) -> CellOutcome:
    """Build and run one cell as ``flags`` say; never raises for a failing program.

    ``session`` is the notebook's :class:`whygo.golang.runner.Session` (cells
    saved with ``--save`` compile with later cells).
    """
    outcome = CellOutcome()
    if flags.help:
        outcome.out(usage())
        return outcome
    try:
        if flags.save:
            return _save_cell(flags, source, session, outcome)
        return _build_and_run(flags, source, session, outcome)
    except (ValueError, ToolchainError) as exc:
        # bad names, a path that is not a gocode/ program, a missing Go: the message says what to do
        outcome.error = str(exc)
        return outcome


def _save_cell(flags: CellFlags, source: str, session, outcome: CellOutcome) -> CellOutcome:
    """``--save NAME``: keep the declarations, but only if the package still builds."""
    from whygo.golang import runner
    previous = session.source(flags.save) if flags.save in session.names() else None
    session.save(flags.save, source)
    # build once now, so a mistake in saved code shows here and not in a later cell
    result = runner.run("", session=session, build_only=True, gcflags=flags.gcflags,
                        ldflags=flags.ldflags, cgo=flags.cgo, timeout=flags.timeout)
    outcome.result = result
    if result.ok:
        outcome.out(f"saved {flags.save!r}: later cells compile with it")
        return outcome
    if previous is None:
        session.remove(flags.save)
    else:
        session.save(flags.save, previous)
    kept = "nothing saved" if previous is None else f"the previous {flags.save!r} is kept"
    outcome.error = f"not saved ({kept}): " + compile_failure(
        result.error_message(), result.compile_errors, this_cell=f"{flags.save}.go")
    outcome.compile_failed = True
    return outcome


def _build_and_run(flags: CellFlags, source: str, session, outcome: CellOutcome) -> CellOutcome:
    from whygo.golang import runner
    from whygo.golang.asm import AsmError, find, format_compact

    gcflags = flags.gcflags
    if flags.asm:
        gcflags = _with_flag(gcflags, "-S")
    options = dict(gcflags=gcflags, ldflags=flags.ldflags, env=flags.env or None, args=flags.args,
                   stdin=flags.stdin, timeout=flags.timeout, cgo=flags.cgo,
                   build_only=bool(flags.asm))
    if flags.run:
        if _has_code(source):
            outcome.error = ("--run builds gocode/" + flags.run.removeprefix("gocode/") +
                             "; leave the cell empty (comments are fine) or drop --run")
            return outcome
        result = runner.run_package(flags.run, **options)
    else:
        result = runner.run(source, session=session, **options)
    outcome.result = result

    if result.compile_errors:
        outcome.error = compile_failure(result.error_message(), result.compile_errors)
        outcome.compile_failed = True
    elif flags.asm:
        try:
            outcome.out(format_compact(find(result.build_log, flags.asm), source))
        except AsmError as exc:
            outcome.error = str(exc)
            return outcome
    if result.diagnostics and not flags.quiet_build:
        outcome.out("".join(f"line {d.line}: {d.message}\n" for d in result.diagnostics))
    outcome.out(result.stdout)
    outcome.err(result.stderr)
    if not result.ok and not outcome.error:
        outcome.error = result.error_message() or "the program failed"
    return outcome


def compile_failure(headline: str, errors, this_cell: str = "cell.go") -> str:
    """Every compiler message once, for the error a cell that does not compile reports.

    ``headline`` is the runner's sentence for the first error ("compile error at cell
    line 3: undefined: x", with its hint); then the rest of that error's lines (Go's
    have/want details) and the other errors, each as "cell line 5: ..." (or the saved
    cell / file it is in). Shared by %%go, %%gobench and the Go kernel.
    """
    first, *others = [_where(e, this_cell) + e.message for e in errors]
    return "\n".join([headline, *first.splitlines()[1:], *others])


def _where(error, this_cell: str) -> str:
    file = getattr(error, "file", this_cell)
    if not error.line:
        return ""
    return f"cell line {error.line}: " if file in (this_cell, "") else f"{file} line {error.line}: "


def failure_note(outcome: CellOutcome) -> str:
    """What ``--allow-fail`` prints on stderr for a failed cell: the compiler's messages
    as they are (nothing ran), any other error as a note after the output: "(exit status 3)"."""
    return f"{outcome.error}\n" if outcome.compile_failed else f"({outcome.error})\n"


# -- 3. the IPython front end ------------------------------------------------

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
        from whygo.golang.gotest import BenchFlagsError, parse_bench_flags, run_bench
        try:
            flags = parse_bench_flags(line)
        except BenchFlagsError as exc:
            raise UsageError(str(exc)) from None
        if flags is None:  # --help
            return None
        outcome = run_bench(cell, flags)
        if outcome.compile_errors:  # shown once, as the error (see the module docstring)
            from whygo.golang.gotest import CELL_FILE
            raise GoCellError(compile_failure(outcome.error, outcome.compile_errors, CELL_FILE))
        if outcome.log:
            sys.stdout.write(outcome.log + "\n")
        if outcome.stderr:
            sys.stderr.write(outcome.stderr)
        if outcome.error:
            raise GoCellError(outcome.error)
        return outcome.table


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
