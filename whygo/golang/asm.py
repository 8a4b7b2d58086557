"""One function's assembly out of the compiler's ``-gcflags=-S`` listing.

``go build -gcflags=-S`` prints every symbol the compiler emits for the
package (``cmd/compile/internal/gc``, ``obj.(*Link).Flushplist`` with
``-S``): a header line per symbol, then tab-indented lines::

    main.add STEXT nosplit size=4 align=0x0 args=0x10 locals=0x0 funcid=0x0
    \t0x0000 00000 (cell/cell.go:3[cell/main.go:7])\tADDQ\tBX, AX
    \t0x0003 00003 (cell/cell.go:3[cell/main.go:7])\tRET
    \t0x0000 48 01 d8 c3    H...                       <- machine code dump
    \trel 3+4 t=R_CALL main.add+0                      <- relocations

Only ``STEXT`` symbols are code. Each instruction carries the source
position it came from; with a ``//line cell.go:N`` directive (the runner adds
one) that position is the *cell's* line, and the real file position follows
in brackets, which we ignore. Code inlined from other packages keeps its own
position (``fmt/print.go:314``).

The compact view drops what a learner does not need to read the code (the
``FUNCDATA``/``PCDATA`` bookkeeping pseudo-instructions, the hex dump, the
relocations) and prints the instructions grouped under the source line they
implement. Pure text in, text out: no IPython, no subprocess.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_SYMBOL = re.compile(r"^(\S+) STEXT\b(.*)$")
_INSTR = re.compile(r"^\t0x([0-9a-f]+) \d+ \(([^)]*)\)\t(\S+)(?:\t(.*))?$")
_POS = re.compile(r"^(.*?):(\d+)(?:\[.*\])?$")
_SIZE = re.compile(r"\bsize=(\d+)")
_PSEUDO = {"FUNCDATA", "PCDATA"}   # GC/stack-map bookkeeping, not machine instructions


class AsmError(LookupError):
    """The function asked for is not in the listing; the message lists what is."""


@dataclass(frozen=True)
class Instruction:
    offset: int            # byte offset in the function
    file: str              # source file as the compiler printed it ("cell/cell.go", "fmt/print.go", "")
    line: int | None       # None for "<unknown line number>"
    op: str                # "ADDQ", "CALL", "TEXT", ...
    args: str              # "BX, AX"

    @property
    def pseudo(self) -> bool:
        return self.op in _PSEUDO


@dataclass(frozen=True)
class AsmFunction:
    symbol: str                          # "main.(*T).Get", "main.Sum[go.shape.int]"
    attributes: str                      # the rest of the header: "nosplit size=4 align=0x0 ..."
    instructions: tuple[Instruction, ...]

    @property
    def size(self) -> int:
        m = _SIZE.search(self.attributes)
        return int(m.group(1)) if m else 0

    @property
    def frame(self) -> str:
        """The TEXT directive's ``$frame-args`` sizes, e.g. ``$96-0``."""
        for ins in self.instructions:
            if ins.op == "TEXT":
                return ins.args.rsplit(", ", 1)[-1]
        return ""

    @property
    def code(self) -> tuple[Instruction, ...]:
        """The machine instructions: no TEXT header, no FUNCDATA/PCDATA, and no
        zero-width NOPs (inlining marks that share the next instruction's offset)."""
        real = [i for i in self.instructions if not i.pseudo and i.op != "TEXT"]
        return tuple(i for i, nxt in zip(real, real[1:] + [None])
                     if not (i.op == "NOP" and nxt is not None and nxt.offset == i.offset))


def _position(text: str) -> tuple[str, int | None]:
    m = _POS.match(text)
    return (m.group(1), int(m.group(2))) if m else ("", None)


def functions(listing: str) -> dict[str, AsmFunction]:
    """Every code symbol of a ``-S`` listing, by symbol name, in listing order."""
    found: dict[str, AsmFunction] = {}
    symbol, attrs, body = None, "", []

    def close() -> None:
        if symbol is not None:
            found[symbol] = AsmFunction(symbol, attrs.strip(), tuple(body))

    for line in listing.splitlines():
        if not line.startswith("\t"):
            close()
            m = _SYMBOL.match(line)
            symbol, attrs, body = (m.group(1), m.group(2), []) if m else (None, "", [])
        elif symbol is not None and (ins := _INSTR.match(line)) is not None:
            file, lineno = _position(ins.group(2))
            body.append(Instruction(int(ins.group(1), 16), file, lineno, ins.group(3),
                                    (ins.group(4) or "").strip()))
    close()
    return found


def _short(symbol: str) -> str:
    return symbol[len("main."):] if symbol.startswith("main.") else symbol


def find(listing: str, name: str) -> AsmFunction:
    """The function called ``name`` as a learner would write it.

    Accepted spellings, tried in order: the exact symbol (``main.add``); the
    name inside package main (``add``, ``main.func1`` for the first closure in
    ``main``, ``(*T).Get``); a method without the pointer (``T.Get`` finds
    ``(*T).Get``); a generic function without its type arguments (``Sum``),
    which picks the shared shape body (``Sum[go.shape.int]``) because that is
    where the loop is, the ``Sum[int]`` symbol only passes a dictionary.
    """
    table = functions(listing)
    if not table:
        raise AsmError("the build printed no assembly: was the cell compiled with -gcflags=-S?")
    wanted = name.strip()
    tries = [wanted, "main." + wanted]
    if "." in wanted and "(" not in wanted:
        recv, _, meth = wanted.rpartition(".")
        tries.append(f"main.(*{recv}).{meth}")
    for t in tries:
        if t in table:
            return table[t]
    generic = [s for s in table if s.split("[", 1)[0] in tries and "[" in s]
    if generic:
        return table[sorted(generic, key=lambda s: "go.shape" not in s)[0]]
    listed = ", ".join(_short(s) for s in table)
    raise AsmError(f"no function {name!r} in the cell's assembly. Functions compiled: {listed}. "
                   f"Use one of these names with --asm.")


def format_compact(fn: AsmFunction, source: str | None = None, cell_file: str = "cell.go",
                   module_prefix: str = "cell/") -> str:
    """Instructions grouped by the source line they came from.

    Lines of the cell are labelled ``line N`` (with the cell's text when
    ``source`` is given); lines of the package's other files (saved cells)
    ``helpers.go line N``; code inlined from other packages with its file and
    line; positions the compiler does not know are ``(no line)``.
    ``module_prefix`` is what ``-trimpath`` puts before the package's own files.
    """
    src_lines = source.splitlines() if source is not None else []
    flags = " ".join(a for a in fn.attributes.split() if "=" not in a)
    out = [f"{_short(fn.symbol)}: {fn.size} bytes, frame {fn.frame}" + (f", {flags}" if flags else "")]
    last = None
    for ins in fn.code:
        key = (ins.file, ins.line)
        if key != last:
            last = key
            if ins.line is None:
                label = "(no line)"
            elif (file := ins.file.removeprefix(module_prefix)) == cell_file:
                label = f"line {ins.line}"
                if 0 < ins.line <= len(src_lines):
                    label = f"{label:<9} {src_lines[ins.line - 1].strip()}"
            elif "/" not in file:  # another file of the cell's package: a saved cell
                label = f"{file} line {ins.line}"
            else:
                label = f"{file}:{ins.line} (inlined)"
            out.append(label)
        out.append(f"    {ins.offset:#06x}  {ins.op:<7} {ins.args}".rstrip())
    return "\n".join(out)
