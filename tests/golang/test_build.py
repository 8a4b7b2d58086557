"""whygo.golang.build: the one go build, its one cache and its key."""
from __future__ import annotations

import dataclasses
import os
import types
from pathlib import Path

import pytest

from whygo.golang import build, cache as cache_mod, snippet, warm
from whygo.golang.runner import import_table
from whygo.golang.toolchain import toolchain


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("WHYGO_CACHE", str(tmp_path_factory.getbasetemp() / "whygo-cache"))


def cell(text: str) -> build.Target:
    f = snippet.make_file(text, import_table())
    return build.Target([f], reported={f.reported_as}, table=import_table())


def unique() -> str:
    return os.urandom(6).hex()


def test_go_mod_says_the_toolchains_language_version(monkeypatch):
    assert build.go_mod() == f"module cell\n\ngo {'.'.join(toolchain().version[2:].split('.')[:2])}\n"
    other = dataclasses.replace(toolchain(), version="go1.31.2")
    monkeypatch.setattr(build, "toolchain", lambda: other)
    assert build.go_mod("article") == "module article\n\ngo 1.31\n"


@pytest.mark.parametrize("change", [
    dict(env={"CC": "cc-that-differs"}), dict(env={"GOFLAGS": "-tags=other"}), dict(env={"GOAMD64": "v2"}),
    dict(env={"CGO_CFLAGS": "-O1"}), dict(flags=["-trimpath", "-ldflags=-s -w"]), dict(cgo=True),
])
def test_the_key_covers_every_build_variable_and_flag(change):
    target = cell(f'fmt.Println("{unique()}")')
    assert build.build(target).ok and build.build(target).cached
    other = build.build(target, **change)
    assert other.ok and not other.cached
    assert build.build(target, **change).cached


def test_runtime_variables_and_cache_places_do_not_change_the_key():
    target = cell(f'fmt.Println("{unique()}")')
    assert not build.build(target).cached
    assert build.build(target, env={"GOGC": "50", "GODEBUG": "gctrace=1", "GOMAXPROCS": "1"}).cached


def test_a_test_binary_and_a_named_output(tmp_path):
    f = snippet.GoFile("x_test.go", f'package main\n\nimport "testing"\n\nfunc TestX(t *testing.T) {{ t.Log("{unique()}") }}\n',
                       "x_test.go", "program", ())
    built = build.build(build.Target([f]), test=True, name="cell.test")
    assert built.ok and built.binary.name == "cell.test"
    again = build.build(build.Target([f]), test=True, name="cell.test")
    assert again.cached and again.binary == built.binary


def test_compile_only_keeps_the_compilers_messages_and_nothing_else():
    target = cell(f'func main() {{ x := new(int); fmt.Println(*x, "{unique()}") }}')
    before = len(build.binary_cache().entries())
    built = build.build(target, flags=["-trimpath", "-gcflags=-m"], output=False)
    assert built.ok and built.binary is None and "can inline main" not in built.log
    assert "does not escape" in built.log or "escapes to heap" in built.log
    assert len(build.binary_cache().entries()) == before


def test_an_unused_automatic_import_is_dropped_and_reported_as_built():
    target = cell(f'list := struct{{ Len int }}{{3}}\nfmt.Println(list.Len, "{unique()}")')
    assert "container/list" in target.imports_added()
    built = build.build(target)
    assert built.ok and "container/list" not in built.target.imports_added()
    assert "container/list" not in build.build(target).target.imports_added()   # from the cache too


def test_a_cache_whose_binaries_cannot_be_touched_still_serves(tmp_path, monkeypatch):
    c = cache_mod.BinaryCache(tmp_path)
    with c.workdir() as wd:
        (wd / "prog").write_bytes(b"x")
        c.store("k", wd / "prog", {"log": "built"})

    def refuse(*a, **k):
        raise PermissionError("read-only cache")
    monkeypatch.setattr(cache_mod.os, "utime", refuse)
    entry = c.lookup("k")
    assert entry is not None and entry.log == "built"


def test_named_entries_are_found_and_evicted_whole(tmp_path):
    c = cache_mod.BinaryCache(tmp_path, max_entries=1)
    for key in ("a", "b"):
        with c.workdir() as wd:
            (wd / "out").write_bytes(b"y" * 3)
            entry = c.store(key, wd / "out", {"log": ""}, name="tenant.so")
        assert entry.binary == tmp_path / "bin" / key / "tenant.so" and entry.binary.is_file()
    assert c.lookup("a") is None and not (tmp_path / "bin" / "a").exists()
    assert c.lookup("b").binary.read_bytes() == b"yyy"


def test_a_held_binary_outlives_its_eviction():
    built = build.build_held(cell(f'fmt.Println("{unique()}")'), name="prog")
    entry = build.binary_cache().bin_dir / built.binary.parent.name
    assert built.ok and built.binary.name == "prog" and entry.is_dir()
    build.binary_cache().clear()                       # another process evicted everything
    assert not entry.exists() and built.binary.read_bytes()[:4] == b"\x7fELF"


def test_warm_builds_like_the_runner_into_the_std_cache_then_copies_it(monkeypatch, tmp_path):
    calls = []
    user_cache = tmp_path / "user-go-build"

    def go_command(*args, **kw):
        calls.append((args, kw.get("env")))
        if args[0] == "build":    # as go would: an entry in the cache it was given
            (Path(kw["env"]["GOCACHE"]) / "ab").mkdir(parents=True, exist_ok=True)
            (Path(kw["env"]["GOCACHE"]) / "ab" / f"ab{len(calls)}-d").write_text(args[-1])
        return types.SimpleNamespace(stdout=f"{user_cache}\n")
    monkeypatch.setenv("WHYGO_CACHE", str(tmp_path / "course"))
    monkeypatch.setattr(warm, "go_command", go_command)
    monkeypatch.setattr(warm, "warm_graphviz", lambda: 0)
    assert warm.warm_build_cache() == 0
    builds = [(args, env) for args, env in calls if args[0] == "build"]
    assert len(builds) == len(warm.PACKAGES)
    assert all(args[:2] == ("build", "-trimpath") and env == {"GOCACHE": str(tmp_path / "course" / "go-std")}
               for args, env in builds)
    assert sorted(p.name for p in (user_cache / "ab").iterdir()) == \
        sorted(p.name for p in (tmp_path / "course" / "go-std" / "ab").iterdir())


def test_copy_cache_adds_the_missing_entries_only(tmp_path):
    source, target = tmp_path / "source", tmp_path / "target"
    for folder, name, text in [(source, "0a/x-a", "x"), (source, "0a/y-d", "new y"), (source, "ff/z-d", "z"),
                               (source, "README", "r"), (source, "trim.txt", "t"), (source, "0a/.q-d.7.tmp", "half"),
                               (target, "0a/y-d", "old y")]:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    assert warm.copy_cache(source, target) == 2
    files = sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file())
    assert files == ["0a/x-a", "0a/y-d", "ff/z-d"]
    assert (target / "0a" / "y-d").read_text() == "old y"      # an entry is never replaced
    assert warm.copy_cache(source, target) == 0


