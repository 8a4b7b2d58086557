"""Limits per student: cgroups where the machine has them, rlimits always.

A student's server, kernels, Go builds and programs all descend from one
process started by the spawner, so whatever that process gets, everything
the student runs gets:

* **cgroups** (v1 controllers, or v2 where they are delegated to the hub):
  a group per student holding all their processes. ``memory``: what they hold
  together (a memory hog is killed inside its own group); ``pids``: how many
  processes and threads; ``cpu``: an equal share per student, so a student
  with eight spinning threads gets no more than one with one. The group is
  created under the hub's own cgroup, so the machine's limits on the hub
  still hold.
* **rlimits**, always: ``RLIMIT_NPROC`` (counted per uid, and the uid is the
  student's alone: a fork flood stops there even without cgroups),
  ``RLIMIT_FSIZE`` (the largest file), no core dumps; and without a memory
  cgroup, ``RLIMIT_DATA`` per process (writable memory, so the address space
  that Go and WebAssembly reserve but never touch does not count, as it would
  with RLIMIT_AS).

:meth:`Group.kill_all` stops everything a student left running (freezing
the group first, so a fork flood cannot outrun it); without cgroups,
:func:`kill_uid` does the same by uid.
"""
from __future__ import annotations

import contextlib
import os
import resource
import signal
import time
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024
GROUP_DIR = "whygo-classroom"
CONTROLLERS = ("memory", "pids", "cpu")


@dataclass(frozen=True)
class StudentLimits:
    memory_mb: int = 2048    # all of a student's processes together (cgroup); else each process (RLIMIT_DATA)
    processes: int = 512     # processes and threads of the student
    file_mb: int = 1024      # the largest file a process may write

    def rlimits(self, *, memory_cgroup: bool) -> dict[int, int]:
        limits = {resource.RLIMIT_NPROC: self.processes, resource.RLIMIT_FSIZE: self.file_mb * MB,
                  resource.RLIMIT_CORE: 0}
        if not memory_cgroup:
            limits[resource.RLIMIT_DATA] = self.memory_mb * MB
        return limits

    def describe(self, cgroups: "Cgroups | None") -> str:
        memory = (f"{self.memory_mb} MB of memory for all of a student's processes together"
                  if cgroups and "memory" in cgroups.controllers
                  else f"{self.memory_mb} MB of writable memory per process (no memory cgroup)")
        cpu = ("an equal CPU share per student" if cgroups and "cpu" in cgroups.controllers
               else "CPU shared per process (no cpu cgroup)")
        return f"{memory}; {self.processes} processes and threads; files up to {self.file_mb} MB; {cpu}"


def apply_rlimits(limits: dict[int, int]) -> None:
    for which, value in limits.items():
        resource.setrlimit(which, (value, value))


# -- finding the cgroups the hub may use --------------------------------------------------------

@dataclass(frozen=True)
class Cgroups:
    """Where this process may create groups: controller -> folder (v1), or one folder for all (v2)."""
    version: int
    bases: dict[str, Path]          # controller -> the folder that holds the students' groups
    freezer: Path | None = None     # v1: the freezer hierarchy's folder, to stop a fork flood

    @property
    def controllers(self) -> set[str]:
        return set(self.bases)

    def group(self, name: str) -> "Group":
        return Group(self, name)

    def remove_base(self) -> None:
        """Remove the ``whygo-classroom`` folders once no student's group is left in them."""
        for base in {*self.bases.values(), *([self.freezer] if self.freezer else [])}:
            with contextlib.suppress(OSError):
                base.rmdir()


def _mounts(mountinfo: str) -> list[tuple[Path, str, set[str]]]:
    """(mount point, fs type, super options) of every cgroup mount."""
    found = []
    for line in mountinfo.splitlines():
        left, _, right = line.partition(" - ")
        fields, rest = left.split(), right.split()
        if len(fields) >= 5 and len(rest) >= 3 and rest[0] in ("cgroup", "cgroup2"):
            found.append((Path(fields[4]), rest[0], set(rest[2].split(","))))
    return found


def _own(proc_cgroup: str) -> dict[str, str]:
    """controller (or "" for v2) -> this process's cgroup path."""
    own = {}
    for line in proc_cgroup.splitlines():
        parts = line.split(":", 2)
        if len(parts) == 3:
            for c in parts[1].split(",") if parts[1] else [""]:
                own[c] = parts[2]
    return own


def _writable_dir(path: Path) -> bool:
    probe = path / f".whygo-probe-{os.getpid()}"
    try:
        probe.mkdir()
        probe.rmdir()
        return True
    except OSError:
        return False


def probe(*, mountinfo: str | None = None, proc_cgroup: str | None = None) -> Cgroups | None:
    """The cgroups this process can give students (None: rlimits only). v1 is preferred where
    its controllers are mounted; v2 only where memory and pids can be enabled below us."""
    try:
        mountinfo = mountinfo if mountinfo is not None else Path("/proc/self/mountinfo").read_text()
        proc_cgroup = proc_cgroup if proc_cgroup is not None else Path("/proc/self/cgroup").read_text()
    except OSError:
        return None
    own, mounts = _own(proc_cgroup), _mounts(mountinfo)
    bases, freezer = {}, None
    for point, kind, options in mounts:
        if kind != "cgroup":
            continue
        for c in [*CONTROLLERS, "freezer"]:
            if c in options and c in own:
                base = point / own[c].lstrip("/") / GROUP_DIR
                try:
                    base.mkdir(exist_ok=True)
                except OSError:
                    continue
                if c == "freezer":
                    freezer = base
                else:
                    bases[c] = base
    if {"memory", "pids"} <= set(bases):
        return Cgroups(1, bases, freezer)
    for point, kind, _ in mounts:
        if kind == "cgroup2" and "" in own:
            v2 = _probe_v2(point / own[""].lstrip("/"))
            if v2 is not None:
                return v2
    return None


def _probe_v2(own: Path) -> Cgroups | None:
    """v2: a ``whygo-classroom`` group below ours with memory, pids (and cpu) enabled for its children.
    Our own group must already offer them (a delegated subtree, e.g. systemd's Delegate=yes)."""
    try:
        offered = set((own / "cgroup.controllers").read_text().split())
    except OSError:
        return None
    wanted = [c for c in CONTROLLERS if c in offered]
    if not {"memory", "pids"} <= set(wanted):
        return None
    base = own / GROUP_DIR
    try:
        (own / "cgroup.subtree_control").write_text(" ".join(f"+{c}" for c in wanted))
        base.mkdir(exist_ok=True)
        (base / "cgroup.subtree_control").write_text(" ".join(f"+{c}" for c in wanted))
    except OSError:   # EBUSY: our group has processes of its own and is not the root
        return None
    return Cgroups(2, {c: base for c in wanted})


# -- one student's group --------------------------------------------------------------------------

@dataclass(frozen=True)
class Group:
    cgroups: Cgroups
    name: str

    def _dirs(self) -> list[Path]:
        return sorted({base / self.name for base in self.cgroups.bases.values()}
                      | ({self.cgroups.freezer / self.name} if self.cgroups.freezer else set()))

    def create(self, limits: StudentLimits) -> None:
        for d in self._dirs():
            d.mkdir(exist_ok=True)
        v1 = self.cgroups.version == 1
        mem = self.cgroups.bases["memory"] / self.name
        pids = self.cgroups.bases["pids"] / self.name
        _write(mem / ("memory.limit_in_bytes" if v1 else "memory.max"), str(limits.memory_mb * MB))
        if not v1:
            with contextlib.suppress(OSError):
                _write(mem / "memory.swap.max", "0")
        _write(pids / "pids.max", str(limits.processes))

    def join(self, pid: int) -> None:
        """Move ``pid`` into every controller's group. Safe in a ``preexec_fn`` (plain writes)."""
        for d in self._dirs():
            fd = os.open(d / "cgroup.procs", os.O_WRONLY)
            try:
                os.write(fd, str(pid).encode())
            finally:
                os.close(fd)

    def pids(self) -> set[int]:
        found = set()
        for d in self._dirs():
            with contextlib.suppress(OSError):
                found |= {int(p) for p in (d / "cgroup.procs").read_text().split()}
        return found

    def kill_all(self, timeout: float = 10.0) -> int:
        """SIGKILL every process in the group (frozen first where a freezer exists); how many there were."""
        frozen = self._freeze(True)
        seen: set[int] = set()
        end = time.monotonic() + timeout
        while (left := self.pids()) and time.monotonic() < end:
            seen |= left
            for pid in left:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            if frozen:
                self._freeze(False)   # a frozen process dies only once it runs again
                frozen = False
            time.sleep(0.05)
        self._freeze(False)
        return len(seen)

    def _freeze(self, on: bool) -> bool:
        if self.cgroups.version == 2:
            path = self.cgroups.bases["memory"] / self.name / "cgroup.freeze"
            value = "1" if on else "0"
        elif self.cgroups.freezer is not None:
            path = self.cgroups.freezer / self.name / "freezer.state"
            value = "FROZEN" if on else "THAWED"
        else:
            return False
        try:
            _write(path, value)
            return on
        except OSError:
            return False

    def remove(self) -> None:
        self.kill_all()
        for d in self._dirs():
            with contextlib.suppress(OSError):
                d.rmdir()


def _write(path: Path, value: str) -> None:
    path.write_text(value)


# -- without cgroups ------------------------------------------------------------------------------

def uid_pids(uid: int) -> set[int]:
    """The live processes of ``uid`` (zombies are dead already: their parent reaps them)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                if entry.stat().st_uid == uid and (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                    found.add(int(entry.name))
    return found


def kill_uid(uid: int, timeout: float = 10.0) -> int:
    """SIGKILL every process of ``uid`` (a student's own uid: nobody else's), by pid; how many."""
    if uid == 0:
        raise ValueError("refusing to kill every process of root")
    seen: set[int] = set()
    end = time.monotonic() + timeout
    while (left := uid_pids(uid)) and time.monotonic() < end:
        seen |= left
        for pid in left:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.05)
    return len(seen)
