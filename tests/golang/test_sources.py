"""Every runtime function the course names exists in the pinned toolchain's source.

Two kinds of names: each claim's ``source`` field (whygo/claims.py:
"runtime/proc.go: newproc, runqputslow; sync/pool.go: poolCleanup"), and the
model docstrings of whygo/sched, gc, alloc and stack, which name what they
mirror ("Mirrors runtime/proc.go: runqputslow", "runtime/mcentral.go:
cacheSpan: ..."). A function renamed or removed in a new Go release makes this
test fail with the file and the name, so the course cannot keep quoting a
runtime that no longer exists.
"""
from __future__ import annotations

import ast
import re
from functools import lru_cache
from pathlib import Path

import pytest

from whygo import claims

ROOT = Path(__file__).resolve().parents[2]
MODEL_PACKAGES = ("sched", "gc", "alloc", "stack")


@pytest.fixture(scope="module")
def src() -> Path:
    from whygo.golang.toolchain import toolchain
    folder = toolchain().goroot / "src"
    if not (folder / "runtime" / "proc.go").is_file():
        pytest.fail(f"the pinned toolchain has no source tree at {folder}")
    return folder


@lru_cache(maxsize=None)
def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _func(text: str, name: str, receiver: str | None = None) -> bool:
    """``func name(`` or ``func (r *T) name(`` (of receiver type T when given), generics too."""
    recv = rf"\(\w+ \*?{re.escape(receiver)}(\[[^\]]*\])?\) " if receiver else r"(\([^)]*\) )?"
    return re.search(rf"^func {recv}{re.escape(name)}[\[(]", text, re.M) is not None


def _type(text: str, name: str) -> bool:
    return re.search(rf"^type {re.escape(name)}\b", text, re.M) is not None


def _value(text: str, name: str) -> bool:
    """A constant or variable: ``const x =``, ``var x T``, or a line of a const/var block."""
    return re.search(rf"^(const |var |\t)({re.escape(name)})\b(\s*,\s*\w+)*\s*([\w.\[\]*]+\s*)?=",
                     text, re.M) is not None or re.search(rf"^var {re.escape(name)}\b", text, re.M) is not None


def declared(text: str, item: str) -> bool:
    """Whether ``item`` of a claim's source is declared in a Go file's text.

    ``name``: a function or method; ``T.name``: method name of type T; ``type T``;
    ``const C`` (or a variable)."""
    kind, _, name = item.rpartition(" ")
    if kind == "type":
        return _type(text, name)
    if kind == "const":
        return _value(text, name)
    if kind:
        raise ValueError(f"unknown kind {kind!r} in {item!r}: write name, T.name, 'type T' or 'const C'")
    receiver, _, method = name.rpartition(".")
    return _func(text, method, receiver or None)


def parse_source(source: str) -> list[tuple[str, str]]:
    """'runtime/proc.go: a, b; sync/pool.go: c' -> [(file, 'a'), (file, 'b'), (file2, 'c')]."""
    out = []
    for part in source.split(";"):
        path, sep, names = part.partition(":")
        if not sep or not path.strip().endswith(".go"):
            raise ValueError(f"{part!r}: write 'dir/file.go: name, name'")
        out += [(path.strip(), n.strip()) for n in names.split(",") if n.strip()]
    return out


def test_parse_source_and_declared():
    assert parse_source("runtime/proc.go: newproc, runqput; sync/pool.go: poolCleanup") == [
        ("runtime/proc.go", "newproc"), ("runtime/proc.go", "runqput"), ("sync/pool.go", "poolCleanup")]
    go = ("package p\n\nconst (\n\tstackMin = 2048\n)\n\ntype mcache struct {\n}\n\n"
          "func newproc(fn *funcval) {\n}\n\nfunc (b *wbBuf) get2() *[2]uintptr {\n}\n"
          "func (c *mcentral[T]) grow() {}\n")
    assert declared(go, "newproc") and declared(go, "get2") and declared(go, "wbBuf.get2")
    assert declared(go, "mcentral.grow") and declared(go, "type mcache") and declared(go, "const stackMin")
    assert not declared(go, "newproc1") and not declared(go, "mcache.get2") and not declared(go, "type wbBuf")


def test_every_claim_names_its_source_or_says_it_has_none():
    """``source`` is a field of every Claim: None only for a claim with no source-code basis
    (a measured figure, the article's own numbers), and then the registry says why."""
    for c in claims.CLAIMS:
        assert c.source is None or parse_source(c.source), c.id


def test_every_function_a_claim_names_exists_in_the_pinned_source(src):
    missing = [(c.id, path, item) for c in claims.CLAIMS if c.source
               for path, item in parse_source(c.source)
               if not (src / path).is_file() or not declared(_text(src / path), item)]
    assert missing == []


# ---- model docstrings ------------------------------------------------------------------------
# "runtime/proc.go: stealWork + runqgrab + runqsteal", "gopark/park_m", "goschedImpl ->
# globrunqput", "mheap.alloc + initSpan", "runtime/malloc.go (``mallocgc``, ``mallocgcTiny``)".
_PATH = r"((?:runtime|internal|sync|cmd)/[\w/]*\w\.go)"
_NAME = r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)?"
_TICKS = r"(?:``)?"
_AFTER_COLON = re.compile(_PATH + rf":\s+{_TICKS}({_NAME}(?:{_TICKS}\s*(?:\+|/|->)\s*{_TICKS}{_NAME})*)")
_IN_PARENS = re.compile(_PATH + r"\s+\(([^)]*)\)")


def docstring_references() -> list[tuple[str, str, str]]:
    """(where, file, name) for every runtime name a model docstring mirrors."""
    refs = []
    for package in MODEL_PACKAGES:
        for py in sorted((ROOT / "whygo" / package).glob("*.py")):
            tree = ast.parse(py.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)):
                    continue
                doc = ast.get_docstring(node)
                if not doc:
                    continue
                where = f"{py.relative_to(ROOT)}:{getattr(node, 'name', '(module)')}"
                text = " ".join(doc.split())
                for m in _AFTER_COLON.finditer(text):
                    refs += [(where, m.group(1), n) for n in re.findall(_NAME, m.group(2))]
                for m in _IN_PARENS.finditer(text):
                    refs += [(where, m.group(1), n) for n in re.findall(rf"``({_NAME})", m.group(2))]
    return refs


def test_model_docstrings_name_runtime_functions():
    """The collector finds the rules the models mirror (guards the regular expressions)."""
    refs = {(path, name) for _, path, name in docstring_references()}
    assert {("runtime/proc.go", "runqputslow"), ("runtime/proc.go", "stealWork"),
            ("runtime/proc.go", "runqsteal"), ("runtime/proc.go", "park_m"),
            ("runtime/proc.go", "globrunqput"), ("runtime/mheap.go", "initSpan"),
            ("runtime/malloc.go", "mallocgcTiny"), ("runtime/stack.go", "copystack"),
            ("runtime/mgcmark.go", "greyobject")} <= refs
    assert len(refs) > 80


def _declared_loosely(text: str, name: str) -> bool:
    """A docstring may name a function, method, type, constant or variable (``debug.x`` is a
    field of the variable debug: the variable must exist and the field name appear)."""
    head, _, tail = name.partition(".")
    if tail:
        return _func(text, tail, head) or ((_value(text, head) or _type(text, head))
                                          and re.search(rf"\b{re.escape(tail)}\b", text) is not None)
    return _func(text, name) or _type(text, name) or _value(text, name)


def test_every_runtime_name_in_a_model_docstring_exists_in_the_pinned_source(src):
    missing = sorted({(where, path, name) for where, path, name in docstring_references()
                      if not (src / path).is_file() or not _declared_loosely(_text(src / path), name)})
    assert missing == []


def test_every_line_a_claim_is_decided_at_is_in_the_pinned_source(src):
    """A claim's ``decided_at`` quotes one line of the pinned source; chapters print it with
    its file:line (claims.source_lines). A changed line makes this fail, naming it."""
    missing = []
    for c in claims.CLAIMS:
        for entry in c.decided_at:
            try:
                claims.source_line(entry, src)
            except (LookupError, OSError) as error:
                missing.append((c.id, str(error)))
    assert missing == []


def test_a_line_that_is_not_in_the_source_is_named(src):
    with pytest.raises(LookupError, match="no line of .*runtime/mgc.go holds 'no such line'"):
        claims.source_line("runtime/mgc.go: no such line", src)


# ---- the rule lines of the scheduler player ------------------------------------------------
def _rule_functions(label: str) -> list[str]:
    """The functions a player rule line names: "runtime.schedule → findRunnable → execute"."""
    return re.findall(r"(?:\bruntime\.|→ )(\w+)", label)


def test_the_rule_line_parser_sees_every_step():
    assert _rule_functions("runtime.goready → ready → runqput(next=true)") == ["goready", "ready", "runqput"]
    assert _rule_functions("runtime.rt0_go → newproc(runtime.main)") == ["rt0_go", "newproc", "main"]


def test_every_function_a_player_rule_names_exists_in_the_pinned_runtime(src):
    """whygo.views.sched.RULES labels each step with the runtime functions it mirrors: a
    misspelt name, or one a Go release renamed, fails here."""
    from whygo.views import sched as views
    runtime = src / "runtime"
    go = "\n".join(_text(p) for p in sorted(runtime.glob("*.go")))
    asm = "\n".join(_text(p) for p in sorted(runtime.glob("asm_*.s")))
    labels = [label for _, label in views.RULES.values()] + [views.PROGRAM_START[1]]
    missing = sorted({name for label in labels for name in _rule_functions(label)
                      if not _func(go, name) and f"TEXT runtime·{name}(" not in asm})
    assert missing == []
