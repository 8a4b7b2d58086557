"""Lab 6 checks: the smallest statically linked build of a program, with flags alone.

The learner edits one dict, ``BUILD = {"cgo": ..., "ldflags": ..., "gcflags": ...}``;
the program (``gocode/labs/binarydiet``) does not change. The check builds it
with :func:`whygo.golang.runner.run_package` (``-trimpath`` always), reads
the binary with :mod:`whygo.golang.elfinfo` (our own ELF parser: PT_INTERP
names the dynamic loader, DT_NEEDED the shared libraries) and runs it with
``-selftest`` to make sure it still works. Sizes are compared with the
default build of the same toolchain, so the verdict does not depend on the
machine.
"""
from __future__ import annotations

from whygo.golang import process
from whygo.golang.elfinfo import read_elf
from whygo.golang.runner import run_package
from whygo.labs.protocol import Verdict, not_yet, passed

PROGRAM = "labs/binarydiet"
KEYS = {"cgo", "ldflags", "gcflags"}
SIZE_TARGET = 0.75        # at most 75% of the default build
SELFTEST_OUTPUT = "selftest: GET /hello -> 200 hello, gopher\n"


def _build(build: dict):
    result = run_package(PROGRAM, build_only=True, cgo=bool(build.get("cgo", False)),
                         ldflags=build.get("ldflags") or None, gcflags=build.get("gcflags") or None)
    if not result.built:
        return None, result.error_message()
    return result.binary, None


def _selftest(binary) -> str | None:
    try:
        got = process.run([str(binary), "-selftest"], timeout=30)
    except OSError as exc:
        return f"the binary does not run: {exc}"
    if got.timed_out:
        return "the binary does not run: its -selftest did not finish in 30 s"
    if got.out != SELFTEST_OUTPUT:
        return f"the binary's -selftest printed {got.out!r}, expected {SELFTEST_OUTPUT!r}"
    return None


def _student_build(check: str, ns: dict):
    build = ns.get("BUILD")
    if not isinstance(build, dict):
        return None, not_yet(check, "no `BUILD` dict found", "run the task cell that sets BUILD")
    unknown = set(build) - KEYS
    if unknown:
        return None, not_yet(check, f"BUILD has key(s) {', '.join(sorted(unknown))} the lab does not allow",
                             f"use only {', '.join(sorted(KEYS))}: flags alone, the source stays as it is")
    binary, error = _build(build)
    if error:
        return None, not_yet(check, f"the build failed: {error}", "check the flags' spelling")
    problem = _selftest(binary)
    if problem:
        return None, not_yet(check, problem, "some flags change behaviour; keep the program working")
    return read_elf(binary), None


def show_build(build: dict) -> None:
    """Build with these flags and say what the binary is (its size is marked as measured)."""
    from whygo.report import size
    binary, error = _build(build)
    if error:
        print(f"build failed: {error}")
        return
    info = read_elf(binary)
    print(f"{size(info.size)}; {_linking(info)}; symbol table: {'yes' if info.has_symtab else 'no'}; "
          f"DWARF: {'yes' if info.dwarf_bytes else 'no'}")


def _linking(info) -> str:
    """Static or dynamic, without the loader's path (it differs between machines)."""
    if info.static:
        return "statically linked"
    needs = ", ".join(info.needed) or "no shared library"
    return f"dynamically linked (needs a program interpreter{' (PT_INTERP)' if info.interpreter else ''}, {needs})"


def check_static(ns: dict) -> Verdict:
    check = "binary/1"
    info, bad = _student_build(check, ns)
    if bad:
        return bad
    if info.static:
        return passed(check, "statically linked: no PT_INTERP, no DT_NEEDED")
    return not_yet(check, f"the binary is {_linking(info)}",
                   "which package of the program wants the C library when cgo is on?",
                   "with cgo on, package net links the C library's resolver; turn cgo off and Go's own "
                   "resolver is used, with nothing to load at start")


def check_small(ns: dict) -> Verdict:
    check = "binary/2"
    info, bad = _student_build(check, ns)
    if bad:
        return bad
    default, error = _build({})
    if error:
        return not_yet(check, f"the reference build failed: {error}")
    ref = read_elf(default)
    ratio = info.size / ref.size
    if not info.static:
        return not_yet(check, "the binary is not statically linked yet", "finish task 1 first")
    if ratio <= SIZE_TARGET and not info.has_symtab and not info.dwarf_bytes:
        return passed(check, f"static, no symbol table, no DWARF, at most {SIZE_TARGET:.0%} of the "
                             f"default build")
    missing = []
    if info.has_symtab:
        missing.append("the symbol table (.symtab) is still there")
    if info.dwarf_bytes:
        missing.append("DWARF debug sections are still there")
    if ratio > SIZE_TARGET:
        missing.append(f"it is more than {SIZE_TARGET:.0%} of the default build")
    return not_yet(check, "; ".join(missing),
                   "a binary carries a symbol table and debug information that running it does not need",
                   "the linker can drop the symbol table (-s) and DWARF (-w): ldflags")


CHECKS = {"binary/1": check_static, "binary/2": check_small}
