"""Start, watch and stop processes: the one place in the course that starts them.

(The classroom's limits and hub also signal processes they did not start by pid: a
student's cgroup members, the proxy; see whygo/classroom/limits.py and hub.py.)

Every program the course starts (``go build``, a cell's binary, a benchmark,
a gocode program, a server it times) runs in a new session, so it leads its
own process group and whatever it starts belongs to that group too.

:func:`run` runs a process to the end: stdin fed, stdout and stderr read on
separate pipes, each kept up to ``cap`` bytes (the rest is read and dropped,
so the program never blocks on a full pipe and memory stays bounded). With
``keep`` (a predicate over lines) the cap applies line by line and lines the
predicate accepts are kept even past it: a chatty benchmark cannot push its
own result lines out.

:func:`start` starts a process that keeps running (a server) and returns a
:class:`Running` to stop it later, or to use as a context manager.

One stopping policy for both: the rule's first signal to the group, then
SIGKILL to the group after its grace. The rule is :data:`INTERRUPT` unless
the caller names another: SIGINT (a Go program dies at once with status 2,
or runs its own handler), SIGKILL after :data:`GRACE_SECONDS`. The grader
passes :data:`KILL` (SIGKILL at once: a sandbox's ``unshare`` takes its pid
namespace down) or SIGTERM with a longer grace (a sandbox's reaper kills its
descendants on SIGTERM). It applies at a timeout, on KeyboardInterrupt in the
caller, on :func:`interrupt_all` from another thread (a kernel's interrupt
or shutdown), and on :meth:`Running.stop`. When a process run by :func:`run`
exits, what is left of its group (a grandchild in the background) is killed
too, so nothing outlives the call. A caller whose process was stopped by
:func:`interrupt_all` sees KeyboardInterrupt.

Nothing here imports the toolchain or IPython: the runner, the builder, the
chapters, the labs and their grader's sandboxes, the classroom commands and
``make bench`` all sit on top of it. The only processes the course starts
otherwise: a sandbox's own init (:mod:`whygo.labs.sandbox`, inside its
namespaces), ``whygo go`` (which execs go in place of itself) and the kernel
benchmark's Jupyter kernel (started by jupyter_client).
"""
from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

__all__ = ["Captured", "GRACE_SECONDS", "INTERRUPT", "KILL", "Running", "StopRule", "interrupt_all",
           "run", "start"]

GRACE_SECONDS = 0.5        # between SIGINT and SIGKILL
DRAIN_SECONDS = 2.0        # after the process is gone, how long to wait for its pipes to close
READ_CHUNK = 1 << 16
LINE_LIMIT = 1 << 16       # with `keep`, a longer line is judged in pieces of this size



@dataclass(frozen=True)
class StopRule:
    """How a group is stopped: ``first`` to the group, then SIGKILL after ``grace`` seconds."""
    first: int = signal.SIGINT
    grace: float = GRACE_SECONDS


INTERRUPT = StopRule()                        # every program of the course
KILL = StopRule(signal.SIGKILL, 0.0)          # nothing to wait for (a sandbox with its own pid namespace)

_lock = threading.Lock()
_running: dict[int, subprocess.Popen] = {}   # pgid -> process, for interrupt_all
_rules: dict[int, StopRule] = {}             # pgid -> how it is stopped
_interrupted: set[int] = set()

# A group is signalled only while its leader is not reaped. Once reaped, the
# leader's pid (the group's id) is free, and on a busy machine it soon leads
# another group (a Jupyter kernel, another learner's program): killpg would
# hit that. So exits are watched with waitid(WNOWAIT), which leaves the leader
# a zombie, and the leader is reaped under the lock that signals take.


def _exit_status(proc: subprocess.Popen) -> int | None:
    """The leader's exit status (negative: killed by that signal) once it has exited,
    else None; without reaping it."""
    if proc.returncode is not None:
        return proc.returncode
    try:
        info = os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:   # reaped behind our back: treat as gone
        return proc.poll()
    if info is None:
        return None
    return info.si_status if info.si_code == os.CLD_EXITED else -info.si_status


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    with _lock:
        if proc.returncode is None:   # not reaped: the group id is still this group's
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, sig)


def _reap(proc: subprocess.Popen) -> int:
    """Wait for the leader to exit, then reap it (under the lock signals take)."""
    if proc.returncode is None:
        with contextlib.suppress(ChildProcessError):
            os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
    with _lock:
        return proc.wait()


def _rule(proc: subprocess.Popen) -> StopRule:
    with _lock:
        return _rules.get(proc.pid, INTERRUPT)


def _stop_groups(procs: Sequence[subprocess.Popen]) -> None:
    """The one policy: each group its rule's first signal, the longest grace, then SIGKILL."""
    rules = [_rule(p) for p in procs]
    for p, rule in zip(procs, rules):
        _signal_group(p, rule.first)
    end = time.monotonic() + max((r.grace for r in rules), default=0.0)
    while time.monotonic() < end and any(_exit_status(p) is None for p in procs):
        time.sleep(0.01)
    for p in procs:
        _signal_group(p, signal.SIGKILL)


def interrupt_all() -> None:
    """Stop every process group this process is running (programs, builds, benchmarks,
    servers); their callers get KeyboardInterrupt. For a kernel's interrupt or shutdown."""
    with _lock:
        procs = list(_running.values())
        _interrupted.update(p.pid for p in procs)
    _stop_groups(procs)


def _spawn(argv: Sequence[str], *, env: Mapping[str, str] | None, cwd: str | os.PathLike | None,
           stdin, stdout, stderr, pass_fds: Sequence[int] = (), rule: StopRule = INTERRUPT,
           user: tuple[int, int] | None = None) -> subprocess.Popen:
    as_user = {} if user is None else {"user": user[0], "group": user[1], "extra_groups": []}
    proc = subprocess.Popen([str(a) for a in argv], env=None if env is None else dict(env), cwd=cwd,
                            start_new_session=True, stdin=stdin, stdout=stdout, stderr=stderr,
                            pass_fds=tuple(pass_fds), **as_user)
    with _lock:
        _running[proc.pid] = proc
        _rules[proc.pid] = rule
    return proc


def _forget(proc: subprocess.Popen) -> bool:
    """Unregister ``proc``; True if :func:`interrupt_all` had stopped it."""
    with _lock:
        _running.pop(proc.pid, None)
        _rules.pop(proc.pid, None)
        interrupted = proc.pid in _interrupted
        _interrupted.discard(proc.pid)
    return interrupted


def _was_interrupted(proc: subprocess.Popen) -> bool:
    with _lock:
        return proc.pid in _interrupted


# -- run to the end ----------------------------------------------------------------------

@dataclass
class Captured:
    stdout: bytes
    stderr: bytes
    returncode: int            # negative: the signal that ended it (-2 SIGINT at a timeout)
    timed_out: bool
    dropped: tuple[int, int] = (0, 0)   # bytes of stdout, stderr read past the cap and not kept
    argv: tuple[str, ...] = ()

    def check(self) -> "Captured":
        """Itself if the process exited with 0, else CalledProcessError (as ``subprocess.run``'s
        ``check=True`` raises; a timeout counts as a failure)."""
        if self.returncode != 0 or self.timed_out:
            raise subprocess.CalledProcessError(self.returncode, list(self.argv), self.stdout, self.stderr)
        return self

    @property
    def truncated(self) -> bool:
        return any(self.dropped)

    @property
    def out(self) -> str:
        return self.stdout.decode("utf-8", "replace")

    @property
    def err(self) -> str:
        return self.stderr.decode("utf-8", "replace")


class _Sink:
    """One stream's bytes: the first ``cap`` kept; with ``keep``, judged line by line."""

    def __init__(self, cap: int, keep: Callable[[str], bool] | None):
        self.buf = bytearray()
        self.budget = cap
        self.keep = keep
        self.dropped = 0
        self.partial = bytearray()

    def add(self, data: bytes) -> None:
        if self.keep is None:
            room = max(self.budget - len(self.buf), 0)
            self.buf += data[:room]
            self.dropped += max(len(data) - room, 0)
            return
        self.partial += data
        while True:
            end = self.partial.find(b"\n", 0, LINE_LIMIT)
            if end < 0 and len(self.partial) < LINE_LIMIT:
                return
            cut = end + 1 if end >= 0 else LINE_LIMIT
            self._line(bytes(self.partial[:cut]))
            del self.partial[:cut]

    def _line(self, line: bytes) -> None:
        if self.budget >= len(line):
            self.buf += line
            self.budget -= len(line)
        elif self.keep(line.decode("utf-8", "replace")):
            self.buf += line
        else:
            self.dropped += len(line)

    def close(self) -> bytes:
        if self.partial:
            self._line(bytes(self.partial))
            self.partial.clear()
        return bytes(self.buf)


def _pidfd(pid: int) -> int | None:
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


def run(argv: Sequence[str], *, env: Mapping[str, str] | None = None,
        cwd: str | os.PathLike | None = None, stdin: bytes | str | None = None,
        timeout: float | None = None, cap: int = 1_000_000,
        keep: Callable[[str], bool] | None = None, pass_fds: Sequence[int] = (),
        stop: StopRule = INTERRUPT, user: tuple[int, int] | None = None) -> Captured:
    """Run ``argv`` in its own process group to the end (or to ``timeout`` seconds).

    ``pass_fds`` stay open in the process (as :class:`subprocess.Popen` takes them);
    ``stop`` is how its group is stopped (at the timeout, on an interrupt);
    ``user`` is a (uid, gid) to run as, without supplementary groups (the caller is root).

    Raises OSError if it cannot start, KeyboardInterrupt if interrupted (here or
    by :func:`interrupt_all`), after stopping the group. Never leaves a process
    of the group behind.
    """
    data = stdin.encode() if isinstance(stdin, str) else stdin
    proc = _spawn(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL if data is None else subprocess.PIPE,
                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, pass_fds=pass_fds, rule=stop,
                  user=user)
    sinks = {proc.stdout: _Sink(cap, keep), proc.stderr: _Sink(cap, keep)}
    timed_out = False
    deadline = None if timeout is None else time.monotonic() + timeout
    kill_at = give_up = None
    pending = memoryview(data or b"")
    sel = selectors.DefaultSelector()
    exit_fd = None
    try:
        for pipe in sinks:
            os.set_blocking(pipe.fileno(), False)
            sel.register(pipe, selectors.EVENT_READ)
        if proc.stdin is not None:
            os.set_blocking(proc.stdin.fileno(), False)
            sel.register(proc.stdin, selectors.EVENT_WRITE)
        # the moment the program exits (Linux pidfd); without it, poll every 10 ms
        exit_fd = _pidfd(proc.pid)
        if exit_fd is not None:
            sel.register(exit_fd, selectors.EVENT_READ)
        poll = 0.1 if exit_fd is not None else 0.01
        while True:
            now = time.monotonic()
            status = _exit_status(proc)
            if status is not None and not sel.get_map():
                break
            if deadline is not None and now >= deadline and not timed_out:
                timed_out = True
                _signal_group(proc, stop.first)
                kill_at = now + stop.grace
            if kill_at is not None and (now >= kill_at or status is not None):
                _signal_group(proc, signal.SIGKILL)
                kill_at = None
            if give_up is None and status is not None:
                # the program is gone: background children die with its group
                _signal_group(proc, signal.SIGKILL)
                give_up = now + DRAIN_SECONDS
            if give_up is not None and now >= give_up:
                break   # a process that left the group still holds a pipe
            waits = [poll] + [t - now for t in (deadline if not timed_out else None, kill_at, give_up)
                             if t is not None]
            for key, _ in sel.select(max(0.0, min(waits))):
                pipe = key.fileobj
                if pipe == exit_fd:
                    sel.unregister(exit_fd)   # _exit_status above sees it
                    continue
                if pipe is proc.stdin:
                    try:
                        pending = pending[os.write(pipe.fileno(), pending[:READ_CHUNK]):]
                    except (BrokenPipeError, OSError):
                        pending = pending[:0]
                    if not pending:
                        sel.unregister(pipe)
                        pipe.close()
                    continue
                try:
                    chunk = os.read(pipe.fileno(), READ_CHUNK)
                except BlockingIOError:
                    continue
                if not chunk:
                    sel.unregister(pipe)
                    continue
                sinks[pipe].add(chunk)
        if _was_interrupted(proc):
            raise KeyboardInterrupt("interrupted")
        _signal_group(proc, signal.SIGKILL)   # whatever is left of the group, before the reap
        returncode = _reap(proc)
        out, err = sinks[proc.stdout], sinks[proc.stderr]
        return Captured(out.close(), err.close(), returncode, timed_out,
                        (out.dropped, err.dropped), tuple(str(a) for a in argv))
    except BaseException:
        _stop_groups([proc])
        raise
    finally:
        sel.close()
        if exit_fd is not None:
            os.close(exit_fd)
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()
        if proc.returncode is None:
            _signal_group(proc, signal.SIGKILL)
            _reap(proc)
        _forget(proc)


# -- keep running ----------------------------------------------------------------------------

class Running:
    """A process group started by :func:`start`; :meth:`stop` (or leaving the
    ``with`` block) stops it with the one policy and reaps it."""

    def __init__(self, proc: subprocess.Popen, argv: Sequence[str]):
        self.proc = proc
        self.argv = list(argv)
        self.pid = proc.pid

    def exited(self) -> int | None:
        """The exit status, or None while it runs. KeyboardInterrupt if
        :func:`interrupt_all` stopped it."""
        code = _exit_status(self.proc)
        if code is not None and _was_interrupted(self.proc):
            raise KeyboardInterrupt("interrupted")
        return code

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the leader to exit (``subprocess.TimeoutExpired`` after ``timeout`` s), reap
        it and return its status; what is left of its group is stopped by :meth:`stop`."""
        if timeout is not None:
            end = time.monotonic() + timeout
            while _exit_status(self.proc) is None:
                if time.monotonic() >= end:
                    raise subprocess.TimeoutExpired(self.argv, timeout)
                time.sleep(0.01)
        return _reap(self.proc)

    def stderr_text(self) -> str:
        """What the process wrote on stderr (read once it has exited; "" if not captured)."""
        if self.proc.stderr is None:
            return ""
        return self.proc.stderr.read().decode("utf-8", "replace").strip()

    def stop(self) -> int:
        if _exit_status(self.proc) is None:
            _stop_groups([self.proc])
        _signal_group(self.proc, signal.SIGKILL)   # the leader may be gone, its children not
        code = _reap(self.proc)
        for pipe in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()
        _forget(self.proc)
        return code

    def __enter__(self) -> "Running":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start(argv: Sequence[str], *, env: Mapping[str, str] | None = None,
          cwd: str | os.PathLike | None = None, capture_stderr: bool = True,
          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=None,
          pass_fds: Sequence[int] = (), stop: StopRule = INTERRUPT) -> Running:
    """Start ``argv`` in its own process group and return at once. stdin and stdout
    are /dev/null unless given (a file, a descriptor, ``subprocess.PIPE``); stderr is a
    pipe to read after it exits (a process that writes more than a pipe holds to stderr
    before then would block: servers do not), /dev/null without ``capture_stderr``, or
    ``stderr`` when given. ``pass_fds`` and ``stop`` as for :func:`run`."""
    if stderr is None:
        stderr = subprocess.PIPE if capture_stderr else subprocess.DEVNULL
    proc = _spawn(argv, env=env, cwd=cwd, stdin=stdin, stdout=stdout, stderr=stderr,
                  pass_fds=pass_fds, rule=stop)
    return Running(proc, argv)
