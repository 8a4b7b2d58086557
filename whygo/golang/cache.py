"""The binary cache: a built cell is kept, so running it again skips the compiler.

Layout under ``course_cache_dir()`` (``~/.cache/whygo`` or ``WHYGO_CACHE``)::

    bin/<key>        the executable (or bin/<key>/<name> when its name matters: a plugin)
    bin/<key>.json   its build record: what the compiler printed (-m decisions,
                     -S listing) and what the runner changed to build it
    work/<pid>-XXXX  private work directories, one per build

The key is a sha256 over everything that changes the binary: the generated
source files, the go command and its flags, the build variables (GOOS, GOARCH,
CGO_ENABLED, CC, ...), the toolchain version and binary path (see
:func:`whygo.golang.build.build`, which makes every key). The log is
kept with the binary because a cache hit must show the same ``-m``
decisions as the build that made it.

Concurrency: every build has its own work directory, so two processes
never see each other's files. Entries are published with ``os.replace``
(atomic on one file system): the record first, the binary last, and a
reader only trusts a binary whose record is there. Two processes building the same
program both publish identical bytes; the last rename wins, harmlessly. A
process that is running a binary keeps its inode even if the entry is
replaced or evicted.

Bounded size: after each store the least recently used entries (by mtime,
refreshed on every hit) are deleted beyond ``max_entries`` binaries or
``max_bytes`` bytes.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

FORMAT = "whygo-binary-cache-1"   # bump when the way binaries are built changes
MAX_ENTRIES = 200
MAX_BYTES = 512 * 1024 * 1024


def cache_key(parts: Iterable[tuple[str, str | bytes]]) -> str:
    """sha256 of labelled parts; each part is length-prefixed so no two inputs collide."""
    h = hashlib.sha256(FORMAT.encode())
    for label, value in parts:
        data = value.encode() if isinstance(value, str) else value
        h.update(f"\0{label}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


@dataclass(frozen=True)
class Entry:
    binary: Path
    record: dict     # {"log": compiler output, ...}: whatever the runner stored with it

    @property
    def log(self) -> str:
        return self.record.get("log", "")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_dead(folder: Path) -> None:
    """Remove ``[<label>-]<pid>-<random>`` directories whose process is gone:
    leftovers of a kernel that was killed before it could clean up. (The
    random part of ``mkdtemp`` never holds a dash, so the pid is the field
    before the last.)"""
    if not folder.is_dir():
        return
    for child in folder.iterdir():
        fields = child.name.split("-")
        if len(fields) >= 2 and fields[-2].isdigit() and not _pid_alive(int(fields[-2])):
            shutil.rmtree(child, ignore_errors=True)


class BinaryCache:
    def __init__(self, root: Path, *, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES):
        self.root = Path(root)
        self.bin_dir = self.root / "bin"
        self.work_root = self.root / "work"
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.bin_dir.mkdir(parents=True, exist_ok=True)
        self.work_root.mkdir(parents=True, exist_ok=True)

    # -- private work directories ------------------------------------------------
    @contextlib.contextmanager
    def workdir(self) -> Iterator[Path]:
        """A fresh directory only this build uses, removed afterwards."""
        path = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=self.work_root))
        try:
            yield path
        finally:
            shutil.rmtree(path, ignore_errors=True)

    # -- entries -----------------------------------------------------------------------
    def lookup(self, key: str) -> Entry | None:
        try:
            record = json.loads((self.bin_dir / f"{key}.json").read_text())
        except (OSError, ValueError):
            return None
        binary = self._path(key, record.get("name"))
        if not binary.is_file():
            return None
        # most recently used; a cache shared read-only (another user's files) still serves
        with contextlib.suppress(OSError):
            os.utime(binary)
        return Entry(binary, record)

    def _path(self, key: str, name: str | None) -> Path:
        return self.bin_dir / key / name if name else self.bin_dir / key

    def store(self, key: str, built: Path, record: dict, *, name: str | None = None) -> Entry:
        """Publish ``built`` (a file in this cache's work area: same file system)
        with its build record (JSON-serialisable). ``name``: the file keeps this
        name, in a folder named by the key (a plugin's name shows in messages)."""
        record = {**record, "name": name} if name else record
        fd, tmp = tempfile.mkstemp(dir=self.bin_dir, prefix=".record-", suffix=".tmp")
        with os.fdopen(fd, "w") as f:
            json.dump(record, f)
        os.replace(tmp, self.bin_dir / f"{key}.json")
        binary = self._path(key, name)
        if name:
            folder = Path(tempfile.mkdtemp(dir=self.bin_dir, prefix=".entry-"))
            os.replace(built, folder / name)
            try:
                os.replace(folder, self.bin_dir / key)
            except OSError:   # another process published the same build first
                shutil.rmtree(folder, ignore_errors=True)
        else:
            os.replace(built, binary)
        self.evict()
        return Entry(binary, record)

    def entries(self) -> list[tuple[float, int, str]]:
        """(mtime, size, key) of every complete entry, least recently used first."""
        found = []
        for path in self.bin_dir.iterdir():
            if path.name.startswith(".") or path.suffix == ".json":
                continue
            try:
                st = path.stat()
                size = (sum(p.stat().st_size for p in path.iterdir()) if path.is_dir()
                        else st.st_size)
            except OSError:
                continue
            found.append((st.st_mtime, size, path.name))
        return sorted(found)

    def evict(self) -> None:
        entries = self.entries()
        total = sum(size for _, size, _ in entries)
        while entries and (len(entries) > self.max_entries or total > self.max_bytes):
            _, size, key = entries.pop(0)
            total -= size
            for path in (self.bin_dir / key, self.bin_dir / f"{key}.json"):
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                with contextlib.suppress(OSError):
                    path.unlink()

    def clear(self) -> None:
        shutil.rmtree(self.bin_dir, ignore_errors=True)
        self.bin_dir.mkdir(parents=True, exist_ok=True)
