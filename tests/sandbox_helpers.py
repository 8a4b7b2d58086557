"""Helpers shared by the sandbox tests (test_sandbox.py, test_grade_sandbox.py)."""
from __future__ import annotations

from pathlib import Path


def processes_of(uid: int) -> list[str]:
    """The pids of this machine's processes running as ``uid`` (a sandbox's uid is its own,
    so this sees one sandbox even while pytest's other worker runs others)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and int((proc / "status").read_text().split("Uid:")[1].split()[0]) == uid:
                found.append(proc.name)
        except (OSError, IndexError, ValueError):
            pass
    return found
