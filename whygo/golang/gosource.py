"""One declaration out of a Go source file, as the chapters print them.

Chapters show the pinned runtime's own code (``goschedImpl``, ``hchan``,
``nextFreeFast``, ``poolCleanup``) and functions of gocode/ programs. Go's
formatting makes this simple: a top-level declaration starts at column 0 with
``func``/``type`` and ends at the first line that is a lone ``}``.
"""
from __future__ import annotations

import re
from pathlib import Path


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
