"""``make classroom-bench``: a scripted class on a real hub, and the teacher's round trip, measured.

For each class size N: fresh Unix users (their homes cold but for the
seeded caches), a hub, N students who start their servers, pull the
handout, open a lab and a chapter, press Run All at the same moment (lab,
then chapter), save; then the teacher collects, grades (``whygo grade``),
reports and writes feedback. Printed as ``name: value unit`` lines, one
block per N (each opens with ``class.students``):

* ``class.run_all_p50_seconds`` / ``_p95_``: Run All of the lab, over students
  (only runs where no cell failed; failures are counted apart);
* ``class.first_output_p95_seconds``: Run All to the first output shown;
* ``class.failed_cells``: cells that failed or were lost, lab and chapter;
* ``class.chapter_run_all_p50_seconds`` / ``_p95_``;
* ``class.spawn_p95_seconds`` (login to a running server), ``class.busy_retries``;
  with ``--prestart`` the teacher starts every server first (``whygo classroom
  start``, ``class.prestart_seconds``) and students find theirs running;
* ``class.grade_all_seconds``: collect + ``whygo grade`` of every hand-in;
* ``class.peak_memory_gb``: the most that every student's processes, the hub
  and the proxy held at once (PSS, sampled each second);
  ``class.machine_memory_peak_gb``: the machine's used memory at that time.

:class:`ClassRun` (set up a class, a hub and tokens; remove it all) is
shared with ``tests/classroom/test_classroom.py``.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from whygo.classroom import handout, hubconfig, load, users
from whygo.classroom.collect import collect
from whygo.classroom.hub import Hub
from whygo.classroom.install import install
from whygo.classroom.report import read_grades, write_feedback, write_gradebook, write_report
from whygo.golang import process
from whygo.labs.catalog import get
from whygo.labs.notebook import solutions

REPO = Path(__file__).resolve().parents[2]
GRADE_TIMEOUT = 4 * 3600   # seconds for `whygo grade` over the whole class


def name_prefix(root: Path = REPO) -> str:
    """Student names are fixed per checkout (re-runs reuse them) and differ between checkouts."""
    return "wg" + hashlib.sha1(str(root).encode()).hexdigest()[:4]


def student_names(role: str, n: int) -> list[str]:
    return [f"{name_prefix()}{role}{i:02d}" for i in range(1, n + 1)]


def solve_plan(names: list[str], lab_id: str) -> dict[str, dict[str, str]]:
    """Who solves what: task-1 by two students in three, task-2 by every other one (grades differ)."""
    sol = solutions(get(lab_id))
    plan = {}
    for i, name in enumerate(names):
        chosen = {}
        if i % 3 != 2 and "task-1" in sol:
            chosen["task-1"] = sol["task-1"]
        if i % 2 == 0 and "task-2" in sol:
            chosen["task-2"] = sol["task-2"]
        plan[name] = chosen
    return plan


@dataclass
class ClassRun:
    """A class of ``names`` in ``class_dir``: users, hub config, handout, a running hub, tokens."""
    class_dir: Path
    names: list[str]
    hub: Hub | None = None
    tokens: dict[str, str] = field(default_factory=dict)

    def setup(self, *, spawn_limit: int = 4, memory_mb: int = 2048, install_env: bool = True) -> "ClassRun":
        self.class_dir.mkdir(parents=True, exist_ok=True)
        if install_env:
            install(self.class_dir)
        users.write_roster(self.class_dir / "roster.txt", self.names)
        users.remove_users(self.names)             # fresh homes: nothing left from a run before
        users.add_users(self.names)
        port = hubconfig.free_port()
        hubconfig.write_config(self.class_dir, port=port, auth="dummy", spawn_limit=spawn_limit,
                               memory_mb=memory_mb)
        handout.build_handout(self.class_dir)
        self.start_hub(port)
        return self

    def start_hub(self, port: int) -> Hub:
        self.hub = Hub(self.class_dir, port).start()
        for name in self.names:
            r = self.hub.api("POST", f"/users/{name}/tokens", json={"note": "scripted class", "expires_in": 86400})
            r.raise_for_status()
            self.tokens[name] = r.json()["token"]
        return self.hub

    def teardown(self) -> None:
        if self.hub is not None:
            self.hub.stop()
        users.remove_users(self.names)


class MemorySampler(threading.Thread):
    """Every second: the memory of the students' processes plus the hub's group (PSS: shared
    pages counted once, split between their users, where RSS would count them in every process)."""

    def __init__(self, uids: set[int], hub_pgid: int | None):
        super().__init__(daemon=True)
        self.uids, self.hub_pgid = uids, hub_pgid
        self.peak = self.machine_peak = 0
        self.stopped = threading.Event()

    def sample(self) -> int:
        total = 0
        for p in psutil.process_iter(["uids"]):
            try:
                mine = p.info["uids"] and p.info["uids"].real in self.uids
                if not mine and self.hub_pgid is not None:
                    mine = os.getpgid(p.pid) == self.hub_pgid
                if mine:
                    total += p.memory_full_info().pss
            except (psutil.Error, OSError):
                continue
        return total

    def run(self) -> None:
        while not self.stopped.wait(1.0):
            now = self.sample()
            if now > self.peak:
                vm = psutil.virtual_memory()
                self.peak, self.machine_peak = now, vm.total - vm.available

    def stop(self) -> None:
        self.stopped.set()
        self.join()


def grade_round_trip(class_dir: Path, lab_id: str, out: Path, *, workers: int = 2) -> float:
    """Collect, grade, report, feedback: the teacher's commands; seconds for collect + grade."""
    start = time.monotonic()
    hand_ins = collect(class_dir, lab_id, out)
    files = [h.file for h in hand_ins if h.file]
    if files:
        process.run([sys.executable, "-m", "whygo.cli", "grade", *files, "--lab", lab_id, "--out",
                     str(out / "grades.csv"), "--workers", str(workers)], timeout=GRADE_TIMEOUT).check()
    seconds = time.monotonic() - start
    grades = read_grades(out)
    write_gradebook(grades, out / "gradebook.csv")
    write_report(out, grades)
    write_feedback(grades)
    return seconds


def measure_class(n: int, *, lab_id: str, chapter: str, class_dir: Path, json_out: Path | None = None,
                  prestart: bool = False):
    """Yield (name, value, unit) for a class of ``n`` (servers started by the teacher first if ``prestart``)."""
    lab = get(lab_id)
    names = student_names("b", n)
    run = ClassRun(class_dir, names)
    yield "class.students", n, "students"
    try:
        run.setup(spawn_limit=4)
        if prestart:
            yield "class.prestart_seconds", run.hub.start_servers(names), "s"
        notebooks = [f"{handout.TARGET}/labs/{lab.notebook}", f"{handout.TARGET}/notebooks/{chapter}"]
        stored = {notebooks[1]: load.expected_errors(json.loads((REPO / "notebooks" / chapter).read_text()))}
        plan = load.Plan(notebooks, solve=solve_plan(names, lab_id), stored=stored)
        sampler = MemorySampler({users.student(s).pw_uid for s in names}, run.hub.proc.pid)
        sampler.start()
        try:
            runs = asyncio.run(load.run_class(run.hub.url, str(class_dir.resolve()), run.tokens, plan))
        finally:
            sampler.stop()
        lab_fig, chapter_fig = load.summarize(runs, notebooks[0]), load.summarize(runs, notebooks[1])
        spawn = [r.spawn_seconds for r in runs if r.spawn_seconds is not None]
        yield "class.run_all_p50_seconds", lab_fig["run_all_p50_seconds"], "s"
        yield "class.run_all_p95_seconds", lab_fig["run_all_p95_seconds"], "s"
        yield "class.first_output_p95_seconds", lab_fig["first_output_p95_seconds"], "s"
        yield "class.chapter_run_all_p50_seconds", chapter_fig["run_all_p50_seconds"], "s"
        yield "class.chapter_run_all_p95_seconds", chapter_fig["run_all_p95_seconds"], "s"
        yield "class.failed_cells", lab_fig["failed_cells"] + chapter_fig["failed_cells"], "cells"
        yield "class.lab_failed_cells", lab_fig["failed_cells"], "cells"
        yield "class.kernels_died", lab_fig["kernels_died"] + chapter_fig["kernels_died"], "cells"
        yield "class.timeouts", lab_fig["timeouts"] + chapter_fig["timeouts"], "cells"
        yield "class.students_with_errors", sum(bool(r.errors) for r in runs), "students"
        yield "class.saved_notebooks", lab_fig["saved"] + chapter_fig["saved"], f"of {2 * n}"
        yield "class.spawn_p95_seconds", load.percentile(spawn, 0.95), "s"
        yield "class.busy_retries", sum(r.busy_retries + r.reconnects for r in runs), "retries"
        yield "class.peak_memory_gb", sampler.peak / 1e9, "GB"
        yield "class.machine_memory_peak_gb", sampler.machine_peak / 1e9, "GB"
        if json_out is not None:
            json_out.write_text(json.dumps(load.to_json(runs), indent=1))
        out = class_dir / "hand-ins" / lab_id
        yield "class.grade_all_seconds", grade_round_trip(class_dir, lab_id, out), "s"
        grades = read_grades(out)
        yield "class.graded", sum(not g.note.startswith("nothing") for g in grades), f"of {n}"
    finally:
        run.teardown()


def main(ns) -> int:
    from whygo.bench import format_figure
    class_dir = Path(ns.class_dir or REPO / "build" / "classroom" / "bench")
    for n in ns.students:
        json_out = Path(ns.json).with_suffix(f".{n}.json") if ns.json else None
        for name, value, unit in measure_class(n, lab_id=ns.lab, chapter=ns.chapter, class_dir=class_dir,
                                               json_out=json_out, prestart=ns.prestart):
            print(format_figure(name, value if value is not None else float("nan"), unit), flush=True)
    return 0
