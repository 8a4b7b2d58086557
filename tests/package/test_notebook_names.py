"""Every name a notebook reads from its chapter module is that module's public API.

A notebook imports only its own chapter module (``from whygo.chapters import
sched as chapter``) and uses it as ``chapter.NAME``: each such NAME must be
in the module's ``__all__``, so the chapter's API is what the notebooks use
and a rename cannot leave a notebook behind. Read with ``ast``, nothing is
imported or run.
"""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted([*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("labs/*.ipynb")])


def python_cells(notebook: Path) -> list[str]:
    """The code cells that are Python: cell magics (%%go ...) and a Go kernel's cells are
    not; line magics and shell lines are blanked, keeping line numbers."""
    nb = json.loads(notebook.read_text())
    if nb.get("metadata", {}).get("kernelspec", {}).get("language", "python") != "python":
        return []   # a notebook in Go (the Go kernel's lab)
    out = []
    for cell in nb["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] != "code" or source.lstrip().startswith("%%"):
            continue
        out.append("\n".join("" if l.lstrip().startswith(("%", "!")) else l for l in source.splitlines()))
    return out


def chapter_names(cells: list[str]) -> dict[str, set[str]]:
    """chapter module -> the attribute names read from it under its alias."""
    trees = [ast.parse(c) for c in cells]
    alias = {a.asname or a.name: a.name for t in trees for n in ast.walk(t)
             if isinstance(n, ast.ImportFrom) and n.module == "whygo.chapters" for a in n.names}
    used: dict[str, set[str]] = {m: set() for m in alias.values()}
    for t in trees:
        for n in ast.walk(t):
            if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id in alias:
                used[alias[n.value.id]].add(n.attr)
    return used


def public_names(module: str) -> set[str]:
    """The module's ``__all__`` as written (a list or tuple of strings, perhaps extended with +=)."""
    names: set[str] = set()
    for node in ast.parse((ROOT / "whygo" / "chapters" / f"{module}.py").read_text()).body:
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        if isinstance(target, ast.Name) and target.id == "__all__":
            names |= set(ast.literal_eval(node.value))
    return names


def test_the_checker_reads_names_and_aliases():
    cells = ["from whygo.chapters import gc as chapter", "%matplotlib inline\nx = chapter.run(chapter.ARTICLE)",
             "%%go\nchapter.not_python()"]
    assert chapter_names(python_cells_of(cells)) == {"gc": {"run", "ARTICLE"}}


def python_cells_of(sources: list[str]) -> list[str]:
    nb = {"cells": [{"cell_type": "code", "source": s} for s in sources]}
    path = Path(__file__).with_name("_probe.ipynb")
    try:
        path.write_text(json.dumps(nb))
        return python_cells(path)
    finally:
        path.unlink()


def test_a_name_missing_from_all_is_reported():
    used = chapter_names(["from whygo.chapters import gc as chapter\nchapter.run(chapter.no_such_name)"])
    assert used["gc"] - public_names("gc") == {"no_such_name"}


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_a_notebook_uses_only_its_chapters_public_names(notebook):
    missing = {module: sorted(names - public_names(module))
               for module, names in chapter_names(python_cells(notebook)).items()}
    assert {m: n for m, n in missing.items() if n} == {}, \
        "add these to the chapter module's __all__ (or stop using them in the notebook)"
