"""How notebooks print what they measured, so that outputs stay reproducible.

A figure measured on this machine (a time, a rate, a size, a ratio) is printed
as ``~<value> <unit>``, for example ``~12.3 ms``. The leading ``~`` says
"measured here, varies from run to run" to the reader, and it is the marker
tests/nbval_sanitize.cfg uses to blank exactly these values and nothing else.
Counts and verdicts that must reproduce are printed plainly.
"""
from __future__ import annotations

import html
import math
import os
import re
import unicodedata
from dataclasses import dataclass
from typing import Sequence

_TIME_UNITS = [(1e-9, "ns"), (1e-6, "µs"), (1e-3, "ms"), (1.0, "s")]
_SIZE_UNITS = [(1, "B"), (1024, "KiB"), (1024**2, "MiB"), (1024**3, "GiB")]


def measured(value: float, unit: str = "", digits: int = 3) -> str:
    """``~<value> <unit>`` with ``digits`` significant digits: the form sanitised by nbval."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "~n/a"
    if value == 0:
        text = "0"
    else:
        magnitude = math.floor(math.log10(abs(value)))
        decimals = max(0, digits - 1 - magnitude)
        text = f"{value:,.{decimals}f}"
    return f"~{text} {unit}".rstrip()


def seconds(value: float) -> str:
    """A duration in the unit that reads best: ~850 ns, ~12.3 µs, ~4.56 ms, ~1.2 s."""
    for scale, unit in reversed(_TIME_UNITS):
        if abs(value) >= scale:
            return measured(value / scale, unit)
    return measured(value / 1e-9, "ns")


def size(nbytes: float) -> str:
    """A size in B, KiB, MiB or GiB."""
    for scale, unit in reversed(_SIZE_UNITS):
        if abs(nbytes) >= scale:
            return measured(nbytes / scale, unit)
    return measured(nbytes, "B")


def usable_cpus() -> int:
    """CPUs this process may run on (``taskset``, container limits on affinity): the
    number Go's runtime starts from when GOMAXPROCS is not set. Machine-dependent,
    so print it with :func:`measured`."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


def ratio(value: float) -> str:
    return measured(value, "x")


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal or a monospaced output cell: a wide or full-width
    character (CJK: 中, ，) takes two, as monospaced fonts draw it; any other takes one."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def clip(text: str, columns: int) -> str:
    """The longest start of ``text`` that fits in ``columns`` display columns (:func:`width`);
    for text without wide characters, ``text[:columns]``."""
    used = 0
    for i, ch in enumerate(text):
        used += width(ch)
        if used > columns:
            return text[:i]
    return text


def pad(text: str, columns: int) -> str:
    """``text`` followed by blanks up to ``columns`` display columns (:func:`width`);
    for text without wide characters, ``str.ljust``."""
    return text + " " * (columns - width(text))


MEASURED_WIDTH = 16  # wider than nearly any figure: "~1,234,567 ops/s"
_MEASURED = re.compile(r"^(<= )?~-?[0-9]")


@dataclass
class Table:
    """A small table that shows as HTML in Jupyter and the book, and as aligned text elsewhere."""
    columns: Sequence[str]
    rows: Sequence[Sequence[object]]
    caption: str = ""

    def _cells(self) -> list[list[str]]:
        return [[str(c) for c in row] for row in self.rows]

    def __repr__(self) -> str:
        # A column's width must not follow its measured figures: nbval blanks the figures
        # but compares the header and the dashes under it, which the width sets. A column
        # with a measured cell is MEASURED_WIDTH wide (or its widest other cell).
        cells = [list(map(str, self.columns))] + self._cells()
        # Widths are display columns (:func:`width`): a Chinese header or cell lines up too.
        widths = [max([width(r[i]) for r in cells if not _MEASURED.match(r[i])]
                      + [MEASURED_WIDTH if any(_MEASURED.match(r[i]) for r in cells[1:]) else 0])
                  for i in range(len(self.columns))]
        lines = ["  ".join(pad(c, w) for c, w in zip(r, widths)).rstrip() for r in cells]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return (self.caption + "\n" if self.caption else "") + "\n".join(lines)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in self.columns)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                       for row in self._cells())
        cap = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
