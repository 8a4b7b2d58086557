"""How long `make test` takes (goal: <= 8 min on 2 cores, one-CPU notebook pass included).

Runs ``make test`` once from the repository root and reports:

* ``test.suite_seconds``: the whole run, wall clock (set-up already done, so
  this is the two-worker pytest pass with go vet + go test over gocode/ and
  the one-CPU pass running alongside it);
* ``test.pytest_seconds``: the two-worker pass over tests, notebooks and labs,
  as pytest reports it;
* ``test.notebooks_seconds``: the notebooks and labs again on one CPU
  (``taskset -c 0``, printed after the main pass), as pytest reports it.

A failing suite is reported as a failed benchmark (its tail goes to stderr):
a time of a run that did not pass means nothing.
"""
from __future__ import annotations

import re
import sys
import time
from pathlib import Path

from whygo.golang import process

ROOT = Path(__file__).resolve().parents[2]
# pytest's closing line: "==== 1150 passed, 2 skipped in 301.20s (0:05:01) ====",
# or with -q "264 passed in 240.15s (0:04:00)"
_CLOSING = re.compile(r"^=*\s*\d+ (?:passed|failed)\b[^\n]*\bin ([0-9.]+)s\b", re.M)


def pytest_durations(output: str) -> list[float]:
    """The seconds of every pytest closing line in ``output``, in order."""
    return [float(s) for s in _CLOSING.findall(output)]


def measure():
    start = time.perf_counter()
    # pytest's closing lines are kept even past the cap: they are what is measured
    proc = process.run(["make", "--no-print-directory", "test"], cwd=ROOT, cap=64 << 20,
                       keep=lambda line: bool(_CLOSING.match(line)))
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stderr.write(proc.out[-4000:] + proc.err[-2000:])
        raise RuntimeError(f"make test failed (exit status {proc.returncode}); no time to report")
    durations = pytest_durations(proc.out)
    if len(durations) != 2:
        raise RuntimeError(f"expected two pytest runs in make test's output, found {len(durations)}")
    yield ("test.suite_seconds", seconds, "s")
    yield ("test.pytest_seconds", durations[0], "s")
    yield ("test.notebooks_seconds", durations[1], "s")
