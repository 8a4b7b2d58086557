"""``go vet`` on one ``package main`` file: the findings, as the reader would see them.

Chapter 2.5 shows the ``lostcancel`` analyzer catching a dropped CancelFunc.
``go vet`` only type-checks and analyses: nothing is built or run.
"""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

from whygo.golang.build import go_mod
from whygo.golang.toolchain import go_command


class VetError(ValueError):
    """The source is not a whole file, or ``go vet`` failed without a finding."""


def vet(source: str) -> list[str]:
    """Run ``go vet`` (which includes the ``lostcancel`` analyzer) on one ``package main``
    file and return its findings as ``main.go:LINE:COL: message`` lines ([] when clean)."""
    if not source.lstrip().startswith("package "):
        raise VetError("vet() needs a whole Go file that starts with 'package main'")
    with tempfile.TemporaryDirectory(prefix="whygo-vet-") as tmp:
        Path(tmp, "go.mod").write_text(go_mod("vetme"))   # the pinned toolchain's language version
        Path(tmp, "main.go").write_text(source)
        proc = go_command("vet", ".", cwd=tmp, check=False, timeout=120)
    out = []
    for line in (proc.stdout + proc.stderr).splitlines():
        m = re.search(r"(main\.go:\d+:\d+: .*)", line)
        if m:
            out.append(m.group(1))
    if proc.returncode != 0 and not out:
        raise VetError("go vet failed without a finding:\n" + (proc.stdout + proc.stderr)[-1500:])
    return out
