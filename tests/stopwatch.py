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
