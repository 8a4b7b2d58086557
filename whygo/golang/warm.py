"""Warm Go's build cache so the first notebook cell does not wait for the standard library."""
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
            go_command("build", pkg, timeout=600)
        except ToolchainError as exc:
            print(f"\n{exc}", file=sys.stderr)
            return 1
    print(f"\r  build cache warm ({len(PACKAGES)} packages, {time.monotonic() - start:.0f} s)" + " " * 20)
    return 0
