"""The parser of a cell magic's flag line: argparse that raises instead of exiting.

Used by :mod:`whygo.golang.cells` (``%%go`` and the kernel) and
:mod:`whygo.golang.gotest` (``%%gobench``); it sits below both so that
neither imports the other's caller.
"""
from __future__ import annotations

import argparse


class CellFlagsError(ValueError):
    """A bad flag line. The message names the flag and ends with the usage line."""


class FlagParser(argparse.ArgumentParser):
    """argparse that raises ``errors`` (the message, then the usage line) instead of
    printing and calling ``sys.exit``: the parser of every cell magic's flag line."""
    errors: type[ValueError] = CellFlagsError

    def error(self, message: str):
        raise self.errors(f"{message}\n{self.format_usage().strip()}")

    def exit(self, status: int = 0, message: str | None = None):
        raise self.errors((message or "").strip() or self.format_usage().strip())
