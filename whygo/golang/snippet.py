"""Turn a notebook cell into a Go source file, keeping the cell's line numbers.

A cell comes in one of three forms (:func:`classify`):

``program``
    A whole file that starts with ``package main``. Compiled exactly as
    written.
``declarations``
    Top-level declarations with ``func main`` (or other named functions) but
    no ``package`` line. We add ``package main`` and the imports the cell uses.
``statements``
    Bare statements. We add ``package main``, the imports, and wrap the cell
    in ``func main() { ... }``. Import lines at the top of such a cell stay
    outside the wrapper, where Go wants them.

Nothing else is injected: directives such as ``//go:noinline`` reach the
compiler untouched. Every generated file puts a ``//line cell.go:1:1``
directive right before the first cell line (and one more after the imports of
a statements cell), so compile errors, ``-gcflags=-m`` decisions, ``-S``
listings and panic traces all speak in the CELL's line and column numbers.
The generated lines before the directive keep the real file's name
(``main.go``), which is how :mod:`whygo.golang.diagnostics` tells the wrapper
from the cell.

Which imports to add
--------------------
Every ``name.`` in the code (comments and string literals blanked out first,
see :func:`mask`) whose ``name`` is the package name of a standard-library
package gets that package, unless the cell imports ``name`` itself. The names
come from the toolchain's own ``go list std`` (cached on disk per toolchain
version, see :func:`std_packages`), so they follow the pinned Go exactly.
Internal and vendored packages are never candidates.

A few package names belong to more than one standard package. The rule is
deterministic: the :data:`PREFERRED` table decides for ``rand``, ``template``,
``pprof``, ``scanner`` (and ``json``); any other clash goes to the shortest
import path, then the alphabetically first. To use another package, write the
import yourself (or the whole ``package main`` file).

A name can be used as ``name.`` without meaning the package (a variable
called ``list``); the runner then meets ``"container/list" imported and not
used`` on a generated line and builds again without that import (see
``runner``), so the heuristic never breaks a cell that Go would accept.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from typing import Mapping

CELL_FILE = "cell.go"          # the name compiler messages use for the cell's lines
MAIN_FILE = "main.go"          # the real file holding the cell (and its wrapper lines)
SAVED_SUFFIX = ".saved.go"     # real file of a session cell: "<name>.saved.go", reported as "<name>.go"

# Package names shared by several standard packages: the one a bare `name.` means.
PREFERRED = {
    "rand": "math/rand/v2",      # the current API; math/rand's top-level functions are legacy
    "template": "text/template",  # html/template is for HTML output only
    "pprof": "runtime/pprof",    # net/http/pprof is imported for its side effect, by hand
    "scanner": "text/scanner",   # go/scanner scans Go source, rarely what a cell wants
    "json": "encoding/json",
}

FORMS = ("program", "declarations", "statements")


class SnippetError(ValueError):
    """A cell that cannot be turned into a Go file; the message says what to change."""


# -- lexical helpers ----------------------------------------------------------

def mask(source: str) -> str:
    """``source`` with comments and the insides of string/rune literals blanked.

    Every character keeps its offset and newlines stay, so a match in the
    masked text points at the same place in the original. Blanking keeps
    ``"fmt.Println"`` in a string or ``// see os.Exit`` in a comment from
    looking like package uses.
    """
    out = list(source)
    i, n = 0, len(source)

    def blank(a: int, b: int) -> None:
        for k in range(a, min(b, n)):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        c = source[i]
        if source.startswith("//", i):
            end = source.find("\n", i)
            end = n if end < 0 else end
            blank(i, end)
            i = end
        elif source.startswith("/*", i):
            end = source.find("*/", i + 2)
            end = n if end < 0 else end + 2
            blank(i, end)
            i = end
        elif c == "`":
            end = source.find("`", i + 1)
            end = n if end < 0 else end
            blank(i + 1, end)
            i = end + 1
        elif c in "\"'":
            k = i + 1
            while k < n and source[k] != c and source[k] != "\n":
                k += 2 if source[k] == "\\" else 1
            blank(i + 1, k)
            i = k + 1
        else:
            i += 1
    return "".join(out)


_PACKAGE = re.compile(r"\A\s*package\s+(\w+)")
_FUNC_MAIN = re.compile(r"(?m)^[ \t]*func[ \t]+main[ \t]*\(")
_NAMED_FUNC = re.compile(r"(?m)^[ \t]*func[ \t]*(?:\([^)]*\)[ \t]*)?[A-Za-z_]\w*[ \t]*[\[(]")
_USE = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\.(?=[A-Za-z_])")
_IMPORT_SPEC = re.compile(r"""(?:([A-Za-z_]\w*|\.)\s+)?["`]([^"`]+)["`]""")


def classify(source: str) -> str:
    """``program``, ``declarations`` or ``statements`` (see the module docstring)."""
    masked = mask(source)
    if _PACKAGE.match(masked):
        return "program"
    if _FUNC_MAIN.search(masked) or _NAMED_FUNC.search(masked):
        return "declarations"
    return "statements"


def package_clause(source: str) -> tuple[str, int] | None:
    """(package name, 1-based line) of the cell's ``package`` clause, if any."""
    m = _PACKAGE.match(mask(source))
    if not m:
        return None
    return m.group(1), source.count("\n", 0, m.start(1)) + 1


def has_func_main(source: str) -> bool:
    return bool(_FUNC_MAIN.search(mask(source)))


def import_block_lines(source: str) -> int:
    """How many leading lines of ``source`` are import declarations (with blank and
    comment lines among them); 0 when the cell does not start with imports."""
    lines = mask(source).split("\n")
    last_import_line, i, depth = 0, 0, 0
    while i < len(lines):
        text = lines[i].strip()
        if depth:
            depth += text.count("(") - text.count(")")
            if depth <= 0:
                depth, last_import_line = 0, i + 1
        elif not text:
            pass
        elif re.match(r"import\b", text):
            depth = text.count("(") - text.count(")")
            if depth <= 0:
                depth, last_import_line = 0, i + 1
        else:
            break
        i += 1
    return last_import_line


def explicit_imports(source: str, names: Mapping[str, str] | None = None) -> set[str]:
    """The package names the cell's own import declarations bring into scope.

    ``names`` maps an import path to its package name (from ``go list std``);
    paths it does not know use their last element (``v2`` style suffixes
    skipped).
    """
    masked = mask(source)
    found: set[str] = set()
    for m in re.finditer(r"(?m)^[ \t]*import\b", masked):
        start = m.end()
        rest = masked[start:].lstrip()
        if rest.startswith("("):
            close = masked.find(")", start)
            region = source[start: len(masked) if close < 0 else close]
        else:
            eol = masked.find("\n", start)
            region = source[start: len(masked) if eol < 0 else eol]
        for alias, path in _IMPORT_SPEC.findall(region):
            if alias in ("_", "."):
                continue
            found.add(alias or (names or {}).get(path) or default_name(path))
    return found


def default_name(path: str) -> str:
    """The usual package name of an import path: its last element, skipping ``/vN``."""
    parts = path.split("/")
    if len(parts) > 1 and re.fullmatch(r"v\d+", parts[-1]):
        return parts[-2]
    return parts[-1]


def used_names(source: str) -> set[str]:
    """Every identifier used as ``name.`` in code (not in comments or strings)."""
    return set(_USE.findall(mask(source)))


# -- the standard library's package names ------------------------------------

def choose_import(name: str, paths: list[str]) -> str:
    """The import path a bare ``name.`` means (see the module docstring)."""
    if name in PREFERRED and PREFERRED[name] in paths:
        return PREFERRED[name]
    return sorted(paths, key=lambda p: (len(p), p))[0]


def import_table(listing: list[tuple[str, str]]) -> dict[str, str]:
    """package name -> import path, from ``(import path, package name)`` pairs.

    Internal, vendored and ``main`` packages are left out: a cell cannot
    import them.
    """
    by_name: dict[str, list[str]] = {}
    for path, name in listing:
        parts = path.split("/")
        if "internal" in parts or parts[0] == "vendor" or name == "main":
            continue
        by_name.setdefault(name, []).append(path)
    return {name: choose_import(name, paths) for name, paths in sorted(by_name.items())}


_STD_MEMO: dict[str, list[tuple[str, str]]] = {}


def std_packages() -> list[tuple[str, str]]:
    """``(import path, package name)`` of every standard package of the toolchain.

    ``go list std`` takes a fraction of a second, so the answer is kept in
    the course cache, one file per toolchain version, and in memory.
    """
    from whygo.golang.toolchain import course_cache_dir, go_command, toolchain
    tc = toolchain()
    key = f"{tc.version}:{tc.go}"
    if key in _STD_MEMO:
        return _STD_MEMO[key]
    path = course_cache_dir() / f"std-{re.sub(r'[^A-Za-z0-9.+-]', '_', tc.version)}.json"
    listing = None
    try:
        data = json.loads(path.read_text())
        if data.get("go") == str(tc.go):
            listing = [tuple(p) for p in data["packages"]]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    if listing is None:
        out = go_command("list", "-f", "{{.ImportPath}} {{.Name}}", "std", timeout=120).stdout
        listing = [tuple(line.split()) for line in out.splitlines() if len(line.split()) == 2]
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".std-", suffix=".tmp")
        with os.fdopen(fd, "w") as f:
            json.dump({"go": str(tc.go), "version": tc.version, "packages": listing}, f)
        os.replace(tmp, path)
    _STD_MEMO[key] = listing
    return listing


# -- building the file ----------------------------------------------------------

@dataclass(frozen=True)
class GoFile:
    """One generated Go file: where it goes, what it holds, how it was made."""
    filename: str                 # real file in the work directory ("main.go", "util.saved.go")
    text: str
    reported_as: str              # the name compiler messages use for its lines ("cell.go")
    form: str                     # "program" | "declarations" | "statements"
    imports_added: tuple[str, ...]
    source: str = field(default="", repr=False)          # the cell as written
    dropped: frozenset[str] = field(default=frozenset(), repr=False)  # imports not to add
    package: str = "main"         # the package clause written for a cell without one


def without_imports(f: GoFile, paths: set[str], table: Mapping[str, str]) -> GoFile:
    """``f`` made again without the automatic imports ``paths`` (the compiler
    said they are unused: the name was a variable, not the package)."""
    return make_file(f.source, table, filename=f.filename, reported_as=f.reported_as,
                     drop=f.dropped | frozenset(paths), form=f.form, package=f.package)


def _line_directive(name: str, line: int) -> str:
    return f"//line {name}:{line}:1\n"


_IMPORT_C = re.compile(r'^[ \t]*import[ \t]+"C"[ \t]*$', re.M)


def cgo_preamble_lines(source: str) -> int:
    """Lines up to and including ``import "C"`` when the cell starts with a cgo preamble, else 0.

    cgo hands the comment right above ``import "C"`` to the C compiler, with the
    comment markers removed: a ``//line`` directive there would become C code.
    So those lines keep the real file's numbering and the directive follows them.
    """
    m = _IMPORT_C.search(source)
    return source[:m.end()].count("\n") + 1 if m else 0


def _numbered(text: str, name: str, cgo_lines: int) -> str:
    """``text`` (the cell's first lines) with the directive that makes it cell line 1."""
    if not cgo_lines:
        return _line_directive(name, 1) + text
    lines = text.splitlines(keepends=True)
    return "".join(lines[:cgo_lines]) + _line_directive(name, cgo_lines + 1) + "".join(lines[cgo_lines:])


def _auto_imports(source: str, table: Mapping[str, str], drop: frozenset[str]) -> tuple[str, ...]:
    mine = explicit_imports(source, {path: name for name, path in table.items()})
    wanted = {table[n] for n in used_names(source) if n in table and n not in mine}
    return tuple(sorted(wanted - drop))


def _imports_block(paths: tuple[str, ...]) -> str:
    if not paths:
        return ""
    return "import (\n" + "".join(f'\t"{p}"\n' for p in paths) + ")\n"


def make_file(source: str, table: Mapping[str, str], *, filename: str = MAIN_FILE,
              reported_as: str = CELL_FILE, drop: frozenset[str] = frozenset(),
              form: str | None = None, package: str = "main") -> GoFile:
    """The Go file for a cell (``table``: package name -> import path, from
    :func:`import_table`; ``drop``: import paths not to add, see the runner;
    ``package``: the clause added to a cell that has none, e.g. a lab's library)."""
    original = source
    form = form or classify(source)
    if form not in FORMS:
        raise SnippetError(f"unknown snippet form {form!r}: use one of {', '.join(FORMS)}")
    if source and not source.endswith("\n"):
        source += "\n"
    if form == "program":
        return GoFile(filename, _line_directive(reported_as, 1) + source, reported_as, form, (),
                      original, drop)
    added = _auto_imports(source, table, drop)
    head = f"package {package}\n\n" + _imports_block(added)
    cgo = cgo_preamble_lines(source)
    if form == "declarations":
        text = head + _numbered(source, reported_as, cgo)
        return GoFile(filename, text, reported_as, form, added, original, drop, package)
    lines = source.splitlines(keepends=True)
    k = import_block_lines(source)
    text = head
    if k:
        text += _numbered("".join(lines[:k]), reported_as, cgo if cgo <= k else 0)
    text += "\nfunc main() {\n" + _line_directive(reported_as, k + 1) + "".join(lines[k:]) + "}\n"
    return GoFile(filename, text, reported_as, form, added, original, drop, package)


_SAVE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_RESERVED = {"cell", "main"}


def check_save_name(name: str) -> str:
    """A session cell's name must be a plain word: it becomes ``<name>.go``.

    Letters and digits only, so no ``_test`` or ``_linux`` suffix can turn it
    into a test file or a file for another platform.
    """
    if not isinstance(name, str) or not _SAVE_NAME.fullmatch(name):
        raise SnippetError(f"cannot save a cell as {name!r}: use letters and digits, starting "
                           f"with a letter (e.g. 'helpers' or 'point2')")
    if name.lower() in _RESERVED:
        raise SnippetError(f"cannot save a cell as {name!r}: 'cell' and 'main' are used by the "
                           f"runner; pick another name")
    return name
