"""The classroom's parts without a hub: roster, cgroups on a fake tree, safe seeding, report, config, handout."""
from __future__ import annotations

import csv
import json
import os
import pwd
import subprocess
import time
from pathlib import Path

import pytest

from whygo.classroom import limits
from whygo.classroom.collect import HandIn
from whygo.classroom.homes import HomeError, SEED_STAMP, keep_seed_fresh, seed_files, seed_go_cache
from whygo.classroom.load import Cell, NotebookRun, StudentRun, expected_errors, output_text, percentile, summarize
from whygo.classroom.report import (Grade, feedback_text, pass_rates, read_grades, summary_lines, write_gradebook,
                                    write_report)
from whygo.classroom.users import RosterError, read_roster


# -- roster ---------------------------------------------------------------------------------------

def test_roster_reads_names_and_skips_comments(tmp_path):
    (tmp_path / "r.txt").write_text("# class A\nalice\n\nbob  # late\n")
    assert read_roster(tmp_path / "r.txt") == ["alice", "bob"]


@pytest.mark.parametrize("text, why", [("Alice\n", "usable"), ("root\n", "usable"), ("a b\n", "usable"),
                                       ("bob\nbob\n", "twice"), ("# nobody\n", "no student")])
def test_roster_refuses_bad_or_repeated_names(tmp_path, text, why):
    (tmp_path / "r.txt").write_text(text)
    with pytest.raises(RosterError, match=why):
        read_roster(tmp_path / "r.txt")


# -- cgroups, on a fake tree ---------------------------------------------------------------------

def _v1_tree(root: Path) -> tuple[str, str]:
    lines = []
    for i, c in enumerate(["memory", "pids", "cpu,cpuacct", "freezer"]):
        (root / c / "job").mkdir(parents=True)
        lines.append(f"{30 + i} 25 0:{30 + i} / {root / c} rw,nosuid - cgroup cgroup rw,{c}")
    proc = "\n".join(f"{i}:{c}:/job" for i, c in enumerate(["memory", "pids", "cpu,cpuacct", "freezer"], 1))
    return "\n".join(lines), proc


def test_cgroup_v1_groups_are_made_below_our_own_with_their_limits(tmp_path):
    mountinfo, proc = _v1_tree(tmp_path)
    cg = limits.probe(mountinfo=mountinfo, proc_cgroup=proc)
    assert cg is not None and cg.version == 1 and cg.controllers == {"memory", "pids", "cpu"}
    assert cg.bases["memory"] == tmp_path / "memory" / "job" / limits.GROUP_DIR
    assert cg.freezer == tmp_path / "freezer" / "job" / limits.GROUP_DIR
    group = cg.group("alice")
    group.create(limits.StudentLimits(memory_mb=100, processes=7))
    assert (cg.bases["memory"] / "alice" / "memory.limit_in_bytes").read_text() == str(100 * limits.MB)
    assert (cg.bases["pids"] / "alice" / "pids.max").read_text() == "7"
    for d in group._dirs():
        (d / "cgroup.procs").touch()   # the kernel's files; join only writes into them
    group.join(4242)
    assert {(d / "cgroup.procs").read_text() for d in group._dirs()} == {"4242"}


def test_cgroup_v2_needs_memory_and_pids_delegated(tmp_path):
    own = tmp_path / "job"
    own.mkdir()
    (own / "cgroup.subtree_control").write_text("")
    mountinfo = f"30 25 0:30 / {tmp_path} rw - cgroup2 cgroup2 rw"
    (own / "cgroup.controllers").write_text("cpu io")
    assert limits.probe(mountinfo=mountinfo, proc_cgroup="0::/job") is None
    (own / "cgroup.controllers").write_text("cpu io memory pids")
    cg = limits.probe(mountinfo=mountinfo, proc_cgroup="0::/job")
    assert cg is not None and cg.version == 2 and cg.controllers == {"memory", "pids", "cpu"}
    assert (own / "cgroup.subtree_control").read_text() == "+memory +pids +cpu"
    cg.group("bob").create(limits.StudentLimits(memory_mb=64, processes=9))
    assert (own / limits.GROUP_DIR / "bob" / "memory.max").read_text() == str(64 * limits.MB)
    assert (own / limits.GROUP_DIR / "bob" / "pids.max").read_text() == "9"


def test_without_a_memory_cgroup_each_process_gets_a_data_limit():
    import resource
    with_cg = limits.StudentLimits().rlimits(memory_cgroup=True)
    without = limits.StudentLimits().rlimits(memory_cgroup=False)
    assert resource.RLIMIT_DATA not in with_cg and without[resource.RLIMIT_DATA] == 2048 * limits.MB
    assert with_cg[resource.RLIMIT_NPROC] == 512 and with_cg[resource.RLIMIT_CORE] == 0


def test_kill_uid_refuses_root():
    with pytest.raises(ValueError):
        limits.kill_uid(0)


# -- seeding a home without following the student's links ------------------------------------------

def _me(home: Path) -> pwd.struct_passwd:
    return pwd.struct_passwd(("student", "x", os.getuid(), os.getgid(), "", str(home), "/bin/sh"))


def _seed(tmp_path: Path) -> Path:
    seed = tmp_path / "seed"
    (seed / "ab").mkdir(parents=True)
    (seed / "ab" / "ab12-d").write_text("compiled")
    (seed / "trim.txt").write_text("0")
    (seed / SEED_STAMP).write_text("s1\n")
    return seed


def test_seeding_links_the_warm_cache_once(tmp_path):
    seed, home = _seed(tmp_path), tmp_path / "home"
    home.mkdir()
    assert seed_go_cache(_me(home), seed) == 1
    linked = home / ".cache" / "go-build" / "ab" / "ab12-d"
    assert linked.stat().st_ino == (seed / "ab" / "ab12-d").stat().st_ino
    assert not (home / ".cache" / "go-build" / "trim.txt").exists()   # Go's own files are the student's
    assert seed_go_cache(_me(home), seed) == 0                         # the stamp says it is done
    (seed / SEED_STAMP).write_text("s2\n")
    (seed / "ab" / "ab34-d").write_text("more")
    assert seed_go_cache(_me(home), seed) == 1                         # a new seed: only what is missing


def test_the_seed_is_kept_younger_than_gos_five_day_trim(tmp_path):
    seed = _seed(tmp_path)
    entry, stamp = seed / "ab" / "ab12-d", seed / SEED_STAMP
    six_days_ago = time.time() - 6 * 24 * 3600
    for f in (entry, stamp):
        os.utime(f, (six_days_ago, six_days_ago))
    assert keep_seed_fresh(seed) is True
    assert time.time() - entry.stat().st_mtime < 60 and time.time() - stamp.stat().st_mtime < 60
    assert keep_seed_fresh(seed) is False                 # refreshed today: nothing to do
    assert keep_seed_fresh(seed, now=time.time() + 2 * 24 * 3600) is True


def test_seeding_refuses_a_planted_symlink(tmp_path):
    seed, home, elsewhere = _seed(tmp_path), tmp_path / "home", tmp_path / "etc"
    home.mkdir()
    elsewhere.mkdir()
    (home / ".cache").symlink_to(elsewhere)
    with pytest.raises(HomeError, match="not a plain folder"):
        seed_go_cache(_me(home), seed)
    with pytest.raises(HomeError):
        seed_files(_me(home), seed, ["trim.txt"], ".cache", "whygo")
    assert list(elsewhere.iterdir()) == []


def test_seeding_refuses_a_folder_of_someone_else(tmp_path):
    home = tmp_path / "home"
    (home / ".cache").mkdir(parents=True)
    other = pwd.struct_passwd(("student", "x", 12345, 12345, "", str(home), "/bin/sh"))
    with pytest.raises(HomeError, match="does not belong"):
        seed_go_cache(other, _seed(tmp_path))


# -- report and feedback --------------------------------------------------------------------------

def _graded(out: Path) -> Path:
    out.mkdir()
    hand_ins = [HandIn("ann", "escape", str(out / "ann.ipynb"), 1000.0, 400.0),
                HandIn("ben", "escape", str(out / "ben.ipynb"), 2000.0, 200.0),
                HandIn("cy", "escape", problem="nothing collected: No such file or directory")]
    (out / "collected.json").write_text(json.dumps([h.__dict__ for h in hand_ins]))
    with open(out / "grades.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["file", "lab", "score", "max", "escape/1", "escape/2", "note"])
        w.writerow([str(out / "ann.ipynb"), "escape", 2, 2, "passed", "passed", ""])
        w.writerow([str(out / "ben.ipynb"), "escape", 1, 2, "passed", "not yet", "only task cells are graded"])
    return out


def test_gradebook_has_every_student_of_the_class_with_time_spent(tmp_path):
    out = _graded(tmp_path / "out")
    grades = read_grades(out)
    write_gradebook(grades, out / "gradebook.csv")
    with open(out / "gradebook.csv", newline="") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    assert rows["ann"]["score"] == "2" and rows["ann"]["minutes_spent"] == "10.0"
    assert rows["ben"]["escape/2"] == "not yet" and rows["ben"]["minutes_spent"] == "30.0"
    assert rows["cy"]["score"] == "0" and rows["cy"]["escape/1"] == "not handed in"
    assert rows["cy"]["note"].startswith("nothing collected")


def test_class_report_puts_the_most_failed_check_first(tmp_path):
    grades = read_grades(_graded(tmp_path / "out"))
    assert pass_rates(grades) == [("escape/2", 1 / 3), ("escape/1", 2 / 3)]
    assert summary_lines(grades)[0] == "3 student(s), 2 hand-in(s), mean score 1.00 / 2"
    page = write_report(tmp_path / "out", grades).read_text()
    assert "escape/2: 33% passed" in page and "data:image/png;base64," in page


def test_feedback_names_every_check_and_the_note():
    text = feedback_text(Grade("ben", "escape", 1, 2, {"escape/1": "passed", "escape/2": "not yet"},
                               note="only task cells are graded"))
    assert text.startswith("# Lab 1: Escape analysis")
    assert "**Score: 1 / 2**" in text and "| `escape/2` | not yet |" in text
    assert "Grader's note: only task cells are graded" in text


# -- the load driver's bookkeeping ---------------------------------------------------------------

def test_figures_count_failures_apart_from_run_all_times():
    ok = NotebookRun("lab", first_output_seconds=1.0, run_all_seconds=10.0, cells=[Cell("a", "ok", 1.0)],
                     saved=True)
    bad = NotebookRun("lab", first_output_seconds=2.0, run_all_seconds=99.0,
                      cells=[Cell("a", "ok", 1.0), Cell("b", "timeout", 90.0)])
    expected = NotebookRun("lab", run_all_seconds=20.0, cells=[Cell("c", "expected-error", 1.0)], saved=True)
    fig = summarize([StudentRun("s1", notebooks=[ok]), StudentRun("s2", notebooks=[bad]),
                     StudentRun("s3", notebooks=[expected])], "lab")
    assert fig["failed_cells"] == 1 and fig["timeouts"] == 1 and fig["saved"] == 2
    assert fig["run_all_p50_seconds"] == 15.0 and fig["run_all_max_seconds"] == 20.0
    assert percentile([1, 2, 3, 4, 5], 0.95) == pytest.approx(4.8) and percentile([], 0.5) is None


def test_stored_errors_are_expected_and_outputs_read_as_text():
    nb = {"cells": [{"cell_type": "code", "id": "x", "outputs": [{"output_type": "error"}]},
                    {"cell_type": "code", "id": "y", "outputs": []}, {"cell_type": "markdown", "id": "z"}]}
    assert expected_errors(nb) == {"x"}
    assert output_text([{"output_type": "stream", "name": "stdout", "text": "hi\n"},
                        {"output_type": "execute_result", "data": {"text/plain": "3"}},
                        {"output_type": "error", "ename": "E", "evalue": "v", "traceback": []}]) == "hi\n3\nE: v\n"


# -- the hub's configuration and the handout ------------------------------------------------------

def test_hub_config_names_the_class_and_its_limits(tmp_path):
    pytest.importorskip("jupyterhub")
    from traitlets.config import Config
    from whygo.classroom.hubconfig import hub_url, teacher_token, write_config
    (tmp_path / "roster.txt").write_text("ann\nben\n")
    path = write_config(tmp_path, port=18000, auth="pam", admin=["teach"], memory_mb=1024, spawn_limit=3)
    assert oct((tmp_path / "hub").stat().st_mode & 0o777) == "0o700"
    assert oct((tmp_path / "hub" / "teacher-token").stat().st_mode & 0o777) == "0o600"
    c = Config()
    exec(compile(path.read_text(), str(path), "exec"), {"c": c})
    assert c.JupyterHub.bind_url == "http://127.0.0.1:18000"
    assert c.Authenticator.allowed_users == {"ann", "ben"} and c.Authenticator.admin_users == {"teach"}
    assert c.JupyterHub.spawner_class.__name__ == "ClassroomSpawner"
    assert c.ClassroomSpawner.memory_mb == 1024 and c.JupyterHub.concurrent_spawn_limit == 3
    assert c.JupyterHub.spawn_throttle_retry_range == (10, 30)
    assert hub_url(tmp_path) == "http://127.0.0.1:18000"
    assert c.JupyterHub.services == [{"name": "whygo-teacher", "api_token": teacher_token(tmp_path)}]
    assert "--MappingKernelManager.kernel_info_timeout=300" in c.Spawner.args
    assert "--KernelManager.transport=ipc" in c.Spawner.args
    assert c.Spawner.environment["GIT_CONFIG_SYSTEM"] == str(tmp_path / "gitconfig")
    with pytest.raises(ValueError, match="pam"):
        write_config(tmp_path, auth="ldap")


def test_handout_is_a_repository_of_student_versions_with_a_link(tmp_path):
    from whygo.classroom.handout import REPO, build_handout, link
    repo = build_handout(tmp_path)
    files = subprocess.run(["git", "--git-dir", str(repo), "ls-tree", "-r", "--name-only", "main"],
                           capture_output=True, text=True, check=True).stdout.split()
    assert "README.md" in files and "labs/01-escape-analysis.ipynb" in files
    assert "notebooks/02-5-context.ipynb" in files and not any("solutions" in f for f in files)
    lab = json.loads(subprocess.run(["git", "--git-dir", str(repo), "show", "main:labs/01-escape-analysis.ipynb"],
                                    capture_output=True, text=True, check=True).stdout)
    assert all(c.get("outputs", []) == [] for c in lab["cells"])
    commits = lambda: subprocess.run(["git", "--git-dir", str(repo), "rev-list", "--count", "main"],  # noqa: E731
                                     capture_output=True, text=True, check=True).stdout.strip()
    assert commits() == "1"
    build_handout(tmp_path)
    assert commits() == "1"     # nothing changed: no new commit for nbgitpuller to merge
    assert f"safe]\n\tdirectory = {repo.resolve()}" in (tmp_path / "gitconfig").read_text()
    url = link("http://hub:8000/", tmp_path, "labs/02-scheduler.ipynb")
    assert url.startswith("http://hub:8000/hub/user-redirect/git-pull?repo=file%3A%2F%2F")
    assert f"{REPO}" in url and "urlpath=lab%2Ftree%2Fcourse%2Flabs%2F02-scheduler.ipynb" in url


def test_reading_and_writing_as_the_student_keeps_their_modes_and_reports_errors(tmp_path):
    from whygo.classroom.homes import as_student, read_as_student, write_as_student
    me = _me(tmp_path)
    path = write_as_student(me, "feedback", "escape.md", b"# feedback\n")
    assert oct(os.stat(path).st_mode & 0o777) == "0o600" and not list((tmp_path / "feedback").glob(".*"))
    data, mtime = read_as_student(me, path)
    assert data == b"# feedback\n" and mtime == pytest.approx(os.stat(path).st_mtime, abs=1)
    with pytest.raises(HomeError, match="No such file"):
        read_as_student(me, str(tmp_path / "missing.ipynb"))
    with pytest.raises(HomeError, match="directory, not a file"):
        read_as_student(me, str(tmp_path / "feedback"))
    with pytest.raises(HomeError, match="larger than"):
        as_student(me, ["head", "-c", "3000000", "/dev/zero"], cap=1 << 20)
    with pytest.raises(ValueError):
        write_as_student(me, "feedback", "../escape.md", b"")
