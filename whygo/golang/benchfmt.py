"""Parse the output of ``go test -bench`` into a table a notebook can use.

The text format is Go's "benchmark data format" (the one ``benchstat`` reads,
produced by ``testing.(*B).run`` / ``benchmarkResult.String`` in
``$GOROOT/src/testing/benchmark.go``)::

    goos: linux                       <- configuration lines "key: value"
    BenchmarkJoin/n=1-2   2000   80.80 ns/op   8 B/op   1 allocs/op
    --- FAIL: BenchmarkFails          <- failures, followed by indented log lines
    PASS

A result line is the benchmark's name (with a ``-N`` suffix when GOMAXPROCS
is N != 1), the iteration count, then value/unit pairs. ``-benchmem`` adds
``B/op`` and ``allocs/op``; ``b.ReportMetric`` adds custom units (and can
remove ``ns/op``). Anything else (the program's own prints, ``--- BENCH:``
logs) is kept as ``log`` text.

This module is pure: no IPython, no subprocess. ``BenchTable`` still knows how
to show itself in Jupyter (``_repr_html_``) because that only needs strings.
"""
from __future__ import annotations

import html
import re
import statistics
from dataclasses import dataclass, field, replace
from typing import Mapping, Sequence

NS, BYTES, ALLOCS = "ns/op", "B/op", "allocs/op"
STANDARD_UNITS = (NS, BYTES, ALLOCS)

_RESULT = re.compile(r"^(Benchmark\S*)\s+(\d+)\s+(.*\S)\s*$")
_CONFIG = re.compile(r"^([a-z][^\s:]*):\s*(.*)$")
_PROCS = re.compile(r"^(.*)-(\d+)$")
_FAILURE = re.compile(r"^--- (FAIL|SKIP): (\S+)")


class BenchFormatError(ValueError):
    """A result line or a lookup that does not make sense; the message says which."""


@dataclass(frozen=True)
class BenchRow:
    """One result line: ``BenchmarkAlloc-2  2000  45.04 ns/op  64 B/op  1 allocs/op``."""
    name: str                      # without the -N suffix: "BenchmarkJoin/n=1"
    procs: int                     # GOMAXPROCS during the run (1 when Go printed no suffix)
    iterations: int                # b.N
    metrics: Mapping[str, float]   # every unit -> value, standard and custom, in printed order
    round: int = 0                 # which round of an interleaved ``--count N`` run (0-based)

    @property
    def full_name(self) -> str:
        """The name as Go printed it: ``BenchmarkAdd-2`` (no suffix when procs is 1)."""
        return self.name if self.procs == 1 else f"{self.name}-{self.procs}"

    @property
    def ns_per_op(self) -> float | None:
        return self.metrics.get(NS)

    @property
    def bytes_per_op(self) -> float | None:
        return self.metrics.get(BYTES)

    @property
    def allocs_per_op(self) -> float | None:
        return self.metrics.get(ALLOCS)

    def to_record(self) -> dict:
        return {"name": self.name, "procs": self.procs, "round": self.round,
                "iterations": self.iterations, **dict(self.metrics)}


@dataclass(frozen=True)
class BenchFailure:
    """A ``--- FAIL:`` (or ``--- SKIP:``) block: which benchmark and what it logged."""
    name: str
    kind: str        # "FAIL" or "SKIP"
    message: str     # the indented lines that followed, dedented


def parse_result_line(line: str) -> BenchRow | None:
    """The row of one result line, or None when the line is not a result line.

    A line that starts like a result but has an odd value/unit list (a
    program's print that happened to begin with "Benchmark") is not a result.
    """
    m = _RESULT.match(line)
    if not m:
        return None
    full, iterations, rest = m.groups()
    fields = rest.split()
    if len(fields) % 2:
        return None
    metrics: dict[str, float] = {}
    for value, unit in zip(fields[::2], fields[1::2]):
        try:
            metrics[unit] = float(value)
        except ValueError:
            return None
    name, procs = full, 1
    if (suffix := _PROCS.match(full)) is not None:
        name, procs = suffix.group(1), int(suffix.group(2))
    return BenchRow(name=name, procs=procs, iterations=int(iterations), metrics=metrics)


def parse(text: str) -> "BenchTable":
    """Parse the whole output of a benchmark run (test binary or ``go test``)."""
    rows: list[BenchRow] = []
    config: dict[str, str] = {}
    failures: list[BenchFailure] = []
    log: list[str] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if (row := parse_result_line(line)) is not None:
            rows.append(row)
        elif (fail := _FAILURE.match(line)) is not None:
            body = []
            while i < len(lines) and lines[i].startswith("    "):
                body.append(lines[i][4:])
                i += 1
            failures.append(BenchFailure(name=fail.group(2), kind=fail.group(1),
                                         message="\n".join(body)))
        elif (cfg := _CONFIG.match(line)) is not None and not rows:
            config[cfg.group(1)] = cfg.group(2)  # only before the first result
        elif line.strip() not in ("", "PASS", "FAIL") and not line.startswith("ok  \t"):
            log.append(line)
    return BenchTable(rows=tuple(rows), config=config, failures=tuple(failures),
                      log="\n".join(log))


# Figures that come from a clock and differ run to run.
CLOCK_UNITS = frozenset({"iterations", "ns/op", "MB/s"})


def is_clock(unit: str) -> bool:
    """A figure that comes from a clock (wall or CPU time): shown as measured (``~``).
    Custom time metrics follow Go's naming, ``<something>ns/op`` (e.g. ``cpu-ns/op``)."""
    return unit in CLOCK_UNITS or unit.endswith("ns/op")
CLOCK_WIDTH = 12  # wider than any "~1234567890" a benchmark prints


def _format_number(value: float | int | None) -> str:
    """Go-like figures: integers as integers, others with 4 significant digits."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    if abs(value) >= 1000:
        return f"{value:.0f}"
    return f"{value:.4g}"


@dataclass(frozen=True)
class RoundRatios:
    """Per-round ratios of two benchmarks (see :meth:`BenchTable.paired`)."""
    ratios: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.ratios)

    @property
    def spread(self) -> tuple[float, float]:
        """The lowest and highest round: how much the ratio moved with the noise."""
        return min(self.ratios), max(self.ratios)

    def at_least(self, margin: float) -> bool:
        """True when the median round shows ``slow`` at least ``margin`` times ``fast``."""
        return self.median >= margin


@dataclass(frozen=True)
class BenchTable:
    """The result of one ``%%gobench`` run.

    ``table["BenchmarkAdd"]`` (or ``table["Add"]``) is the row of that
    benchmark. With ``--count N`` there are several rows of the same name; the
    lookup then returns their median row (median of every metric), which is
    the figure ``benchstat`` reports too. With ``--cpu 1,2`` the rows differ in
    procs: ask for one with Go's suffix, ``table["BenchmarkAdd-2"]``.

    ``--count N`` runs in N interleaved rounds (every benchmark once per
    round), so a burst of load elsewhere on the machine hits all benchmarks
    alike; :meth:`paired` compares two benchmarks round by round.

    The ``procs`` column is shown only when ``--cpu`` asked for GOMAXPROCS
    values (``cpu_flag``): otherwise it would show how many CPUs this machine
    happens to have, which is not part of the lesson.
    """
    rows: tuple[BenchRow, ...]
    config: Mapping[str, str] = field(default_factory=dict)
    failures: tuple[BenchFailure, ...] = ()
    log: str = ""            # other lines: the program's prints, --- BENCH: logs
    cpu_flag: str | None = None   # the --cpu list asked for ("1,2"), None when not asked

    @classmethod
    def from_rounds(cls, rounds: Sequence["BenchTable"], cpu_flag: str | None = None) -> "BenchTable":
        """One table from the tables of successive rounds. Rows are grouped by
        benchmark and GOMAXPROCS in the order Go first printed them (the order
        ``-test.count=N`` would print), each group in round order."""
        numbered = [replace(r, round=i) for i, t in enumerate(rounds) for r in t.rows]
        first = {}
        for r in numbered:
            first.setdefault((r.name, r.procs), len(first))
        numbered.sort(key=lambda r: (first[(r.name, r.procs)], r.round))
        config = next((t.config for t in rounds if t.config), {})
        return cls(rows=tuple(numbered), config=config,
                   failures=tuple(f for t in rounds for f in t.failures),
                   log="\n".join(t.log for t in rounds if t.log), cpu_flag=cpu_flag)

    # -- Python access ------------------------------------------------------
    def names(self) -> list[str]:
        return list(dict.fromkeys(r.name for r in self.rows))

    def units(self) -> list[str]:
        """Every unit that appears, standard ones first, then custom in order of appearance."""
        seen = dict.fromkeys(u for r in self.rows for u in r.metrics)
        return [u for u in STANDARD_UNITS if u in seen] + [u for u in seen if u not in STANDARD_UNITS]

    def _matching(self, key: str) -> list[BenchRow]:
        candidates = [key] if key.startswith("Benchmark") else [key, "Benchmark" + key]
        for wanted in candidates:
            by_full = [r for r in self.rows if r.full_name == wanted]
            by_name = [r for r in self.rows if r.name == wanted]
            if by_name or by_full:
                return by_name or by_full
        return []

    def _rows(self, key: str, procs: int | None) -> list[BenchRow]:
        rows = [r for r in self._matching(key) if procs is None or r.procs == procs]
        if not rows:
            raise KeyError(f"no benchmark named {key!r}" + (f" with GOMAXPROCS={procs}" if procs else "")
                           + f"; this table has: {', '.join(self.names()) or 'no results'}")
        return rows

    def __getitem__(self, key: str) -> BenchRow:
        return self.median(key)

    def fastest(self, key: str, procs: int | None = None, unit: str = NS) -> float:
        """The lowest ``unit`` figure of ``key`` over its rounds. Load on the machine only
        ever adds time, so the fastest round is the least disturbed one: comparing two
        benchmarks' fastest rounds holds on a busy machine where medians may not."""
        values = [r.metrics[unit] for r in self._rows(key, procs) if unit in r.metrics]
        if not values:
            raise BenchFormatError(f"benchmark {key!r} reported no {unit!r}")
        return min(values)

    def median(self, key: str, procs: int | None = None) -> BenchRow:
        """The row of ``key`` (its median row over rounds), at GOMAXPROCS ``procs`` if given."""
        rows = self._rows(key, procs)
        procs = sorted({r.procs for r in rows})
        if len(procs) > 1:
            raise KeyError(f"{key!r} ran with several GOMAXPROCS values {procs}; ask for one "
                           f"with Go's suffix, e.g. {rows[0].name + '-' + str(procs[-1])!r}")
        if len(rows) == 1:
            return rows[0]
        units = dict.fromkeys(u for r in rows for u in r.metrics)
        median = {u: statistics.median(r.metrics[u] for r in rows if u in r.metrics) for u in units}
        return BenchRow(name=rows[0].name, procs=procs[0],
                        iterations=int(statistics.median(r.iterations for r in rows)),
                        metrics=median)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and bool(self._matching(key))

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def ratio(self, a: str, b: str, unit: str = NS) -> float:
        """``a``'s metric divided by ``b``'s (default ns/op): 2.0 means a is twice as slow."""
        va, vb = self[a].metrics.get(unit), self[b].metrics.get(unit)
        for name, value in ((a, va), (b, vb)):
            if value is None:
                raise BenchFormatError(f"benchmark {name!r} reported no {unit!r}; "
                                       f"units in this table: {', '.join(self.units())}")
        if vb == 0:
            raise BenchFormatError(f"benchmark {b!r} has {unit} = 0, so the ratio is undefined")
        return va / vb

    def paired(self, slow: str, fast: str, unit: str = NS, procs: int | None = None) -> "RoundRatios":
        """``slow``'s metric over ``fast``'s, round by round (2.0: ``fast`` took half the time).

        Each ratio compares two runs made moments apart in the same round, so
        a change of load between rounds cancels out; the median over rounds
        then ignores a round that was disturbed while one of the two ran.
        ``procs`` picks the GOMAXPROCS value when the table has several.
        """
        def by_round(key: str) -> dict[int, float]:
            rows = self._rows(key, procs)
            if len({r.procs for r in rows}) > 1:
                raise KeyError(f"{key!r} ran with several GOMAXPROCS values; pass procs=")
            return {r.round: r.metrics[unit] for r in rows if unit in r.metrics}
        a, b = by_round(slow), by_round(fast)
        ratios = tuple(a[i] / b[i] for i in sorted(a.keys() & b.keys()) if b[i] > 0)
        if not ratios:
            raise BenchFormatError(f"{slow!r} and {fast!r} share no round with {unit!r} figures")
        return RoundRatios(ratios)

    def to_records(self) -> list[dict]:
        """One plain dict per result line (e.g. for ``pandas.DataFrame``)."""
        return [r.to_record() for r in self.rows]

    @property
    def ok(self) -> bool:
        return not any(f.kind == "FAIL" for f in self.failures)

    # -- display --------------------------------------------------------------
    def _grid(self) -> tuple[list[str], list[list[str]]]:
        """Cells as shown. Clock-based figures (iterations, ns/op, MB/s) carry the
        course's "measured here" mark ``~`` (see whygo/report.py); B/op and
        allocs/op are exact and reproduce run to run, so they are shown plainly."""
        units = self.units()
        procs = ["procs"] if self.cpu_flag else []
        header = ["benchmark", *procs, "iterations", *units]

        def cell(value, unit: str) -> str:
            text = _format_number(value)
            return f"~{text}" if text and is_clock(unit) else text
        body = [[r.name, *([str(r.procs)] if procs else []), cell(r.iterations, "iterations"),
                 *(cell(r.metrics.get(u), u) for u in units)] for r in self.rows]
        return header, body

    def _failure_lines(self) -> list[str]:
        out = []
        for f in self.failures:
            first = f.message.splitlines()[0] if f.message else ""
            out.append(f"--- {f.kind}: {f.name}" + (f": {first}" if first else ""))
        return out

    def __repr__(self) -> str:
        header, body = self._grid()
        if not body:
            lines = ["(no benchmark results)"]
        else:
            # Clock columns get a fixed minimum width, so that the header line does not move
            # with the measured figures (stored notebook outputs compare it as text).
            widths = [max([len(row[c]) for row in [header, *body]]
                          + [CLOCK_WIDTH if is_clock(header[c]) else 0])
                      for c in range(len(header))]

            def fmt(row: list[str]) -> str:
                return "  ".join(cell.ljust(w) if c == 0 else cell.rjust(w)
                                 for c, (cell, w) in enumerate(zip(row, widths))).rstrip()
            lines = [fmt(header), *map(fmt, body)]
        return "\n".join(lines + self._failure_lines())

    def _repr_pretty_(self, p, cycle: bool) -> None:
        p.text(repr(self))

    def _repr_html_(self) -> str:
        header, body = self._grid()
        esc = html.escape
        head = "".join(f"<th style='text-align:{'left' if c == 0 else 'right'}'>{esc(h)}</th>"
                       for c, h in enumerate(header))
        rows = "".join(
            "<tr>" + "".join(f"<td style='text-align:{'left' if c == 0 else 'right'}'>"
                             f"{'<code>' + esc(v) + '</code>' if c == 0 else esc(v)}</td>"
                             for c, v in enumerate(row)) + "</tr>"
            for row in body)
        fails = "".join(f"<div style='color:#b00'>{esc(line)}</div>" for line in self._failure_lines())
        if not body:
            return f"<div class='whygo-bench'><em>(no benchmark results)</em>{fails}</div>"
        return (f"<div class='whygo-bench'><table><thead><tr>{head}</tr></thead>"
                f"<tbody>{rows}</tbody></table>{fails}</div>")
