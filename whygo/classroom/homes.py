"""What root does inside a student's home, without being led astray by it.

A student owns their home and everything in it, so any path there may be a
symlink to somewhere else (``~/.cache -> /etc``). Two rules keep root safe:

* Seeding caches (the only thing root writes itself) walks from an open
  directory descriptor, one component at a time with ``O_NOFOLLOW``, checks
  that each folder is the student's, and creates files with ``O_EXCL``: a
  planted link makes the step fail, it is never followed.
* Reading a hand-in and writing feedback run as the student
  (:func:`as_student`, plain coreutils with the student's uid and groups):
  whatever a link points at, the student could have read or written it anyway.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import pwd
import subprocess
import time
from pathlib import Path
from typing import Iterator

from whygo.golang import process
from whygo.golang.warm import go_cache_files

SEED_STAMP = "whygo-seed"      # in a Go build cache: which seed it was filled from
DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


class HomeError(RuntimeError):
    pass


@contextlib.contextmanager
def _opened(fd: int) -> Iterator[int]:
    try:
        yield fd
    finally:
        os.close(fd)


def _own_dir(parent: int, name: str, st: pwd.struct_passwd, mode: int = 0o755) -> int:
    """Open (creating it if needed) the folder ``name`` in ``parent``: a real folder of the student's."""
    with contextlib.suppress(FileExistsError):
        os.mkdir(name, mode, dir_fd=parent)
        os.chown(name, st.pw_uid, st.pw_gid, dir_fd=parent, follow_symlinks=False)
    try:
        fd = os.open(name, DIR_FLAGS, dir_fd=parent)
    except OSError as exc:
        raise HomeError(f"{name} in the home of {st.pw_name} is not a plain folder ({exc.strerror})") from None
    if os.fstat(fd).st_uid != st.pw_uid:
        os.close(fd)
        raise HomeError(f"{name} in the home of {st.pw_name} does not belong to them")
    return fd


def open_path(st: pwd.struct_passwd, *parts: str) -> int:
    """A descriptor of ``~/part/part...`` of the student, each folder created if missing."""
    fd = os.open(st.pw_dir, DIR_FLAGS)
    if os.fstat(fd).st_uid != st.pw_uid:
        os.close(fd)
        raise HomeError(f"{st.pw_dir} does not belong to {st.pw_name}")
    for part in parts:
        with _opened(fd):
            fd = _own_dir(fd, part, st)
    return fd


def seed_id(seed: Path) -> str:
    """Names the content of a warm Go build cache (what ``whygo classroom install`` wrote)."""
    try:
        return (seed / SEED_STAMP).read_text().strip()
    except OSError:
        return ""


def fingerprint(files: list[tuple[str, str]]) -> str:
    h = hashlib.sha256()
    for sub, name in files:
        h.update(f"{sub}/{name}\n".encode())
    return h.hexdigest()[:16]


SEED_REFRESH_S = 24 * 3600


def keep_seed_fresh(seed: Path, now: float | None = None) -> bool:
    """Give the seed's entries a new mtime if the last refresh is a day old; whether it did.

    Go deletes cache entries unused for five days (cmd/go/internal/cache: Trim,
    at the end of a build) and marks an entry used by setting its mtime, which a
    student cannot do to root's linked files: without this, a student's build
    would delete the links five days after the install, and the seed stamp would
    keep them from coming back. The spawner runs this (as root) before every
    server starts, so no student's build sees an entry older than that."""
    now = time.time() if now is None else now
    stamp = seed / SEED_STAMP
    try:
        if now - stamp.stat().st_mtime < SEED_REFRESH_S:
            return False
        for sub, name in go_cache_files(seed):
            os.utime(seed / sub / name, (now, now))
        os.utime(stamp, (now, now))
    except OSError:
        return False
    return True


def seed_go_cache(st: pwd.struct_passwd, seed: Path) -> int:
    """Fill ``~/.cache/go-build`` with hard links to the warm cache ``seed``; how many were made.

    The linked files stay root's and 0644: the student's builds read them, and
    Go adds its own entries beside them, but no student can change a file
    another student's build reads. Done once per seed (a stamp file says which).
    """
    wanted = seed_id(seed)
    if not wanted:
        return 0
    keep_seed_fresh(seed)
    made = 0
    with _opened(open_path(st, ".cache", "go-build")) as cache:
        try:
            with open(os.open(SEED_STAMP, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=cache)) as f:
                if f.read().strip() == wanted:
                    return 0
        except OSError:
            pass
        subs: dict[str, int] = {}
        try:
            for sub, name in go_cache_files(seed):
                if sub not in subs:
                    subs[sub] = _own_dir(cache, sub, st)
                with contextlib.suppress(FileExistsError):
                    os.link(seed / sub / name, name, dst_dir_fd=subs[sub], follow_symlinks=False)
                    made += 1
        finally:
            for fd in subs.values():
                os.close(fd)
        _write_new(cache, SEED_STAMP, wanted.encode(), st, replace=True)
    return made


def seed_files(st: pwd.struct_passwd, source: Path, names: list[str], *parts: str) -> int:
    """Copy the files ``names`` of ``source`` into ``~/parts...`` (the student's own copies) where missing."""
    copied = 0
    with _opened(open_path(st, *parts)) as folder:
        for name in names:
            with contextlib.suppress(FileExistsError):
                _write_new(folder, name, (source / name).read_bytes(), st)
                copied += 1
    return copied


def _write_new(folder: int, name: str, data: bytes, st: pwd.struct_passwd, *, replace: bool = False) -> None:
    tmp = f".{name}.whygo-tmp" if replace else name
    with contextlib.suppress(FileNotFoundError):
        if replace:
            os.unlink(tmp, dir_fd=folder)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644,
                 dir_fd=folder)
    with open(fd, "wb") as f:
        f.write(data)
        os.fchown(f.fileno(), st.pw_uid, st.pw_gid)
    if replace:
        os.replace(tmp, name, src_dir_fd=folder, dst_dir_fd=folder)


# -- as the student ---------------------------------------------------------------------------

def as_student(st: pwd.struct_passwd, argv: list[str], *, input: bytes | None = None,
               cap: int = 64 << 20, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run ``argv`` (system coreutils, never a program from the student's home) with the
    student's uid and group, in their home (:func:`whygo.golang.process.run`, killed at
    ``timeout``: TimeoutExpired); stdout is kept up to ``cap`` bytes, more is a HomeError."""
    env = {"HOME": st.pw_dir, "USER": st.pw_name, "LOGNAME": st.pw_name, "PATH": "/usr/bin:/bin", "LC_ALL": "C"}
    got = process.run(argv, user=(st.pw_uid, st.pw_gid), cwd=st.pw_dir, env=env, stdin=input, cap=cap,
                      timeout=timeout, stop=process.KILL)
    if got.timed_out:
        raise subprocess.TimeoutExpired(argv, timeout)
    if got.dropped[0]:
        raise HomeError(f"{argv[-1]} of {st.pw_name} is larger than {cap >> 20} MB")
    return subprocess.CompletedProcess(argv, got.returncode, got.stdout, got.stderr[:64 << 10])


def read_as_student(st: pwd.struct_passwd, path: str) -> tuple[bytes, float]:
    """The bytes of a regular file of the student's (as the student) and its modification time."""
    meta = as_student(st, ["stat", "-L", "-c", "%F %Y", "--", path])
    if meta.returncode != 0:
        raise HomeError(meta.stderr.decode(errors="replace").strip() or f"cannot read {path}")
    kind, _, mtime = meta.stdout.decode().strip().rpartition(" ")
    if kind not in ("regular file", "regular empty file"):
        raise HomeError(f"{path} is a {kind}, not a file")
    data = as_student(st, ["cat", "--", path])
    if data.returncode != 0:
        raise HomeError(data.stderr.decode(errors="replace").strip() or f"cannot read {path}")
    return data.stdout, float(mtime)


def mtime_as_student(st: pwd.struct_passwd, path: str) -> float | None:
    meta = as_student(st, ["stat", "-L", "-c", "%Y", "--", path])
    return float(meta.stdout) if meta.returncode == 0 and meta.stdout.strip() else None


def write_as_student(st: pwd.struct_passwd, folder: str, name: str, data: bytes) -> str:
    """Write ``~/folder/name`` as the student (0600, replaced atomically); the path written."""
    if "/" in name or name.startswith("."):
        raise ValueError(f"not a plain file name: {name!r}")
    script = ('umask 077 && mkdir -p -- "$1" && cat > "$1/.$2.tmp" && mv -f -- "$1/.$2.tmp" "$1/$2"')
    target = os.path.join(st.pw_dir, folder)
    done = as_student(st, ["sh", "-c", script, "sh", target, name], input=data)
    if done.returncode != 0:
        raise HomeError(done.stderr.decode(errors="replace").strip() or f"cannot write {target}/{name}")
    return os.path.join(target, name)

