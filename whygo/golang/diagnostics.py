"""Read what ``go build`` printed: compile errors and ``-gcflags=-m`` decisions.

The compiler prints one message per line, ``FILE:LINE:COL: MESSAGE``, where
FILE is spelled differently depending on the message::

    ./cell.go:3:14: undefined: y            <- type-checker errors (relative path)
    cell/cell.go:5:5: can inline main.func1 <- -m decisions (module path, -trimpath)
    ./main.go:4:8: "strings" imported ...   <- a generated line (before //line)

A message may continue on following lines indented by a tab (``have (int)``).
Lines without a position are headers (``# cell``), linker errors
(``function main is undeclared in the main package``) or ``-S`` listings.

Thanks to the ``//line`` directives the snippet module writes, a position in
``cell.go`` is a cell position. The parser only needs to know which file
names are "the cell" (``cell.go``) and which are other reported names (saved
session cells, package files); everything else is a generated line and gets
line 0. Pure text in, dataclasses out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from whygo.i18n import _

_POSITION = re.compile(r"^(?P<file>[^\s:][^:\n]*?\.go):(?P<line>\d+)(?::(?P<col>\d+))?: (?P<msg>.*)$")


@dataclass(frozen=True)
class CompileError:
    """A compile (or link) error. ``line``/``col`` are 1-based in the CELL's numbering;
    0 when the error has no cell position (a generated line, a linker error)."""
    line: int
    col: int
    message: str
    file: str = "cell.go"       # the reported file: "cell.go", a saved cell "helpers.go", or ""


@dataclass(frozen=True)
class Diagnostic:
    """One ``-gcflags=-m`` decision on a cell line ("can inline add", "x escapes to heap")."""
    line: int
    col: int
    message: str
    file: str = "cell.go"


@dataclass(frozen=True)
class Message:
    file: str       # normalised: "cell.go", "helpers.go", "cmd/gcload/main.go"
    line: int
    col: int
    text: str


_CGO_WORK = re.compile(r"^\$WORK/b\d+/")  # cgo compiles copies of the files in go's work dir


def _normalise(file: str, prefixes: tuple[str, ...]) -> str:
    file = _CGO_WORK.sub("", file.removeprefix("./"))
    for p in prefixes:
        if file.startswith(p):
            return file[len(p):]
    return file


def messages(output: str, prefixes: tuple[str, ...] = ("cell/",)) -> tuple[list[Message], list[str]]:
    """Positioned messages (continuation lines joined) and the other non-header lines.

    ``prefixes`` are stripped from file names: the module path that
    ``-trimpath`` puts in front of ``-m`` positions (``cell/``).
    """
    found: list[Message] = []
    other: list[str] = []
    for raw in output.splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        m = _POSITION.match(raw)
        if m:
            found.append(Message(_normalise(m.group("file"), prefixes), int(m.group("line")),
                                 int(m.group("col") or 0), m.group("msg")))
        elif raw.startswith(("\t", " ")) and found:
            last = found[-1]
            found[-1] = Message(last.file, last.line, last.col, last.text + "\n" + raw.strip())
        elif not raw.startswith("\t"):
            other.append(raw.strip())
    return found, other


def compile_errors(output: str, reported: set[str], prefixes: tuple[str, ...] = ("cell/",)) -> list[CompileError]:
    """The errors of a failed build, in the compiler's order, without repeats.

    ``reported`` are the file names that carry real positions (the cell's
    ``cell.go``, saved cells). An error on a generated line keeps its text
    but gets line 0 and no file (the learner never saw that line). A failure without any positioned message (a linker
    error) becomes one line-0 error with the first line the tools printed.
    """
    found, other = messages(output, prefixes)
    errors: list[CompileError] = []
    for msg in found:
        if msg.file in reported:
            err = CompileError(msg.line, msg.col, msg.text, msg.file)
        else:
            err = CompileError(0, 0, msg.text, "")
        if err not in errors:
            errors.append(err)
    if not errors:
        useful = [line for line in other if line != "too many errors"]
        text = useful[0] if useful else "go build failed without a message"
        errors.append(CompileError(0, 0, re.sub(r"^\S+: (?=\S)", "", text, count=1), ""))
    return errors


def compiler_decisions(output: str, own: set[str], prefixes: tuple[str, ...] = ("cell/",)) -> list[Diagnostic]:
    """``-m`` messages on the ``own`` files' lines, sorted by (line, col, message), deduplicated.

    Decisions about generated lines (the ``func main`` wrapper) and about
    other files (saved cells, inlined standard library code) are dropped.
    """
    found, _ = messages(output, prefixes)
    unique = {Diagnostic(m.line, m.col, m.text, m.file) for m in found if m.file in own}
    return sorted(unique, key=lambda d: (d.line, d.col, d.message, d.file))


def unused_imports(output: str, prefixes: tuple[str, ...] = ("cell/",)) -> dict[str, set[str]]:
    """file -> import paths the compiler calls unused or that clash with a name
    the code declares; used to undo wrong guesses of the automatic imports."""
    found, _ = messages(output, prefixes)
    bad: dict[str, set[str]] = {}
    for m in found:
        hit = (re.match(r'"([^"]+)" imported(?: as \w+)? and not used', m.text)
               or re.search(r'already declared through import of package \w+ \("([^"]+)"\)', m.text)
               or re.search(r'redeclared in this block.*\n?.*other declaration of \w+', m.text))
        if hit and hit.groups():
            bad.setdefault(m.file, set()).add(hit.group(1))
    return bad


def where(error, this_cell: str = "cell.go") -> str:
    """"cell line 5: " for a line of the cell, "helpers.go line 5: " for a line of another
    file (a saved cell), "" when the message has no line."""
    file = getattr(error, "file", this_cell)
    if not error.line:
        return ""
    if file in (this_cell, ""):
        return _("cell line {line}: ").format(line=error.line)
    return _("{file} line {line}: ").format(file=file, line=error.line)
