"""Warm the caches once per machine so the first notebook cell does not wait.

Go's build cache: the standard-library packages the course uses are compiled
(tens of seconds the first time) into a cache of their own, ``go-std`` in the
course cache (:func:`std_cache`), then copied into the user's ``GOCACHE``.
That cache holds the standard library (and ``whygo classroom install``'s
priming builds of a trivial test and vet), nothing the user built, so
``whygo classroom install`` can copy it to a class without compiling again
and without handing students anything of the teacher's (a lab's solution
built by the grader lives only in the teacher's own cache). The Graphviz
WebAssembly module: compiled once and kept in the course cache (seconds the
first time, then ~0.1 s).
"""
from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

from whygo.golang.toolchain import ToolchainError, course_cache_dir, go_command

# The standard-library packages the course's snippets and gocode/ programs use.
PACKAGES = ["fmt", "runtime", "runtime/debug", "runtime/trace", "runtime/metrics", "sync",
            "sync/atomic", "time", "os", "os/exec", "strings", "context", "net/http",
            "testing", "encoding/json", "debug/elf", "math/rand/v2", "sort", "bufio", "errors"]


def std_cache() -> Path:
    """The Go build cache that holds only the warmed standard library (``WHYGO_CACHE/go-std``)."""
    return course_cache_dir() / "go-std"


def build_std(cache: Path, progress: bool = False) -> None:
    """Compile :data:`PACKAGES` into ``cache`` as the runner builds them (``-trimpath``)."""
    for i, pkg in enumerate(PACKAGES, 1):
        if progress:
            print(f"\r  compiling the standard library: {i}/{len(PACKAGES)} {pkg:<20}", end="", flush=True)
        go_command("build", "-trimpath", pkg, env={"GOCACHE": str(cache)}, timeout=600)


def go_cache_files(cache: Path) -> list[tuple[str, str]]:
    """(sub-folder, file) of every entry of a Go build cache (the ``-a`` and ``-d`` files of its
    ``00``..``ff`` folders: nothing else a tool may have left there)."""
    found = []
    for sub in sorted(os.listdir(cache)):
        if len(sub) == 2 and (cache / sub).is_dir():
            found += [(sub, f) for f in sorted(os.listdir(cache / sub)) if f.endswith(("-a", "-d"))]
    return found


def copy_cache(source: Path, target: Path) -> int:
    """Copy the entries of Go build cache ``source`` that ``target`` lacks; how many were copied.

    An entry is a ``-a`` file named by the hash of what made it (the action),
    pointing at a ``-d`` file named by the hash of its content, so two caches
    merge by taking the union of their files; Go takes a missing or short
    file for a miss (cmd/go/internal/cache/cache.go). Each copy is written
    beside its place and renamed into it, so a ``go`` running on ``target``
    meanwhile finds the whole file or none."""
    copied = 0
    for sub, name in go_cache_files(source):
        if not (target / sub / name).exists():
            (target / sub).mkdir(parents=True, exist_ok=True)
            tmp = target / sub / f".{name}.{os.getpid()}.tmp"
            try:
                shutil.copyfile(source / sub / name, tmp)
                os.replace(tmp, target / sub / name)
            finally:
                tmp.unlink(missing_ok=True)    # a failed copy leaves nothing behind
            copied += 1
    return copied


def warm_build_cache() -> int:
    start = time.monotonic()
    try:
        build_std(std_cache(), progress=True)
        copy_cache(std_cache(), Path(go_command("env", "GOCACHE").stdout.strip()))
    except (ToolchainError, OSError) as exc:
        print(f"\n{exc}", file=sys.stderr)
        return 1
    print(f"\r  build cache warm ({len(PACKAGES)} packages, {time.monotonic() - start:.0f} s)" + " " * 20)
    return warm_graphviz()


def warm_graphviz() -> int:
    """Render one tiny graph so the WebAssembly Graphviz module is compiled and cached."""
    from whygo.graphviz_render import to_svg
    start = time.monotonic()
    try:
        to_svg("digraph { a -> b }")
    except Exception as exc:  # noqa: BLE001 - report whatever the renderer says, with the fix
        print(f"  Graphviz renderer failed: {exc}\n  fix: run `whygo doctor`", file=sys.stderr)
        return 1
    print(f"  Graphviz renderer ready ({time.monotonic() - start:.1f} s)")
    return 0
