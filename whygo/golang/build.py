"""Build Go: the one way the course calls ``go build`` / ``go test -c`` and caches the result.

A :class:`Target` is either files written into a fresh temporary module
(a notebook cell, a benchmark cell, a lab's check) or a package of an
existing module (``gocode/``, or a copy of it). :func:`build` runs

    go build|test -c -buildvcs=false FLAGS [-buildmode=M] -o OUT PACKAGE

with the pinned toolchain and ``go_env()`` (through :mod:`whygo.golang.process`,
so a build is stopped like any program), and keeps the output in the one
binary cache (:mod:`whygo.golang.cache`) with what the compiler printed.

The cache key holds everything that changes the output: the toolchain (path
and version) and the host, the command, every flag, the buildmode, every
build variable of the environment ``go`` really runs with (``GOOS``,
``GOARCH``, ``GOAMD64``, ``GOFLAGS``, ``GOEXPERIMENT``, ``CGO_ENABLED``,
``CGO_CFLAGS``..., and the C toolchain: ``CC``, ``CXX``, ``AR``,
``PKG_CONFIG``), the module's folder (a build without ``-trimpath`` embeds
it), ``go.mod`` and every source file. Variables only the running program
reads (:data:`RUNTIME_ONLY`) are left out, so ``GOGC=50`` reuses the binary.

Automatic imports: a cell's file may import a package for a name that was
really a variable (``list``); the compiler then calls the import unused, and
the build runs again without it (at most twice). The target that built is
returned, so callers report the imports that stayed.

``go.mod`` of a temporary module says the pinned toolchain's language version
(:func:`go_mod`), never a hard-coded one.
"""
from __future__ import annotations

import dataclasses
import functools
import os
import platform
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

from whygo.golang import diagnostics, process, snippet
from whygo.golang.cache import BinaryCache, cache_key, sweep_dead
from whygo.golang.toolchain import FIX, ToolchainError, course_cache_dir, go_env, toolchain

BUILD_TIMEOUT = 300.0      # a cold standard library can take a while
BUILD_LOG_CAP = 64 << 20   # a -S listing of a large program is a few MB

# Variables that only the running program reads; every other GO*/CGO_* variable
# a caller passes also goes to `go build` (GOARCH, GOAMD64, GOEXPERIMENT...).
RUNTIME_ONLY = {"GODEBUG", "GOGC", "GOMEMLIMIT", "GOMAXPROCS", "GOTRACEBACK", "GOCOVERDIR"}
# Where go keeps things, not what it builds: not part of the key.
_PLACES = {"GOCACHE", "GOTMPDIR", "GOMODCACHE", "GOPATH", "GOENV"}
# The C toolchain cgo calls.
C_TOOLS = ("CC", "CXX", "AR", "PKG_CONFIG")


@functools.lru_cache(maxsize=None)
def _binary_cache(root: str) -> BinaryCache:
    cache = BinaryCache(Path(root))
    sweep_dead(cache.work_root)
    return cache


def binary_cache() -> BinaryCache:
    """The binary cache of the course cache directory (``WHYGO_CACHE``)."""
    return _binary_cache(str(course_cache_dir()))


def go_version_line() -> str:
    """``go 1.N`` of the toolchain in use: the language version of a temporary module."""
    m = re.search(r"go(\d+)\.(\d+)", toolchain().version)
    if not m:
        raise ToolchainError(f"whygo: cannot read a Go version in {toolchain().version!r}. {FIX}")
    return f"go {m.group(1)}.{m.group(2)}"


def go_mod(module: str = "cell") -> str:
    return f"module {module}\n\n{go_version_line()}\n"


def build_vars(env: Mapping[str, str] | None) -> dict[str, str]:
    """The variables of ``env`` that go to ``go build`` (the rest only reach the program)."""
    return {k: v for k, v in (env or {}).items()
            if (k.startswith(("GO", "CGO_")) and k not in RUNTIME_ONLY) or k in C_TOOLS}


def _key_vars(env: Mapping[str, str]) -> str:
    return "\n".join(f"{k}={v}" for k, v in sorted(env.items())
                     if ((k.startswith(("GO", "CGO_")) and k not in RUNTIME_ONLY | _PLACES)
                         or k in C_TOOLS))


@dataclass
class Target:
    """What to build: ``files`` written into a fresh module, or ``package`` of
    the module at ``module_dir``."""
    files: list[snippet.GoFile] = field(default_factory=list)
    module_dir: Path | None = None
    package: str = "."                  # the `go build` argument
    reported: set[str] = field(default_factory=set)   # files whose positions are real
    own: set[str] = field(default_factory=set)        # files whose -m decisions are shown
    prefixes: tuple[str, ...] = ("cell/",)
    form: str = ""
    key_files: list[tuple[str, str]] = field(default_factory=list)   # the module's files
    table: Mapping[str, str] = field(default_factory=dict)           # for redoing imports

    def imports_added(self) -> tuple[str, ...]:
        return tuple(sorted({p for f in self.files for p in f.imports_added}))


def module_files(root: Path, *, tests: bool = False) -> list[tuple[str, str]]:
    """(path in the module, text) of every file of a module a build may read."""
    return sorted((p.relative_to(root).as_posix(), p.read_text(errors="replace"))
                  for p in root.rglob("*") if p.is_file()
                  and (p.suffix == ".go" or p.name in ("go.mod", "go.sum"))
                  and (tests or not p.name.endswith("_test.go")))


def package_target(package: str, root: Path, *, tests: bool = False) -> Target:
    """A package of an existing module (``cmd/hello``), keyed by the whole module."""
    text = package.removeprefix("./").strip("/")
    return Target(module_dir=Path(root), package=f"./{text}" if text else ".",
                  key_files=module_files(Path(root), tests=tests), form="package")


@dataclass
class Built:
    binary: Path | None     # None when the build failed or only compiled
    log: str                # what go printed; work-directory and module paths removed
    cached: bool
    target: Target          # as built (without the automatic imports Go called unused)
    ok: bool
    timed_out: bool = False


def build(target: Target, *, flags: Sequence[str] = ("-trimpath",), test: bool = False,
          buildmode: str | None = None, env: Mapping[str, str] | None = None, cgo: bool = False,
          output: bool = True, name: str | None = None, timeout: float = BUILD_TIMEOUT) -> Built:
    """Build ``target`` with ``go build`` (``test=True``: ``go test -c``), or take it from the cache.

    ``env`` adds build variables (only :func:`build_vars` of it is used);
    ``output=False`` compiles without keeping anything (for the compiler's
    messages; nothing is cached). ``name`` is the output's file name.
    Raises ToolchainError when Go itself is unusable; a failed build is returned.
    """
    tc = toolchain()
    full_env = go_env(build_vars(env), cgo=cgo)
    command = ["test", "-c"] if test else ["build"]
    args = [*command, *flags, "-buildvcs=false", *([f"-buildmode={buildmode}"] if buildmode else [])]
    gomod = go_mod() if target.module_dir is None else ""
    cache = binary_cache()
    key = cache_key([("go", str(tc.go)), ("version", tc.version),
                     ("host", f"{sys.platform}/{platform.machine()}"), ("args", "\n".join(args)),
                     ("env", _key_vars(full_env)), ("module", str(target.module_dir or "")),
                     ("package", target.package), ("go.mod", gomod), ("name", name or ""),
                     *((f"file:{n}", text) for n, text in target.key_files),
                     *((f"file:{f.filename}", f.text) for f in target.files)])
    if output:
        entry = cache.lookup(key)
        if entry is not None:
            return Built(entry.binary, entry.log, True,
                         _drop_imports(target, entry.record.get("dropped", {})), True)
    with cache.workdir() as wd:
        out = wd / (name or "prog")
        for attempt in range(3):
            if target.module_dir is None:
                (wd / "go.mod").write_text(gomod)
                for f in target.files:
                    (wd / f.filename).write_text(f.text)
            rc, log, timed_out = _go(tc.go, [*args, "-o", str(out) if output else os.devnull,
                                             target.package],
                                     target.module_dir or wd, full_env, timeout)
            log = log.replace(f"{wd}{os.sep}", "").replace(str(wd), ".")
            if target.module_dir is not None:
                log = log.replace(f"{target.module_dir}{os.sep}", "")
            if rc == 0 and (not output or out.is_file()):
                if not output:
                    return Built(None, log, False, target, True)
                dropped = {f.filename: sorted(f.dropped) for f in target.files if f.dropped}
                entry = cache.store(key, out, {"log": log, "dropped": dropped}, name=name)
                return Built(entry.binary, log, False, target, True)
            retry = _drop_imports(target, _wrong_imports(target, log)) if attempt < 2 else target
            if retry is target or timed_out:
                break
            target = retry
    return Built(None, log, False, target, False, timed_out)


def _go(go: Path, args: list[str], cwd: Path, env: dict[str, str],
        timeout: float) -> tuple[int, str, bool]:
    try:
        got = process.run([str(go), *args], env=env, cwd=cwd, timeout=timeout, cap=BUILD_LOG_CAP)
    except OSError as exc:
        raise ToolchainError(f"whygo: cannot run {go}: {exc}. {FIX}") from exc
    log = got.out + got.err
    if got.timed_out:
        return 1, log + f"\ngo {args[0]} did not finish within {timeout:g} s\n", True
    if re.search(r"requires go >= |go: cannot find GOROOT|unsupported GOOS/GOARCH pair", log):
        raise ToolchainError(f"whygo: the Go toolchain at {go} cannot build this:\n{log.strip()}\n{FIX}")
    return got.returncode, log, False


def _wrong_imports(target: Target, log: str) -> dict[str, list[str]]:
    """Real file name -> automatic imports the compiler rejected (the name was a
    variable, say ``list``, not the package)."""
    bad = diagnostics.unused_imports(log, target.prefixes)
    wrong = {}
    for f in target.files:
        drop = (bad.get(f.filename, set()) | bad.get(f.reported_as, set())) & set(f.imports_added)
        if drop:
            wrong[f.filename] = sorted(drop)
    return wrong


def _drop_imports(target: Target, drop: Mapping[str, Sequence[str]]) -> Target:
    """``target`` with its files made again without the imports in ``drop``."""
    if not drop:
        return target
    files = [snippet.without_imports(f, set(drop[f.filename]), target.table) if f.filename in drop else f
             for f in target.files]
    return dataclasses.replace(target, files=files)


# -- holding a binary --------------------------------------------------------------------
# The cache is shared by every process of the course (kernels, tests, graders) and
# bounded: another process's store may evict an entry this one is about to run or
# has handed to a notebook. A hard link in a folder of this process keeps the file.

_HELD: dict[str, Path] = {}


def _held_dir() -> Path:
    """One folder per process under the cache (``held/<pid>-XXXX``); folders of
    processes that are gone are swept away when a new one is made."""
    root = str(course_cache_dir())
    if root not in _HELD:
        base = Path(root) / "held"
        base.mkdir(parents=True, exist_ok=True)
        sweep_dead(base)
        _HELD[root] = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=base))
    return _HELD[root]


def hold(binary: Path) -> Path:
    """A link to ``binary`` that stays while this process lives (same name, in a
    folder of its own). FileNotFoundError if it was evicted already."""
    key = binary.name if binary.parent == binary_cache().bin_dir else binary.parent.name
    held = _held_dir() / key / binary.name
    held.parent.mkdir(exist_ok=True)
    if not held.exists():
        try:
            os.link(binary, held)
        except FileExistsError:
            pass
        except OSError as exc:
            if isinstance(exc, FileNotFoundError):
                raise
            shutil.copy2(binary, held)   # another file system: a copy holds as well
    return held


def build_held(target: Target, **options) -> Built:
    """:func:`build`, with the binary held (:func:`hold`) so eviction cannot take it.
    Built again once if it was evicted between the build and the hold."""
    for _ in range(2):
        built = build(target, **options)
        if built.binary is None:
            return built
        try:
            return dataclasses.replace(built, binary=hold(built.binary))
        except FileNotFoundError:
            continue
    return dataclasses.replace(built, binary=None, ok=False,
                               log=built.log + "\nthe built binary was evicted from the cache twice\n")
