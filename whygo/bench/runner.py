"""What the runner costs on top of the Go tools, measured side by side.

* ``runner.first_run_ratio``: a new cell (hello world with a function call,
  a fresh constant each time so the binary cache misses) through
  :func:`whygo.golang.runner.run`, divided by ``go build -o x . && ./x`` of
  the same source in a plain module. Goal <= 1.10.
* ``runner.rerun_ratio``: the same cell again (binary cache hit) divided by
  ``go run main.go`` of the same file. Goal <= 0.25.

Both sides run in this process, interleaved, on a warm Go build cache and a
private course cache; each figure is the median of :data:`REPEAT` rounds.
The raw medians are printed too.
"""
from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

REPEAT = 7

PROGRAM = """package main

import "fmt"

func greet(name string, n int) string {
	return fmt.Sprintf("hello, %s #%d", name, n)
}

func main() {
	fmt.Println(greet("gopher", 1), "{n}")
}
"""


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def measure():
    from whygo.golang import process, runner
    from whygo.golang.build import go_mod
    from whygo.golang.toolchain import go_env, toolchain

    go = str(toolchain().go)
    env = go_env()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        saved = os.environ.get("WHYGO_CACHE")
        os.environ["WHYGO_CACHE"] = str(tmp / "course-cache")   # cold binary cache, own files
        module = tmp / "plain"
        module.mkdir()
        (module / "go.mod").write_text(go_mod("plain"))
        main = module / "main.go"

        def go_build_and_run(source: str) -> None:
            main.write_text(source)
            process.run([go, "build", "-o", "x", "."], cwd=module, env=env, timeout=300).check()
            process.run(["./x"], cwd=module, env=env, timeout=300).check()

        def go_run(source: str) -> None:
            main.write_text(source)
            process.run([go, "run", "main.go"], cwd=module, env=env, timeout=300).check()

        def through_runner(source: str, expect_cached: bool) -> None:
            result = runner.run(source)
            if not result.ok or result.cached != expect_cached:
                raise RuntimeError(f"bench cell: ok={result.ok} cached={result.cached} "
                                   f"{result.error_message()}")

        # warm everything once: Go's build cache for fmt, the std list, imports
        warm = PROGRAM.replace("{n}", str(time.time_ns()))
        through_runner(warm, False)
        go_build_and_run(warm)
        go_run(warm)

        first, build, rerun, gorun = [], [], [], []
        for i in range(REPEAT):
            a = PROGRAM.replace("{n}", f"{time.time_ns()}{i}1")
            b = PROGRAM.replace("{n}", f"{time.time_ns()}{i}2")
            if i % 2:   # alternate which side goes first
                build.append(_timed(lambda: go_build_and_run(b)))
                first.append(_timed(lambda: through_runner(a, False)))
            else:
                first.append(_timed(lambda: through_runner(a, False)))
                build.append(_timed(lambda: go_build_and_run(b)))
            go_run(a)   # go run's own executable cache is warm for this file too
            rerun.append(_timed(lambda: through_runner(a, True)))
            gorun.append(_timed(lambda: go_run(a)))
        if saved is None:
            os.environ.pop("WHYGO_CACHE", None)
        else:
            os.environ["WHYGO_CACHE"] = saved

    med = statistics.median
    yield "runner.first_run_ratio", med(first) / med(build), "x"
    yield "runner.rerun_ratio", med(rerun) / med(gorun), "x"
    yield "runner.first_run_seconds", med(first), "s"
    yield "runner.go_build_seconds", med(build), "s"
    yield "runner.rerun_seconds", med(rerun), "s"
    yield "runner.go_run_seconds", med(gorun), "s"
