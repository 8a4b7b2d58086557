"""Run nbval over every notebook on several machine shapes: ``make test-machines``.

A stored output may depend on the machine only through values marked as
measured (``~``, see whygo/report.py). This script is how we know that holds:
it runs the notebooks and labs under nbval, three times each, on

* one CPU          (``taskset -c 0``: the size of a typical Binder or hub container),
* every CPU        (this machine as it is),
* every CPU, busy  (a CPU hog on each core for the whole run),

and prints, for each run, the cells whose output differed from the stored one
and the time taken. It exits non-zero when any cell differed, so a conclusion
that flips on a small or busy machine shows up here before a reader sees it.

    python tests/machine_matrix.py [--runs 3] [--shapes 1cpu,all,busy] [paths...]

It is a script, not a test module: one pass takes minutes, so ``make test``
runs only the one-CPU pass (``make test-1cpu``) and this matrix is run by hand
or by a teacher who wants to know why their machine differs.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NBVAL = ["-m", "pytest", "-p", "no:cacheprovider", "-q", "--nbval",
         "--nbval-sanitize-with", str(ROOT / "tests" / "nbval_sanitize.cfg")]
SHAPES = ("1cpu", "all", "busy")
_FAILED = re.compile(r"^FAILED (\S+(?: \d+)?)", re.M)  # "notebooks/x.ipynb::Cell 7"


def _spin() -> None:  # pragma: no cover - runs in the hog processes
    x = 0
    while True:
        x = (x * 6364136223846793005 + 1) & 0xFFFFFFFFFFFFFFFF


class Hog:
    """One busy process per CPU, for as long as the ``with`` block lasts."""

    def __init__(self, cpus: int | None = None):
        self.cpus = cpus or os.cpu_count() or 1
        self.procs: list[multiprocessing.Process] = []

    def __enter__(self) -> "Hog":
        for _ in range(self.cpus):
            p = multiprocessing.Process(target=_spin, daemon=True)
            p.start()
            self.procs.append(p)
        return self

    def __exit__(self, *exc) -> None:
        for p in self.procs:
            p.kill()
            p.join()


def nbval_command(shape: str, paths: list[str]) -> list[str]:
    """The pytest command for one shape (the hog is started around it, not in it)."""
    cmd = [sys.executable, *NBVAL, *paths]
    if shape == "1cpu":
        if shutil.which("taskset") is None:
            raise SystemExit("taskset (util-linux) is needed for the one-CPU shape: apt-get install util-linux")
        cmd = ["taskset", "-c", "0", *cmd]
    return cmd


def run_once(shape: str, paths: list[str]) -> tuple[list[str], str, float]:
    """(cells that differed, pytest's closing line, seconds) for one nbval pass."""
    started = time.monotonic()
    cmd = nbval_command(shape, paths)
    if shape == "busy":
        with Hog():
            proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    else:
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    seconds = time.monotonic() - started
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    closing = lines[-1] if lines else "(no output)"
    failed = _FAILED.findall(proc.stdout)
    if failed:  # keep what differed, for the reader of the matrix
        log = ROOT / "build" / "machine-matrix" / f"{shape}-{int(time.time())}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(proc.stdout)
        closing += f"; pytest's output: {log.relative_to(ROOT)}"
    if proc.returncode not in (0, 1):  # 1 = some cells failed; anything else is a broken run
        failed.append(f"(pytest exit status {proc.returncode}: {closing})")
    return failed, closing, seconds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3, help="passes per shape (default 3)")
    ap.add_argument("--shapes", default=",".join(SHAPES),
                    help=f"comma-separated, from {', '.join(SHAPES)} (default: all three)")
    ap.add_argument("paths", nargs="*", default=["notebooks", "labs"])
    args = ap.parse_args(argv)
    shapes = args.shapes.split(",")
    if unknown := [s for s in shapes if s not in SHAPES]:
        ap.error(f"unknown shape(s) {unknown}; choose from {', '.join(SHAPES)}")
    print(f"machine: {os.cpu_count()} CPUs; shapes: {', '.join(shapes)}; {args.runs} run(s) each", flush=True)
    differed_total = 0
    for shape in shapes:
        for run in range(1, args.runs + 1):
            failed, closing, seconds = run_once(shape, args.paths)
            differed_total += len(failed)
            print(f"{shape:5} run {run}: {len(failed)} cell(s) differed in {seconds:.0f} s ({closing})",
                  flush=True)
            for node in failed:
                print(f"    {node}", flush=True)
    print(f"cells that differed, all runs: {differed_total}")
    return 1 if differed_total else 0


if __name__ == "__main__":
    sys.exit(main())
