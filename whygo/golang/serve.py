"""The course's HTTP service (``gocode/cmd/httpserver``), built, started and asked.

Chapters 4.1 and 4.2 ask what one real Go service needs to run and how fast
it starts:

* :func:`build_server` -- the binary, built by the course runner (cached);
  :func:`deps` -- ``go list -deps`` of it (which packages it links);
* :func:`start_to_200` / :func:`startup_times` / :func:`compare_startups` --
  start the program and time exec -> first ``200 OK`` on loopback, many
  times (started and stopped by :mod:`whygo.golang.process`, so its whole
  group is gone after each run); :func:`direct`, :func:`via_shell`, :func:`in_root` say how to
  start it;
* :func:`scratch_root` / :func:`serving` / :func:`probe` / :func:`get` -- run
  the binary in a directory that holds nothing but the binary (what
  ``FROM scratch`` gives it), through ``unshare -r chroot`` when this machine
  allows it (:func:`chroot_support`), and ask it for TLS roots and a time zone;
* :func:`opened_files` -- the files it opens, seen by strace
  (:func:`strace_support`).

Nothing here imports IPython.
"""
from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import socket
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence

from whygo import report
from whygo.golang import process, programs
from whygo.golang.programs import ChapterError
from whygo.golang.runner import run_package
from whygo.golang.toolchain import go_env

SERVER = "cmd/httpserver"


class ServeError(ChapterError):
    """The service could not be built, started or asked; the message says why and what to do.
    (A :class:`~whygo.golang.programs.ChapterError`: the chapters' callers catch one type.)"""


class ExitedEarly(ServeError):
    """The server exited before it answered: ``status`` is its exit status, ``stderr`` what it said."""

    def __init__(self, message: str, status: int, stderr: str):
        super().__init__(message)
        self.status, self.stderr = status, stderr


# ---------------------------------------------------------------------------
# Building


def build_server(*, cgo: bool = False, tags: str = "", ldflags: str | None = None) -> Path:
    """Build gocode/cmd/httpserver and return the path of the cached binary.

    ``tags`` (e.g. ``"timetzdata"``) go to ``go build`` through GOFLAGS, which
    is also part of the runner's cache key.
    """
    env = {"GOFLAGS": f"-tags={tags}"} if tags else None
    result = run_package(SERVER, build_only=True, cgo=cgo, ldflags=ldflags, env=env)
    if not result.built or result.binary is None:
        raise ServeError(f"building {SERVER} failed (cgo={cgo}, tags={tags!r}):\n{result.build_log}")
    return Path(result.binary)


def deps(*, cgo: bool = False, package: str = "./" + SERVER) -> list[str]:
    """``go list -deps`` of a package of gocode/: every package linked into it."""
    return programs.list_deps(package, cgo=cgo)


# ---------------------------------------------------------------------------
# Starting the server and timing the first 200


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str = "/", timeout: float = 2.0) -> tuple[int, str]:
    """GET http://127.0.0.1:PORT/PATH: (status, body text)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read().decode(errors="replace").strip()
    finally:
        conn.close()


def _ask_once(port: int) -> bool:
    """One attempt at ``GET /``: True on 200, False while nobody listens yet."""
    try:
        return get(port, "/", timeout=1.0)[0] == 200
    except (ConnectionRefusedError, ConnectionResetError, http.client.RemoteDisconnected):
        return False


def _spawn(argv: Sequence[str], env: dict | None) -> process.Running:
    try:
        return process.start(argv, env=go_env(env))
    except OSError as exc:
        raise ServeError(f"cannot start {argv[0]}: {exc}") from exc


def _wait_for_200(proc: process.Running, argv: Sequence[str], port: int, timeout: float) -> None:
    deadline = time.perf_counter() + timeout
    while not _ask_once(port):
        status = proc.exited()
        if status is not None:
            err = proc.stderr_text()
            raise ExitedEarly(f"{' '.join(map(str, argv))} exited with status {status} "
                              f"before answering on port {port}: {err or 'no message'}",
                              status, err)
        if time.perf_counter() > deadline:
            raise ServeError(f"{argv[0]} did not answer 200 on 127.0.0.1:{port} within {timeout:g} s")
        time.sleep(0.0002)


def start_to_200(argv_for_port: Callable[[int], Sequence[str]], *, env: dict | None = None,
                 timeout: float = 10.0) -> float:
    """Seconds from starting ``argv_for_port(port)`` to its first ``200`` for ``GET /``.

    The port is a fresh free loopback port. The clock starts just before the
    fork/exec and stops when the response has been read; the process group is
    killed afterwards, whatever happened.
    """
    port = free_port()
    argv = list(argv_for_port(port))
    started = time.perf_counter()
    proc = _spawn(argv, env)
    try:
        _wait_for_200(proc, argv, port, timeout)
        return time.perf_counter() - started
    finally:
        proc.stop()


def startup_times(argv_for_port: Callable[[int], Sequence[str]], runs: int = 31, *,
                  env: dict | None = None, warmup: int = 2) -> list[float]:
    """``runs`` timings of :func:`start_to_200` (after ``warmup`` untimed starts that
    bring the binary into the page cache)."""
    return compare_startups({"": argv_for_port}, runs, env=env, warmup=warmup)[""]


def compare_startups(ways: dict[str, Callable[[int], Sequence[str]]], runs: int = 31, *,
                     env: dict | None = None, warmup: int = 2) -> dict[str, list[float]]:
    """Time several ways of starting the server, ``runs`` starts each, taken in turn
    (way A, way B, ..., way A, ...) so that a change of load on the machine during the
    measurement affects every way alike. ``warmup`` untimed rounds come first."""
    if runs < 1:
        raise ServeError(f"runs={runs}: give at least one run")
    if not ways:
        raise ServeError("give at least one way of starting the server")
    times: dict[str, list[float]] = {name: [] for name in ways}
    for round_ in range(warmup + runs):
        for name, argv_for_port in ways.items():
            took = start_to_200(argv_for_port, env=env)
            if round_ >= warmup:
                times[name].append(took)
    return times


def direct(binary: Path) -> Callable[[int], list[str]]:
    """argv of the binary started as it is (Dockerfile ``ENTRYPOINT ["/server"]``)."""
    return lambda port: [str(binary), "-addr", f"127.0.0.1:{port}"]


def via_shell(binary: Path) -> Callable[[int], list[str]]:
    """argv of the binary started by ``/bin/sh -c`` (the shell form ``ENTRYPOINT /server``)."""
    return lambda port: ["/bin/sh", "-c", f"{binary} -addr 127.0.0.1:{port}"]


@dataclass(frozen=True)
class Summary:
    runs: int
    median: float
    p90: float

    @classmethod
    def of(cls, times: Sequence[float]) -> "Summary":
        ordered = sorted(times)
        return cls(len(ordered), statistics.median(ordered),
                   ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))])

    def __str__(self) -> str:
        return f"median {report.seconds(self.median)}, p90 {report.seconds(self.p90)} over {self.runs} starts"


# ---------------------------------------------------------------------------
# An empty root: what FROM scratch gives the binary


def chroot_support() -> str | None:
    """None when ``unshare -r chroot`` works here, else one sentence saying why not."""
    unshare, chroot = shutil.which("unshare"), shutil.which("chroot") or "/usr/sbin/chroot"
    if unshare is None or not Path(chroot).exists():
        return "unshare or chroot is not installed"
    got = process.run([unshare, "-r", chroot, "/", "true"], timeout=30)
    if got.returncode != 0:
        return f"this machine does not allow unprivileged user namespaces ({got.err.strip() or 'refused'})"
    return None


_SCRATCH: tempfile.TemporaryDirectory | None = None


def _scratch_parent() -> str:
    """One temporary folder per process for the roots, removed when the process exits.

    A kernel that is killed never runs its exit handlers, so the folders of
    processes that no longer exist are swept away when a new one is made."""
    global _SCRATCH
    if _SCRATCH is None:
        for old in Path(tempfile.gettempdir()).glob("whygo-scratch-*-*"):
            pid = old.name.split("-")[2]
            if pid.isdigit() and not Path(f"/proc/{pid}").exists():
                shutil.rmtree(old, ignore_errors=True)
        _SCRATCH = tempfile.TemporaryDirectory(prefix=f"whygo-scratch-{os.getpid()}-")
    return _SCRATCH.name


def scratch_root(binary: Path, extra: Sequence[Path] = (), *, under: Path | None = None) -> Path:
    """A fresh directory holding ``/server`` (a copy of ``binary``) and, at the same
    paths as on this machine, the files or folders in ``extra``. Nothing else:
    no shell, no libc, no /etc, no /tmp."""
    root = Path(tempfile.mkdtemp(prefix="scratch-", dir=under or _scratch_parent()))
    shutil.copy2(binary, root / "server")
    for item in extra:
        item = Path(item)
        target = root / item.relative_to("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        if item.is_dir():
            shutil.copytree(item, target, symlinks=True)
        elif item.exists():
            shutil.copy2(item, target)
        else:
            raise ServeError(f"{item} does not exist on this machine: nothing to copy into the image")
    return root


def listing(root: Path) -> list[str]:
    """Every file under ``root``, as absolute paths inside it (folders summarised)."""
    out = []
    for child in sorted(root.iterdir()):
        if child.is_dir():
            count = sum(1 for p in child.rglob("*") if p.is_file())
            out.append(f"/{child.name}/...  ({count} files)")
        else:
            out.append(f"/{child.name}")
    return out


def in_root(root: Path) -> Callable[[int], list[str]]:
    """argv that runs ``/server`` with ``root`` as its whole file system."""
    chroot = shutil.which("chroot") or "/usr/sbin/chroot"
    return lambda port: ["unshare", "-r", chroot, str(root), "/server", "-addr", f"127.0.0.1:{port}"]


@contextlib.contextmanager
def serving(argv_for_port: Callable[[int], Sequence[str]], *, env: dict | None = None,
            timeout: float = 10.0) -> Iterator[int]:
    """Start the server, wait for its first 200, yield its port; kill it on exit."""
    port = free_port()
    argv = list(argv_for_port(port))
    proc = _spawn(argv, env)
    try:
        _wait_for_200(proc, argv, port, timeout)
        yield port
    finally:
        proc.stop()


def probe(argv_for_port: Callable[[int], Sequence[str]], paths: Sequence[str],
          env: dict | None = None) -> list[str]:
    """Start the server and GET each path: one line ``PATH -> STATUS BODY`` each."""
    with serving(argv_for_port, env=env) as port:
        return [f"{path:<24} -> {status} {body}" for path in paths for status, body in [get(port, path)]]


# ---------------------------------------------------------------------------
# What the binary opens


def strace_support() -> str | None:
    """None when strace can trace a program here, else one sentence saying why not."""
    if shutil.which("strace") is None:
        return "strace is not installed"
    got = process.run(["strace", "-qq", "-e", "trace=none", "true"], timeout=30)
    if got.returncode != 0:
        return f"strace cannot trace here ({got.err.strip() or 'refused'})"
    return None


def opened_files(argv_for_port: Callable[[int], Sequence[str]], paths: Sequence[str] = ("/",), *,
                 env: dict | None = None, fold: int = 3) -> list[str]:
    """The files the server opens (open/openat that succeeded) from exec until it has
    answered ``paths``, in order of first use. A folder from which more than ``fold``
    files were opened is shown once, as ``FOLDER/* (N files)``."""
    with tempfile.TemporaryDirectory(prefix="strace-") as tmp:
        log = Path(tmp) / "trace"
        traced = lambda port: ["strace", "-f", "-qq", "-e", "trace=open,openat", "-o", str(log),
                               *argv_for_port(port)]
        with serving(traced, env=env) as port:
            for path in paths:
                get(port, path)
        lines = log.read_text(errors="replace").splitlines()
    opened: list[str] = []
    for line in lines:
        if "open" not in line or " = -1 " in line or '"' not in line:
            continue
        name = line.split('"', 2)[1]
        if name not in opened:
            opened.append(name)
    per_dir: dict[str, int] = {}
    for name in opened:
        per_dir[os.path.dirname(name)] = per_dir.get(os.path.dirname(name), 0) + 1
    shown: list[str] = []
    for name in opened:
        folder = os.path.dirname(name)
        if per_dir[folder] > fold:
            name = f"{folder}/* ({per_dir[folder]} files)"
        if name not in shown:
            shown.append(name)
    return shown
