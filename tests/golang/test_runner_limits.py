"""Rules of whygo.golang.runner about processes: bad programs never hang the caller,
never leave a process behind, and never blow up its memory.

Each rule runs a real Go program. "Nothing left" is checked by pid: the
program reports its own pid and its children's pids (in a file, or on
stdout), and the test looks them up in /proc after the runner returns.
"""
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import tracemalloc
from pathlib import Path

import pytest

from stopwatch import GRACE_S, STUBBORN, TIMEOUT_S, PolicyClock, When, alive, running_child, stamps
from whygo.golang import process, runner
from whygo.golang.runner import run


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("WHYGO_CACHE", str(tmp_path_factory.getbasetemp() / "whygo-cache"))


def wait_dead(pid: int, seconds: float = 5.0) -> bool:
    """Dead now, or within a few seconds (init reaps orphans asynchronously)."""
    end = time.monotonic() + seconds
    while alive(pid):
        if time.monotonic() > end:
            return False
        time.sleep(0.02)
    return True


# A program that writes its pid and a child's pid to the file named by its first
# argument, then does what its second argument says.
PIDS_PROGRAM = textwrap.dedent("""\
    package main

    import (
    	"fmt"
    	"os"
    	"os/exec"
    	"os/signal"
    )

    func main() {
    	child := exec.Command("sleep", "300")
    	if os.Args[2] == "share-stdout" {
    		child.Stdout = os.Stdout // the child holds our stdout pipe open
    	}
    	if err := child.Start(); err != nil {
    		panic(err)
    	}
    	pids := fmt.Sprintf("%d %d\\n", os.Getpid(), child.Process.Pid)
    	if err := os.WriteFile(os.Args[1], []byte(pids), 0o644); err != nil {
    		panic(err)
    	}
    	fmt.Print(pids)
    	switch os.Args[2] {
    	case "loop":
    		for {
    		}
    	case "ignore-sigint":
    		signal.Ignore(os.Interrupt)
    		for {
    		}
    	}
    }
    """)


def pids_from(path: Path) -> list[int]:
    end = time.monotonic() + 10
    while not path.exists() or not path.read_text().endswith("\n"):
        assert time.monotonic() < end, "the program never wrote its pids"
        time.sleep(0.01)
    return [int(p) for p in path.read_text().split()]


# -- timeouts, children, interrupts ----------------------------------------------------

def test_timeout_kills_the_whole_group_with_sigint_first(tmp_path):
    pidfile = tmp_path / "pids"
    result = run(PIDS_PROGRAM, args=[str(pidfile), "loop"], timeout=1)
    assert result.timed_out and not result.ok
    assert result.returncode == -signal.SIGINT or result.returncode == 2   # Go dies of the SIGINT
    assert result.error_message() == "timed out after 1 s"
    program, child = pids_from(pidfile)
    assert result.stdout == f"{program} {child}\n"
    assert wait_dead(program) and wait_dead(child)


def test_a_program_ignoring_sigint_is_killed_after_the_grace(tmp_path):
    pidfile = tmp_path / "pids"
    result = run(PIDS_PROGRAM, args=[str(pidfile), "ignore-sigint"], timeout=1)
    assert result.timed_out and result.returncode == -signal.SIGKILL
    assert all(wait_dead(p) for p in pids_from(pidfile))


def test_children_die_with_the_group_when_the_program_exits(tmp_path):
    pidfile = tmp_path / "pids"
    result = run(PIDS_PROGRAM, args=[str(pidfile), "exit"], timeout=60)
    assert result.ok and not result.timed_out
    program, child = pids_from(pidfile)
    assert wait_dead(child)


def test_a_child_holding_the_stdout_pipe_does_not_hang_the_runner(tmp_path):
    pidfile = tmp_path / "pids"
    result = run(PIDS_PROGRAM, args=[str(pidfile), "share-stdout"], timeout=60)
    assert result.returncode == 0 and not result.timed_out
    program, child = pids_from(pidfile)
    assert result.stdout == f"{program} {child}\n"
    assert wait_dead(child)


def test_infinite_loop_is_stopped_at_the_timeout_and_nothing_is_left():
    result = run("fmt.Println(os.Getpid())\nfor {\n}\n", timeout=1)
    assert result.timed_out
    assert wait_dead(int(result.stdout.split()[0]))


def test_keyboard_interrupt_kills_the_group_then_reraises(tmp_path):
    pidfile = tmp_path / "pids"
    assert run(PIDS_PROGRAM, build_only=True).ok          # the interrupt must hit the program
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            run(PIDS_PROGRAM, args=[str(pidfile), "ignore-sigint"], timeout=60)
    finally:
        timer.cancel()
    assert all(wait_dead(p) for p in pids_from(pidfile))
    assert process._running == {}


def test_interrupt_all_stops_programs_run_by_other_threads(tmp_path):
    pidfile = tmp_path / "pids"
    assert run(PIDS_PROGRAM, build_only=True).ok
    outcome = {}

    def cell():
        try:
            outcome["result"] = run(PIDS_PROGRAM, args=[str(pidfile), "loop"], timeout=60)
        except KeyboardInterrupt:
            outcome["interrupted"] = True

    worker = threading.Thread(target=cell)
    worker.start()
    pids = pids_from(pidfile)
    runner.interrupt_all()
    worker.join(30)
    assert not worker.is_alive()
    assert outcome == {"interrupted": True}
    assert all(wait_dead(p) for p in pids)


# -- when: the deadline and the grace, timed ------------------------------------------------
# "No earlier than" is checked on the wall clock (a loaded machine only makes things later).
# "No later than" is checked on the policy's own clock (stopwatch.PolicyClock): it sent the
# signal at its first look at the clock past the deadline or the grace, whatever the load.

@pytest.fixture
def policy(monkeypatch):
    return PolicyClock().install(monkeypatch)


def test_sigint_comes_at_the_deadline_and_a_program_that_dies_of_it_is_not_kept_waiting(policy):
    assert run(STUBBORN, build_only=True).ok          # time the program, not its build
    called = time.time()
    result = run(STUBBORN, timeout=TIMEOUT_S)
    back = time.time()
    s = stamps(result.stdout)
    assert result.timed_out and result.returncode in (-signal.SIGINT, 2)   # Go died of the SIGINT
    assert not alive(s.pid)
    assert back >= called + TIMEOUT_S, "stopped before its timeout"
    policy.assert_sigint_at_the_deadline(TIMEOUT_S)
    policy.assert_sigkill_after_each_sigint_within_the_grace(GRACE_S)


def test_sigint_at_the_deadline_then_sigkill_after_half_a_second(policy):
    assert run(STUBBORN, build_only=True).ok
    called = time.time()
    result = run(STUBBORN, args=["ignore"], timeout=TIMEOUT_S)
    back = time.time()
    s = stamps(result.stdout)
    assert result.timed_out and result.returncode == -signal.SIGKILL
    assert result.error_message() == f"timed out after {TIMEOUT_S:g} s"
    assert not alive(s.pid)
    assert s.sigint is not None, "SIGKILL came without a SIGINT first"
    assert s.sigint >= called + TIMEOUT_S, f"SIGINT {s.sigint - called:.2f} s after the call, timeout {TIMEOUT_S} s"
    assert back >= called + TIMEOUT_S + GRACE_S, f"SIGKILL {back - called:.2f} s after the call"
    policy.assert_sigint_at_the_deadline(TIMEOUT_S)
    policy.assert_sigkill_after_each_sigint_within_the_grace(GRACE_S)


def test_an_interrupt_stops_a_program_that_ignores_sigint_within_the_grace(policy):
    binary = run(STUBBORN, build_only=True).binary
    poke = When(binary, lambda: os.kill(os.getpid(), signal.SIGINT))
    poke.start()
    with pytest.raises(KeyboardInterrupt):
        run(STUBBORN, args=["ignore"], timeout=60)
    back = time.time()
    poke.join(5)
    assert poke.at is not None and back >= poke.at + GRACE_S, f"interrupt took {back - poke.at:.2f} s"
    assert not alive(poke.process.pid)
    policy.assert_sigkill_after_each_sigint_within_the_grace(GRACE_S)


def test_interrupt_all_stops_a_program_that_ignores_sigint_within_the_grace(policy):
    binary = run(STUBBORN, build_only=True).binary
    outcome = {}

    def cell():
        try:
            outcome["result"] = run(STUBBORN, args=["ignore"], timeout=60)
        except KeyboardInterrupt:
            outcome["interrupted"] = time.time()

    worker = threading.Thread(target=cell)
    worker.start()
    program = running_child(binary)
    time.sleep(0.3)
    asked = time.time()
    runner.interrupt_all()
    worker.join(30)
    assert outcome.keys() == {"interrupted"}
    assert outcome["interrupted"] >= asked + GRACE_S, f"interrupt_all took {outcome['interrupted'] - asked:.2f} s"
    assert not alive(program.pid)
    assert threading.get_ident() in policy.threads_that_sent(signal.SIGINT)   # interrupt_all's own thread
    policy.assert_sigkill_after_each_sigint_within_the_grace(GRACE_S)


# -- output ------------------------------------------------------------------------

def test_100_mb_of_output_is_capped_and_memory_stays_bounded():
    src = ('buf := bytes.Repeat([]byte("0123456789abcdef"), 1<<16)\n'
           'for i := 0; i < 100; i++ {\n\tos.Stdout.Write(buf)\n}\n'
           'fmt.Fprintln(os.Stderr, "done")\n')
    assert run(src, build_only=True).ok
    tracemalloc.start()
    try:
        result = run(src, timeout=120)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.ok and result.truncated
    assert result.stdout.endswith("\n... [output truncated at 1 MB]\n")
    assert len(result.stdout.encode()) <= 1_000_000 + 64
    assert result.stderr == "done\n"                      # the other stream is whole
    assert peak < 16 * 2**20, f"peak Python memory {peak / 2**20:.1f} MB for 100 MB of output"


def test_max_output_is_per_stream_and_cuts_cleanly_in_utf8():
    result = run('fmt.Print(strings.Repeat("é", 100))\nfmt.Fprint(os.Stderr, "ok")\n', max_output=11)
    assert result.truncated
    assert result.stdout == "é" * 5 + "\n... [output truncated at 11 bytes]\n"   # no half character
    assert result.stderr == "ok"


def test_stdout_and_stderr_are_returned_separately_and_deterministically():
    src = 'for i := 0; i < 3; i++ {\n\tfmt.Println("out", i)\n\tfmt.Fprintln(os.Stderr, "err", i)\n}\n'
    first, second = run(src), run(src)
    assert first.stdout == "out 0\nout 1\nout 2\n" and first.stderr == "err 0\nerr 1\nerr 2\n"
    assert (first.stdout, first.stderr) == (second.stdout, second.stderr)


# -- stdin, exit codes, deadlock ---------------------------------------------------------

READ_STDIN = 'data, err := io.ReadAll(os.Stdin)\nfmt.Println(len(data), err)\n'


def test_stdin_is_dev_null_so_reading_gets_eof():
    result = run(READ_STDIN, timeout=30)
    assert result.ok and result.stdout == "0 <nil>\n"


def test_stdin_text_is_fed_to_the_program():
    assert run(READ_STDIN, stdin="héllo\n").stdout == "7 <nil>\n"
    big = "x" * (4 << 20)
    assert run(READ_STDIN, stdin=big).stdout == f"{len(big)} <nil>\n"


def test_stdin_the_program_does_not_read_is_no_error():
    result = run('fmt.Println("bye")', stdin="y" * (4 << 20))
    assert result.ok and result.stdout == "bye\n"


def test_os_exit_code_is_the_returncode():
    result = run('fmt.Println("before")\nos.Exit(3)\n')
    assert result.returncode == 3 and not result.ok
    assert result.stdout == "before\n"
    assert result.error_message() == "exit status 3"


def test_deadlock_keeps_gos_message():
    result = run("ch := make(chan int)\n<-ch\n")
    assert result.returncode == 2
    assert "fatal error: all goroutines are asleep - deadlock!" in result.stderr
    assert "goroutine 1 [chan receive]" in result.stderr
    assert result.error_message() == "fatal error: all goroutines are asleep - deadlock!"


def test_ok_result_has_no_error_message():
    result = run('fmt.Println("fine")')
    assert result.ok and result.error_message() is None


# -- concurrency -----------------------------------------------------------------------------

def test_concurrent_threads_use_private_work_directories(monkeypatch):
    starts = []
    real = process._spawn

    def spy(argv, *, env, cwd, **streams):
        if "build" in argv:
            starts.append(str(cwd))
        return real(argv, env=env, cwd=cwd, **streams)

    monkeypatch.setattr(process, "_spawn", spy)
    tag = os.urandom(4).hex()
    sources = [f'fmt.Println("thread", {i % 2}, "{tag}")' for i in range(4)]   # two identical pairs
    results = [None] * 4

    def work(i):
        results[i] = run(sources[i])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert [r.stdout for r in results] == [f"thread {i % 2} {tag}\n" for i in range(4)]
    assert len(starts) == len(set(starts))                 # no two builds shared a directory
    assert list(runner.binary_cache().work_root.iterdir()) == []


CHILD = """
import sys
from whygo.golang.runner import run
result = run(sys.argv[1])
sys.stdout.write(result.stdout if result.ok else "FAILED " + str(result.error_message()))
"""


def test_concurrent_processes_building_different_and_identical_programs(tmp_path):
    tag = os.urandom(4).hex()
    sources = [f'fmt.Println("proc", {i % 2}, "{tag}")' for i in range(4)]
    env = dict(os.environ, WHYGO_CACHE=str(tmp_path / "shared-cache"))
    procs = [subprocess.Popen([sys.executable, "-c", CHILD, src], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for src in sources]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [out for out, _ in outputs] == [f"proc {i % 2} {tag}\n" for i in range(4)], outputs
    cache = runner.BinaryCache(tmp_path / "shared-cache")
    assert len(cache.entries()) == 2                       # identical programs share one entry
    assert list(cache.work_root.iterdir()) == []
    assert not [p for p in cache.bin_dir.iterdir() if p.name.startswith(".")]   # no temp files left
