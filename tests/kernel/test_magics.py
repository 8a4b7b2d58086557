"""The %%go magic and its shared cell logic, in a real IPython shell, building real Go."""
import shlex
import time

import pytest
from hypothesis import given, settings, strategies as st
from IPython.core.error import UsageError
from IPython import get_ipython
from IPython.testing import globalipapp
from IPython.utils.capture import capture_output

from stopwatch import GRACE_S, MARGIN_S, STUBBORN, TIMEOUT_S, alive, stamps
from whygo.magics import CellFlagsError, GoCellError, parse_flags


@pytest.fixture(scope="module")
def ip():
    globalipapp.start_ipython()  # once per process; later calls only return None
    shell = get_ipython()
    shell.run_line_magic("load_ext", "whygo")
    return shell


def go(ip, line, cell):
    """Run a %%go cell; return (stdout, stderr, exception or None)."""
    with capture_output() as cap:
        try:
            ip.run_cell_magic("go", line, cell)
            exc = None
        except (GoCellError, UsageError) as e:
            exc = e
    return cap.stdout, cap.stderr, exc


HELLO = 'fmt.Println("hello, gopher")'


# -- flags ------------------------------------------------------------------

def test_flags_parse_every_option():
    f = parse_flags('--gcflags=-m --ldflags "-s -w" --env GODEBUG=gctrace=1 --env A=b=c '
                    '--args "one \'two three\'" --stdin hi --timeout 2.5 --allow-fail --cgo '
                    '--asm add --quiet-build')
    assert f.gcflags == "-m" and f.ldflags == "-s -w"
    assert f.env == {"GODEBUG": "gctrace=1", "A": "b=c"}
    assert f.args == ("one", "two three") and f.stdin == "hi" and f.timeout == 2.5
    assert f.allow_fail and f.cgo and f.asm == "add" and f.quiet_build
    assert parse_flags("").timeout == 30 and parse_flags("").env == {}


def test_flag_values_may_start_with_a_dash():
    f = parse_flags("--gcflags -m --args -v --ldflags -s --timeout 3")
    assert (f.gcflags, f.args, f.ldflags, f.timeout) == ("-m", ("-v",), "-s", 3)


@pytest.mark.parametrize("line, named", [
    ("--bogus", "--bogus"), ("--env NOEQUALS", "KEY=VALUE"), ("--timeout -1", "--timeout"),
    ("--timeout soon", "--timeout"), ('--args "unclosed', "flag line"),
    ("--run cmd/x --save y", "--run and --save")])
def test_bad_flags_name_the_flag(line, named):
    with pytest.raises(CellFlagsError, match=named):
        parse_flags(line)


def test_unknown_flag_is_a_short_usage_error_and_runs_nothing(ip, monkeypatch):
    import whygo.golang.runner as runner
    monkeypatch.setattr(runner, "run", lambda *a, **k: pytest.fail("must not run"))
    out, err, exc = go(ip, "--bogus", HELLO)
    assert isinstance(exc, UsageError)
    assert "unrecognized arguments: --bogus" in str(exc) and "usage: %%go" in str(exc)


def test_help_lists_the_flags(ip):
    with capture_output() as cap:
        ip.run_line_magic("go", "--help")
    assert "--gcflags" in cap.stdout and "--asm" in cap.stdout


def test_line_form_only_takes_run_or_help(ip):
    with pytest.raises(UsageError, match="%%go cell"):
        ip.run_line_magic("go", "--timeout 3")


# -- running ------------------------------------------------------------------

def test_hello_world_prints_stdout(ip):
    out, err, exc = go(ip, "", HELLO)
    assert (out, err, exc) == ("hello, gopher\n", "", None)


def test_stdout_comes_first_then_stderr_on_sys_stderr(ip):
    out, err, exc = go(ip, "", 'fmt.Fprintln(os.Stderr, "to stderr")\nfmt.Println("to stdout")')
    assert out == "to stdout\n" and err == "to stderr\n" and exc is None


def test_compile_error_lists_cell_lines_and_raises_after_output(ip):
    out, err, exc = go(ip, "", 'fmt.Println("a")\n\nfmt.Println(x)')
    assert isinstance(exc, GoCellError)
    assert str(exc) == "compile error at cell line 3: undefined: x"
    assert (out, err) == ("", "")       # nothing ran: the error is the only thing shown


def test_compile_errors_are_shown_once_in_the_error(ip):
    """Every compiler message appears exactly once, in the one error the learner sees."""
    with capture_output() as cap:
        ip.run_cell("%%go\nx := 1\nfmt.Println(y)")
    shown = cap.stdout + cap.stderr
    assert shown.count("declared and not used: x") == 1 and shown.count("undefined: y") == 1
    assert shown.count("GoCellError") == 1 and "Traceback" not in shown
    out, err, exc = go(ip, "", "x := 1\nfmt.Println(y)")
    assert str(exc).splitlines() == ["compile error at cell line 1: declared and not used: x",
                                     "cell line 2: undefined: y"]
    assert err == ""


def test_allow_fail_prints_compile_errors_once_on_stderr(ip):
    out, err, exc = go(ip, "--allow-fail", "x := 1\nfmt.Println(y)")
    assert exc is None and out == ""
    assert err == "compile error at cell line 1: declared and not used: x\ncell line 2: undefined: y\n"


def test_failure_shows_one_short_message_not_a_traceback(ip):
    with capture_output() as cap:
        ip.run_cell('%%go\nos.Exit(3)')
    shown = cap.stdout + cap.stderr
    assert "GoCellError" in shown and "exit status 3" in shown
    assert "Traceback" not in shown and "site-packages" not in shown
    assert GoCellError("boom")._render_traceback_() == ["\x1b[0;31mGoCellError\x1b[0m: boom"]


def test_panic_raises_with_the_panic_message_after_stderr(ip):
    out, err, exc = go(ip, "", 'fmt.Println("before")\npanic("oh no")')
    assert out == "before\n" and "panic: oh no" in err and "goroutine 1" in err
    assert "panic: oh no" in str(exc)


def test_allow_fail_shows_the_error_without_raising(ip):
    out, err, exc = go(ip, "--allow-fail", 'fmt.Println("x")\nos.Exit(3)')
    assert exc is None and out == "x\n" and "exit status 3" in err


def test_timeout_kills_an_infinite_loop(ip):
    out, err, exc = go(ip, "--timeout 1", 'fmt.Println("spinning")\nfor {}')
    assert out == "spinning\n" and "timed out" in str(exc)


def test_timeout_flag_stops_the_program_on_time(ip):
    assert go(ip, "--args exit", STUBBORN)[2] is None          # built now, not timed
    out, err, exc = go(ip, f"--timeout {TIMEOUT_S:g} --args ignore", STUBBORN)
    back = time.time()
    s = stamps(out)
    assert str(exc) == f"timed out after {TIMEOUT_S:g} s" and not alive(s.pid)
    assert s.sigint is not None and s.sigint - s.start <= TIMEOUT_S + MARGIN_S
    assert back - s.start <= TIMEOUT_S + GRACE_S + MARGIN_S, f"back {back - s.start:.2f} s after the start"


def test_env_args_and_stdin_reach_the_program(ip):
    cell = ('b, _ := io.ReadAll(os.Stdin)\n'
            'fmt.Println(os.Getenv("GODEBUG"), os.Args[1:], string(b))')
    out, err, exc = go(ip, "--env GODEBUG=gctrace=0 --args 'a \"b c\"' --stdin fed", cell)
    assert exc is None and out == "gctrace=0 [a b c] fed\n"


def test_ldflags_reach_the_linker(ip):
    out, err, exc = go(ip, '--ldflags "-X main.version=1.2.3"',
                       'var version = "dev"\n\nfunc main() { fmt.Println(version) }')
    assert (out, exc) == ("1.2.3\n", None)


def test_gcflags_m_shows_decisions_by_cell_line_before_the_output(ip):
    cell = 'func add(a, b int) int { return a + b }\n\nfunc main() {\n\tfmt.Println(add(1, 2))\n}'
    out, err, exc = go(ip, "--gcflags=-m", cell)
    lines = out.splitlines()
    assert exc is None and lines[-1] == "3"
    assert "line 1: can inline add" in lines
    assert all(l.startswith("line ") for l in lines[:-1])
    quiet, _, _ = go(ip, "--gcflags=-m --quiet-build", cell)
    assert quiet == "3\n"


def test_asm_shows_one_function_by_cell_line_without_running(ip):
    cell = ('//go:noinline\nfunc add(a, b int) int {\n\treturn a + b\n}\n\n'
            'func main() { fmt.Println("ran", add(1, 2)) }')
    out, err, exc = go(ip, "--asm add", cell)
    assert exc is None and "ran" not in out
    lines = out.splitlines()
    assert lines[0].startswith("add: ") and "line 3    return a + b" in lines
    assert any("ADDQ" in l for l in lines) and any("RET" in l for l in lines)


def test_asm_of_a_missing_function_lists_the_functions(ip):
    out, err, exc = go(ip, "--asm nope", 'func main() { fmt.Println("x") }')
    assert isinstance(exc, GoCellError) and "'nope'" in str(exc) and "main" in str(exc)


def test_saved_cell_is_usable_by_later_cells(ip):
    out, err, exc = go(ip, "--save greet", 'func greet(n string) string { return "hi " + n }')
    assert exc is None and "saved 'greet'" in out
    out, err, exc = go(ip, "", 'fmt.Println(greet("gopher"))')
    assert (out, exc) == ("hi gopher\n", None)


def test_saving_code_that_does_not_compile_fails_and_keeps_nothing(ip):
    out, err, exc = go(ip, "--save broken", "func broken() int { return undefinedThing }")
    assert isinstance(exc, GoCellError) and "not saved" in str(exc)
    out, err, exc = go(ip, "", HELLO)  # the next cell does not inherit the broken file
    assert exc is None and out == "hello, gopher\n"


def test_saving_a_broken_replacement_keeps_the_previous_version(ip):
    go(ip, "--save twice", "func twice(n int) int { return 2 * n }")
    out, err, exc = go(ip, "--save twice", "func twice(n int) int {\n\treturn 2 * m\n}")
    assert isinstance(exc, GoCellError) and "previous 'twice' is kept" in str(exc)
    assert str(exc).endswith("compile error in twice.go line 2: undefined: m") and err == ""
    assert go(ip, "", "fmt.Println(twice(21))")[0] == "42\n"


def test_bad_save_name_is_a_clear_error(ip):
    out, err, exc = go(ip, "--save 9lives", "func f() {}")
    assert isinstance(exc, GoCellError) and "letters and digits" in str(exc)


def test_error_in_a_saved_cell_is_reported_in_that_file(ip):
    go(ip, "--save shape", "type shape struct{ w, h int }")
    out, err, exc = go(ip, "", "type shape int\n\nfunc main() { fmt.Println(shape(1)) }")
    assert isinstance(exc, GoCellError) and "shape.go line 1" in str(exc)
    assert str(exc).startswith("compile error in shape.go line 1: shape redeclared in this block")
    assert err == ""


def test_run_builds_and_runs_a_gocode_program(ip):
    with capture_output() as cap:
        ip.run_line_magic("go", "--run gocode/cmd/gosched")
    assert cap.stdout.startswith("gosched: goroutines=")


def test_run_of_something_that_is_not_a_gocode_program_lists_them(ip):
    with capture_output(), pytest.raises(GoCellError, match="not a main package.*cmd/gosched"):
        ip.run_line_magic("go", "--run gocode/cmd/nope")


def test_run_with_code_in_the_cell_is_refused(ip):
    out, err, exc = go(ip, "--run gocode/cmd/whatever", HELLO)
    assert isinstance(exc, GoCellError) and "leave the cell empty" in str(exc)


def test_a_missing_toolchain_is_a_short_error_with_the_fix(ip, monkeypatch):
    import whygo.golang.runner as runner
    from whygo.golang.toolchain import FIX, ToolchainError

    def no_go(*args, **kwargs):
        raise ToolchainError("whygo: no Go toolchain found. " + FIX)
    monkeypatch.setattr(runner, "run", no_go)
    out, err, exc = go(ip, "", HELLO)
    assert isinstance(exc, GoCellError) and "make setup" in str(exc)


def test_a_cell_works_after_a_failed_one(ip):
    go(ip, "", "this is not Go")
    out, err, exc = go(ip, "", HELLO)
    assert (out, exc) == ("hello, gopher\n", None)


@settings(derandomize=True, deadline=None, max_examples=150)
@given(env=st.dictionaries(st.from_regex(r"[A-Z_][A-Z0-9_]{0,8}", fullmatch=True),
                           st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12),
                           max_size=3),
       args=st.lists(st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=8), max_size=3),
       timeout=st.floats(0.01, 1e4))
def test_any_quoted_flag_values_come_back_unchanged(env, args, timeout):
    line = " ".join([*(f"--env {shlex.quote(f'{k}={v}')}" for k, v in env.items()),
                     f"--args {shlex.quote(shlex.join(args))}", f"--timeout {timeout!r}"])
    flags = parse_flags(line)
    assert flags.env == env and flags.args == tuple(args) and flags.timeout == timeout


def test_load_ext_warns_when_the_go_in_use_is_not_the_pinned_one(tmp_path, monkeypatch, capsys):
    import importlib
    from IPython.core.interactiveshell import InteractiveShell
    tc_mod = importlib.import_module("whygo.golang.toolchain")
    fake = tmp_path / "go"
    fake.write_text("#!/bin/sh\necho go1.20.1\necho /opt/go\n")
    fake.chmod(0o755)
    monkeypatch.setenv("WHYGO_GO", str(fake))
    tc_mod.toolchain.cache_clear()
    try:
        from whygo.magics import load_ipython_extension
        load_ipython_extension(InteractiveShell.instance())
        assert "the course is pinned to go1.27.3" in capsys.readouterr().err
    finally:
        tc_mod.toolchain.cache_clear()
