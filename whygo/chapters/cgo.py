"""Chapter 4.2 (cgo and cold start): the helpers its notebook needs.

The chapter builds the service of chapter 4.1 (``gocode/cmd/httpserver``)
twice, with ``CGO_ENABLED=0`` and ``=1``, and compares what each needs and
how fast each starts. The building, starting and timing live in
:mod:`whygo.golang.serve` (re-exported here for the notebook), the start-up
plot in :mod:`whygo.views.startup`; this module adds what is about cgo:

* :func:`c_compiler` -- the C compiler cgo would use, or None (then cgo
  builds are impossible and the chapter says so);
* :func:`deps_of` / :func:`needs_cgo` -- ``go list -deps`` of standard
  packages with cgo enabled: which of them pull in ``runtime/cgo``;
* :func:`loader_files` -- the dynamic loader and shared libraries a dynamic
  binary needs, found on this machine (what an image would have to carry);
* :func:`start_in_root` -- one start of a binary in an empty root, as a
  sentence that is the same on every run;
* :func:`cold_start_table` -- the article's P50/P90 table beside this machine's.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from whygo import report
from whygo.golang import programs
from whygo.golang.elfinfo import read_elf
from whygo.golang.programs import ChapterError
from whygo.i18n import _
from whygo.golang.serve import (ExitedEarly, Summary, build_server, chroot_support, compare_startups, deps,
                                direct, get, in_root, opened_files, scratch_root, serving, strace_support)
from whygo.golang.toolchain import c_compiler
from whygo.views.startup import render_startups

# Where glibc's loader and the distributions put shared libraries (searched in order).
LIBRARY_DIRS = ("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu",
                "/usr/lib/aarch64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib")


def deps_of(*packages: str, cgo: bool = True) -> list[str]:
    """``go list -deps PACKAGES`` with CGO_ENABLED set as asked: every package they link."""
    if not packages:
        raise ChapterError(_("give at least one package, e.g. deps_of('fmt')"))
    return programs.list_deps(*packages, cgo=cgo)


def needs_cgo(package: str) -> bool:
    """Does ``package`` link ``runtime/cgo`` (the bridge to C) when cgo is enabled?"""
    return "runtime/cgo" in deps_of(package, cgo=True)


def find_library(name: str, dirs: Sequence[str] = LIBRARY_DIRS) -> Path:
    for folder in dirs:
        candidate = Path(folder) / name
        if candidate.exists():
            return candidate
    raise ChapterError(_("shared library {name} not found in {folders}").format(name=name, folders=", ".join(dirs)))


def loader_files(binary: Path) -> list[Path]:
    """The files the kernel and the dynamic loader must find before ``main`` runs:
    the interpreter (PT_INTERP) and every DT_NEEDED library, at their paths here."""
    elf = read_elf(binary)
    files = [Path(elf.interpreter)] if elf.interpreter else []
    return files + [find_library(name) for name in elf.needed]


def start_in_root(root: Path) -> str:
    """Start ``/server`` in ``root`` and say what happened, in words that do not vary."""
    try:
        with serving(in_root(root)) as port:
            status, body = get(port, "/")
            return _("started; GET / -> {status} {body}").format(status=status, body=body)
    except ExitedEarly as exc:
        return _("did not start (exit status {status}): {stderr}").format(status=exc.status, stderr=exc.stderr)


def cold_start_table(here: dict[str, tuple[Summary, int]]) -> report.Table:
    """The article's cold-start table (ms, ARM64 edge node) beside this machine's figures.

    ``here``: label -> (start-up summary, binary size in bytes)."""
    rows = [[_("article: net/http (CGO=0)"), "83 ms", "112 ms", "9.2 MB"],
            [_("article: nginx + Lua"), "147 ms", "236 ms", _("24.8 MB (with modules and libraries)")]]
    rows += [[_("here: {label}").format(label=label), report.seconds(s.median), report.seconds(s.p90), report.size(n)]
             for label, (s, n) in here.items()]
    return report.Table(["", "P50", "P90", _("binary size")], rows,
                        caption=_("Exec to first 200: the article (ARM64 edge node) and this machine"))


# What the notebook reaches through this module (besides the helpers above).
__all__ = ["ChapterError", "Summary", "build_server", "c_compiler", "chroot_support", "cold_start_table",
           "compare_startups", "deps", "deps_of", "direct", "find_library", "loader_files", "needs_cgo",
           "opened_files", "read_elf", "render_startups", "scratch_root", "start_in_root", "strace_support"]
