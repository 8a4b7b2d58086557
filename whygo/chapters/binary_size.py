"""Chapter 4.3 (binary size flags): the helpers its notebook needs.

The chapter builds one realistic program, ``gocode/cmd/riskscorer`` (JSON in,
a small hot scoring function, JSON out), with the flags the article names and
compares the binaries:

* :func:`build` -- ``go build FLAGS`` of the program into the course cache.
  Built by :mod:`whygo.golang.build` with exactly these flags (the runner
  always adds ``-trimpath``, the very flag this chapter measures);
* :func:`measure` / :func:`size_table` -- file size, symbol table, DWARF,
  ``.gopclntab`` and the number of ``type:`` symbols (the type descriptors
  reflection reads) of each build, from :func:`whygo.golang.elfinfo.read_elf`;
* :func:`mentions` -- whether a binary holds a byte string (the build folder);
* :func:`inline_decisions` -- the compiler's ``can inline`` lines for the
  program's own file, under some ``-gcflags``;
* :func:`run_times` -- exec-to-exit of a binary, many times (start-up cost);
* :func:`LINKNAME_*` sources and :func:`overflow_summary` -- the article's
  ``//go:linkname`` example and a correct declaration, for the runner.
"""
from __future__ import annotations

import re
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from whygo import report
from whygo.golang import gosource, process, programs
from whygo.golang.elfinfo import read_elf
from whygo.golang.programs import ChapterError
from whygo.golang.runner import gocode_dir, run
from whygo.i18n import N_, _

__all__ = ["run_built", "ARTICLE_TABLE", "LINKNAME_ARTICLE", "LINKNAME_BODYLESS", "PROGRAM", "VARIANTS",
           "ChapterError", "Measure", "bodyless", "build", "compare_run_times", "gocode_dir",
           "gosource", "inline_decisions", "measure", "measure_all", "median", "mentions",
           "overflow_summary", "read_elf", "run", "run_times", "size_table"]

PROGRAM = "cmd/riskscorer"

# The builds the chapter compares: a label -> the flags given to `go build`.
VARIANTS: dict[str, tuple[str, ...]] = {
    N_("default"): (),    # a label the tables translate (_(label)); the flags are shown as they are
    "-trimpath": ("-trimpath",),
    "-ldflags='-s -w'": ("-ldflags=-s -w",),
    "-gcflags=-l": ("-gcflags=-l",),              # the main package only
    "-gcflags=all=-l": ("-gcflags=all=-l",),      # every package, the runtime included
    "-trimpath -ldflags='-s -w'": ("-trimpath", "-ldflags=-s -w"),
}


def build(flags: Sequence[str] = (), *, package: str = PROGRAM) -> Path:
    """``go build FLAGS ./PACKAGE`` in gocode/, in the course's one binary cache."""
    if isinstance(flags, str):
        raise ChapterError(_("flags={flags!r}: give a list of go build flags, e.g. ['-trimpath']").format(flags=flags))
    built = programs.build_package(package, flags=flags)
    if not built.ok:
        raise ChapterError(_("go build {flags} ./{package} failed:").format(flags=" ".join(flags), package=package)
                           + f"\n{built.log.strip()}")
    return built.binary


def run_built(flags: Sequence[str] = (), *args: str, timeout: float = 30) -> str:
    """Build the program with ``flags`` and run it with ``args``; what it printed on stdout
    (through golang/process: a timeout, and interrupt_all stops it)."""
    done = process.run([str(build(flags)), *args], timeout=timeout)
    if done.timed_out or done.returncode != 0:
        raise ChapterError(_("the program built with {flags} failed:").format(flags=" ".join(flags) or "()")
                           + "\n" + done.stderr.decode("utf-8", "replace")[-1500:])
    return done.stdout.decode("utf-8", "replace")


def mentions(binary: Path, text: str | Path) -> bool:
    """Does the file hold these bytes anywhere (e.g. the absolute build folder)?"""
    return str(text).encode() in Path(binary).read_bytes()


@dataclass(frozen=True)
class Measure:
    """What one build of the program weighs, and where the bytes are."""
    label: str
    size: int              # file size
    symtab: int            # .symtab + .strtab bytes (0 when stripped)
    dwarf: int             # .debug_* bytes
    pclntab: int           # .gopclntab: the runtime's own line tables, kept by -s -w
    type_symbols: int      # `type:` symbols in .symtab (0 when stripped)
    has_build_dir: bool    # the absolute path of gocode/ appears in the file


def measure(label: str, flags: Sequence[str]) -> Measure:
    binary = build(flags)
    info = read_elf(binary)
    sec = info.sections
    return Measure(label=label, size=info.size, symtab=sec.get(".symtab", 0) + sec.get(".strtab", 0),
                   dwarf=info.dwarf_bytes, pclntab=sec.get(".gopclntab", 0),
                   type_symbols=sum(1 for s in info.symbols if s.startswith("type:")),
                   has_build_dir=mentions(binary, gocode_dir()))


def measure_all() -> list[Measure]:
    return [measure(label, flags) for label, flags in VARIANTS.items()]


def size_table(rows: Sequence[Measure]) -> report.Table:
    """Sizes printed with report.size (deterministic for a pinned toolchain, but sizes all the same)."""
    base = rows[0].size
    return report.Table(
        [_("build"), _("file"), _("vs default"), _("symbol table"), "DWARF", ".gopclntab", _("type: symbols"),
         _("build folder inside")],
        [[_(m.label), report.size(m.size), "0" if m.size == base else report.size(m.size - base),
          report.size(m.symtab) if m.symtab else _("none"), report.size(m.dwarf) if m.dwarf else _("none"),
          report.size(m.pclntab), m.type_symbols, _("yes") if m.has_build_dir else _("no")] for m in rows],
        caption=f"go build FLAGS ./{PROGRAM}")


def inline_decisions(gcflags: str = "-m", *, package: str = PROGRAM) -> list[str]:
    """The compiler's ``can inline`` lines for the package's own files (``file:line: can inline f``)."""
    built = programs.build_package(package, flags=[f"-gcflags={gcflags}"], output=False)
    if not built.ok:
        raise ChapterError(_("go build -gcflags={gcflags} ./{package} failed:").format(gcflags=gcflags, package=package)
                           + f"\n{built.log.strip()}")
    own = f"{package}/"
    return sorted({line.strip() for line in built.log.splitlines()
                   if ": can inline " in line and line.lstrip("./").startswith(own)})


def run_times(binary: Path, args: Sequence[str] = ("-gen", "200", "-brief"), *, runs: int = 21) -> list[float]:
    """Seconds from exec to exit of the binary, ``runs`` times (the first run warms the page cache)."""
    return compare_run_times({"": binary}, args, runs=runs)[""]


def compare_run_times(binaries: dict[str, Path], args: Sequence[str] = ("-gen", "200", "-brief"), *,
                      runs: int = 21) -> dict[str, list[float]]:
    """Exec-to-exit seconds of several builds, ``runs`` each, taken in turn (build A, build B,
    ..., build A, ...) after one untimed round that warms the page cache.

    Interleaved like chapter 4.1's start-ups (single_binary.compare_startups): a change of
    load on the machine during the measurement then affects every build alike, instead of
    showing up as a difference between builds that differ by a few bytes."""
    if runs < 1:
        raise ChapterError(_("runs={runs}: give at least 1 run").format(runs=runs))
    if not binaries:
        raise ChapterError(_("give at least one binary to time"))
    times: dict[str, list[float]] = {label: [] for label in binaries}
    for round_ in range(runs + 1):
        for label, binary in binaries.items():
            start = time.perf_counter()
            got = process.run([str(binary), *args], timeout=30)
            took = time.perf_counter() - start
            if got.returncode != 0:
                raise ChapterError(_("{command} failed: {error}").format(command=f"{binary} {' '.join(args)}",
                                                                         error=got.err))
            if round_:
                times[label].append(took)
    return times


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


# ---------------------------------------------------------------------------
# //go:linkname

# The article's example, as printed, in a program that calls it. The stack is
# limited to 1 MiB so that the endless recursion ends in milliseconds.
LINKNAME_ARTICLE = '''package main

import (
	"fmt"
	"runtime/debug"
	_ "unsafe" // //go:linkname is only allowed in a file that imports unsafe
)

//go:linkname unsafeJSONUnmarshal encoding/json.unmarshal
func unsafeJSONUnmarshal(data []byte, v interface{}) error {
	return unsafeJSONUnmarshal(data, v)
}

func main() {
	debug.SetMaxStack(1 << 20)
	var v map[string]int
	fmt.Println(unsafeJSONUnmarshal([]byte(`{"a": 1}`), &v), v)
}
'''

# What a pull-style linkname really looks like: a declaration without a body,
# which asks the linker for the other package's symbol.
LINKNAME_BODYLESS = '''package main

import (
	"encoding/json"
	"fmt"
	_ "unsafe"
)

//go:linkname %(local)s encoding/json.%(target)s
func %(local)s(data []byte, v any) error

func main() {
	var v map[string]int
	fmt.Println(%(local)s([]byte(`{"a": 1}`), &v), v, json.Valid(nil))
}
'''


def bodyless(target: str) -> str:
    """A program declaring ``encoding/json.<target>`` through //go:linkname, without a body."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", target):
        raise ChapterError(_("{target!r} is not a Go identifier: give a function name such as 'checkValid'").format(
            target=target))
    return LINKNAME_BODYLESS % {"local": "pulled", "target": target}


def overflow_summary(stderr: str) -> list[str]:
    """The stable lines of a stack-overflow crash: the limit, the fatal error and the
    function on top of the stack (addresses and arguments vary, so they are dropped)."""
    lines = stderr.splitlines()
    keep = [ln for ln in lines if ln.startswith(("runtime: goroutine stack exceeds", "fatal error:"))]
    for i, ln in enumerate(lines):
        if ln.startswith("goroutine 1 ") and i + 1 < len(lines):
            keep.append(_("top of goroutine 1: {function}").format(function=lines[i + 1].split("(")[0]))
            break
    return keep


ARTICLE_TABLE = (   # the article's §4.3 table: build, size, cold start, reflective calls/s
    (N_("default build"), "15.8 MB", "412 ms", "18,420"),    # N_: the notebook shows tr(row[0])
    ("-gcflags=-l", "12.1 MB", "297 ms", "11,650"),
    ("+ linkname", "9.3 MB", "218 ms", "4,290"),
)
