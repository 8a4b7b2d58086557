"""The labs: which notebook, which kernel, which checks, and where the solutions are.

Cell ids are the contract between a lab notebook, its solutions and the
grader: ``task-N`` is the cell the learner edits for task N, ``check-N`` the
cell that prints the verdict of check ``<lab>/N``. Both are set once in the
notebook and never change.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LABS_DIR = REPO / "labs"
SOLUTIONS_DIR = LABS_DIR / "solutions"


class UnknownLab(KeyError):
    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Lab:
    id: str
    title: str
    notebook: str           # file name in labs/
    kernel: str             # "python3" or "whygo-go"
    checks: tuple[str, ...] # "<id>/1", ...
    minutes: int
    checks_module: str | None   # the module of its checks (see whygo.labs.registry); None: checked in Go

    @property
    def path(self) -> Path:
        return LABS_DIR / self.notebook

    @property
    def solution_dir(self) -> Path:
        return SOLUTIONS_DIR / self.id

    def check_cell(self, check: str) -> str:
        return "check-" + check.split("/", 1)[1]


def _lab(id: str, title: str, notebook: str, kernel: str, n: int, minutes: int) -> Lab:
    module = f"whygo.labs.{id}" if kernel == "python3" else None
    return Lab(id, title, notebook, kernel, tuple(f"{id}/{i}" for i in range(1, n + 1)), minutes, module)


LABS: dict[str, Lab] = {lab.id: lab for lab in [
    _lab("escape", "Lab 1: Escape analysis — constructors that do not allocate",
         "01-escape-analysis.ipynb", "python3", 2, 30),
    _lab("sched", "Lab 2: Scheduler — predict, then steal", "02-scheduler.ipynb", "python3", 2, 30),
    _lab("barrier", "Lab 3: Write barrier — lose no reachable object", "03-write-barrier.ipynb",
         "python3", 2, 30),
    _lab("leak", "Lab 4: Channels and context — fix a goroutine leak (Go kernel)",
         "04-goroutine-leak.ipynb", "whygo-go", 2, 25),
    _lab("diet", "Lab 5: Allocation diet — allocs/op under a target", "05-allocation-diet.ipynb",
         "python3", 2, 30),
    _lab("binary", "Lab 6: Binary diet — the smallest static build, flags only", "06-binary-diet.ipynb",
         "python3", 2, 20),
]}


def get(lab_id: str) -> Lab:
    if lab_id not in LABS:
        raise UnknownLab(f"unknown lab {lab_id!r}: the labs are {', '.join(LABS)}")
    return LABS[lab_id]
