"""The grader's sandbox, tried directly: a short Python script runs inside and reports what it could do.

Each test states one thing a submission must not be able to do (or must be
able to do) and checks it from both sides where it can: what the script saw,
and what the machine shows afterwards. They need root and Linux namespaces;
without them they are skipped, saying why (the grader then says the same).
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from whygo.labs.catalog import REPO
from whygo.labs.sandbox import GO_CACHE_INSIDE, UID_RANGE, Limits, Sandbox, _reachable

from sandbox_helpers import processes_of

SANDBOX = Sandbox.probe()
pytestmark = pytest.mark.skipif(not SANDBOX.namespaces,
                                reason=f"needs root and Linux namespaces: {SANDBOX.problem}")


def inside(script: str, *, limits: Limits = Limits(cpu_seconds=30), timeout: float = 60, **kw) -> dict:
    """Run ``script`` in a sandbox; the JSON object it printed last."""
    ran = SANDBOX.run([sys.executable, "-I", "-c", script], limits=limits, timeout=timeout, **kw)
    lines = ran.captured.out.strip().splitlines()
    assert lines, f"the script printed nothing: {ran.error()}"
    return json.loads(lines[-1])


# Every script starts with this helper: attempt(f) is "ok: <value>" or the name of what f raised.
TRY = '''
import json, os
def attempt(f):
    try:
        return "ok: " + str(f())
    except BaseException as e:
        return type(e).__name__
'''


def test_it_runs_as_a_uid_of_its_own_without_groups_or_new_privileges():
    seen = inside(TRY + 'print(json.dumps({"ids": [os.getuid(), os.geteuid(), os.getgid()], "groups": os.getgroups(),'
                        ' "nnp": open("/proc/self/status").read().split("NoNewPrivs:")[1].split()[0]}))')
    uid = seen["ids"][0]
    assert UID_RANGE[0] <= uid < UID_RANGE[1] and seen["ids"] == [uid, uid, uid]
    assert seen["groups"] == [] and seen["nnp"] == "1"


def test_two_sandboxes_never_share_a_uid():
    script = 'import json, os; print(json.dumps(os.getuid()))'
    assert inside(script) != inside(script)


def test_it_sees_the_system_and_the_course_read_only_and_nothing_else():
    seen = inside(TRY + f'''
print(json.dumps({{
    "root": sorted(os.listdir("/")),
    "home": attempt(lambda: os.listdir("/home")),
    "solutions": attempt(lambda: os.listdir("{REPO}/labs/solutions")),
    "git": attempt(lambda: os.listdir("{REPO}/.git")),
    "readme": attempt(lambda: open("{REPO}/README.md").read()[:10]),
    "write_course": attempt(lambda: open("{REPO}/pwned", "w")),
    "write_etc": attempt(lambda: open("/etc/pwned", "w")),
    "write_own": attempt(lambda: open("/tmp/mine", "w").write("x")),
    "home_env": os.environ["HOME"],
}}))''')
    assert set(seen["root"]) <= {"usr", "etc", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "sys", "dev",
                                 "proc", "tmp", "var", ".hidden", ".overlay", *(p.split("/")[1] for p in SANDBOX.course)}
    assert seen["home"] == "FileNotFoundError"
    assert seen["solutions"] == "PermissionError" and seen["git"] == "PermissionError"
    assert seen["readme"].startswith("ok: ")
    assert seen["write_course"] == "OSError" and seen["write_etc"] in ("OSError", "PermissionError")
    assert seen["write_own"] == "ok: 1" and seen["home_env"] == "/tmp"
    assert not (REPO / "pwned").exists()


def test_submissions_inside_the_course_are_hidden_with_their_folder():
    """A hand-in folder inside the course is hidden whole; a file in the course's own top folder alone."""
    seen = inside(TRY + f'''print(json.dumps([attempt(lambda: open("{REPO}/README.md").read()[:1]),
    attempt(lambda: os.listdir("{REPO}/labs")), attempt(lambda: len(os.listdir("{REPO}")) > 3)]))''',
                  hide=[REPO / "README.md", REPO / "labs" / "02-scheduler.ipynb"])
    assert seen == ["PermissionError", "PermissionError", "ok: True"]


def test_it_has_no_network_even_to_this_machines_loopback():
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(5)
    port = server.getsockname()[1]
    accepted = []
    thread = threading.Thread(target=lambda: accepted.append(_accept(server)))
    thread.start()
    seen = inside(TRY + f'import socket\nprint(json.dumps(attempt(lambda: '
                        f'socket.create_connection(("127.0.0.1", {port}), timeout=3).sendall(b"x"))))')
    thread.join()
    server.close()
    assert seen in ("ConnectionRefusedError", "OSError", "TimeoutError") and accepted == [None]


def _accept(server):
    try:
        return server.accept()
    except OSError:
        return None


def test_the_go_cache_is_shared_read_only_and_new_entries_stay_private():
    if not SANDBOX.go_cache:
        pytest.skip("no Go build cache to share")
    shared = next(p for p in sorted(Path(SANDBOX.go_cache).glob("*/*-d")))
    name = shared.relative_to(SANDBOX.go_cache)
    seen = inside(TRY + f'''
print(json.dumps({{
    "read": attempt(lambda: len(open("{GO_CACHE_INSIDE / name}", "rb").read())),
    "modify": attempt(lambda: open("{GO_CACHE_INSIDE / name}", "ab").write(b"poison")),
    "add": attempt(lambda: open("{GO_CACHE_INSIDE}/00/whygo-test-entry", "w").write("x")),
}}))''')
    assert seen["read"] == f"ok: {shared.stat().st_size}"
    assert seen["modify"] == "PermissionError" and seen["add"] == "ok: 1"
    assert not (Path(SANDBOX.go_cache) / "00" / "whygo-test-entry").exists()


def test_limits_apply_to_every_process():
    limits = Limits(cpu_seconds=7, memory_mb=512, processes=40, file_mb=3)
    seen = inside('import json, resource as r\nprint(json.dumps([r.getrlimit(getattr(r, n))[0] for n in '
                  '("RLIMIT_CPU", "RLIMIT_DATA", "RLIMIT_NPROC", "RLIMIT_FSIZE")]))', limits=limits)
    assert seen == [7, 512 * 2**20, 40, 3 * 2**20]


def test_memory_and_processes_run_out_at_the_limits():
    seen = inside(TRY + '''
import time
def fork_until_refused():
    n = 0
    while True:
        if os.fork() == 0:
            time.sleep(20)
            os._exit(0)
        n += 1
print(json.dumps({"alloc": attempt(lambda: len(bytearray(3 * 2**30))), "fork": attempt(fork_until_refused)}))
''', limits=Limits(cpu_seconds=30, memory_mb=1024, processes=30))
    assert seen == {"alloc": "MemoryError", "fork": "BlockingIOError"}


def test_nothing_outlives_its_sandbox():
    """A daemon (double fork, new session) is killed when the command ends: its pipe closes at once."""
    read_end, write_end = os.pipe()
    script = '''
import os, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        time.sleep(60)
    os._exit(0)
print(os.getuid())'''
    start = time.monotonic()
    uid = inside(script, pass_fds=(write_end,))
    os.close(write_end)
    assert os.read(read_end, 1) == b"" and time.monotonic() - start < 30
    os.close(read_end)
    assert processes_of(uid) == []


def test_a_killed_sandbox_takes_its_processes_with_it():
    script = "import os, time\nos.fork()\nprint(os.getuid(), flush=True)\ntime.sleep(60)"
    with SANDBOX.start([sys.executable, "-I", "-c", script], limits=Limits(cpu_seconds=30),
                       stdout=subprocess.PIPE) as box:
        uid = int(box.proc.stdout.readline())
        assert len(processes_of(uid)) == 2
        start = time.monotonic()
        box.kill()
        assert box.proc.poll() is not None and time.monotonic() - start < 6
    time.sleep(0.5)
    assert processes_of(uid) == []


def test_a_folder_others_cannot_enter_is_reported(tmp_path):
    locked = tmp_path / "locked"
    (locked / "venv").mkdir(parents=True)
    locked.chmod(0o700)
    assert _reachable(Path("/usr/bin")) and not _reachable(locked / "venv")


def test_without_namespaces_the_probe_says_what_is_missing(monkeypatch):
    from whygo.labs import sandbox
    monkeypatch.setattr(sandbox, "_trial", lambda box: "unshare: unshare failed: Operation not permitted")
    weak = sandbox._probe.__wrapped__()
    assert not weak.namespaces and not weak.complete
    assert "no namespaces here (unshare: unshare failed: Operation not permitted)" in weak.problem
    reachable = all(_reachable(Path(p)) for p in weak.course)
    assert weak.own_uid is reachable   # never a uid that cannot reach the course's Python
    assert weak.short.startswith("partly sandboxed" if reachable else "not sandboxed (ran as root)")


def test_without_namespaces_a_uid_of_its_own_still_guards_the_graders_files():
    """The fallback (root, no namespaces), run with /bin/sh: Python may live where other uids cannot go."""
    partly = Sandbox(False, True, "partly sandboxed: test", "partly sandboxed (test)", SANDBOX.course,
                     SANDBOX.go_cache)
    entry = next(p for p in sorted(Path(SANDBOX.go_cache).glob("*/*-d")))
    script = (f'id -u; echo x > mine && echo wrote-own; echo x >> "$GOCACHE/{entry.relative_to(SANDBOX.go_cache)}" '
              f'|| echo cache-refused; echo x > "{REPO}/pwned" || echo course-refused')
    out = partly.run(["/bin/sh", "-c", script], limits=Limits(cpu_seconds=30), timeout=60).captured.out.split()
    assert UID_RANGE[0] <= int(out[0]) < UID_RANGE[1]
    assert out[1:] == ["wrote-own", "cache-refused", "course-refused"]
    assert not (REPO / "pwned").exists() and entry.read_bytes()[-2:] != b"x\n"


def test_the_memory_limit_counts_memory_used_not_address_space_reserved():
    """WebAssembly (the course's Graphviz) and Go reserve far more address space than they use."""
    seen = inside('import json\nfrom whygo.graphviz_render import to_svg\n'
                  'print(json.dumps(to_svg("digraph { a -> b }").count("<svg")))', timeout=120,
                  limits=Limits(cpu_seconds=100, memory_mb=1024))
    assert seen == 1
