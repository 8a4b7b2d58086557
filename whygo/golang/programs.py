"""Run a program of gocode/ and read what it printed: the one checked way.

The chapters run the course's own Go programs (``gocode/cmd/...``) and read
their JSON reports or ``go test -bench`` tables. Every such call goes through
here, so that every failure reads the same: what failed, the end of its
stderr, and what to do (:class:`ChapterError`, the one error type of the
chapter helpers).

* :func:`run` -- build (cached) and run a main package, checked;
* :func:`run_json` / :func:`run_json_lines` -- the same, parsing its stdout;
* :func:`bench` -- ``go test -run ^$ -bench PATTERN -benchmem`` of a package;
* :func:`list_deps` -- ``go list -deps``: the packages linked into others;
* :func:`build_package` -- a package of gocode/ (or a copy) with any flags,
  buildmode and build variables, through :mod:`whygo.golang.build`.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Mapping, Sequence

from whygo.golang import benchfmt, build, process, runner
from whygo.golang.toolchain import ToolchainError, go_env, toolchain

TAIL = 1000     # characters of stderr a failure shows


class ChapterError(RuntimeError, ValueError):
    """A chapter helper or a course program failed, or was given something it cannot
    use; the message says what failed, shows the end of its output, and what to do.
    (A ValueError too: a bad argument is one of the failures.)"""


def _tail(text: str, n: int = TAIL) -> str:
    return text.strip()[-n:]


def run(package: str, args: Sequence[str] = (), *, env: Mapping[str, str] | None = None,
        timeout: float = 60, max_output: int = 1_000_000) -> runner.GoResult:
    """Build and run ``gocode/PACKAGE`` with ``args``; a failed build, a non-zero exit,
    a timeout or output past ``max_output`` raises :class:`ChapterError`."""
    name = package.removeprefix("gocode/").removeprefix("cmd/")
    command = " ".join([name, *args])
    result = runner.run_package(package, args=list(args), env=dict(env or {}), timeout=timeout,
                                max_output=max_output)
    if result.timed_out:
        raise ChapterError(f"{command} did not finish in {timeout:g} s; run it with smaller sizes "
                           f"or a larger timeout.\n{_tail(result.stderr)}".rstrip())
    if not result.ok:
        raise ChapterError(f"{command} failed: {result.error_message()}\n{_tail(result.stderr)}")
    if result.truncated:
        raise ChapterError(f"{command} printed more than {max_output} bytes: the parsed results would "
                           "be incomplete. Use a shorter run or a longer period.")
    return result


def run_json(package: str, args: Sequence[str] = (), **options) -> dict:
    """:func:`run`, then its stdout as one JSON value."""
    result = run(package, args, **options)
    try:
        return json.loads(result.stdout)
    except ValueError as exc:
        raise ChapterError(f"{package} printed no JSON report ({exc}): {result.stdout[:300]!r}") from None


def run_json_lines(package: str, args: Sequence[str] = (), **options) -> list[dict]:
    """:func:`run`, then each non-empty line of its stdout as a JSON value."""
    result = run(package, args, **options)
    out = []
    for n, line in enumerate(result.stdout.splitlines(), 1):
        if line.strip():
            try:
                out.append(json.loads(line))
            except ValueError as exc:
                raise ChapterError(f"line {n} of {package}'s output is not JSON ({exc}): "
                                   f"{line[:120]!r}") from None
    return out


def bench(package: str, pattern: str = ".", *, benchtime: str = "1s", count: int = 1,
          timeout: float = 300) -> benchfmt.BenchTable:
    """``go test -run ^$ -bench PATTERN -benchmem`` in gocode/PACKAGE, as a BenchTable."""
    package = package.removeprefix("gocode/").removeprefix("./")
    argv = [str(toolchain().go), "test", "-run", "^$", "-bench", pattern, "-benchmem",
            f"-benchtime={benchtime}", f"-count={count}", f"./{package}"]
    got = process.run(argv, cwd=runner.gocode_dir(), env=go_env(), timeout=timeout)
    table = benchfmt.parse(got.out)
    if got.returncode != 0 or got.timed_out or not table.rows:
        raise ChapterError(f"go test -bench {pattern} in gocode/{package} failed or ran no benchmark:\n"
                           f"{_tail(got.out + got.err, 2000)}")
    return table


def list_deps(*packages: str, cgo: bool = False, cwd: Path | None = None) -> list[str]:
    """``go list -deps PACKAGES`` in ``cwd`` (default gocode/) with CGO_ENABLED as asked:
    every package they link."""
    if not packages:
        raise ChapterError("give at least one package, e.g. list_deps('fmt')")
    got = process.run([str(toolchain().go), "list", "-deps", *packages], cwd=cwd or runner.gocode_dir(),
                      env=go_env(cgo=cgo), timeout=120)
    if got.returncode != 0:
        raise ChapterError(f"go list -deps {' '.join(packages)} failed:\n{got.err.strip()}")
    return got.out.split()


def build_package(package: str, *, flags: Sequence[str] = (), buildmode: str | None = None,
                  env: Mapping[str, str] | None = None, cgo: bool = False, root: Path | None = None,
                  name: str | None = None, output: bool = True) -> build.Built:
    """``go build FLAGS [-buildmode=M] ./PACKAGE`` in ``root`` (default gocode/), cached, the
    output held for this process (:func:`whygo.golang.build.hold`: a notebook keeps using it).
    A failed build is returned (``.ok`` False, ``.log`` what go said, module paths cut)."""
    root = Path(root) if root else runner.gocode_dir()
    if not (root / package).is_dir():
        raise ChapterError(f"{package} is not a folder of {root}: give a package path such as 'cmd/hello'")
    try:
        return (build.build_held if output else build.build)(
            build.package_target(package, root), flags=flags, buildmode=buildmode, env=env, cgo=cgo,
            name=name, output=output)
    except ToolchainError as exc:
        raise ChapterError(str(exc)) from None
