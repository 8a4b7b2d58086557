"""The Go kernel over the real Jupyter protocol (jupyter_client), building real Go.

The kernel spec lives in a temporary directory made from whygo.kernelspec's
kernel.json, so the tests never depend on what is installed.
"""
import json
import sys
import time

import psutil
import pytest
from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager

from stopwatch import GRACE_S, MARGIN_S, STUBBORN, TIMEOUT_S, alive, stamps
from whygo.golang.toolchain import course_cache_dir
from whygo.kernelspec import kernel_json

pytestmark = pytest.mark.slow


def start_kernel(tmp_path):
    spec_dir = tmp_path / "kernels" / "whygo-test"
    spec_dir.mkdir(parents=True)
    spec = kernel_json()
    spec["argv"][0] = sys.executable  # this test's venv
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    km = KernelManager(kernel_name="whygo-test",
                       kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(spec_dir.parent)]))
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    return km, kc


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    km, kc = start_kernel(tmp_path_factory.mktemp("k"))
    yield km, kc
    kc.stop_channels()
    km.shutdown_kernel(now=False)  # graceful: the kernel closes its Session


def execute(kc, code, timeout=60):
    """Run a cell; return (reply content, [(msg_type, content), ...] of its iopub output)."""
    outputs = []

    def hook(msg):
        if msg["msg_type"] in ("stream", "error", "execute_result", "display_data"):
            outputs.append((msg["msg_type"], msg["content"]))
    reply = kc.execute_interactive(code, output_hook=hook, timeout=timeout)
    return reply["content"], outputs


def streams(outputs, name):
    return "".join(c["text"] for t, c in outputs if t == "stream" and c["name"] == name)


def go_children(km):
    """Processes under the kernel that are not the kernel itself (Go builds, Go programs)."""
    return psutil.Process(km.provisioner.process.pid).children(recursive=True)


# -- the protocol -----------------------------------------------------------------

def test_kernel_info_says_go(kernel):
    km, kc = kernel
    info = kc.kernel_info(reply=True, timeout=30)["content"]
    assert info["language_info"]["name"] == "go"
    assert info["language_info"]["file_extension"] == ".go"
    assert info["language_info"]["mimetype"] == "text/x-go"
    assert "go1.27.3" in info["banner"]


def test_hello_world_streams_stdout_and_replies_ok(kernel):
    reply, outputs = execute(kernel[1], 'fmt.Println("hello, gopher")')
    assert reply["status"] == "ok"
    assert streams(outputs, "stdout") == "hello, gopher\n"


def test_a_lab_check_verdict_line_shows_as_a_box_with_the_line_as_its_text(kernel):
    """A Go check cell prints the verdict line; the kernel sends it as a display (the box of
    whygo.labs.feedback) whose text/plain is the line with one hint tier, and keeps the rest
    of the output as a stream. The same check failing again shows the next tier."""
    line = '[check leak/9] not yet: still waiting — hint: look at ctx — more: select on ctx.Done()'
    code = f'fmt.Println("before")\nfmt.Println("{line}")\nfmt.Println("after")'
    shown = []
    for _ in range(2):
        reply, outputs = execute(kernel[1], code)
        assert reply["status"] == "ok"
        assert streams(outputs, "stdout") == "before\nafter\n"
        boxes = [c["data"] for t, c in outputs if t == "display_data"]
        assert len(boxes) == 1 and 'class="whygo-check' in boxes[0]["text/html"]
        shown.append(boxes[0]["text/plain"])
    assert shown == ["[check leak/9] not yet: still waiting — hint: look at ctx",
                     "[check leak/9] not yet: still waiting — hint: select on ctx.Done()"]


def test_compile_error_is_an_error_reply_naming_the_cell_line(kernel):
    reply, outputs = execute(kernel[1], 'fmt.Println("a")\n\nfmt.Println(x)')
    assert reply["status"] == "error" and reply["ename"] == "GoCellError"
    assert reply["evalue"] == "compile error at cell line 3: undefined: x"
    assert streams(outputs, "stderr") == ""     # shown once: in the error, not also on stderr
    assert len(reply["traceback"]) == 1
    # the kernel is alive and well
    reply, outputs = execute(kernel[1], 'fmt.Println("next")')
    assert reply["status"] == "ok" and streams(outputs, "stdout") == "next\n"


def test_compile_errors_are_shown_once(kernel):
    reply, outputs = execute(kernel[1], "x := 1\nfmt.Println(y)")
    assert reply["evalue"].splitlines() == ["compile error at cell line 1: declared and not used: x",
                                            "cell line 2: undefined: y"]
    assert [t for t, _ in outputs if t in ("stream", "error")] == ["error"]
    reply, outputs = execute(kernel[1], "//whygo: --allow-fail\nx := 1\nfmt.Println(y)")
    assert reply["status"] == "ok"
    assert streams(outputs, "stderr") == ("compile error at cell line 2: declared and not used: x\n"
                                          "cell line 3: undefined: y\n")


def test_panic_is_an_error_reply_and_the_next_cell_works(kernel):
    reply, outputs = execute(kernel[1], 'panic("oh no")')
    assert reply["status"] == "error" and "panic: oh no" in reply["evalue"]
    assert "goroutine 1" in streams(outputs, "stderr")
    assert execute(kernel[1], 'fmt.Println("ok")')[0]["status"] == "ok"


def test_bad_flag_line_is_a_usage_error(kernel):
    reply, _ = execute(kernel[1], "//whygo: --nope\nfmt.Println(1)")
    assert reply["status"] == "error" and reply["ename"] == "UsageError" and "--nope" in reply["evalue"]
    assert execute(kernel[1], 'fmt.Println("fine")')[0]["status"] == "ok"


def test_flag_line_sets_the_timeout_and_env(kernel):
    reply, outputs = execute(kernel[1], '//whygo: --env WHO=gopher --timeout 1\nfmt.Println(os.Getenv("WHO"))\nfor {}')
    assert streams(outputs, "stdout") == "gopher\n"
    assert reply["status"] == "error" and "timed out" in reply["evalue"]
    reply, outputs = execute(kernel[1], 'fmt.Println(os.Getenv("WHO") == "")')
    assert reply["status"] == "ok" and streams(outputs, "stdout") == "true\n"  # flags are per cell


def test_the_flag_line_timeout_stops_the_program_on_time(kernel):
    kc = kernel[1]
    assert execute(kc, f"//whygo: --args exit\n{STUBBORN}")[0]["status"] == "ok"   # built now, not timed
    reply, outputs = execute(kc, f"//whygo: --timeout {TIMEOUT_S:g} --args ignore\n{STUBBORN}")
    back = time.time()
    s = stamps(streams(outputs, "stdout"))
    assert reply["status"] == "error" and reply["evalue"] == f"timed out after {TIMEOUT_S:g} s"
    assert not alive(s.pid)
    assert s.sigint is not None and s.sigint - s.start <= TIMEOUT_S + MARGIN_S
    assert back - s.start <= TIMEOUT_S + GRACE_S + MARGIN_S, f"reply {back - s.start:.2f} s after the start"


def test_saved_cell_is_reused_by_later_cells(kernel):
    reply, outputs = execute(kernel[1], '//whygo: --save greet\nfunc greet() string { return "hi" }')
    assert reply["status"] == "ok", reply
    reply, outputs = execute(kernel[1], "fmt.Println(greet())")
    assert reply["status"] == "ok" and streams(outputs, "stdout") == "hi\n"


def test_gcflags_m_decisions_come_by_cell_line(kernel):
    code = "//whygo: --gcflags=-m\nfunc add(a, b int) int { return a + b }\nfunc main() { println(add(1, 2)) }"
    reply, outputs = execute(kernel[1], code)
    assert reply["status"] == "ok" and "line 2: can inline add" in streams(outputs, "stdout")


def test_complete_offers_standard_library_packages(kernel):
    reply = kernel[1].complete("strc", 4, reply=True, timeout=60)["content"]
    assert "strconv" in reply["matches"] and reply["cursor_start"] == 0
    reply = kernel[1].complete("x := fmt.s", 10, reply=True, timeout=60)["content"]
    assert reply["matches"] == []  # a member of fmt, not a package


def test_run_of_a_missing_gocode_program_is_an_error_reply_and_the_kernel_goes_on(kernel):
    reply, _ = execute(kernel[1], "//whygo: --run gocode/cmd/nope\n")
    assert reply["status"] == "error" and "cmd/gosched" in reply["evalue"]
    assert execute(kernel[1], 'fmt.Println("still here")')[0]["status"] == "ok"


def test_interrupt_kills_the_program_and_replies_interrupted(kernel):
    """The program ignores SIGINT, so only the runner's SIGKILL after the grace ends it."""
    km, kc = kernel
    assert execute(kc, f"//whygo: --args exit\n{STUBBORN}")[0]["status"] == "ok"   # built now
    msg_id = kc.execute(f"//whygo: --args ignore\n{STUBBORN}", stop_on_error=False)
    program = None
    deadline = time.monotonic() + 60
    while program is None and time.monotonic() < deadline:  # wait until the Go program runs
        program = next((p for p in go_children(km) if p.name() not in ("go", "compile", "link")
                        and "python" not in p.name()), None)
        time.sleep(0.1)
    assert program is not None, "the Go program never started"
    time.sleep(0.3)
    t0 = time.monotonic()
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=30)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=30)
    took = time.monotonic() - t0
    assert took <= GRACE_S + MARGIN_S, f"the interrupt took {took:.2f} s"
    assert reply["content"]["status"] == "error"
    assert reply["content"]["evalue"] == "interrupted"
    assert not alive(program.pid)
    # and the kernel goes on
    assert execute(kc, 'fmt.Println("after")')[0]["status"] == "ok"


def test_shutdown_kills_a_running_program_and_ends_the_kernel(tmp_path):
    km, kc = start_kernel(tmp_path)
    try:
        kc.execute("for {}")
        program = None
        deadline = time.monotonic() + 60
        while program is None and time.monotonic() < deadline:
            program = next((p for p in go_children(km) if p.name() not in ("go", "compile", "link")), None)
            time.sleep(0.1)
        assert program is not None
        kernel_pid = km.provisioner.process.pid
        sessions = list((course_cache_dir() / "sessions").glob(f"*-{kernel_pid}-*"))
        assert len(sessions) == 1  # the kernel's Session holds the cell's saved files
        km.shutdown_kernel(now=False)  # a shutdown_request over the control channel
        assert not km.is_alive()
        assert not sessions[0].exists(), "do_shutdown closes the Session"
        for pid in (program.pid, kernel_pid):
            assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    finally:
        kc.stop_channels()
        if km.is_alive():
            km.shutdown_kernel(now=True)

