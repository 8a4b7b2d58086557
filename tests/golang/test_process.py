"""whygo.golang.process: the one way the course starts and stops a process group.

Timeouts, output floods, orphans (a grandchild that outlives its parent),
interrupts and interrupt_all, with small Python and shell programs; the last
tests stop a real %%gobench benchmark and a server started by chapter 4.1's
helpers through the same registry.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import psutil
import pytest

from whygo.golang import process
from whygo.golang.process import interrupt_all, run, start

PY = sys.executable


def dead(pid: int, within: float = 5.0) -> bool:
    end = time.monotonic() + within
    while time.monotonic() < end:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.02)
    return False


def test_output_and_exit_status_of_both_streams():
    got = run([PY, "-c", "import sys; print('out'); print('err', file=sys.stderr); sys.exit(3)"])
    assert (got.out, got.err, got.returncode, got.timed_out, got.truncated) == ("out\n", "err\n", 3, False, False)


def test_stdin_reaches_the_program():
    assert run([PY, "-c", "import sys; print(sys.stdin.read().upper())"], stdin="abc").out == "ABC\n"


def test_a_timeout_stops_the_program_with_sigint():
    got = run([PY, "-c", "import time; time.sleep(60)"], timeout=0.5)
    assert got.timed_out and got.returncode != 0


def test_a_program_ignoring_sigint_is_killed_after_the_grace():
    script = "import signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN); print('ready', flush=True); time.sleep(60)"
    got = run([PY, "-c", script], timeout=0.5)
    assert got.timed_out and got.returncode == -signal.SIGKILL and got.out == "ready\n"


def test_a_flood_is_capped_and_the_program_is_not_blocked():
    got = run([PY, "-c", "import sys; sys.stdout.write('x' * 5_000_000)"], cap=1000, timeout=60)
    assert got.returncode == 0 and not got.timed_out
    assert got.stdout == b"x" * 1000 and got.dropped == (4_999_000, 0) and got.truncated


def test_with_keep_lines_past_the_cap_survive_if_wanted():
    script = "for i in range(10000): print('noise', i)\nprint('RESULT 42')"
    got = run([PY, "-c", script], cap=100, keep=lambda line: line.startswith("RESULT"))
    assert got.out.startswith("noise 0\n") and got.out.endswith("RESULT 42\n")
    assert len(got.stdout) < 200 and got.dropped[0] > 50_000


def test_a_grandchild_that_outlives_the_child_is_killed_with_the_group(tmp_path):
    pidfile = tmp_path / "pid"
    got = run(["/bin/sh", "-c", f"sleep 60 & echo $! > {pidfile}; exit 0"], timeout=30)
    assert got.returncode == 0 and not got.timed_out
    assert dead(int(pidfile.read_text()))
    assert process._running == {}


def test_keyboard_interrupt_stops_the_group_and_reraises(tmp_path):
    pidfile = tmp_path / "pid"
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            run(["/bin/sh", "-c", f"sleep 60 & echo $! > {pidfile}; wait"], timeout=60)
    finally:
        timer.cancel()
    assert dead(int(pidfile.read_text()))
    assert process._running == {}


def in_thread(call) -> tuple[threading.Thread, dict]:
    """Start ``call()`` in a thread; the dict says whether it returned or was interrupted."""
    outcome = {}

    def work():
        try:
            call()
            outcome["returned"] = True
        except KeyboardInterrupt:
            outcome["interrupted"] = True

    t = threading.Thread(target=work)
    t.start()
    return t, outcome


def test_interrupt_all_stops_a_run_in_another_thread():
    t, outcome = in_thread(lambda: run([PY, "-c", "import time; time.sleep(60)"], timeout=60))
    end = time.monotonic() + 30
    while not process._running and time.monotonic() < end:
        time.sleep(0.01)
    interrupt_all()
    t.join(30)
    assert outcome == {"interrupted": True}


def test_a_started_process_is_stopped_by_stop_and_by_interrupt_all():
    with start([PY, "-c", "import time; time.sleep(60)"]) as server:
        assert server.exited() is None
    assert dead(server.pid)
    other = start([PY, "-c", "import sys, time; print('bye', file=sys.stderr); time.sleep(60)"])
    time.sleep(0.3)
    interrupt_all()
    with pytest.raises(KeyboardInterrupt):
        other.exited()
    other.stop()
    assert dead(other.pid) and process._running == {}


def test_a_start_that_exits_reports_its_status_and_stderr():
    r = start([PY, "-c", "import sys; print('no port', file=sys.stderr); sys.exit(4)"])
    end = time.monotonic() + 30
    while r.exited() is None and time.monotonic() < end:
        time.sleep(0.01)
    assert (r.exited(), r.stderr_text()) == (4, "no port")
    r.stop()


def test_interrupt_all_stops_a_running_benchmark():
    """%%gobench runs its test binary through process.run: a kernel interrupt reaches it."""
    from whygo.golang.gotest import BenchFlags, run_bench
    cell = "func BenchmarkSpin(b *testing.B) {\n\tfor {}\n}"
    t, outcome = in_thread(lambda: run_bench(cell, BenchFlags(timeout=120)))
    end = time.monotonic() + 300
    while time.monotonic() < end and not any(p.args[0].endswith("cell.test") for p in list(process._running.values())):
        time.sleep(0.02)
    assert any(p.args[0].endswith("cell.test") for p in list(process._running.values()))
    bench = next(p for p in list(process._running.values()) if p.args[0].endswith("cell.test"))
    interrupt_all()
    t.join(60)
    assert outcome == {"interrupted": True}
    assert dead(bench.pid)


# -- the stop rule: one policy, the first signal and the grace chosen by the caller -----------

TRAPS = ("import signal, sys, time\n"
         "signal.signal(signal.SIGINT, lambda *_: (print('INT', flush=True), sys.exit(7)))\n"
         "signal.signal(signal.SIGTERM, lambda *_: (print('TERM', flush=True), sys.exit(8)))\n"
         "print('ready', flush=True)\ntime.sleep(60)")


@pytest.mark.parametrize("rule, out, code", [
    (process.INTERRUPT, "ready\nINT\n", 7),
    (process.StopRule(signal.SIGTERM, 5.0), "ready\nTERM\n", 8),
    (process.KILL, "ready\n", -signal.SIGKILL),     # a grader's sandbox: no handler gets to run
])
def test_a_timeout_stops_the_group_by_the_callers_rule(rule, out, code):
    got = run([PY, "-c", TRAPS], timeout=1.0, stop=rule)
    assert got.timed_out and (got.out, got.returncode) == (out, code)


def test_a_started_process_is_stopped_by_its_rule_with_its_descriptors():
    read_end, write_end = os.pipe()
    script = f"import os; os.write({write_end}, b'hi'); os.close({write_end})\n" + TRAPS
    with start([PY, "-c", script], stdout=write_end, pass_fds=(write_end,), stop=process.KILL) as r:
        os.close(write_end)
        assert os.read(read_end, 2) == b"hi"
        assert r.exited() is None
    os.close(read_end)
    assert r.proc.returncode == -signal.SIGKILL and dead(r.pid)


def test_wait_reaps_or_times_out():
    r = start([PY, "-c", "import time; time.sleep(60)"])
    with pytest.raises(subprocess.TimeoutExpired):
        r.wait(timeout=0.2)
    r.stop()
    q = start([PY, "-c", "raise SystemExit(5)"])
    assert q.wait(timeout=30) == 5
    q.stop()
    assert process._running == {}


def test_check_raises_like_subprocess_run_check():
    assert run([PY, "-c", "print('fine')"]).check().out == "fine\n"
    with pytest.raises(subprocess.CalledProcessError) as failed:
        run([PY, "-c", "import sys; print('oops', file=sys.stderr); sys.exit(3)"]).check()
    assert failed.value.returncode == 3 and failed.value.stderr == b"oops\n"


@pytest.mark.skipif(os.geteuid() != 0, reason="running as another user needs root")
def test_a_process_runs_as_the_given_user_without_extra_groups():
    got = run(["sh", "-c", "id -u; id -g; id -G"], user=(65534, 65534), timeout=30)
    assert got.check().out.split() == ["65534", "65534", "65534"]
