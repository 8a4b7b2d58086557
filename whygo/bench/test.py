"""How long `make test` takes (goal: <= 8 min on 2 cores, one-CPU notebook pass included).

Runs ``make test`` once from the repository root and reports:

* ``test.suite_seconds``: the whole run, wall clock (set-up already done, so
  this is the three-worker pytest pass with go vet + go test over gocode/ and
  the one-CPU pass running alongside it);
* ``test.cpu_seconds``: the CPU time (user + system) of everything the run
  started; divided by the machine's cores, the least wall time it could take;
* ``test.pytest_seconds``: the three-worker pass over tests, notebooks and labs,
  as pytest reports it;
* ``test.notebooks_seconds``: the notebooks and labs again on one CPU
  (``taskset -c 0``, printed after the main pass), as pytest reports it.

A failing suite is reported as a failed benchmark (its tail goes to stderr):
a time of a run that did not pass means nothing.
"""
from __future__ import annotations

import re
import resource
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


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def measure():
    start, cpu = time.perf_counter(), _children_cpu()
    # pytest's closing lines are kept even past the cap: they are what is measured
    proc = process.run(["make", "--no-print-directory", "test"], cwd=ROOT, cap=64 << 20,
                       keep=lambda line: bool(_CLOSING.match(line)))
    seconds, cpu = time.perf_counter() - start, _children_cpu() - cpu
    if proc.returncode != 0:
        sys.stderr.write(proc.out[-4000:] + proc.err[-2000:])
        raise RuntimeError(f"make test failed (exit status {proc.returncode}); no time to report")
    durations = pytest_durations(proc.out)
    if len(durations) != 2:
        raise RuntimeError(f"expected two pytest runs in make test's output, found {len(durations)}")
    yield ("test.suite_seconds", seconds, "s")
    yield ("test.cpu_seconds", cpu, "s")
    yield ("test.pytest_seconds", durations[0], "s")
    yield ("test.notebooks_seconds", durations[1], "s")
