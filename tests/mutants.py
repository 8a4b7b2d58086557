"""Deliberate one-line bugs in the core rules: does the test suite catch each one?

    make mutants                                   (every mutant)
    .venv/bin/python tests/mutants.py NAME...      (some of them; --list names them)

Each mutant replaces one whole line of the package with a plausible mistake
(runqputslow spilling the newest half, a steal rounding down, the hybrid
barrier shading only one pointer, a deadline 3 s late, an 8 s grace, a
verdict line found anywhere in a line, a quote that is no longer the
article's). The run copies the files git knows in the working tree (tracked,
or untracked and not ignored; uncommitted edits included) into a temporary
folder, with ``shared/`` linked beside it as CI has it, checks that the
chosen tests pass there unchanged, then applies one mutant at a time and
runs the tests that guard that rule, with ``PYTHONPATH`` pointing at the
copy (the ``.venv`` is shared; its editable install of whygo is shadowed)
and ``WHYGO_REQUIRE_SEED=1``. The working tree is never written to.

One line per mutant: ``caught`` (with the tests that failed) or ``NOT
caught``. The exit status is 1 if a mutant survives, if a mutant's line is no
longer in its file (update MUTANTS after an intended change), or if the
tests fail without any mutant.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCHED = ("tests/models/test_sched_rules.py", "tests/models/test_sched_props.py", "tests/models/test_sched_scenarios.py")
GC = ("tests/models/test_gc_properties.py", "tests/models/test_gc_rules.py")
RUNNER = ("tests/golang/test_runner_limits.py",
          "tests/kernel/test_magics.py::test_timeout_flag_stops_the_program_on_time",
          "tests/kernel/test_kernel.py::test_the_flag_line_timeout_stops_the_program_on_time",
          "tests/kernel/test_kernel.py::test_interrupt_kills_the_program_and_replies_interrupted")
GOBENCH = ("tests/kernel/test_magics_gobench.py",)
PROCESS = ("tests/golang/test_process.py",)
LABS = ("tests/labs/test_labs.py::test_verdict_line_round_trips_through_the_parser",
        "tests/labs/test_labs.py::test_parser_ignores_lines_that_only_look_like_verdicts")
CLAIMS = ("tests/site/test_claims.py",)


@dataclass(frozen=True)
class Mutant:
    name: str
    bug: str                  # what goes wrong, in words
    path: str                 # file, relative to the repository
    line: str                 # one whole line, exactly as it is in the file
    mutated: str              # the line that replaces it
    tests: tuple[str, ...]    # pytest arguments: the tests that guard the rule


MUTANTS = [
    Mutant("runqputslow-newest-half", "a full local queue spills its newest half, not its oldest",
           "whygo/sched/runq.py", "    batch = [popleft() for _ in range(n)]",
           "    batch = [pp.runq.pop() for _ in range(n)][::-1]", SCHED),
    Mutant("steal-rounds-down", "a thief takes half of the victim's queue rounded down",
           "whygo/sched/runq.py", "    return queued - queued // 2", "    return queued // 2", SCHED),
    Mutant("hybrid-shades-only-new", "the hybrid barrier forgets shade(*slot)",
           "whygo/gc/barriers.py", "    return [old, new]", "    return [new]", GC),
    Mutant("hybrid-shades-only-old", "the hybrid barrier forgets shade(ptr)",
           "whygo/gc/barriers.py", "    return [old, new]", "    return [old]", GC),
    Mutant("process-deadline-3s-late", "a program gets SIGINT 3 s after its timeout",
           "whygo/golang/process.py",
           "    deadline = None if timeout is None else time.monotonic() + timeout",
           "    deadline = None if timeout is None else time.monotonic() + timeout + 3", RUNNER + GOBENCH),
    Mutant("process-grace-8s", "8 s, not 0.5 s, between SIGINT and SIGKILL",
           "whygo/golang/process.py", "GRACE_SECONDS = 0.5        # between SIGINT and SIGKILL",
           "GRACE_SECONDS = 8.0        # between SIGINT and SIGKILL", RUNNER + GOBENCH + PROCESS),
    Mutant("verdict-line-unanchored", "a verdict line counts anywhere in a line, not only at its start",
           "whygo/labs/protocol.py",
           'VERDICT_RE = re.compile(r"^\\[check (?P<check>[a-z0-9-]+/[a-z0-9-]+)\\] '
           '(?P<status>passed|not yet): (?P<text>.*)$",',
           'VERDICT_RE = re.compile(r"\\[check (?P<check>[a-z0-9-]+/[a-z0-9-]+)\\] '
           '(?P<status>passed|not yet): (?P<text>.*)$",', LABS),
    Mutant("claim-quote-reworded", "a quote of the article has one word changed (展开 -> 优化)",
           "whygo/claims.py",
           "    Claim(\"compiler-passes\", \"1\", 'Go编译器在构建阶段完成类型检查、内联展开、逃逸分析和死代码消除。',",
           "    Claim(\"compiler-passes\", \"1\", 'Go编译器在构建阶段完成类型检查、内联优化、逃逸分析和死代码消除。',",
           CLAIMS),
]


def copy_checkout(dest: Path) -> Path:
    """The files git knows (tracked, or untracked and not ignored) of the working tree,
    copied to ``dest/<repo name>``, with ``dest/shared`` linked to the real shared/."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    copy = dest / ROOT.name
    for rel in filter(None, listed):
        src = ROOT / rel
        if src.is_file():            # a tracked file deleted in the working tree is left out
            (copy / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, copy / rel, follow_symlinks=False)
    shared = ROOT.parent / "shared"
    if shared.is_dir():
        (dest / "shared").symlink_to(shared, target_is_directory=True)
    return copy


def pytest(copy: Path, args: tuple[str, ...]) -> tuple[int, list[str], str]:
    """Run pytest in the copy; (exit code, failed test ids, last lines of output)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(copy), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
               WHYGO_REQUIRE_SEED="1", PYTHONDONTWRITEBYTECODE="1")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfE", *args],
                          cwd=copy, env=env, capture_output=True, text=True)
    out = proc.stdout + proc.stderr
    failed = sorted({m[1] for m in re.finditer(r"^(?:FAILED|ERROR) (\S+)", out, re.M)})
    return proc.returncode, failed, "\n".join(out.splitlines()[-15:])


def mutate(copy: Path, m: Mutant) -> str | None:
    """Apply ``m`` in the copy; return the original text, or None if its line is not there once."""
    path = copy / m.path
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    at = [i for i, line in enumerate(lines) if line.rstrip("\n") == m.line]
    if len(at) != 1:
        return None
    lines[at[0]] = m.mutated + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    return text


def short(test_id: str) -> str:
    return test_id.removeprefix("tests/")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="mutants to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy")
    args = parser.parse_args(argv)
    by_name = {m.name: m for m in MUTANTS}
    if args.list:
        for m in MUTANTS:
            print(f"{m.name:26} {m.path}: {m.bug}")
        return 0
    unknown = [n for n in args.names if n not in by_name]
    if unknown:
        parser.error(f"unknown mutant(s) {', '.join(unknown)}; --list names them")
    chosen = [by_name[n] for n in args.names] or MUTANTS

    tmp = Path(tempfile.mkdtemp(prefix="whygo-mutants-"))
    try:
        copy = copy_checkout(tmp)
        every = tuple(dict.fromkeys(t for m in chosen for t in m.tests))
        print(f"copy of {ROOT} in {copy}; first, the tests without any mutant ...", flush=True)
        start = time.monotonic()
        code, failed, tail = pytest(copy, every)
        if code != 0:
            print(f"the tests fail without any mutant (exit {code}): {', '.join(map(short, failed))}\n{tail}")
            return 1
        print(f"{'passed':11} {'(no mutant)':26} {time.monotonic() - start:4.0f} s  {' '.join(every)}", flush=True)
        survivors = 0
        for m in chosen:
            original = mutate(copy, m)
            if original is None:
                print(f"{'NO LINE':11} {m.name:26} its line is not once in {m.path}: update tests/mutants.py")
                survivors += 1
                continue
            start = time.monotonic()
            try:
                code, failed, tail = pytest(copy, m.tests)
            finally:
                (copy / m.path).write_text(original, encoding="utf-8")
            took = f"{time.monotonic() - start:4.0f} s"
            if code == 1 and failed:
                names = ", ".join(map(short, failed[:4])) + (f" and {len(failed) - 4} more" if len(failed) > 4 else "")
                print(f"{'caught':11} {m.name:26} {took}  {m.bug}; by {len(failed)} test(s): {names}", flush=True)
            else:
                survivors += 1
                what = "NOT caught" if code == 0 else f"ERROR {code}"
                print(f"{what:11} {m.name:26} {took}  {m.bug}; ran {' '.join(m.tests)}", flush=True)
                if code != 0:
                    print(tail)
        print(f"{len(chosen) - survivors} of {len(chosen)} mutants caught")
        return 1 if survivors else 0
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
