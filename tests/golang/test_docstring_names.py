"""Every Go-style name a model docstring uses exists in the pinned toolchain's source.

tests/test_sources.py checks the names a docstring attributes to a file
("runtime/proc.go: runqputslow"). A name written without its file ("queue the
root jobs (gcMarkRootPrepare)") escaped it: this test takes every camelCase
word (``gcPrepareMarkRoots``, ``nextFreeFast``, ``allocCache``) of the model
docstrings and looks for it as a word anywhere in the runtime's source and the
packages the models mirror. A misspelt name, or one a Go release renamed, fails
here with the docstring that uses it.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODEL_FOLDERS = ("sched", "gc", "alloc", "stack", "chan", "context", "chapters")
GO_FOLDERS = ("runtime", "internal/runtime", "internal/abi", "internal/buildcfg", "sync",
              "context", "cmd/compile/internal", "cmd/link/internal")
GO_NAME = re.compile(r"\b[a-z][a-z0-9]*[A-Z][A-Za-z0-9]*\b")     # camelCase, as Go's unexported names
# The models' own names that look like Go's: goroutine "gN" of a GC schedule, the
# "gcWriteBarrierN" family (gcWriteBarrier1..8) of the compiler's calls.
MODEL_NAMES = {"gN", "gcWriteBarrierN"}


def go_names(doc: str) -> set[str]:
    return set(GO_NAME.findall(doc)) - MODEL_NAMES


def docstrings() -> list[tuple[str, str]]:
    out = []
    for folder in MODEL_FOLDERS:
        for py in sorted((ROOT / "whygo" / folder).glob("*.py")):
            for node in ast.walk(ast.parse(py.read_text(encoding="utf-8"))):
                if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                    doc = ast.get_docstring(node)
                    if doc:
                        out.append((f"{py.relative_to(ROOT)}:{getattr(node, 'name', '(module)')}", doc))
    return out


@pytest.fixture(scope="module")
def go_words() -> set[str]:
    from whygo.golang.toolchain import toolchain
    src = toolchain().goroot / "src"
    if not (src / "runtime" / "proc.go").is_file():
        pytest.fail(f"the pinned toolchain has no source tree at {src}")
    words: set[str] = set()
    for folder in GO_FOLDERS:
        for go in (src / folder).rglob("*.go"):
            words.update(GO_NAME.findall(go.read_text(encoding="utf-8", errors="replace")))
    return words


def test_the_name_finder_sees_what_a_docstring_names():
    doc = "queue the root jobs (gcMarkRootPrepare); then ``nextFreeFast``, gN and mallocgc"
    assert go_names(doc) == {"gcMarkRootPrepare", "nextFreeFast"}
    assert len(docstrings()) > 100


def test_every_go_name_in_a_model_docstring_exists_in_the_pinned_source(go_words):
    assert "gcPrepareMarkRoots" in go_words and "gcMarkRootPrepare" not in go_words
    missing = sorted((where, name) for where, doc in docstrings() for name in go_names(doc)
                     if name not in go_words)
    assert missing == []
