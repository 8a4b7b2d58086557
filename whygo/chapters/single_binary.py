"""Chapter 4.1 (the single binary): the glue its notebook needs.

The chapter builds one real HTTP service (``gocode/cmd/httpserver``) and asks
what it needs to run. Building, starting, timing and probing it live in
:mod:`whygo.golang.serve` (re-exported here for the notebook), its start-up
plot in :mod:`whygo.views.startup`; the notebook quotes the service's code
through :mod:`whygo.golang.gosource`. This module adds:

* :func:`scratch_files`, :func:`dockerfile` -- the files a scratch image would
  copy, with their sizes, and the Dockerfile that copies them (Docker itself
  is not available here: nothing is built);
* :func:`startup_table` -- the article's table beside this machine's figures.
"""
from __future__ import annotations

from pathlib import Path

from whygo import report
from whygo.golang import gosource
from whygo.golang.elfinfo import read_elf
from whygo.golang.programs import ChapterError
from whygo.i18n import _
from whygo.golang.serve import (SERVER, ExitedEarly, ServeError, Summary, build_server, chroot_support,
                                compare_startups, deps, direct, get, in_root, listing, opened_files,
                                probe, scratch_root, serving, start_to_200, startup_times,
                                strace_support, via_shell)
from whygo.views.startup import render_startups

CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")   # the first of crypto/x509's certFiles on Debian
ZONEINFO = Path("/usr/share/zoneinfo")                    # the first of time's platformZoneSources


def tree_size(path: Path) -> int:
    """Bytes of a file, or of every regular file under a folder (symlinks not followed)."""
    path = Path(path)
    if path.is_file():
        return path.stat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def scratch_files(binary: Path) -> list[tuple[str, str, int]]:
    """(path in the image, why it is there, bytes) for a scratch image of the service."""
    rows = [("/server", _("the program, runtime included"), Path(binary).stat().st_size)]
    if CA_BUNDLE.exists():
        rows.append((str(CA_BUNDLE), _("CA roots, only if it makes TLS connections"), tree_size(CA_BUNDLE)))
    if ZONEINFO.exists():
        rows.append((str(ZONEINFO) + "/", _("time zones, only if it loads zones other than UTC"),
                     tree_size(ZONEINFO)))
    return rows


def dockerfile(with_certs: bool = True, with_zones: bool = True) -> str:
    """The Dockerfile of a scratch image for the service (the article's, plus the data files)."""
    lines = ["# " + _("build stage (any image with Go), then:"), "FROM scratch"]
    if with_certs:
        lines.append(f"COPY {CA_BUNDLE} {CA_BUNDLE}")
    if with_zones:
        lines.append(f"COPY {ZONEINFO}/ {ZONEINFO}/")
    lines += ["COPY --chown=65532:65532 server /server", "USER 65532:65532",
              'ENTRYPOINT ["/server"]']
    return "\n".join(lines)


def startup_table(binary_bytes: int, image_bytes: int, start: Summary) -> report.Table:
    """The article's Alpine/scratch table beside what can be measured here."""
    return report.Table(
        ["", _("image size"), _("cold start")],
        [[_("article: alpine:3.19 + Go binary"), "87 MB", "1.24 s"],
         [_("article: scratch + static binary"), "14.3 MB", "0.38 s"],
         [_("here: the binary alone"), report.size(binary_bytes), report.seconds(start.median)],
         [_("here: binary + CA roots + zoneinfo"), report.size(image_bytes), _("(no container runtime)")]],
        caption=_("Article (container start, unnamed machine) vs this machine (exec to first 200, median)"))


__all__ = ["CA_BUNDLE", "SERVER", "ZONEINFO", "ChapterError", "ExitedEarly", "ServeError", "Summary",
           "build_server", "chroot_support", "compare_startups", "deps", "direct", "dockerfile", "get",
           "gosource", "in_root", "listing", "opened_files", "probe", "read_elf", "render_startups",
           "scratch_files", "scratch_root", "serving", "start_to_200", "startup_table", "startup_times",
           "strace_support", "tree_size", "via_shell"]
