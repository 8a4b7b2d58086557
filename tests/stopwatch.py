"""Timed stops: a Go program that says when it started and when SIGINT reached it.

The one rule (whygo/golang/process.py) is "SIGINT at the timeout, SIGKILL half a second later"
for every program, ``%%gobench`` benchmarks included.
A message such as "timed out after 1 s" is built from the argument, so only a
clock can tell whether the program was really stopped then. :data:`STUBBORN`
prints ``start PID NS`` at once and, with the argument ``ignore``, prints
``sigint NS`` when the signal arrives and keeps sleeping, so only SIGKILL ends it;
without it Go's default handler makes SIGINT fatal (``exit`` ends it at once,
to build it before a timed run). NS is the wall clock
(``time.Now().UnixNano()``), comparable with Python's ``time.time()``.

The limits below are correctness bounds, not performance targets: the
margin absorbs scheduling delays on a loaded one-CPU machine, and it stays
below the 3 s that a deadline moved late, or a grace stretched from 0.5 s to
8 s, would add. The graces are literals on purpose: a test that read
``process.GRACE_SECONDS`` would follow a wrong constant instead of catching it.
"""
from __future__ import annotations

import re
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

GRACE_S = 0.5          # every program: SIGINT, then SIGKILL after half a second
MARGIN_S = 2.5         # scheduling slack; less than the 3 s of a late deadline
TIMEOUT_S = 1.0

# Go: from now on SIGINT prints the time it arrived instead of ending the program.
_RECORD_SIGINT = """\
func recordSigint() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt)
	go func() {
		for range c {
			fmt.Println("sigint", time.Now().UnixNano())
		}
	}()
}
"""

STUBBORN = """\
package main

import (
	"fmt"
	"os"
	"os/signal"
	"time"
)

""" + _RECORD_SIGINT + """
func main() {
	if len(os.Args) > 1 && os.Args[1] == "ignore" {
		recordSigint()
	}
	fmt.Println("start", os.Getpid(), time.Now().UnixNano())
	if len(os.Args) > 1 && os.Args[1] == "exit" {
		return
	}
	time.Sleep(time.Hour)
}
"""

# The same program as a benchmark for %%gobench (a _test.go cell), always ignoring SIGINT.
STUBBORN_BENCH = _RECORD_SIGINT + """
func BenchmarkStubborn(b *testing.B) {
	recordSigint()
	fmt.Println("start", os.Getpid(), time.Now().UnixNano())
	time.Sleep(time.Hour)
}
"""


@dataclass(frozen=True)
class Stamps:
    pid: int
    start: float             # seconds since the epoch
    sigint: float | None     # when SIGINT reached the program (None: not seen)


def stamps(output: str) -> Stamps:
    """The ``start`` and ``sigint`` lines of STUBBORN's output."""
    start = re.search(r"^start (\d+) (\d+)$", output, re.M)
    assert start, f"the program never said it started: {output!r}"
    sigint = re.search(r"^sigint (\d+)$", output, re.M)
    return Stamps(int(start[1]), int(start[2]) / 1e9, int(sigint[1]) / 1e9 if sigint else None)


def alive(pid: int) -> bool:
    """True while the process exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def running_child(exe: str | Path, within: float = 60.0) -> psutil.Process:
    """Wait until a process of ours (any depth) runs ``exe`` (a path, or a bare
    program name such as ``cell.test``); return it."""
    end = time.monotonic() + within
    bare = "/" not in str(exe)
    exe = str(exe) if bare else str(Path(exe).resolve())
    while time.monotonic() < end:
        for p in psutil.Process().children(recursive=True):
            try:
                if (p.name() if bare else p.exe()) == exe and p.status() != psutil.STATUS_ZOMBIE:
                    return p
            except psutil.Error:
                continue
        time.sleep(0.02)
    raise AssertionError(f"{exe} never started")


class When(threading.Thread):
    """Once ``exe`` runs (and has had ``settle`` seconds to start), call ``action``;
    ``.process`` is the program, ``.at`` the time of the action."""

    def __init__(self, exe: str | Path, action, settle: float = 0.3):
        super().__init__(daemon=True)
        self.exe, self.action, self.settle = exe, action, settle
        self.process: psutil.Process | None = None
        self.at: float | None = None

    def run(self) -> None:
        self.process = running_child(self.exe)
        time.sleep(self.settle)
        self.at = time.time()
        self.action()


class PolicyClock:
    """What the stop policy of whygo/golang/process.py saw and did, thread by thread and in
    order: every reading of its clock (``time.monotonic``), every process it started and every
    signal it sent to a group. Installed by :meth:`install` (a pytest ``monkeypatch``).

    *When* it acted is then judged against its own readings instead of a wall clock that a
    loaded machine stretches: "SIGKILL after half a second" holds when SIGKILL was sent at the
    first look at the clock past the grace. A slow machine makes the looks late, never early,
    so it cannot break that; a grace stretched to 8 s, or a deadline moved late, still shows as
    looks past the limit after which the policy kept waiting.
    """

    def __init__(self):
        self.events: list[tuple[int, object, float]] = []   # (thread, "now" | "spawn" | signal, t)
        self._lock = threading.Lock()

    def install(self, monkeypatch) -> "PolicyClock":
        from whygo.golang import process
        spawn, signal_group = process._spawn, process._signal_group

        def spied_spawn(*args, **kwargs):
            self._log("spawn")
            return spawn(*args, **kwargs)

        def spied_signal_group(proc, sig):
            self._log(sig)
            return signal_group(proc, sig)

        monkeypatch.setattr(process, "time", self)
        monkeypatch.setattr(process, "_spawn", spied_spawn)
        monkeypatch.setattr(process, "_signal_group", spied_signal_group)
        return self

    # process.py's `time`: every other name is the real module's (sleep...)
    def monotonic(self) -> float:
        return self._log("now")

    def __getattr__(self, name):
        return getattr(time, name)

    def _log(self, kind) -> float:
        t = time.monotonic()
        with self._lock:
            self.events.append((threading.get_ident(), kind, t))
        return t

    def _thread(self, thread: int) -> list[tuple[object, float]]:
        with self._lock:
            return [(kind, t) for th, kind, t in self.events if th == thread]

    def threads_that_sent(self, sig: int) -> list[int]:
        with self._lock:
            return list(dict.fromkeys(th for th, kind, _ in self.events if kind == sig))

    def assert_sigint_at_the_deadline(self, timeout: float, thread: int | None = None) -> None:
        """The last program started ran until the first look at the clock at or past its
        deadline (``timeout`` after the first look once it started), and got SIGINT then."""
        events = self._thread(thread or threading.get_ident())
        start = max(i for i, (kind, _) in enumerate(events) if kind == "spawn")
        sigint = next(i for i, (kind, _) in enumerate(events) if i > start and kind == signal.SIGINT)
        looks = [t for kind, t in events[start:sigint] if kind == "now"]
        _acted_at_first_look_past(looks, looks[0] + timeout, "SIGINT", "the deadline")

    def assert_sigkill_after_each_sigint_within_the_grace(self, grace: float) -> None:
        """In every thread that sent SIGINT: SIGKILL followed, at the first look at the clock
        past the grace (counted from the first look after the SIGINT)."""
        threads = self.threads_that_sent(signal.SIGINT)
        assert threads, "no SIGINT was sent"
        for thread in threads:
            events = self._thread(thread)
            for i, (kind, _) in enumerate(events):
                if kind != signal.SIGINT:
                    continue
                kill = next((j for j in range(i, len(events)) if events[j][0] == signal.SIGKILL), None)
                assert kill is not None, "SIGINT was never followed by SIGKILL"
                looks = [t for k, t in events[i:kill] if k == "now"]
                if looks:
                    _acted_at_first_look_past(looks, looks[0] + grace, "SIGKILL", "the grace")


def _acted_at_first_look_past(looks: list[float], due: float, action: str, what: str) -> None:
    """``looks`` end with the look that led to ``action``; every earlier one came before ``due``."""
    waited = [t for t in looks[:-1] if t >= due]
    assert not waited, (f"{action} was not sent at the first look at the clock past {what}: the policy looked "
                        f"{len(waited)} more time(s), up to {waited[-1] - due:.2f} s past it, and kept waiting")
