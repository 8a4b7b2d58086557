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
from whygo.i18n import _
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
        return _("the binary does not run: {error}").format(error=exc)
    if got.timed_out:
        return _("the binary does not run: its -selftest did not finish in 30 s")
    if got.out != SELFTEST_OUTPUT:
        return _("the binary's -selftest printed {got!r}, expected {expected!r}").format(
            got=got.out, expected=SELFTEST_OUTPUT)
    return None


def _student_build(check: str, ns: dict):
    build = ns.get("BUILD")
    if not isinstance(build, dict):
        return None, not_yet(check, _("no `BUILD` dict found"), _("run the task cell that sets BUILD"))
    unknown = set(build) - KEYS
    if unknown:
        return None, not_yet(check, _("BUILD has key(s) {keys} the lab does not allow").format(
                                 keys=", ".join(sorted(unknown))),
                             _("use only {keys}: flags alone, the source stays as it is").format(
                                 keys=", ".join(sorted(KEYS))))
    binary, error = _build(build)
    if error:
        return None, not_yet(check, _("the build failed: {error}").format(error=error),
                             _("check the flags' spelling"))
    problem = _selftest(binary)
    if problem:
        return None, not_yet(check, problem, _("some flags change behaviour; keep the program working"))
    return read_elf(binary), None


def show_build(build: dict) -> None:
    """Build with these flags and say what the binary is (its size is marked as measured)."""
    from whygo.report import size
    binary, error = _build(build)
    if error:
        print(_("build failed: {error}").format(error=error))
        return
    info = read_elf(binary)
    print(_("{size}; {linking}; symbol table: {symtab}; DWARF: {dwarf}").format(
        size=size(info.size), linking=_linking(info), symtab=_yes(info.has_symtab), dwarf=_yes(info.dwarf_bytes)))


def _yes(present) -> str:
    return _("yes", "the binary has it") if present else _("no", "the binary lacks it")


def _linking(info) -> str:
    """Static or dynamic, without the loader's path (it differs between machines)."""
    if info.static:
        return _("statically linked")
    needs = ", ".join(info.needed) or _("no shared library")
    if info.interpreter:
        return _("dynamically linked (needs a program interpreter (PT_INTERP), {needs})").format(needs=needs)
    return _("dynamically linked (needs a program interpreter, {needs})").format(needs=needs)


def check_static(ns: dict) -> Verdict:
    check = "binary/1"
    info, bad = _student_build(check, ns)
    if bad:
        return bad
    if info.static:
        return passed(check, _("statically linked: no PT_INTERP, no DT_NEEDED"))
    return not_yet(check, _("the binary is {linking}").format(linking=_linking(info)),
                   _("which package of the program wants the C library when cgo is on?"),
                   _("with cgo on, package net links the C library's resolver; turn cgo off and Go's own "
                     "resolver is used, with nothing to load at start"))


def check_small(ns: dict) -> Verdict:
    check = "binary/2"
    info, bad = _student_build(check, ns)
    if bad:
        return bad
    default, error = _build({})
    if error:
        return not_yet(check, _("the reference build failed: {error}").format(error=error))
    ref = read_elf(default)
    ratio = info.size / ref.size
    if not info.static:
        return not_yet(check, _("the binary is not statically linked yet"), _("finish task 1 first"))
    if ratio <= SIZE_TARGET and not info.has_symtab and not info.dwarf_bytes:
        return passed(check, _("static, no symbol table, no DWARF, at most {target:.0%} of the "
                               "default build").format(target=SIZE_TARGET))
    missing = []
    if info.has_symtab:
        missing.append(_("the symbol table (.symtab) is still there"))
    if info.dwarf_bytes:
        missing.append(_("DWARF debug sections are still there"))
    if ratio > SIZE_TARGET:
        missing.append(_("it is more than {target:.0%} of the default build").format(target=SIZE_TARGET))
    return not_yet(check, _("; ", "between clauses").join(missing),
                   _("a binary carries a symbol table and debug information that running it does not need"),
                   _("the linker can drop the symbol table (-s) and DWARF (-w): ldflags"))


CHECKS = {"binary/1": check_static, "binary/2": check_small}
