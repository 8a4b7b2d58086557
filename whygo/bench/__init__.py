"""`make bench`: every benchmark module of the course, one figure per line.

Each module in this folder defines ``measure()``, a generator of
``(name, value, unit)`` tuples; ratios are measured side by side inside one
module so that both sides see the same machine state. Printed as
``name: value unit``. Benchmarks never run in the test suite, and no test
asserts on a time.
"""
from __future__ import annotations

import importlib
import pkgutil
import sys
import traceback
from typing import Iterator

Figure = tuple[str, float, str]


def modules() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def format_figure(name: str, value: float, unit: str) -> str:
    text = f"{value:.4g}" if isinstance(value, float) else str(value)
    return f"{name}: {text} {unit}"


def main(only: list[str] | None = None) -> int:
    failed = 0
    for name in modules():
        if only and not any(name.startswith(o) or o in name for o in only):
            continue
        try:
            module = importlib.import_module(f"{__name__}.{name}")
            figures: Iterator[Figure] = module.measure()
            for fig in figures:
                print(format_figure(*fig), flush=True)
        except Exception:  # one broken benchmark must not hide the others
            failed += 1
            print(f"# bench module {name} failed:", file=sys.stderr)
            traceback.print_exc()
    return 1 if failed else 0
