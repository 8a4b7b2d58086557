"""The course's kernel specs: the "Go (whygo)" kernel (whygo/kernel.py) and the Chinese
edition's two kernels.

The Chinese edition's notebooks have the same code cells as the English ones; what makes
their output Chinese is the kernel they name, which sets ``WHYGO_LANG=zh`` (whygo.i18n).
So ``whygo kernel install`` installs all of them, and the classroom writes the same specs.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

KERNEL_NAME = "whygo-go"
DISPLAY_NAME = "Go (whygo)"
# The Chinese edition's kernels: the name each English kernel has in the Chinese notebooks.
ZH_KERNELS = {"python3": "whygo-python-zh", KERNEL_NAME: "whygo-go-zh"}
# Kernel name -> the module it runs (the classroom starts it through whygo.classroom.kernelstart).
MODULES = {"python3": "ipykernel_launcher", KERNEL_NAME: "whygo.kernel",
           "whygo-python-zh": "ipykernel_launcher", "whygo-go-zh": "whygo.kernel"}


def kernel_json() -> dict:
    return {
        "argv": [sys.executable, "-m", "whygo.kernel", "-f", "{connection_file}"],
        "display_name": DISPLAY_NAME,
        "language": "go",
        "interrupt_mode": "signal",
        "metadata": {"debugger": False},
    }


def zh_kernel_json(english: str) -> dict:
    """The Chinese edition's twin of kernel ``english`` ("python3" or "whygo-go")."""
    if english == KERNEL_NAME:
        spec = kernel_json()
        spec["display_name"] = "Go (whygo, 中文)"
    else:
        spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3 (whygo, 中文)", "language": "python",
                "metadata": {"debugger": True}}
    spec["env"] = {"WHYGO_LANG": "zh"}
    return spec


def course_kernels() -> dict[str, dict]:
    """Every kernel spec the course installs: name -> kernel.json."""
    return {KERNEL_NAME: kernel_json(),
            **{zh: zh_kernel_json(en) for en, zh in ZH_KERNELS.items()}}


def install_kernelspec(*, user: bool = False, prefix: str | None = None) -> str:
    """Install every course kernel; returns the folder of the Go kernel's spec."""
    from jupyter_client.kernelspec import KernelSpecManager  # heavy; the kernel itself never needs it
    where = ""
    for name, spec in course_kernels().items():
        with tempfile.TemporaryDirectory() as tmp:
            os.chmod(tmp, 0o755)   # the spec is copied with its folder's mode: every user must read it
            (Path(tmp) / "kernel.json").write_text(json.dumps(spec, indent=1))
            path = KernelSpecManager().install_kernel_spec(
                tmp, name, user=user, prefix=None if user else prefix)
        where = where or path
    return where
