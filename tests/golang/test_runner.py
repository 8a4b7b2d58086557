"""Rules of whygo.golang.runner with the real pinned Go: building, cell line numbers,
-m decisions, the binary cache, sessions, run_package, and clear failures.

Process limits (timeouts, output caps, children, interrupts, concurrency) are
in test_runner_limits.py.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from whygo.golang import cache as cache_mod
from whygo.golang import build as go_build
from whygo.golang import process, runner
from whygo.golang.runner import CompileError, PackageError, Session, SnippetError, run, run_package
from whygo.golang.toolchain import ToolchainError, go_env, toolchain

toolchain_mod = sys.modules["whygo.golang.toolchain"]


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    """Every test module gets its own course cache (binaries, sessions, std list)."""
    monkeypatch.setenv("WHYGO_CACHE", str(tmp_path_factory.getbasetemp() / "whygo-cache"))


@pytest.fixture
def spawned(monkeypatch):
    """Records the argv, cwd and go.mod of every process the runner starts. The toolchain and
    the standard library's package list are looked up first (cached `go env` and `go list std`,
    which also start through golang/process): only the runner's own processes are recorded."""
    from whygo.golang.snippet import std_packages
    from whygo.golang.toolchain import toolchain
    toolchain()
    std_packages()
    calls = []
    real = process._spawn

    def spy(argv, *, env, cwd, **streams):
        gomod = Path(cwd, "go.mod").read_text() if cwd and Path(cwd, "go.mod").exists() else None
        calls.append({"argv": list(argv), "cwd": cwd, "env": dict(env), "go.mod": gomod,
                      "files": sorted(p.name for p in Path(cwd).iterdir()) if cwd else []})
        return real(argv, env=env, cwd=cwd, **streams)

    monkeypatch.setattr(process, "_spawn", spy)
    return calls


def unique(tag: str) -> str:
    """A fresh constant so a test's program is not already in the binary cache."""
    return f"{tag}-{os.getpid()}-{os.urandom(4).hex()}"


# -- building ---------------------------------------------------------------------------

def test_build_uses_the_real_go_binary_with_trimpath_in_a_private_module(spawned):
    result = run(f'fmt.Println("{unique("real-go")}")')
    assert result.ok, result.error_message()
    build, program = spawned
    assert build["argv"][0] == str(toolchain().go)          # not the .venv/bin/go shim
    assert build["argv"][1:3] == ["build", "-trimpath"] and "-o" in build["argv"]
    assert "run" not in build["argv"] and "vet" not in build["argv"]
    assert build["go.mod"] == "module cell\n\ngo 1.27\n"
    assert build["env"]["GOTOOLCHAIN"] == "local" and build["env"]["CGO_ENABLED"] == "0"
    assert program["argv"][0] == str(result.binary)
    settings = subprocess.run([str(toolchain().go), "version", "-m", str(result.binary)],
                              env=go_env(), capture_output=True, text=True).stdout
    assert "-trimpath=true" in settings


def test_directives_are_preserved_not_injected():
    """The cell's //go:noinline reaches the compiler, and the runner adds no directive
    of its own: the pinned compiler's -m output is exactly this, line by line."""
    body = f'func add(a, b int) int {{ return a + b }}\n\nfunc main() {{ println(add(1, 2), "{unique("d")}") }}\n'
    kept = run("//go:noinline\n" + body, gcflags="-m")
    assert kept.ok
    assert [(d.line, d.col, d.message) for d in kept.diagnostics] == [(4, 6, "can inline main")]
    assert kept.build_log == "# cell\ncell/cell.go:4:6: can inline main\n"
    plain = run(body, gcflags="-m")
    assert [(d.line, d.col, d.message) for d in plain.diagnostics] == [
        (1, 6, "can inline add"), (3, 6, "can inline main"), (3, 26, "inlining call to add")]


@pytest.mark.parametrize("form, source, line, col", [
    ("program", 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println(undefinedName)\n}\n', 6, 14),
    ("declarations", 'type T int\n\nfunc main() {\n\tvar t T = "s"\n\t_ = t\n}\n', 4, 12),
    ("statements", 'x := 1\nfmt.Println(x)\n\n  y := 2\n', 4, 3),
])
def test_compile_errors_report_cell_lines_for_each_form(form, source, line, col):
    result = run(source)
    assert result.form == form
    assert not result.ok and result.returncode is None
    first = result.compile_errors[0]
    assert (first.line, first.col, first.file) == (line, col, "cell.go")
    assert result.error_message().startswith(f"compile error at cell line {line}: ")


@pytest.mark.parametrize("source, line", [
    ('package main\n\nfunc main() {\n\tpanic("boom")\n}\n', 4),
    ('func main() {\n\n\tpanic("boom")\n}\n', 3),
    ('x := 2\n\n\npanic(x)\n', 4),
])
def test_panic_traces_report_cell_lines_for_each_form(source, line):
    result = run(source)
    assert result.returncode == 2 and not result.ok
    assert f"cell.go:{line} " in result.stderr
    assert result.stderr.startswith("panic: ")
    assert result.error_message().startswith("panic: ")


@pytest.mark.parametrize("source, line", [
    ('package main\n\n//go:noinline\nfunc f(p *int) *int { return p }\nfunc main() { x := 1; println(f(&x)) }\n', 4),
    ('func f(p *int) *int { return p }\n\nfunc main() { x := 1; println(f(&x)) }\n', 1),
    ('g := func(p *int) *int { return p }\n\n\nx := 1\nprintln(g(&x))\n', 1),
])
def test_m_diagnostics_report_cell_lines_for_each_form(source, line):
    result = run(source, gcflags="-m")
    assert result.ok
    assert any(d.line == line and "leaking param: p" in d.message for d in result.diagnostics), result.diagnostics


def test_m_diagnostics_are_only_the_cells_own_lines_sorted_and_unique():
    with Session() as s:
        s.save("helpers", "func twice(x int) int { return 2 * x }\n")
        src = 'x := twice(3)\ngo func() {}()\nfmt.Println(x)\n'
        result = run(src, gcflags="-m=2", session=s)
    assert result.ok, result.error_message()
    log_files = {line.split(":")[0] for line in result.build_log.splitlines() if ".go:" in line}
    assert "cell/main.go" in log_files and "cell/helpers.go" in log_files   # the compiler said more...
    assert {d.file for d in result.diagnostics} == {"cell.go"}               # ...we keep the cell's lines
    keys = [(d.line, d.col, d.message) for d in result.diagnostics]
    assert keys == sorted(set(keys))
    assert all(1 <= d.line <= 3 for d in result.diagnostics)
    assert not any("cannot inline main" in d.message for d in result.diagnostics)   # the wrapper


def test_automatic_import_that_names_a_variable_is_dropped_and_rebuilt():
    src = f'list := []string{{"{unique("v")}"}}\nfmt.Println(len(list))\n'
    result = run(src)
    assert result.ok, result.error_message()
    assert result.stdout == "1\n"
    assert result.imports_added == ("fmt",)
    again = run(src)
    assert again.cached and again.imports_added == ("fmt",)   # the cache remembers the fix


def test_automatic_import_clashing_with_a_declaration_is_dropped():
    src = f'var time = struct{{ Now string }}{{"{unique("t")}"}}\n\nfunc main() {{ fmt.Println(len(time.Now) > 0) }}\n'
    result = run(src)
    assert result.ok, result.error_message()
    assert result.stdout == "true\n"
    assert result.imports_added == ("fmt",)


def test_import_hint_when_the_preferred_package_lacks_the_name():
    result = run('fmt.Println(rand.Intn(3))\n')   # math/rand spelling, but rand means math/rand/v2
    assert "undefined: rand.Intn" in result.compile_errors[0].message
    assert "imported math/rand/v2" in result.error_message()


def test_a_cell_that_is_not_package_main_is_a_compile_error_at_its_line():
    result = run("// a library\npackage geometry\n\nfunc Area() int { return 1 }\n")
    assert result.compile_errors == [CompileError(2, 1, result.compile_errors[0].message)]
    assert "must be package main" in result.error_message()


def test_missing_func_main_is_a_build_failure_with_the_go_message():
    result = run(f'func helper() string {{ return "{unique("m")}" }}\n')
    assert not result.ok
    assert "function main is undeclared" in result.error_message()


def test_build_log_has_cell_file_names_and_no_work_dir_paths():
    with Session() as s:
        s.save("helpers", "func one() int { return 1 }\n")
        result = run("func one() int { return 2 }\nfunc main() {}\n", session=s)
    assert not result.ok
    work = str(runner.binary_cache().work_root)
    assert work not in result.build_log and "/tmp" not in result.build_log
    assert "cell.go:1:6" in result.build_log


# -- the binary cache -------------------------------------------------------------------

def test_rerunning_an_unchanged_cell_skips_the_compiler(monkeypatch):
    src = f'fmt.Println("{unique("cache")}")'
    first = run(src, gcflags="-m")
    assert first.ok and not first.cached
    monkeypatch.setattr(go_build, "_go", lambda *a, **k: pytest.fail("the compiler ran again"))
    again = run(src, gcflags="-m")
    assert again.cached and again.ok
    assert (again.stdout, again.diagnostics, again.build_log) == (first.stdout, first.diagnostics, first.build_log)


@pytest.mark.parametrize("change", [
    dict(gcflags="-l"), dict(ldflags="-s -w"), dict(env={"GOAMD64": "v2"}), dict(source_suffix="\n// edited"),
])
def test_cache_key_covers_source_flags_and_build_environment(change):
    src = f'fmt.Println("{unique("key")}")'
    base = run(src)
    assert not base.cached
    options = {k: v for k, v in change.items() if k != "source_suffix"}
    other = run(src + change.get("source_suffix", ""), **options)
    assert other.ok and not other.cached
    assert run(src).cached


def test_runtime_variables_do_not_change_the_binary():
    src = f'fmt.Println(os.Getenv("GOGC"), "{unique("rt")}")'
    assert not run(src).cached
    result = run(src, env={"GOGC": "50", "GODEBUG": "gctrace=0"})
    assert result.cached and result.stdout.startswith("50 ")


def test_cache_store_is_atomic_and_eviction_keeps_the_most_recent(tmp_path):
    cache = cache_mod.BinaryCache(tmp_path, max_entries=2)
    for i, key in enumerate(["a", "b", "c"]):
        with cache.workdir() as wd:
            built = wd / "prog"
            built.write_bytes(b"x" * 10)
            cache.store(key, built, {"log": f"log {key}"})
            os.utime(cache.bin_dir / key, (1000 + i, 1000 + i))
        if key == "b":
            os.utime(cache.bin_dir / "a", (2000, 2000))   # a used again: b is now the oldest
    assert sorted(p.name for p in cache.bin_dir.iterdir()) == ["a", "a.json", "c", "c.json"]
    assert cache.lookup("b") is None and cache.lookup("a").log == "log a"
    assert list(cache.work_root.iterdir()) == []          # work directories are gone


def test_cache_eviction_by_size(tmp_path):
    cache = cache_mod.BinaryCache(tmp_path, max_bytes=25)
    for i, key in enumerate(["a", "b", "c"]):
        with cache.workdir() as wd:
            (wd / "p").write_bytes(b"x" * 10)
            cache.store(key, wd / "p", {})
            os.utime(cache.bin_dir / key, (1000 + i, 1000 + i))
    assert [k for _, _, k in cache.entries()] == ["b", "c"]


def test_cache_entry_without_its_record_is_a_miss(tmp_path):
    cache = cache_mod.BinaryCache(tmp_path)
    (cache.bin_dir / "k").write_bytes(b"x")
    assert cache.lookup("k") is None


def test_cache_key_is_length_prefixed():
    assert cache_mod.cache_key([("a", "bc")]) != cache_mod.cache_key([("ab", "c")])
    assert cache_mod.cache_key([("f", "x"), ("g", "")]) != cache_mod.cache_key([("f", ""), ("g", "x")])


def test_evicted_binary_is_rebuilt_not_an_error():
    src = f'fmt.Println("{unique("evict")}")'
    first = run(src)
    first.binary.unlink()
    (first.binary.parent / (first.binary.name + ".json")).unlink()
    again = run(src)
    assert again.ok and not again.cached


# -- sessions --------------------------------------------------------------------------------

def test_saved_cells_compile_with_later_cells():
    with Session() as s:
        s.save("geometry", 'type Point struct{ X, Y int }\n\nfunc (p Point) String() string { return fmt.Sprint(p.X, ",", p.Y) }\n')
        result = run('fmt.Println(Point{1, 2})', session=s)
        assert result.ok, result.error_message()
        assert result.stdout == "1,2\n"
        assert s.names() == ["geometry"]
        s.remove("geometry")
        assert s.names() == []
        assert not run('fmt.Println(Point{1, 2})', session=s).ok


def test_error_in_a_saved_cell_names_its_file_and_line():
    with Session() as s:
        s.save("broken", "func f() int {\n\treturn \"no\"\n}\n")
        result = run("", session=s, build_only=True)
    err = result.compile_errors[0]
    assert (err.file, err.line) == ("broken.go", 2)
    assert result.error_message().startswith("compile error in broken.go line 2")


def test_session_save_rejects_func_main_and_bad_names():
    with Session() as s:
        with pytest.raises(SnippetError, match="func main"):
            s.save("prog", "func main() {}\n")
        with pytest.raises(ValueError, match="letters and digits"):
            s.save("my_test", "var x = 1\n")
        with pytest.raises(ValueError, match="package main"):
            s.save("lib", "package lib\n")
        assert s.names() == []


def test_sessions_are_private_and_closed_sessions_leave_nothing():
    a, b = Session(), Session("lab1")
    try:
        assert a.dir != b.dir and a.dir.is_dir() and b.dir.name.startswith("lab1-")
        a.save("x", "var X = 1\n")
        assert b.names() == []
    finally:
        a.close()
        b.close()
    assert not a.dir.exists() and not b.dir.exists()


def test_sessions_of_dead_processes_are_swept(tmp_path):
    dead = subprocess.Popen(["true"])
    dead.wait()
    sessions = Path(os.environ["WHYGO_CACHE"]) / "sessions"
    stale = sessions / f"session-{dead.pid}-abc"
    live = sessions / f"{dead.pid}-{os.getpid()}-12345678"   # label looks like a pid; ours is alive
    stale.mkdir(parents=True)
    live.mkdir()
    with Session():
        assert not stale.exists() and live.exists()
    live.rmdir()


def test_build_only_compiles_without_running():
    result = run(f'fmt.Println("{unique("bo")}")\nos.Exit(3)', build_only=True)
    assert result.ok and result.returncode is None and result.stdout == ""
    assert result.binary.is_file()


# -- run_package --------------------------------------------------------------------------------

@pytest.fixture
def gocode(tmp_path, monkeypatch):
    root = tmp_path / "gocode"
    (root / "cmd" / "hello").mkdir(parents=True)
    (root / "internal" / "greet").mkdir(parents=True)
    (root / "go.mod").write_text("module example.org/gocode\n\ngo 1.27\n")
    (root / "internal" / "greet" / "greet.go").write_text(
        'package greet\n\nfunc Hello(n string) string { return "hello " + n }\n')
    (root / "cmd" / "hello" / "main.go").write_text(
        '// Command hello.\npackage main\n\nimport (\n\t"fmt"\n\t"os"\n\n\t"example.org/gocode/internal/greet"\n)\n\n'
        'func main() {\n\tx := 3\n\tfmt.Println(greet.Hello(os.Args[1]), &x)\n}\n')
    monkeypatch.setenv("WHYGO_GOCODE", str(root))
    return root


def test_run_package_builds_a_main_package_of_gocode(gocode):
    for spelling in ("cmd/hello", "gocode/cmd/hello", "./cmd/hello/", gocode / "cmd" / "hello"):
        result = run_package(spelling, args=["world"], gcflags="-m")
        assert result.ok, result.error_message()
        assert result.stdout.startswith("hello world ")
        assert result.form == "package"
    assert any(d.file == "cmd/hello/main.go" and d.line == 12 and "moved to heap: x" in d.message
               for d in result.diagnostics), result.diagnostics


def test_run_package_is_cached_and_rebuilt_when_a_dependency_changes(gocode):
    assert run_package("cmd/hello", args=["a"]).cached is False
    assert run_package("cmd/hello", args=["a"]).cached is True
    greet = gocode / "internal" / "greet" / "greet.go"
    greet.write_text(greet.read_text().replace('"hello "', '"hi "'))
    result = run_package("cmd/hello", args=["a"])
    assert not result.cached and result.stdout.startswith("hi a ")


def test_run_package_reports_compile_errors_with_package_file_lines(gocode):
    main = gocode / "cmd" / "hello" / "main.go"
    main.write_text(main.read_text().replace("x := 3", "x := undefinedThing"))
    result = run_package("cmd/hello")
    assert result.compile_errors[0].file == "cmd/hello/main.go" and result.compile_errors[0].line == 12


@pytest.mark.parametrize("path", ["internal/greet", "cmd/nothere", "../outside", "", "/etc"])
def test_run_package_refuses_what_is_not_a_main_package_of_gocode(gocode, path):
    with pytest.raises(PackageError) as info:
        run_package(path)
    assert "cmd/hello" in str(info.value)   # the message lists what exists


def test_run_package_finds_the_course_gocode_module(monkeypatch):
    monkeypatch.delenv("WHYGO_GOCODE", raising=False)
    names = runner.main_packages()
    assert "cmd/gcload" in names and "internal/scenario" not in names


def test_run_package_without_a_module_says_how_to_fix(tmp_path, monkeypatch):
    monkeypatch.setenv("WHYGO_GOCODE", str(tmp_path))
    with pytest.raises(PackageError, match="WHYGO_GOCODE"):
        run_package("cmd/hello")


# -- bad toolchains and options -----------------------------------------------------------------

@pytest.fixture
def fresh_toolchain():
    toolchain.cache_clear()
    yield
    toolchain.cache_clear()


def test_missing_toolchain_raises_toolchain_error_with_the_fix(monkeypatch, fresh_toolchain, tmp_path):
    monkeypatch.setenv("WHYGO_GO", str(tmp_path / "no-go-here"))
    with pytest.raises(ToolchainError, match="WHYGO_GO"):
        run('fmt.Println("x")')


def test_broken_toolchain_raises_toolchain_error_with_the_fix(monkeypatch, fresh_toolchain, tmp_path):
    fake = tmp_path / "go"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("WHYGO_GO", str(fake))
    with pytest.raises(ToolchainError, match="make setup"):
        run('fmt.Println("x")')


def test_too_old_toolchain_raises_toolchain_error(monkeypatch, fresh_toolchain, tmp_path):
    """A go that answers `go env` but cannot build for go.mod's version."""
    fake = tmp_path / "go"
    fake.write_text('#!/bin/sh\ncase "$1" in\n  env) printf "go1.27.3\\n%s\\n" "$(dirname "$0")";;\n'
                    '  list) echo "fmt fmt";;\n'
                    '  build) echo "go: go.mod requires go >= 1.27 (running go 1.22; GOTOOLCHAIN=local)" >&2; exit 1;;\n'
                    'esac\n')
    fake.chmod(0o755)
    monkeypatch.setenv("WHYGO_GO", str(fake))
    monkeypatch.setattr(runner.snippet, "_STD_MEMO", {})
    with pytest.raises(ToolchainError, match="requires go >= 1.27"):
        run(f'fmt.Println("{unique("old")}")')


@pytest.mark.parametrize("options, word", [
    (dict(cwd="/no/such/dir"), "cwd"), (dict(timeout=0), "timeout"), (dict(timeout="5"), "timeout"), (dict(max_output=0), "max_output"),
    (dict(args="-n 3"), "args"), (dict(env={"GOGC": 50}), "env"), (dict(stdin=3), "stdin"),
])
def test_bad_options_raise_a_clear_value_error(options, word):
    with pytest.raises(ValueError, match=word):
        run('fmt.Println("x")', **options)
