"""A Go cell, without IPython: flags, running, and what the learner sees.

Shared by ``%%go``, ``%%gobench`` (:mod:`whygo.magics`), ``%%task``
(:mod:`whygo.labs.tasks`) and the Go kernel (:mod:`whygo.kernel`), so that
each says exactly what the others say:

1. :func:`parse_flags` turns the flag line into :class:`CellFlags` (one
   parser for the magic's line and the kernel's ``//whygo: ...`` comment);
2. :func:`run_cell` runs a ``%%go`` cell, :func:`run_bench_cell` a
   ``%%gobench`` cell, :func:`run_task_cell` compiles a lab's ``%%task``
   cell (its line is a check id, :func:`parse_task_line`); each returns a
   :class:`CellOutcome`: the ordered output chunks and, for a failed cell,
   the error;
3. the front end writes the chunks (the magics: ``sys.stdout``/``sys.stderr``;
   the kernel: stream messages) and reports the error (a short
   ``GoCellError``; an ``error`` reply).

An error is shown once. A cell that does not compile runs nothing, so the
compiler's messages are not printed as output: they ARE the error (the first
one names the cell line, with the runner's hint; the others follow, one per
line, as "cell line N: ..." by :func:`where`). With ``--allow-fail`` the same
lines are printed on stderr instead (:func:`failure_note`).

Output order, always: the compiler's decisions (``-m``) or the assembly
(``--asm``), then the program's stdout, then its stderr. The runner captures
the two streams on separate pipes, so their interleaving in time is lost;
a fixed order keeps notebook outputs identical from run to run.
"""
from __future__ import annotations

import argparse
import re
import shlex
from dataclasses import dataclass, field

from whygo.golang import build, diagnostics
from whygo.golang.diagnostics import where
from whygo.golang.flags import CellFlagsError, FlagParser
from whygo.golang.gotest import CELL_FILE, check_target, parse_bench_flags, run_bench
from whygo.golang.toolchain import ToolchainError
from whygo.i18n import _

__all__ = ["CellFlags", "CellFlagsError", "CellOutcome", "compile_failure", "failure_note",
           "parse_flags", "parse_task_line", "run_bench_cell", "run_cell", "run_task_cell", "usage",
           "where"]


# -- flags ---------------------------------------------------------------

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


def _build_parser() -> FlagParser:
    p = FlagParser(prog="%%go", add_help=False,
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


# -- running a cell -------------------------------------------------------

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
        outcome.out(_("saved {name}: later cells compile with it").format(name=repr(flags.save)))
        return outcome
    if previous is None:
        session.remove(flags.save)
    else:
        session.save(flags.save, previous)
    kept = _("nothing saved") if previous is None else _("the previous {name} is kept").format(name=repr(flags.save))
    outcome.error = _("not saved ({kept}): ").format(kept=kept) + compile_failure(
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
    first, *others = [where(e, this_cell) + e.message for e in errors]
    return "\n".join([headline, *first.splitlines()[1:], *others])


def failure_note(outcome: CellOutcome) -> str:
    """What ``--allow-fail`` prints on stderr for a failed cell: the compiler's messages
    as they are (nothing ran), any other error as a note after the output: "(exit status 3)"."""
    return f"{outcome.error}\n" if outcome.compile_failed else f"({outcome.error})\n"


def run_bench_cell(line: str, cell: str) -> CellOutcome:
    """A ``%%gobench`` cell: its flag line (``BenchFlagsError`` if bad) and its benchmarks.
    ``outcome.result`` is the BenchTable (None for ``--help``, which prints the help)."""
    outcome = CellOutcome()
    flags = parse_bench_flags(line)
    if flags is None:  # --help
        return outcome
    ran = run_bench(cell, flags)
    if ran.compile_errors:  # shown once, as the error (see the module docstring)
        outcome.error = compile_failure(ran.error, ran.compile_errors, CELL_FILE)
        outcome.compile_failed = True
        return outcome
    if ran.log:   # the benchmark's own prints, then Go's stderr: as written, not re-ended
        outcome.chunks.append(("stdout", ran.log + "\n"))
    if ran.stderr:
        outcome.chunks.append(("stderr", ran.stderr))
    outcome.error = ran.error
    outcome.result = ran.table
    return outcome


def parse_task_line(line: str) -> str:
    """The check id on a ``%%task`` line (``escape/1``); CellFlagsError if it is not one."""
    name = line.strip()
    if not name or " " in name or "/" not in name:
        raise CellFlagsError(_("%%task needs one check id like 'escape/1', got {name!r}").format(name=name))
    return name


def run_task_cell(name: str, cell: str, context: str = "package main\n") -> CellOutcome:
    """A ``%%task`` cell: compile it with ``-gcflags=-m`` as a library beside ``context``
    (declarations its lab gives: diet's ``type Item``), no link, no run; the compiler's
    decisions on the learner's lines, or the compile errors as the error."""
    outcome = CellOutcome()
    built = build.build(check_target(cell, ("context.go", context), "lab"),
                        flags=["-trimpath", "-gcflags=-m"], output=False)
    errors = diagnostics.compile_errors(built.log, {CELL_FILE})
    if not built.ok:
        first = errors[0] if errors else None
        if first is None:
            headline = _("the build timed out") if built.timed_out else _("the build failed")
        else:
            message = first.message.splitlines()[0]
            headline = (_("compile error at cell line {line}: {error}").format(line=first.line, error=message)
                        if first.line else
                        _("compile error in the task's wrapper: {error}").format(error=message))
        outcome.error = compile_failure(headline, errors, CELL_FILE) if errors else headline
        outcome.compile_failed = True
        return outcome
    # Inlined standard-library code reports on the line that calls it; its
    # "inlining call" notes and its panic strings would bury the learner's own decisions.
    decisions = [d for d in diagnostics.compiler_decisions(built.log, {CELL_FILE})
                 if d.file == CELL_FILE and not d.message.startswith(("inlining call to", '"'))]
    listed = "".join("  " + _("line {line}: ").format(line=d.line) + f"{d.message}\n" for d in decisions) or "  " + _("(none)") + "\n"
    outcome.out(_("saved as {name}; the compiler's decisions (-gcflags=-m) on your lines:").format(name=name) + f"\n{listed}")
    return outcome
