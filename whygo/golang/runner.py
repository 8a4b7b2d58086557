"""Build and run Go: a notebook cell (:func:`run`) or a program of gocode/ (:func:`run_package`).

What happens to a cell
----------------------
1. :mod:`whygo.golang.snippet` turns it into ``main.go`` (adding ``package
   main``, imports, a ``func main`` wrapper as its form needs, and ``//line``
   directives so every message speaks in cell lines). Cells saved in the
   :class:`Session` become more files of the same package.
2. :mod:`whygo.golang.build` builds it (``go build -trimpath -buildvcs=false``
   in a private temporary module ``cell``), or takes the binary and the
   compiler's output from the one binary cache. No ``go run``, no ``go vet``.
3. The binary runs through :mod:`whygo.golang.process`, in a new session (its
   own process group) so that a timeout or an interrupt can kill it with
   every child it started.

Output: stdout and stderr are read on separate pipes, each kept up to
``max_output`` bytes (the rest is read and dropped so the program never
blocks and memory stays bounded), then decoded as UTF-8. The two streams are
returned separately, so their interleaving in time is lost; the course
always shows stdout first, then stderr, which makes outputs deterministic.

Stopping (:mod:`whygo.golang.process`): at the timeout the group gets SIGINT
(a Go program dies at once, or runs its own handler), then SIGKILL after
``process.GRACE_SECONDS``. When the
program exits, whatever is left of its group (background children) is
killed too, so nothing outlives a cell. A KeyboardInterrupt in the caller, or
:func:`interrupt_all` from another thread, stops the group the same way and
the caller sees KeyboardInterrupt.

Nothing here imports IPython: the magics and the kernel are thin layers on top.
"""
from __future__ import annotations

import codecs
import contextlib
import functools
import os
import re
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

from whygo.i18n import _
from whygo.golang import build, diagnostics, process, snippet
from whygo.golang.build import Built, Target, binary_cache
from whygo.golang.cache import BinaryCache, sweep_dead  # noqa: F401 - BinaryCache: for callers
from whygo.golang.diagnostics import CompileError, Diagnostic
from whygo.golang.process import interrupt_all
from whygo.golang.snippet import SnippetError
from whygo.golang.toolchain import course_cache_dir, go_env, toolchain

__all__ = ["CompileError", "Diagnostic", "GoResult", "PackageError", "Session", "SnippetError", "binary_cache",
           "interrupt_all", "run", "run_package"]



class PackageError(ValueError):
    """``run_package`` was given something that is not a main package of gocode/."""


# -- results ------------------------------------------------------------------------

@dataclass
class GoResult:
    stdout: str = ""
    stderr: str = ""
    returncode: int | None = None      # None when nothing ran (build failed, build_only)
    timed_out: bool = False
    compile_errors: list[CompileError] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    build_log: str = ""                # compiler output; work-dir paths removed
    cached: bool = False               # the binary came from the binary cache
    wall_seconds: float = 0.0          # build + run
    truncated: bool = False            # stdout or stderr hit max_output
    # additions to the agreed API
    timeout: float | None = None       # the limit the program ran under
    form: str = ""                     # "program" | "declarations" | "statements" | "package"
    imports_added: tuple[str, ...] = ()
    binary: Path | None = None         # the cached executable (valid until evicted)

    @property
    def built(self) -> bool:
        return not self.compile_errors

    @property
    def ok(self) -> bool:
        """Compiled, not timed out, and exited 0 (or was only built)."""
        return self.built and not self.timed_out and self.returncode in (0, None)

    def error_message(self) -> str | None:
        """One sentence saying why the result failed; None when it did not."""
        if self.compile_errors:
            e = self.compile_errors[0]
            first = e.message.split("\n", 1)[0]
            hint = self._import_hint(first)
            if "function main is undeclared" in first:
                hint = _(" (give the cell a func main, or write only statements)")
            if e.line == 0:
                if e.file and e.file != snippet.CELL_FILE:
                    return _("build failed in {file}: {error}").format(file=e.file, error=first) + hint
                return _("build failed: {error}").format(error=first) + hint
            if e.file and e.file != snippet.CELL_FILE:
                return _("compile error in {file} line {line}: {error}").format(file=e.file, line=e.line, error=first) + hint
            return _("compile error at cell line {line}: {error}").format(line=e.line, error=first) + hint
        if self.timed_out:
            return _("timed out after {seconds} s").format(seconds=f"{self.timeout:g}")
        if self.returncode in (0, None):
            return None
        for line in self.stderr.splitlines():
            if line.startswith(("panic: ", "fatal error: ")):
                return line.strip()
        if self.returncode < 0:
            try:
                return f"killed by signal {signal.Signals(-self.returncode).name}"
            except ValueError:
                return f"killed by signal {-self.returncode}"
        return f"exit status {self.returncode}"

    def _import_hint(self, message: str) -> str:
        for path in self.imports_added:
            name = snippet.default_name(path)
            if f"undefined: {name}." in message:
                return _(" (the runner imported {path} for `{name}`; write the import "
                         "yourself to use another package)").format(path=path, name=name)
        return ""


# -- running ---------------------------------------------------------------------------

def _size(n: int) -> str:
    for unit, factor in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if n >= factor and n % factor == 0:
            return f"{n // factor} {unit}"
    return f"{n} bytes"


def _text(data: bytes, truncated_at: int | None) -> str:
    if truncated_at is None or len(data) < truncated_at:
        return data.decode("utf-8", "replace")
    # cut cleanly: an incomplete UTF-8 sequence at the cut is dropped, not turned into U+FFFD
    text = codecs.getincrementaldecoder("utf-8")("replace").decode(data, final=False)
    sep = "" if text.endswith("\n") else "\n"
    return f"{text}{sep}... [output truncated at {_size(truncated_at)}]\n"


# -- building --------------------------------------------------------------------------

def _build(target: Target, *, gcflags: str | None, ldflags: str | None, cgo: bool,
           env: Mapping[str, str] | None) -> Built:
    flags = ["-trimpath"]
    if gcflags:
        flags.append(f"-gcflags={gcflags}")
    if ldflags:
        flags.append(f"-ldflags={ldflags}")
    return build.build(target, flags=flags, env=env, cgo=cgo)


def _execute(binary: Path, *, args: Sequence[str], env: Mapping[str, str] | None, cgo: bool,
             stdin: str | bytes | None, timeout: float, max_output: int,
             cwd: str | os.PathLike | None) -> process.Captured:
    return process.run([str(binary), *args], env=go_env(dict(env or {}), cgo=cgo), cwd=cwd,
                       stdin=stdin, timeout=timeout, cap=max_output)


def _check_options(*, timeout, max_output, args, env, stdin, cwd) -> None:
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or not timeout > 0:
        raise ValueError(f"timeout={timeout!r}: give the program's time limit in seconds, > 0")
    if not isinstance(max_output, int) or max_output <= 0:
        raise ValueError(f"max_output={max_output!r}: give a number of bytes per stream, > 0")
    if isinstance(args, (str, bytes)) or not all(isinstance(a, str) for a in args):
        raise ValueError(f"args={args!r}: give a list of strings, e.g. ['-n', '10']")
    bad = [k for k, v in (env or {}).items() if not (isinstance(k, str) and isinstance(v, str)) or not k]
    if bad:
        raise ValueError(f"env: {bad[0]!r} must map a name to a string value, e.g. {{'GOGC': '50'}}")
    if stdin is not None and not isinstance(stdin, (str, bytes)):
        raise ValueError(f"stdin must be text or bytes, not {type(stdin).__name__}")
    if cwd is not None and not Path(cwd).is_dir():
        raise ValueError(f"cwd={str(cwd)!r} is not a directory: give the folder the program runs in")


def listing_env(gcflags: str | None, build_only: bool, env: dict | None) -> dict | None:
    """The build environment for an assembly listing: amd64 unless the caller chose.

    A ``-S`` listing (``%%go --asm``, ``run(..., gcflags="-S", build_only=True)``)
    is text the course reads instruction by instruction; cross-compiling it
    for one architecture makes it read the same on an arm64 laptop as on an
    amd64 server. Programs that run are still built for the host.
    """
    if not build_only or "-S" not in (gcflags or "").split():
        return env
    env = dict(env or {})
    if "GOARCH" not in env:
        env.update(GOARCH="amd64", GOAMD64=env.get("GOAMD64", "v1"))
    return env


def _build_and_run(target: Target, *, gcflags, ldflags, env, args, stdin, timeout, cgo,
                   build_only, max_output, cwd) -> GoResult:
    _check_options(timeout=timeout, max_output=max_output, args=args, env=env, stdin=stdin, cwd=cwd)
    env = listing_env(gcflags, build_only, env)
    started = time.perf_counter()
    for _ in range(2):   # a second time only if the cached binary was evicted under us
        built = _build(target, gcflags=gcflags, ldflags=ldflags, cgo=cgo, env=env)
        target, log = built.target, built.log
        result = GoResult(build_log=log, cached=built.cached, timeout=timeout, form=target.form,
                          imports_added=target.imports_added())
        if built.binary is None:
            result.compile_errors = diagnostics.compile_errors(log, target.reported, target.prefixes)
            break
        result.binary = built.binary
        result.diagnostics = diagnostics.compiler_decisions(log, target.own, target.prefixes)
        if build_only:
            break
        try:
            got = _execute(built.binary, args=args, env=env, cgo=cgo, stdin=stdin, timeout=timeout,
                           max_output=max_output, cwd=cwd)
        except FileNotFoundError:
            continue
        except OSError as exc:   # e.g. built for another GOOS/GOARCH
            result.stderr, result.returncode = f"cannot execute the program: {exc}\n", 126
            break
        result.stdout = _text(got.stdout, max_output if got.truncated else None)
        result.stderr = _text(got.stderr, max_output if got.truncated else None)
        result.returncode, result.timed_out, result.truncated = got.returncode, got.timed_out, got.truncated
        break
    else:
        result.stderr, result.returncode = "the built program vanished from the binary cache twice\n", 127
    result.wall_seconds = time.perf_counter() - started
    return result


# -- the public API -----------------------------------------------------------------------

@functools.lru_cache(maxsize=4)
def _import_table(version: str, go: str) -> dict[str, str]:
    return snippet.import_table(snippet.std_packages())


def import_table() -> dict[str, str]:
    """package name -> import path used for automatic imports (see snippet)."""
    tc = toolchain()
    return _import_table(tc.version, str(tc.go))


def run(source: str, *, gcflags: str | None = None, ldflags: str | None = None,
        env: dict | None = None, args: Sequence[str] = (), stdin: str | None = None,
        timeout: float = 30, cgo: bool = False, session: "Session | None" = None,
        build_only: bool = False, max_output: int = 1_000_000,
        cwd: str | os.PathLike | None = None) -> GoResult:
    """Build the cell (any snippet form) with the session's saved cells and run it.

    ``env`` is added to the program's environment (build variables such as
    GOARCH also reach ``go build``); ``timeout`` limits the program, not the
    build; ``cwd`` is the program's working directory (default: ours).
    Never raises for a bad program; raises ToolchainError if Go is unusable
    and ValueError for bad options.
    """
    if not isinstance(source, str):
        raise ValueError(f"run() takes the cell's Go source as a string, not {type(source).__name__}")
    table = import_table()
    clause = snippet.package_clause(source)
    if clause is not None and clause[0] != "main":
        name, line = clause
        return GoResult(compile_errors=[CompileError(line, 1, f"package {name}: a cell that runs must be "
                                                     f"package main (or leave the package line out)")],
                        form="program", timeout=timeout)
    cell = snippet.make_file(source, table)
    files = [cell] + (session.files(table) if session is not None else [])
    target = Target(files, reported={f.reported_as for f in files}, own={snippet.CELL_FILE},
                    form=cell.form, table=table)
    return _build_and_run(target, gcflags=gcflags, ldflags=ldflags, env=env, args=args, stdin=stdin,
                          timeout=timeout, cgo=cgo, build_only=build_only, max_output=max_output, cwd=cwd)


def gocode_dir() -> Path:
    """The course's Go module: ``WHYGO_GOCODE``, else ``gocode/`` next to the package."""
    override = os.environ.get("WHYGO_GOCODE")
    path = Path(override) if override else Path(__file__).resolve().parents[2] / "gocode"
    if not (path / "go.mod").is_file():
        raise PackageError(f"no Go module at {path} (no go.mod). Run from the course checkout "
                           f"or set WHYGO_GOCODE to the gocode/ folder.")
    return path.resolve()


def _is_main_package(folder: Path) -> bool:
    for f in sorted(folder.glob("*.go")):
        if not f.name.endswith("_test.go"):
            clause = snippet.package_clause(f.read_text(errors="replace"))
            if clause is not None and clause[0] == "main":
                return True
    return False


def main_packages(root: Path | None = None) -> list[str]:
    """Every main package of gocode/, as paths relative to it ("cmd/gcload")."""
    root = root or gocode_dir()
    folders = {p.parent for p in root.rglob("*.go")}
    return sorted(f.relative_to(root).as_posix() for f in folders if _is_main_package(f))


def run_package(path: str | Path, **options) -> GoResult:
    """Build and run a main package of gocode/ (``"gocode/cmd/hello"`` or ``"cmd/hello"``).

    Same options, cache and limits as :func:`run` (``session`` is not used).
    """
    options.pop("session", None)
    root = gocode_dir()
    rel = Path(path)
    if rel.is_absolute() and rel.resolve().is_relative_to(root):
        rel = rel.resolve().relative_to(root)
    text = rel.as_posix().removeprefix("./").removeprefix("gocode/").strip("/")
    folder = (root / text).resolve()
    if (rel.is_absolute() or not text or not folder.is_relative_to(root) or not folder.is_dir()
            or not _is_main_package(folder)):
        listed = ", ".join(main_packages(root)) or "none"
        raise PackageError(f"{path!s} is not a main package of {root}. "
                           f"Give one of: {listed} (relative to gocode/)")
    target = build.package_target(text, root)
    target.reported = {name for name, _ in target.key_files}
    target.own = {p.relative_to(root).as_posix() for p in folder.glob("*.go") if not p.name.endswith("_test.go")}
    target.prefixes = (f"{_module_path(root)}/",)
    defaults = dict(gcflags=None, ldflags=None, env=None, args=(), stdin=None, timeout=30, cgo=False,
                    build_only=False, max_output=1_000_000, cwd=None)
    unknown = set(options) - set(defaults)
    if unknown:
        raise TypeError(f"run_package() got unknown options: {', '.join(sorted(unknown))}")
    return _build_and_run(target, **{**defaults, **options})


def _module_path(root: Path) -> str:
    m = re.search(r"(?m)^module\s+(\S+)", (root / "go.mod").read_text())
    return m.group(1) if m else ""


class Session:
    """A notebook's saved cells: declarations that every later cell compiles with.

    Like GoNB: ``save("helpers", src)`` keeps ``src`` as the file
    ``helpers.go`` of the cell's package (imports added the same way as for
    a cell), so later cells can call what it declares. Saving a name again
    replaces that file. The files live in a private directory under the
    course cache (``sessions/<label>-<pid>-XXXX``), unique per process, removed
    by :meth:`close` (or, if the process died, by the next process that starts).
    """

    def __init__(self, name: str | None = None):
        root = course_cache_dir() / "sessions"
        root.mkdir(parents=True, exist_ok=True)
        sweep_dead(root)
        label = re.sub(r"[^A-Za-z0-9]", "", name or "") or "session"
        self.dir = Path(tempfile.mkdtemp(prefix=f"{label}-{os.getpid()}-", dir=root))

    def _path(self, name: str) -> Path:
        return self.dir / f"{name}.go"

    def save(self, name: str, source: str) -> None:
        """Keep ``source`` (declarations, no ``func main``) as ``<name>.go``."""
        snippet.check_save_name(name)
        if not isinstance(source, str):
            raise SnippetError(f"save({name!r}, ...) takes Go source text")
        if snippet.has_func_main(source):
            raise SnippetError(f"cannot save {name!r}: it declares func main. A saved cell holds "
                               f"declarations for later cells; run a cell with func main normally.")
        clause = snippet.package_clause(source)
        if clause is not None and clause[0] != "main":
            raise SnippetError(f"cannot save {name!r}: it is package {clause[0]}; saved cells "
                               f"belong to package main (leave the package line out)")
        if not self.dir.is_dir():
            raise SnippetError("this session is closed; start a new Session")
        fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".save-", suffix=".tmp")
        with os.fdopen(fd, "w") as f:
            f.write(source)
        os.replace(tmp, self._path(name))

    def remove(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._path(name).unlink()

    def names(self) -> list[str]:
        if not self.dir.is_dir():
            return []
        return sorted(p.stem for p in self.dir.glob("*.go"))

    def source(self, name: str) -> str:
        return self._path(name).read_text()

    def files(self, table: Mapping[str, str]) -> list[snippet.GoFile]:
        """The saved cells as Go files of the cell's package, sorted by name."""
        files = []
        for name in self.names():
            source = self.source(name)
            form = "program" if snippet.package_clause(source) else "declarations"
            files.append(snippet.make_file(source, table, filename=name + snippet.SAVED_SUFFIX,
                                           reported_as=f"{name}.go", form=form))
        return files

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
