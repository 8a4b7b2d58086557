"""Warm the caches once per machine so the first notebook cell does not wait.

Go's build cache: the standard-library packages the course uses are compiled
(tens of seconds the first time). The Graphviz WebAssembly module: compiled
once and kept in the course cache (seconds the first time, then ~0.1 s).
"""
from __future__ import annotations

import sys
import time

from whygo.golang.toolchain import ToolchainError, go_command

# The standard-library packages the course's snippets and gocode/ programs use.
PACKAGES = ["fmt", "runtime", "runtime/debug", "runtime/trace", "runtime/metrics", "sync",
            "sync/atomic", "time", "os", "os/exec", "strings", "context", "net/http",
            "testing", "encoding/json", "debug/elf", "math/rand/v2", "sort", "bufio", "errors"]


def warm_build_cache() -> int:
    start = time.monotonic()
    for i, pkg in enumerate(PACKAGES, 1):
        print(f"\r  compiling the standard library: {i}/{len(PACKAGES)} {pkg:<20}", end="", flush=True)
        try:
            go_command("build", "-trimpath", pkg, timeout=600)   # as the runner builds
        except ToolchainError as exc:
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
