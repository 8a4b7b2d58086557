"""Sandboxes for graded submissions: what a student's code can reach while it is graded.

The grader never runs a submission's code in its own process. Every process
that may run it (the answer process of a Python lab, a judge building and
running the student's Go, the kernel of the Go-kernel lab) is started here,
one sandbox each, and everything a sandbox holds is gone when it ends.

How a sandbox is built (when the grader runs as root and the kernel lets it
make namespaces)::

    unshare --mount --net --pid --ipc --uts --fork --kill-child \\
        python -I -m whygo.labs.sandbox CONFIG.json          # "the enter step", as root

The enter step, inside fresh namespaces, builds a new root file system on a
tmpfs and ``chroot``s into it:

* ``/usr``, ``/etc``, ``/bin``, ``/lib``..., ``/sys``: the machine's, read-only;
  ``/dev`` the machine's (devices keep their permissions), ``/dev/shm`` private;
  ``/proc`` shows only the sandbox's processes (its own pid namespace);
* the course (the repository, the venv, the Python it was made from, Go):
  read-only, minus ``labs/solutions``, ``.git``, and any submission or output
  file that happens to live inside it; nothing else of the machine (no
  ``/home``, no ``/root`` beyond the Python install, no other submission);
* ``/tmp``: the sandbox's own folder and HOME, part of the same size-limited
  tmpfs, so all it can write is bounded and lives in memory;
* Go's build cache at ``/tmp/.cache/go-build``: an overlay whose lower layer is
  the grader's warm cache (read-only: its files stay root's, 0644) and whose
  upper layer is private, so a submission adds entries only for itself and
  can never change one another build reads;
* no network: the network namespace has only its own loopback.

Then it forks. The child drops to a uid of its own (random, above
2 000 000 000, no account, no groups, ``no_new_privs``), sets the limits
(:class:`Limits`: CPU seconds, writable memory and file size per process;
processes per sandbox, since the uid is the sandbox's alone) and execs the
command. The parent stays as pid 1: it reaps orphans and, when the command
ends, exits, which kills whatever the command left behind. The grader kills a
sandbox by killing ``unshare``: ``--kill-child`` takes the whole namespace down.

The grader starts, times out and stops a sandbox like every other process of
the course, with :mod:`whygo.golang.process` (its own process group, output
kept up to a cap, registered for ``interrupt_all``); only the rule differs
(:meth:`Sandbox.stop_rule`): SIGKILL at once with namespaces, else SIGTERM
(the reaper then kills every descendant) and SIGKILL 5 s later. The enter
step itself (fork, reap, exec below) is the sandbox's own init, inside it.

What it cannot do: it does not cap the total memory of all the sandbox's
processes together (only each one, times the process limit), and what it
reads through the Go cache's lower layer is the grader's compiled packages.

When namespaces cannot be made (not root, a container without
CAP_SYS_ADMIN) the grader says so (:attr:`Sandbox.problem`) and does what it
still can: the limits, a private folder, and, when root, a uid of its own
(with a hard-linked copy of the Go cache, its files read-only to that uid).
"""
from __future__ import annotations

import contextlib
import ctypes
import functools
import json
import os
import pwd
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from whygo.golang import process
from whygo.i18n import ENV as I18N_ENV, _, lang as i18n_lang

UID_RANGE = (2_000_000_000, 2_100_000_000)
PR_SET_DUMPABLE, PR_SET_CHILD_SUBREAPER, PR_SET_NO_NEW_PRIVS = 4, 36, 38
_libc = ctypes.CDLL(None, use_errno=True)
INSIDE_HOME = Path("/tmp")                  # the sandbox's folder, as its processes see it
GO_CACHE_INSIDE = INSIDE_HOME / ".cache" / "go-build"
SYSTEM_DIRS = ("usr", "etc", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "sys")
SECRET_PARTS = ("labs/solutions", ".git")   # inside the course, never shown to a submission
SHM_MB = 64


@dataclass(frozen=True)
class Limits:
    """What one sandbox may use. CPU, memory and file size are per process;
    processes count every process and thread of the sandbox (its uid is its own)."""
    cpu_seconds: int = 120
    memory_mb: int = 2048        # writable memory of each process (RLIMIT_DATA: the address space Go
                                 # and WebAssembly reserve but never touch does not count)
    processes: int = 256
    file_mb: int = 256           # largest file it may write
    disk_mb: int = 1024          # everything it writes (its tmpfs), with namespaces

    def rlimits(self) -> dict[str, int]:
        mb = 1024 * 1024
        return {"RLIMIT_CPU": self.cpu_seconds, "RLIMIT_DATA": self.memory_mb * mb,
                "RLIMIT_NPROC": self.processes, "RLIMIT_FSIZE": self.file_mb * mb, "RLIMIT_CORE": 0}

    def describe(self, disk: bool = True) -> str:
        values = dict(cpu=self.cpu_seconds, memory=self.memory_mb, processes=self.processes,
                      file=self.file_mb, disk=self.disk_mb)
        if disk:
            return _("CPU {cpu} s and {memory} MB of memory per process, {processes} processes, files up to "
                     "{file} MB, {disk} MB written in all").format(**values)
        return _("CPU {cpu} s and {memory} MB of memory per process, {processes} processes, files up to "
                 "{file} MB").format(**values)


# -- the grader's side ------------------------------------------------------------------------

@dataclass(frozen=True)
class Sandbox:
    """What this machine lets the grader enforce, found once by :meth:`probe`."""
    namespaces: bool            # private root, network, pids (implies root)
    own_uid: bool               # each sandbox runs as a uid of its own
    problem: str | None = None  # what is missing and how to fix it; None when complete
    short: str = ""             # the same in a few words, for the CSV's note column
    course: tuple[str, ...] = ()
    go_cache: str | None = None
    std_lists: tuple[str, ...] = ()   # the grader's `go list std` (snippet.std_packages), copied into each

    @property
    def complete(self) -> bool:
        return self.problem is None

    def summary(self, limits: Limits) -> str:
        if self.complete:
            return _("sandbox: each submission runs as a user of its own, without network, seeing only "
                     "its own folder and the course (read-only); limits: {limits}").format(limits=limits.describe())
        return _("WARNING: {problem}. Limits still applied: {limits}").format(problem=self.problem,
                                                                           limits=limits.describe(disk=False))

    @classmethod
    def probe(cls) -> "Sandbox":
        return _probe()

    def stop_rule(self) -> process.StopRule:
        """Killing ``unshare`` takes the pid namespace down at once; without one, the reaper
        (:func:`_reap`) kills its descendants on SIGTERM and is given the time to."""
        return process.KILL if self.namespaces else process.StopRule(signal.SIGTERM, 5.0)

    def start(self, argv: list[str], *, limits: Limits, hide: list[Path] = (), copy: dict[str, Path] = {},
              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, pass_fds: tuple[int, ...] = ()) -> "Box":
        """Start ``argv`` in a new sandbox and return at once; ``copy`` maps a file name in its
        folder to a file to copy there. Leaving the ``with`` block stops it and removes its folder."""
        work, enter = self._prepare(argv, limits, hide, copy)
        try:
            with open(work / "stderr", "wb") as stderr:
                running = process.start(enter, stdin=stdin, stdout=stdout, stderr=stderr, pass_fds=pass_fds,
                                        stop=self.stop_rule())
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        return Box(running, work)

    def run(self, argv: list[str], *, limits: Limits, timeout: float, cap: int = 1_000_000,
            hide: list[Path] = (), copy: dict[str, Path] = {}, pass_fds: tuple[int, ...] = ()) -> "Ran":
        """Run ``argv`` in a new sandbox to its end or to ``timeout`` seconds (then it is stopped);
        stdout and stderr kept up to ``cap`` bytes each (:func:`whygo.golang.process.run`)."""
        work, enter = self._prepare(argv, limits, hide, copy)
        try:
            return Ran(process.run(enter, timeout=timeout, cap=cap, pass_fds=pass_fds, stop=self.stop_rule()))
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def _prepare(self, argv: list[str], limits: Limits, hide, copy) -> tuple[Path, list[str]]:
        """The sandbox's work folder (its config inside) and the command that enters it."""
        copy = {**{f".cache/whygo/{Path(f).name}": Path(f) for f in self.std_lists}, **copy}
        work = Path(tempfile.mkdtemp(prefix="whygo-sandbox-"))
        try:
            config = self._config(work, argv, limits, hide, copy)
            (work / "config.json").touch(mode=0o600)
            (work / "config.json").write_text(json.dumps(config))
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        enter = [sys.executable, "-I", "-m", "whygo.labs.sandbox", str(work / "config.json")]
        if self.namespaces:
            enter = [shutil.which("unshare"), "--mount", "--net", "--pid", "--ipc", "--uts", "--fork",
                     "--kill-child", "--", *enter]
        return work, enter

    def _config(self, work: Path, argv, limits: Limits, hide, copy) -> dict:
        uid = _free_uid() if self.own_uid else None
        box = INSIDE_HOME if self.namespaces else work / "box"
        go_cache = None
        if self.go_cache:
            go_cache = GO_CACHE_INSIDE if self.namespaces else box / ".cache" / "go-build"
        course = [Path(p) for p in self.course]
        # A submission or the CSV inside the course: hide its whole folder (classmates, rosters),
        # unless that folder holds part of the course itself; then hide the file alone.
        named = [p.parent if not any(_inside(c, p.parent) for c in course) else p for p in map(Path, hide)]
        hidden = [str(p) for p in [*(c / s for c in course[:1] for s in SECRET_PARTS), *named]
                  if any(_inside(p, c) for c in course)]
        full_env = {"HOME": str(box), "TMPDIR": str(box), "USER": "student", "LOGNAME": "student",
                    "PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"]),
                    "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg",
                    "WHYGO_CACHE": str(box / ".cache" / "whygo"), **({"GOCACHE": str(go_cache)} if go_cache else {}),
                    I18N_ENV: i18n_lang()}   # checks and notes speak the grader's language
        return {"uid": uid, "namespaces": self.namespaces, "root": str(work / "root"), "box": str(box),
                "course": self.course, "hide": hidden,
                "go_cache": [self.go_cache, str(go_cache)] if go_cache else None,
                "copy": {name: str(src) for name, src in copy.items()},
                "limits": limits.rlimits(), "disk_mb": limits.disk_mb, "env": full_env, "argv": argv}


def _last_words(stderr: str) -> str:
    """The enter step's message, if the sandbox could not start ("" if it did)."""
    return next((l[len(ENTER_FAILED):] for l in reversed(stderr.splitlines()) if l.startswith(ENTER_FAILED)), "")


@dataclass
class Ran:
    """A sandbox run to its end by :meth:`Sandbox.run`."""
    captured: process.Captured

    def error(self) -> str:
        return _last_words(self.captured.err)


@dataclass
class Box:
    """One running sandbox (:meth:`Sandbox.start`)."""
    running: process.Running
    work: Path

    @property
    def proc(self) -> subprocess.Popen:
        """The process that entered the sandbox, for its pipes (stdin, stdout)."""
        return self.running.proc

    def wait(self, timeout: float | None = None) -> int:
        return self.running.wait(timeout)

    def kill(self) -> None:
        """Stop everything in the sandbox, by :meth:`Sandbox.stop_rule`."""
        self.running.stop()

    def error(self) -> str:
        """The enter step's last words, if the sandbox could not start."""
        try:
            return _last_words((self.work / "stderr").read_bytes()[-4000:].decode(errors="replace"))
        except OSError:
            return ""

    def __enter__(self) -> "Box":
        return self

    def __exit__(self, *exc) -> None:
        self.kill()
        shutil.rmtree(self.work, ignore_errors=True)


def private_stdout() -> TextIO:
    """For a process whose stdout only the grader reads, while code it starts runs as the same uid:
    keep a private copy of fd 1, point fd 1 (which children inherit) at /dev/null, and become
    non-dumpable, so that no process of that uid can open /proc/<pid>/fd or ptrace this one."""
    _libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    private = os.fdopen(os.dup(1), "w")
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    return private


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _free_uid() -> int:
    while True:
        uid = UID_RANGE[0] + secrets.randbelow(UID_RANGE[1] - UID_RANGE[0])
        try:
            pwd.getpwuid(uid)
        except KeyError:
            return uid


def course_paths() -> list[Path]:
    """What a sandbox must see, read-only: the repository first, then the venv, its Python and Go."""
    from whygo.golang.toolchain import ToolchainError, toolchain
    from whygo.labs.catalog import REPO
    paths = [REPO.resolve(), Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(),
             Path(sys.executable).resolve().parent.parent]
    with contextlib.suppress(ToolchainError):
        paths.append(toolchain().goroot.resolve())
    kept: list[Path] = []
    for p in paths:   # drop what is already visible: the system's folders, or inside another one
        if any(_inside(p, Path("/", d)) for d in SYSTEM_DIRS) or any(_inside(p, k) for k in kept):
            continue
        kept = [k for k in kept if not _inside(k, p)] + [p]
    return sorted(kept, key=lambda p: p != REPO.resolve())


def _go_caches() -> tuple[str | None, tuple[str, ...]]:
    """The grader's Go build cache, warmed with what the labs build (-trimpath, as the runner does),
    and its list of standard packages (a second per process to make again)."""
    from whygo.golang.snippet import std_packages
    from whygo.golang.toolchain import ToolchainError, course_cache_dir, go_command
    from whygo.golang.warm import PACKAGES
    try:
        go_command("build", "-trimpath", "testing/internal/testdeps", "strconv", "bytes", "io", *PACKAGES,
                   timeout=600)
        std_packages()
        std_lists = tuple(str(f) for f in sorted(course_cache_dir().glob("std-*.json")))
        return go_command("env", "GOCACHE").stdout.strip() or None, std_lists
    except (ToolchainError, subprocess.SubprocessError, OSError):
        return None, ()


@functools.lru_cache(maxsize=None)
def _probe() -> Sandbox:
    course = tuple(str(p) for p in course_paths())
    caches = _go_caches()
    if os.geteuid() != 0:
        user = pwd.getpwuid(os.geteuid()).pw_name
        return Sandbox(False, False, _("not sandboxed: the grader is not root, so submissions run as you "
                                       "({user}): they can read and change your files and reach the network. "
                                       "Grade as root (sudo, or in a container) for the full sandbox").format(user=user),
                       _("not sandboxed (ran as {user})").format(user=user), course, *caches)
    full = Sandbox(True, True, None, "", course, *caches)
    why = _trial(full) if shutil.which("unshare") else _("the unshare command (util-linux) is missing")
    if why is None:
        return full
    blocked = [p for p in course if not _reachable(Path(p))]
    if blocked:
        return Sandbox(False, False, _("not sandboxed: no namespaces here ({why}), and {folder} cannot be "
                                       "entered by other users, so submissions run as root. Move the course "
                                       "and its Python under folders others can enter, or allow namespaces")
                       .format(why=why, folder=blocked[0]),
                       _("not sandboxed (ran as root)"), course, *caches)
    return Sandbox(False, True, _("partly sandboxed: no namespaces here ({why}): each submission runs as a user "
                                  "of its own, but it can reach the network and read what every user can read. "
                                  "Allow namespaces (root with CAP_SYS_ADMIN) for the full sandbox").format(why=why),
                   _("partly sandboxed (network, readable files)"), course, *caches)


def _trial(sandbox: Sandbox) -> str | None:
    """Start one sandbox that runs ``true``; None if it worked, else why not."""
    try:
        ran = sandbox.run(["/bin/true"], limits=Limits(cpu_seconds=10), timeout=30)
        if ran.captured.returncode == 0:
            return None
        return ran.error() or _("the sandbox exited with status {code}").format(code=ran.captured.returncode)
    except (OSError, subprocess.SubprocessError) as exc:
        return str(exc)


def _reachable(path: Path) -> bool:
    """Can a user that is neither owner nor in the group enter every folder down to ``path``?"""
    for folder in [*reversed(path.parents), path]:
        try:
            if not os.stat(folder).st_mode & 0o001:
                return False
        except OSError:
            return False
    return True


# -- the enter step: runs as root inside the new namespaces -----------------------------------

ENTER_FAILED = "whygo sandbox: "
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18


def _mount(source: str | None, target: Path | str, fstype: str | None = None, flags: int = 0,
           data: str | None = None) -> None:
    enc = lambda s: None if s is None else str(s).encode()  # noqa: E731
    if _libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {source} on {target}: {os.strerror(err)}")


def _bind_read_only(source: Path | str, target: Path) -> None:
    _mount(str(source), target, None, MS_BIND)
    _mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)


def _owned_dirs(path: Path, top: Path, uid: int | None) -> None:
    """``mkdir -p path``, the new folders below ``top`` owned by ``uid``."""
    path.mkdir(parents=True, exist_ok=True)
    if uid is not None:
        for p in [path, *path.parents]:
            if not _inside(p, top):
                break
            os.chown(p, uid, uid)


def _build_root(cfg: dict) -> Path:
    """The new root file system (see the module docstring); returns its path."""
    root, uid = Path(cfg["root"]), cfg["uid"]
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    root.mkdir(exist_ok=True)
    _mount("whygo-sandbox", root, "tmpfs", MS_NOSUID | MS_NODEV, f"size={cfg['disk_mb']}m,mode=0755")
    for name in SYSTEM_DIRS:
        host = Path("/", name)
        if host.is_symlink():
            os.symlink(os.readlink(host), root / name)
        elif host.is_dir():
            (root / name).mkdir()
            _bind_read_only(host, root / name)
    (root / "dev").mkdir()
    _mount("/dev", root / "dev", None, MS_BIND | MS_REC)
    _mount("whygo-shm", root / "dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, f"size={SHM_MB}m,mode=1777")
    (root / "proc").mkdir()
    _mount("proc", root / "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    for path in cfg["course"]:
        (root / path.lstrip("/")).mkdir(parents=True, exist_ok=True)
        _bind_read_only(path, root / path.lstrip("/"))
    empty = root / ".hidden"
    empty.touch(mode=0)
    for path in cfg["hide"]:
        target = root / path.lstrip("/")
        if target.is_dir():
            _mount("whygo-hidden", target, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV, "size=4k,mode=000")
        elif target.exists():
            _bind_read_only(empty, target)
    home = root / cfg["box"].lstrip("/")
    _owned_dirs(home, home, uid)
    home.chmod(0o700)
    _owned_dirs(root / "var/tmp", root / "var/tmp", uid)
    if cfg["go_cache"]:
        lower, inside = cfg["go_cache"]
        layers = root / ".overlay"
        layers.mkdir(mode=0o700)
        for folder, _, _ in os.walk(lower):   # the upper layer owns every folder: new entries can be written
            _owned_dirs(layers / "upper" / os.path.relpath(folder, lower), layers / "upper", uid)
        (layers / "work").mkdir()
        _owned_dirs(root / inside.lstrip("/"), home, uid)
        _mount("overlay", root / inside.lstrip("/"), "overlay", MS_NOSUID | MS_NODEV,
               f"lowerdir={lower},upperdir={layers / 'upper'},workdir={layers / 'work'}")
    _loopback_up()
    return root


def _loopback_up() -> None:
    """A new network namespace has a loopback that is down; Jupyter's kernels talk over it."""
    import fcntl
    import socket
    import struct
    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        flags = struct.unpack("16sH", fcntl.ioctl(s, siocgifflags, struct.pack("16sH", b"lo", 0))[:18])[1]
        fcntl.ioctl(s, siocsifflags, struct.pack("16sH", b"lo", flags | iff_up))


def _host_box(cfg: dict) -> Path:
    """Without namespaces: the sandbox's folder on the host, with a copy of the Go cache."""
    box, uid = Path(cfg["box"]), cfg["uid"]
    box.parent.chmod(0o711)   # the grader's work folder: enter, never list
    _owned_dirs(box, box, uid)
    box.chmod(0o700)
    if cfg["go_cache"]:
        lower, inside = cfg["go_cache"]
        if uid is None:   # same user as the grader: nothing to protect the cache from
            cfg["env"]["GOCACHE"] = lower
        else:             # hard links: the files stay the grader's (0644), the folders are the sandbox's
            for folder, _, files in os.walk(lower):
                copy = Path(inside) / os.path.relpath(folder, lower)
                _owned_dirs(copy, box, uid)
                for f in files:
                    with contextlib.suppress(OSError):
                        os.link(os.path.join(folder, f), copy / f)
    return Path("/")


def _copy_inputs(cfg: dict, root: Path) -> None:
    home = root / cfg["box"].lstrip("/")
    for name, source in cfg["copy"].items():
        target = home / name
        _owned_dirs(target.parent, home, cfg["uid"])
        shutil.copyfile(source, target)
        if cfg["uid"] is not None:
            os.chown(target, cfg["uid"], cfg["uid"])


def _become_student(cfg: dict, root: Path) -> None:
    """In the child: the new root, the sandbox's uid, its limits; then exec the command."""
    if root != Path("/"):
        os.chroot(root)
    os.chdir(cfg["box"])
    uid = cfg["uid"]
    if uid is not None:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    if _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS)")
    for name, value in cfg["limits"].items():
        soft = value
        hard = value + 5 if name == "RLIMIT_CPU" else value   # SIGXCPU first, SIGKILL 5 s later
        resource.setrlimit(getattr(resource, name), (soft, hard))
    os.execve(cfg["argv"][0], cfg["argv"], cfg["env"])


def _descendants() -> list[int]:
    parent: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                stat = Path("/proc", entry, "stat").read_text()
                parent[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, todo = [], [os.getpid()]
    while todo:
        p = todo.pop()
        kids = [c for c, pp in parent.items() if pp == p]
        found += kids
        todo += kids
    return found


def _kill(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _kill_descendants(*_) -> None:
    for _round in range(3):   # a process may fork while we look
        _kill(_descendants())
        time.sleep(0.05)
    os._exit(137)


def _reap(child: int, own_pid_namespace: bool) -> int:
    """Reap every orphan until the command ends; then leave nothing behind. In its own pid
    namespace this process is pid 1, and its exit kills the rest; without one (no namespaces)
    it is a subreaper that kills its descendants itself, also when the grader sends SIGTERM."""
    if not own_pid_namespace:
        signal.signal(signal.SIGTERM, _kill_descendants)
    while True:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            return 1
        if pid == child:
            code = os.waitstatus_to_exitcode(status)
            if not own_pid_namespace:
                signal.signal(signal.SIGTERM, signal.SIG_IGN)
                _kill(_descendants())
            return code if code >= 0 else 128 - code


def main(argv: list[str] | None = None) -> int:
    config_path = (argv or sys.argv[1:])[0]
    try:
        cfg = json.loads(Path(config_path).read_text())
        root = _build_root(cfg) if cfg["namespaces"] else _host_box(cfg)
        _copy_inputs(cfg, root)
        _libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except Exception as exc:   # the grader reads this line (Box.error) and says so
        print(f"{ENTER_FAILED}{type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        return 125
    child = os.fork()
    if child == 0:
        try:
            _become_student(cfg, root)
        except BaseException as exc:
            print(f"{ENTER_FAILED}{type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        os._exit(125)
    return _reap(child, cfg["namespaces"])


if __name__ == "__main__":
    sys.exit(main())
