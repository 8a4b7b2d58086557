"""The one reader of Go source: the pinned runtime, the standard library, gocode/.

Chapters quote the code the reader's own toolchain runs, never a copy:
the runtime's declarations (``goschedImpl``, ``hchan``, ``nextFreeFast``),
standard-library ones (``sync.poolCleanup``) and functions of the course's
gocode/ programs. Go's formatting makes this simple: a top-level declaration
starts at column 0 with ``func``/``type`` and ends at the first line that is
a lone ``}``.

* :func:`declaration` / :func:`find_declaration` -- one declaration of one file;
* :func:`runtime`, :func:`std`, :func:`gocode` -- the same, found by package;
* :func:`runtime_line`, :func:`function_lines`, :func:`runtime_mentions`,
  :func:`runtime_comment` -- a line, the lines of a function that mention a
  word, how many runtime files mention a word, a comment block;
* :func:`gocode_file` -- a whole file of a gocode/ package.

Every miss raises :class:`DeclarationNotFound`, naming the file and the name.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

from whygo.golang.runner import gocode_dir
from whygo.golang.toolchain import toolchain


class DeclarationNotFound(LookupError):
    """The file or the declaration does not exist; the message names both."""


def find_declaration(path: Path, name: str) -> str | None:
    """``func name``, method ``name`` or ``type name`` in ``path`` (doc comment not
    included), up to its closing brace; None when the file has no such declaration."""
    lines = Path(path).read_text().splitlines()
    start = re.compile(rf"^(func|type) (\([^)]*\) )?{re.escape(name)}\b[ (\[]")
    for i, line in enumerate(lines):
        if start.match(line):
            end = next((j for j in range(i, len(lines)) if lines[j] == "}"), None)
            return "\n".join(lines[i:end + 1]) if end is not None else None
    return None


def declaration(path: Path, name: str) -> str:
    """Like :func:`find_declaration`, but a missing file or name is an error that says which."""
    path = Path(path)
    if not path.is_file():
        raise DeclarationNotFound(f"{path} does not exist")
    text = find_declaration(path, name)
    if text is None:
        raise DeclarationNotFound(f"no 'func {name}' or 'type {name}' declaration in {path}; "
                                  "check the spelling (names are case-sensitive)")
    return text


# ---------------------------------------------------------------------------
# Found by package: the pinned runtime, the standard library, gocode/


def _runtime_dir(root: Path | None) -> Path:
    return Path(root) if root is not None else Path(toolchain().runtime_src)


def runtime(name: str, file: str = "proc.go", *, root: Path | None = None) -> str:
    """``func name`` or ``type name`` in ``$GOROOT/src/runtime/<file>`` of the pinned
    toolchain. ``root`` replaces the runtime folder (tests)."""
    folder = _runtime_dir(root)
    if not (folder / file).is_file():
        raise DeclarationNotFound(f"{folder / file} does not exist; give a file of the runtime "
                                  f"folder {folder} (e.g. proc.go, chan.go)")
    return declaration(folder / file, name)


def std(package: str, file: str, name: str) -> str:
    """A declaration in ``$GOROOT/src/<package>/<file>``, e.g. ``std("sync", "pool.go", "poolCleanup")``."""
    return declaration(Path(toolchain().goroot) / "src" / package / file, name)


def gocode(package: str, name: str) -> str:
    """``func name`` of a gocode/ package (e.g. ``cmd/server``), whichever of its files has it."""
    for path in sorted((gocode_dir() / package).glob("*.go")):
        text = find_declaration(path, name)
        if text is not None:
            return text
    raise DeclarationNotFound(f"no func {name} in gocode/{package}: give the name of one of its "
                              "functions")


def gocode_file(package: str, file: str) -> str:
    """The whole text of ``gocode/<package>/<file>``."""
    path = gocode_dir() / package / file
    if not path.is_file():
        raise DeclarationNotFound(f"{path} does not exist")
    return path.read_text()


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text().splitlines()
    except OSError as exc:
        raise DeclarationNotFound(f"cannot read {path}: {exc}. Is the pinned Go toolchain "
                                  "installed (whygo doctor)?") from None


def runtime_line(file: str, pattern: str, root: Path | None = None) -> tuple[str, str]:
    """(``runtime/file:line``, the stripped line) of the first line of ``runtime/<file>``
    matching the regular expression ``pattern``."""
    path = _runtime_dir(root) / file
    rx = re.compile(pattern)
    for number, line in enumerate(_read_lines(path), 1):
        if rx.search(line):
            return f"runtime/{file}:{number}", line.strip()
    raise DeclarationNotFound(f"no line of {path} matches {pattern!r}; this Go version may "
                              "declare it elsewhere (grep the runtime source for the name).")


def function_lines(name: str, file: str, words: Iterable[str], *, root: Path | None = None
                   ) -> list[tuple[int, str]]:
    """(line number in ``runtime/<file>``, line) for each line of ``func name`` containing
    one of ``words``."""
    folder = _runtime_dir(root)
    body = runtime(name, file, root=folder)
    text = (folder / file).read_text()
    first = text[:text.index(body)].count("\n") + 1
    words = list(words)
    return [(first + i, line.strip()) for i, line in enumerate(body.splitlines())
            if any(w in line for w in words)]


def runtime_mentions(words: Iterable[str], *, root: Path | None = None) -> dict[str, int]:
    """For each word, how many .go files of the runtime folder mention it (case-insensitive)."""
    folder = _runtime_dir(root)
    texts = [p.read_text(errors="replace").lower() for p in sorted(folder.rglob("*.go"))]
    return {w: sum(1 for t in texts if w.lower() in t) for w in words}


def runtime_comment(file: str, first: str, last: str, *, root: Path | None = None) -> str:
    """The comment lines of ``runtime/<file>`` from the one containing ``first`` to the next
    one containing ``last``, comment markers removed."""
    path = _runtime_dir(root) / file
    lines = _read_lines(path)
    start = next((i for i, l in enumerate(lines) if first in l), None)
    end = next((i for i, l in enumerate(lines) if start is not None and i > start and last in l),
               None)
    if start is None or end is None:
        raise DeclarationNotFound(f"{path} has no comment from {first!r} to {last!r}; this Go "
                                  "version may say it elsewhere.")
    return "\n".join(l.removeprefix("//").removeprefix(" ") for l in lines[start:end + 1])
