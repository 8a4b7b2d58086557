"""``whygo grade`` against hostile submissions: each one is graded beside an honest one.

One class of the scheduler lab is graded once through ``whygo grade`` (the
command, so the CSV is written as a teacher gets it), two at a time, in
pairs: an honest student (the solution, in a folder of its own with a
secret file in it) and a hostile one. Every hostile submission starts from
the solution, so anything that got through would show: its own row, the
honest rows, the CSV, the files of the class and of this machine.

Every honest row must come out unchanged: 2/2, no note, file untouched.
Every hostile row must carry a note that says what was stopped.
"""
from __future__ import annotations

import csv
import hashlib
import shutil
import socket
import tempfile
import threading
from pathlib import Path

import nbformat
import pytest

from whygo.labs.catalog import LABS, REPO
from whygo.labs.grade import NOT_YET, PASSED, main
from whygo.labs.notebook import cells_by_id, read, with_solutions
from whygo.labs.sandbox import UID_RANGE, Sandbox

from sandbox_helpers import processes_of

SANDBOX = Sandbox.probe()
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not SANDBOX.complete, reason=f"needs root and Linux namespaces: {SANDBOX.problem}")]

SOLVED_TASK_1 = 'predictions = {"a": "runnext", "b": "local", "c": "global", "d": "stolen", "e": "global"}'


def _hostile(places: dict) -> dict[str, str]:
    """name -> its task-1: an attack that stops the cell if it is blocked, then the solution
    (the last one's answers are wrong: it passes only if the check was fooled)."""
    attacks = {
        "writes-outside": f'open("/tmp/pwned-{places["token"]}", "w").write("x")   # its own /tmp: fine\n'
                          f'open("{REPO}/pwned-{places["token"]}", "w").write("x")',
        "edits-another": f'open("{places["honest"]}", "a").write(" ")',
        "overwrites-csv": f'open("{places["csv"]}", "w").write("file,score\\nme,100\\n")',
        "reads-root": f'raise RuntimeError("stolen: " + open("{places["root_secret"]}").read())',
        "reads-classmate": f'raise RuntimeError("stolen: " + open("{places["classmate_secret"]}").read())',
        "network": f'import socket\nsocket.create_connection(("127.0.0.1", {places["port"]}), timeout=5)'
                   f'.sendall(b"stolen")',
        "forks": 'import os, time\ntry:\n    while True:\n        if os.fork() == 0:\n            time.sleep(60)\n'
                 '            os._exit(0)\nexcept BlockingIOError as e:\n'
                 '    raise BlockingIOError(f"{e} (uid {os.getuid()})")',   # tells the test whom to look for
        "allocates": 'hog = bytearray(64 * 2**30)',
        "replaces-check": 'import whygo.labs, whygo.labs.sched\nfrom whygo.labs.protocol import passed\n'
                          'whygo.labs.run_check = lambda check_id, ns=None: passed(check_id, "trust me")\n'
                          'whygo.labs.check = lambda check_id, ns=None: print(passed(check_id, "trust me").line())\n'
                          'whygo.labs.sched.check_policy = lambda ns: passed("sched/2", "trust me")\n'
                          'whygo.labs.sched.truth = lambda key: "?"\n'
                          'predictions = {k: "?" for k in "abcde"}',
    }
    return {name: code if name == "replaces-check" else f"{code}\n{SOLVED_TASK_1}" for name, code in attacks.items()}


def _fingerprint(paths) -> dict:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


class Listener:
    """A loopback server on this machine: did anything connect?"""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections, self.stop = 0, threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self):
        while not self.stop.is_set():
            try:
                self.server.accept()[0].close()
                self.connections += 1
            except OSError:
                pass

    def close(self):
        self.stop.set()
        self.thread.join()
        self.server.close()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    lab = LABS["sched"]
    solved = with_solutions(read(lab.path), lab)
    folder = tmp_path_factory.mktemp("class")
    root_dir = Path(tempfile.mkdtemp(dir=Path.home(), prefix=".whygo-test-"))   # /root when run as root
    listener = Listener()
    token = root_dir.name.split("-")[-1]
    places = {"token": token, "csv": folder / "grades.csv", "port": listener.port,
              "root_secret": root_dir / "secret.txt", "honest": folder / "honest-0" / "honest-0.ipynb",
              "classmate_secret": folder / "honest-0" / "secret.txt"}
    places["root_secret"].write_text(f"ROOT-SECRET-{token}")
    hostile, honest = {}, {}
    try:
        for i, (name, code) in enumerate(_hostile(places).items()):
            for kind, source, table in (("honest", SOLVED_TASK_1, honest), (name, code, hostile)):
                key = f"honest-{i}" if kind == "honest" else name
                (folder / key).mkdir()
                (folder / key / "secret.txt").write_text(f"SECRET-OF-{key}-{token}")
                nb = nbformat.from_dict(solved)
                cells_by_id(nb)["task-1"].source = source
                nbformat.write(nb, str(folder / key / f"{key}.ipynb"))
                table[key] = folder / key / f"{key}.ipynb"
        paths = [p for pair in zip(honest.values(), hostile.values()) for p in pair]
        before = _fingerprint(paths)
        assert main([*map(str, paths), "--lab", "sched", "--out", str(places["csv"]), "--workers", "2",
                     "--timeout", "90"]) == 0
        rows = {Path(r["file"]).stem: r for r in csv.DictReader(places["csv"].open())}
        yield {"rows": rows, "honest": honest, "hostile": hostile, "before": before, "paths": paths,
               "places": places, "connections": listener.connections, "folder": folder}
    finally:
        listener.close()
        shutil.rmtree(root_dir, ignore_errors=True)


def test_every_honest_submission_is_graded_as_if_alone(graded):
    for name in graded["honest"]:
        row = graded["rows"][name]
        assert (row["score"], row["sched/1"], row["sched/2"], row["note"]) == ("2", PASSED, PASSED, ""), row


def test_no_submitted_file_is_changed(graded):
    assert _fingerprint(graded["paths"]) == graded["before"]


def test_the_csv_is_the_graders_own(graded):
    text = graded["places"]["csv"].read_text()
    assert text.startswith("file,lab,score,max,sched/1,sched/2,note") and "me,100" not in text
    assert len(graded["rows"]) == len(graded["paths"])


def _note(graded, name: str) -> str:
    row = graded["rows"][name]
    assert row["sched/1"] == NOT_YET and row["sched/2"] == PASSED, row   # its task-1 stopped; task-2 is fine
    return row["note"]


def test_a_write_outside_its_folder_is_refused_and_its_own_tmp_stays_its_own(graded):
    token = graded["places"]["token"]
    assert "task-1 stopped with OSError: [Errno 30] Read-only file system" in _note(graded, "writes-outside")
    assert not (REPO / f"pwned-{token}").exists() and not Path(f"/tmp/pwned-{token}").exists()


def test_another_submission_cannot_be_seen_let_alone_edited(graded):
    assert "task-1 stopped with FileNotFoundError" in _note(graded, "edits-another")


def test_the_csv_path_cannot_be_written(graded):
    assert "task-1 stopped with FileNotFoundError" in _note(graded, "overwrites-csv")


@pytest.mark.parametrize("name", ["reads-root", "reads-classmate"])
def test_secrets_outside_its_folder_cannot_be_read(graded, name):
    note = _note(graded, name)
    assert "task-1 stopped with FileNotFoundError" in note or "task-1 stopped with PermissionError" in note
    everything = graded["places"]["csv"].read_text()
    assert "stolen" not in everything and "SECRET" not in everything


def test_the_network_is_out_of_reach(graded):
    assert "task-1 stopped with ConnectionRefusedError" in _note(graded, "network")
    assert graded["connections"] == 0


def test_a_fork_bomb_stops_at_the_process_limit_and_leaves_nothing(graded):
    note = _note(graded, "forks")
    assert "task-1 stopped with BlockingIOError: [Errno 11] Resource temporarily unavailable (uid " in note
    uid = int(note.split("(uid ")[1].split(")")[0])
    assert UID_RANGE[0] <= uid < UID_RANGE[1] and processes_of(uid) == []


def test_memory_beyond_the_limit_is_refused(graded):
    assert "task-1 stopped with MemoryError" in _note(graded, "allocates")


def test_replacing_the_check_changes_nothing_and_is_reported(graded):
    row = graded["rows"]["replaces-check"]
    assert (row["sched/1"], row["sched/2"], row["score"]) == (NOT_YET, PASSED, "1"), row
    assert row["note"] == ("task-1 replaced whygo.labs.check, whygo.labs.run_check, whygo.labs.sched.check_policy, "
                           "whygo.labs.sched.truth: no effect, checks run in a process of their own")
