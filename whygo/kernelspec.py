"""Install the kernel spec of the "Go (whygo)" kernel (the kernel is whygo/kernel.py)."""
from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

KERNEL_NAME = "whygo-go"
DISPLAY_NAME = "Go (whygo)"


def kernel_json() -> dict:
    return {
        "argv": [sys.executable, "-m", "whygo.kernel", "-f", "{connection_file}"],
        "display_name": DISPLAY_NAME,
        "language": "go",
        "interrupt_mode": "signal",
        "metadata": {"debugger": False},
    }


def install_kernelspec(*, user: bool = False, prefix: str | None = None) -> str:
    from jupyter_client.kernelspec import KernelSpecManager  # heavy; the kernel itself never needs it
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)   # the spec is copied with its folder's mode: every user must read it
        (Path(tmp) / "kernel.json").write_text(json.dumps(kernel_json(), indent=1))
        return KernelSpecManager().install_kernel_spec(
            tmp, KERNEL_NAME, user=user, prefix=None if user else prefix)
