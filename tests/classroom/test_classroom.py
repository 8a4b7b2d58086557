"""A real class on a real JupyterHub: the README's steps, a class pressing Run All, isolation, the round trip.

The module runs the commands of the README's "Teaching with a JupyterHub"
section as they are written there (with ``CLASS``, ``ROSTER``, ``HUB`` and the
port set by the test), starts the hub with the README's command, and then:

* a class of ``WHYGO_CLASS_SIZE`` students (3 in ``make test``, 10 in ``make
  classroom-test``) logs in with tokens, starts servers, pulls the handout,
  and runs a lab and a chapter through the kernel websocket, all at once;
* one student runs away (an endless loop on every core, a memory hog, 1 GB of
  output, a fork flood) while the others run the lab again;
* students try to reach each other's files, caches, hand-ins and servers;
* the teacher collects, grades, reports and writes feedback (README again).

Every process started here is stopped at the end (the hub and proxy by
process group and pid, what students left by cgroup or uid), and the
students' users are removed with the README's own command.
"""
from __future__ import annotations

import asyncio
import csv
import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT
from whygo.classroom import handout, limits
from whygo.classroom.bench import solve_plan, student_names
from whygo.classroom.hub import Hub, hub_command
from whygo.classroom.hubconfig import free_port
from whygo.classroom.users import student

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]   # the first run warms the class caches

SIZE = int(os.environ.get("WHYGO_CLASS_SIZE", "3"))
CLASS = ROOT / "build" / "classroom" / "test"
LAB = "escape"
LAB_PATH = f"{handout.TARGET}/labs/01-escape-analysis.ipynb"
CHAPTER_PATH = f"{handout.TARGET}/notebooks/02-5-context.ipynb"
CHP = ROOT / "build" / "classroom" / "node" / "node_modules" / ".bin" / "configurable-http-proxy"



def _why_not() -> str | None:
    if os.geteuid() != 0:
        return "students are Unix users: the hub test runs as root"
    if not shutil.which("useradd"):
        return "useradd not found: cannot make the students' users"
    if importlib.util.find_spec("jupyterhub") is None or importlib.util.find_spec("nbgitpuller") is None:
        return "JupyterHub is not installed: run `make classroom-setup`"
    if not CHP.exists() and not shutil.which("configurable-http-proxy"):
        return "configurable-http-proxy is not installed (no npm?): run `make classroom-setup`"
    return None


# -- the README's commands -----------------------------------------------------------------------

def readme_section() -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index("## Teaching with a JupyterHub")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def readme_blocks() -> list[list[str]]:
    """The shell lines of each ``sh`` block, comments removed."""
    blocks = re.findall(r"```sh\n(.*?)```", readme_section(), re.S)
    return [[re.sub(r"\s+#.*$", "", line).strip() for line in block.splitlines()
             if line.strip() and not line.strip().startswith("#")] for block in blocks]


@dataclass
class Klass:
    hub: Hub
    names: list[str]
    tokens: dict[str, str]
    env: dict[str, str]


def run_line(line: str, env: dict[str, str]) -> str:
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", line], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=1800)
    assert done.returncode == 0, f"README step failed: {line}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    why = _why_not()
    if why:
        pytest.skip(why)
    names = student_names("t", SIZE)
    roster = tmp_path_factory.mktemp("roster") / "roster.txt"
    roster.write_text("".join(f"{n}\n" for n in names))
    port = free_port()
    env = dict(os.environ, CLASS=str(CLASS), ROSTER=str(roster), HUB=f"http://127.0.0.1:{port}")
    setup, _, _ = readme_blocks()
    CLASS.mkdir(parents=True, exist_ok=True)
    subprocess.run([str(ROOT / ".venv" / "bin" / "whygo"), "classroom", "users", str(CLASS), str(roster),
                    "--remove"], cwd=ROOT, capture_output=True)   # leftovers of an interrupted run
    hub = None
    try:
        for line in setup:
            if line.startswith("make "):
                target = line.split()[1]
                assert re.search(rf"^{re.escape(target)}:", (ROOT / "Makefile").read_text(), re.M), line
            elif re.match(r"^[A-Z]+=", line):
                continue   # CLASS, ROSTER, HUB: set by the test
            elif "jupyterhub -f" in line:   # the hub runs in the background, with this very command
                argv = shlex.split(line.replace("$CLASS", str(CLASS)))
                assert [str(ROOT / argv[0]), *argv[1:]] == hub_command(CLASS)
                hub = Hub(CLASS, port).start()
            else:
                run_line(line.replace("--port 8000", f"--port {port}"), env)
        assert hub is not None, "the README never starts the hub"
        tokens = {}
        for name in names:
            r = hub.api("POST", f"/users/{name}/tokens", json={"note": "test", "expires_in": 3600})
            r.raise_for_status()
            tokens[name] = r.json()["token"]
        yield Klass(hub, names, tokens, env)
    finally:
        if hub is not None:
            hub.stop()
        removal = re.search(r"`(\.venv/bin/whygo classroom users \$CLASS --remove)`", readme_section())
        run_line(removal.group(1), env)


def _student(k: Klass, name: str):
    from whygo.classroom.load import Student
    return Student(k.hub.url, str(CLASS), name, k.tokens[name])


def _plan(names: list[str]):
    from whygo.classroom.load import Plan, expected_errors
    chapter = json.loads((ROOT / "notebooks" / Path(CHAPTER_PATH).name).read_text())
    return Plan([LAB_PATH, CHAPTER_PATH], solve=solve_plan(names, LAB), stored={CHAPTER_PATH: expected_errors(chapter)})


@pytest.fixture(scope="module")
def class_run(klass):
    """The whole class: servers, handout, the lab and a chapter with Run All at the same moment, saved."""
    from whygo.classroom.load import run_class
    runs = asyncio.run(run_class(klass.hub.url, str(CLASS), klass.tokens, _plan(klass.names), cell_timeout=900))
    return {r.name: r for r in runs}


# -- the class -----------------------------------------------------------------------------------

def test_every_student_runs_every_cell_of_the_lab_and_the_chapter(class_run, klass):
    for name in klass.names:
        run = class_run[name]
        assert not run.errors, (name, run.errors)
        assert [nb.path for nb in run.notebooks] == [LAB_PATH, CHAPTER_PATH]
        for nb in run.notebooks:
            assert nb.failed == [], (name, nb.path, nb.failed)
            assert nb.saved and nb.first_output_seconds is not None
            shipped = json.loads((ROOT / nb.path.split("/", 1)[1]).read_text())["cells"]
            assert len(nb.cells) == sum(c["cell_type"] == "code" and bool("".join(c["source"]).strip())
                                        for c in shipped)


def test_a_students_checks_say_what_their_edits_deserve(class_run, klass):
    """The lab's check cells ran in the student's kernel: solved tasks pass, the others say not yet."""
    k = klass
    plan = solve_plan(k.names, LAB)
    for name in k.names:
        st = student(name)
        nb = nbformat.read(str(Path(st.pw_dir, LAB_PATH)), as_version=4)   # as saved through the server
        # a check shows as a coloured box whose text form is the verdict line (whygo/labs/feedback.py)
        verdicts = {c.id: "".join(o.get("text", "") or o.get("data", {}).get("text/plain", "")
                                  for o in c.outputs) for c in nb.cells
                    if c.get("id", "").startswith("check-")}
        for n in (1, 2):
            expected = "passed" if f"task-{n}" in plan[name] else "not yet"
            assert f"[check {LAB}/{n}] {expected}" in verdicts[f"check-{n}"], (name, verdicts)


def test_students_caches_are_their_own_and_seeded_from_the_class(class_run, klass):
    seed = sorted((CLASS / "go-build").glob("[0-9a-f][0-9a-f]/*"))[0]
    for name in klass.names:
        st = student(name)
        cache = Path(st.pw_dir) / ".cache"
        assert (cache / "go-build").stat().st_uid == st.pw_uid
        linked = cache / "go-build" / seed.parent.name / seed.name
        assert linked.stat().st_ino == seed.stat().st_ino and linked.stat().st_uid == 0   # a hard link, root's
        assert oct(linked.stat().st_mode & 0o777) == "0o644"
        built = list((cache / "whygo" / "bin").iterdir())
        assert built and all(p.stat().st_uid == st.pw_uid for p in built)   # cells the student built


# -- isolation ------------------------------------------------------------------------------------

PROBE = r'''
import json, os, glob
home, cls = {home!r}, {cls!r}
def attempt(fn):
    try:
        fn()
        return "allowed"
    except PermissionError:
        return "denied"
    except Exception as exc:
        return type(exc).__name__
seeded = sorted(glob.glob(os.path.expanduser("~/.cache/go-build/[0-9a-f][0-9a-f]/*")))[0]
print(json.dumps({{
    "read their notebook": attempt(lambda: open(f"{{home}}/{lab}").read()),
    "list their home": attempt(lambda: os.listdir(home)),
    "write into their home": attempt(lambda: open(f"{{home}}/planted.txt", "w").write("x")),
    "read their Go cache": attempt(lambda: os.listdir(f"{{home}}/.cache/go-build")),
    "read their course cache": attempt(lambda: os.listdir(f"{{home}}/.cache/whygo")),
    "change a shared Go cache entry": attempt(lambda: open(seeded, "ab").write(b"x")),
    "add to the class's Go cache": attempt(lambda: open(f"{{cls}}/go-build/planted", "w").write("x")),
    "read the teacher's token": attempt(lambda: open(f"{{cls}}/hub/teacher-token").read()),
    "read the hand-ins": attempt(lambda: os.listdir(f"{{cls}}/hand-ins/{lab_id}")),
}}))
'''
LIMITS = "print(open('/proc/self/limits').read()); print(open('/proc/self/cgroup').read())"


def test_a_student_cannot_reach_another_students_work_caches_or_the_teachers_files(class_run, klass):
    (CLASS / "hand-ins" / LAB).mkdir(parents=True, exist_ok=True, mode=0o700)
    me, other = klass.names[0], klass.names[1]
    code = PROBE.format(home=student(other).pw_dir, cls=str(CLASS), lab=LAB_PATH, lab_id=LAB)
    [(status, text)] = asyncio.run(_student(klass, me).execute([code]))
    assert status == "ok", text
    assert set(json.loads(text.strip().splitlines()[-1]).values()) == {"denied"}, text
    assert not Path(student(other).pw_dir, "planted.txt").exists()


def test_the_hub_gives_a_students_token_only_their_own_server(class_run, klass):
    import requests
    me, other = klass.names[0], klass.names[1]
    headers = {"Authorization": f"token {klass.tokens[me]}"}
    assert requests.get(f"{klass.hub.url}/user/{me}/api/contents/{LAB_PATH}", headers=headers).status_code == 200
    theirs = requests.get(f"{klass.hub.url}/user/{other}/api/contents/{LAB_PATH}", headers=headers,
                          allow_redirects=False)
    assert theirs.status_code in (302, 403, 404) and b'"cells"' not in theirs.content
    assert klass.hub.api("GET", "/users", token=klass.tokens[me]).status_code == 403   # nor the class list


def test_limits_hold_for_everything_a_student_runs(class_run, klass):
    [(status, text)] = asyncio.run(_student(klass, klass.names[0]).execute([LIMITS]))
    assert status == "ok", text
    assert re.search(r"Max processes\s+512\s+512", text) and re.search(r"Max file size\s+1073741824", text)
    cgroups = limits.probe()
    if cgroups is not None:
        assert f"{limits.GROUP_DIR}/{klass.names[0]}" in text
        group = cgroups.group(klass.names[0])
        assert group.pids(), "the student's processes are in their group"
        mem = cgroups.bases["memory"] / klass.names[0]
        limit = (mem / ("memory.limit_in_bytes" if cgroups.version == 1 else "memory.max")).read_text()
        assert int(limit) == 2048 * limits.MB


RUNAWAY = {
    "endless loop on every core": "%%go --timeout 10\nfunc main() {\n\tfor i := 0; i < 8; i++ {\n"
                                  "\t\tgo func() { for {} }()\n\t}\n\tfor {}\n}",
    "memory hog": "%%go --timeout 120\nfunc main() {\n\tb := make([]byte, 8<<30)\n"
                  "\tfor i := 0; i < len(b); i += 4096 {\n\t\tb[i] = 1\n\t}\n\tfmt.Println(len(b))\n}",
    "1 GB of output": "%%go --timeout 120\nfunc main() {\n\tw := bufio.NewWriterSize(os.Stdout, 1<<20)\n"
                      "\tline := strings.Repeat(\"x\", 1023) + \"\\n\"\n"
                      "\tfor i := 0; i < 1<<20; i++ {\n\t\tw.WriteString(line)\n\t}\n\tw.Flush()\n}",
    "memory flood of kernel copies": "import os, time\nfor _ in range(200):\n    if os.fork() == 0:\n"
                                     "        b = b'x' * (30 << 20)\n        time.sleep(5)\n        os._exit(0)\n"
                                     "time.sleep(15)\n",
    "after the kernel died": "print('a new kernel')",   # a new one if the OOM killer took it
    "fork flood": "import subprocess\nkids = []\ntry:\n    for _ in range(3000):\n"
                  "        kids.append(subprocess.Popen(['sleep', '600']))\n"
                  "except OSError as exc:\n    print('fork refused after', len(kids), type(exc).__name__)\n",
}

DETACHED = "import subprocess\nprint(subprocess.Popen(['sleep', '600'], start_new_session=True).pid)"


def test_a_runaway_student_does_not_stop_the_others(class_run, klass):
    """While one student's programs spin, hog memory, print 1 GB and fork, the others' Run All completes."""
    from whygo.classroom.load import one_student
    me, others = klass.names[0], klass.names[1:]
    plan = _plan(klass.names)
    plan.notebooks = [LAB_PATH]

    async def scene():
        barrier = asyncio.Barrier(len(others))
        runaway = _student(klass, me).execute(["%load_ext whygo", DETACHED, *RUNAWAY.values(),
                                               "print('still here')"])
        return await asyncio.gather(runaway, *(one_student(_student(klass, n), plan, [barrier]) for n in others))

    started = klass.hub.api("GET", f"/users/{me}").json()["servers"][""]["started"]
    results, *runs = asyncio.run(scene())
    shown = dict(zip(["load", "detached", *RUNAWAY, "after"], results))
    assert shown["endless loop on every core"][0] == "error" and "timed out after 10 s" in shown[
        "endless loop on every core"][1]
    assert shown["memory hog"][0] == "error" and re.search(r"SIGKILL|out of memory|cannot allocate",
                                                           shown["memory hog"][1]), shown["memory hog"]
    assert shown["1 GB of output"][0] == "ok" and "[output truncated at 1 MB]" in shown["1 GB of output"][1]
    # copies of the kernel past the student's memory limit: the OOM killer takes copies (or the
    # kernel, which restarts), never the server: the same server runs the next cell
    assert shown["memory flood of kernel copies"][0] in ("ok", "dead"), shown["memory flood of kernel copies"]
    assert shown["after the kernel died"] == ("ok", "a new kernel\n")
    assert klass.hub.api("GET", f"/users/{me}").json()["servers"][""]["started"] == started
    flood = re.search(r"fork refused after (\d+)", shown["fork flood"][1])
    assert flood and int(flood.group(1)) < 512, shown["fork flood"]
    assert shown["after"] == ("ok", "still here\n")
    for run in runs:
        assert not run.errors and run.notebooks[0].failed == [] and run.notebooks[0].saved, run

    uid = student(me).pw_uid
    detached = int(shown["detached"][1])
    assert detached in limits.uid_pids(uid)   # it outlived its kernel...
    assert klass.hub.api("DELETE", f"/users/{me}/server").status_code in (202, 204)
    for _ in range(120):
        if not klass.hub.api("GET", f"/users/{me}").json()["servers"]:
            break
        time.sleep(0.5)
    assert limits.uid_pids(uid) == set()   # ...until the server stops: nothing the student started is left


def test_the_teacher_starts_every_server_before_the_lesson(class_run, klass):
    _, before, _ = readme_blocks()
    assert klass.hub.api("GET", "/users").status_code == 200
    run_line(before[0] + " --stop", klass.env)
    for _ in range(240):
        if not any(u["servers"] for u in klass.hub.api("GET", "/users").json() if u["name"] in klass.names):
            break
        time.sleep(0.5)
    else:
        pytest.fail("the servers did not stop")
    assert "every student's server is running" in run_line(before[0], klass.env)
    users = {u["name"]: u for u in klass.hub.api("GET", "/users").json()}
    assert all(users[n]["servers"][""]["ready"] for n in klass.names)


# -- the teacher's round trip ---------------------------------------------------------------------

def test_the_teachers_round_trip_collects_grades_reports_and_gives_feedback(class_run, klass):
    import requests
    _, _, after = readme_blocks()
    for line in after:
        run_line(line, klass.env)
    out = CLASS / "hand-ins" / LAB
    assert oct(out.stat().st_mode & 0o777) == "0o700"
    with open(out / "gradebook.csv", newline="") as f:
        book = {r["student"]: r for r in csv.DictReader(f)}
    plan = solve_plan(klass.names, LAB)
    assert set(book) == set(klass.names)
    for name, row in book.items():
        assert int(row["score"]) == len(plan[name]), (name, row)
        assert row[f"{LAB}/1"] == ("passed" if "task-1" in plan[name] else "not yet")
        assert float(row["minutes_spent"]) >= 0
    report = (out / "report.html").read_text()
    assert re.search(rf"{LAB}/1: \d+% passed", report) and "data:image/png;base64," in report
    assert (out / "report.png").stat().st_size > 10_000

    me, other = klass.names[1], klass.names[2] if len(klass.names) > 2 else klass.names[0]
    feedback = Path(student(me).pw_dir) / "feedback" / f"{LAB}.md"
    assert feedback.stat().st_uid == student(me).pw_uid and oct(feedback.stat().st_mode & 0o777) == "0o600"
    seen = requests.get(f"{klass.hub.url}/user/{me}/api/contents/feedback/{LAB}.md",
                        headers={"Authorization": f"token {klass.tokens[me]}"})
    assert seen.status_code == 200 and f"**Score: {book[me]['score']} / 2**" in seen.json()["content"]
    theirs = requests.get(f"{klass.hub.url}/user/{me}/api/contents/feedback/{LAB}.md",
                          headers={"Authorization": f"token {klass.tokens[other]}"}, allow_redirects=False)
    assert theirs.status_code in (302, 403, 404)
