"""Lab notebooks as data: cell ids, solution injection, shipped check cells, student versions.

Solutions live in ``labs/solutions/<lab>/<cell-id>.<ext>`` (``.ipy`` for a
Python-kernel cell, ``.go`` for a Go-kernel cell): the whole source of the
cell that replaces the one with that id. Tests inject them with
:func:`with_solutions`; nothing in a student notebook refers to them.
"""
from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

import nbformat

from whygo.i18n import _
from whygo.labs.catalog import LABS, Lab, get

LAB_KEY = "whygo"   # notebook metadata: {"whygo": {"lab": "<id>"}}


class LabNotebookError(ValueError):
    """A notebook that is not a readable course lab; the message says which and why."""


def read(path: str | Path) -> nbformat.NotebookNode:
    """Read a notebook, upgrading it to format 4.5 (cell ids)."""
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as exc:   # invalid JSON, not a notebook, unreadable file
        why = _("invalid JSON") if "JSON" in type(exc).__name__ else type(exc).__name__
        raise LabNotebookError(_("{path}: not a readable notebook ({why})").format(path=path, why=why)) from None
    return nb


def lab_of(nb) -> Lab:
    lab_id = nb.metadata.get(LAB_KEY, {}).get("lab") if isinstance(nb.metadata.get(LAB_KEY), dict) else None
    if not lab_id:
        raise LabNotebookError(_("not a course lab (no whygo.lab in the notebook's metadata)"))
    if lab_id not in LABS:
        raise LabNotebookError(_("unknown lab {lab!r} in the notebook's metadata").format(lab=lab_id))
    return LABS[lab_id]


def cells_by_id(nb) -> dict[str, nbformat.NotebookNode]:
    return {c.get("id"): c for c in nb.cells if c.get("id")}


def solutions(lab: Lab) -> dict[str, str]:
    """cell id -> solution source."""
    return {p.stem: p.read_text().rstrip("\n") for p in sorted(lab.solution_dir.iterdir())
            if p.suffix in (".ipy", ".go")}


def with_solutions(nb, lab: Lab | None = None):
    """A copy of ``nb`` with every task cell replaced by its solution."""
    lab = lab or lab_of(nb)
    nb = copy.deepcopy(nb)
    cells = cells_by_id(nb)
    for cid, source in solutions(lab).items():
        if cid not in cells:
            raise LabNotebookError(f"{lab.notebook} has no cell {cid!r} for solution {lab.solution_dir / cid}")
        cells[cid].source = source
    return nb


def shipped(lab: Lab):
    return read(lab.path)


def check_cells(lab: Lab) -> dict[str, str]:
    """check cell id -> its shipped source."""
    cells = cells_by_id(shipped(lab))
    return {lab.check_cell(c): cells[lab.check_cell(c)].source for c in lab.checks}


def cleared(nb):
    """A copy with outputs and execution counts removed."""
    nb = copy.deepcopy(nb)
    for c in nb.cells:
        if c.cell_type == "code":
            c.outputs, c.execution_count = [], None
        c.metadata.pop("execution", None)
    return nb


def write_student_versions(outdir: str | Path, *, keep_outputs: bool = False) -> list[Path]:
    """Write every lab notebook (no solutions; outputs cleared unless ``keep_outputs``) to ``outdir``."""
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for lab in LABS.values():
        nb = shipped(lab)
        if not keep_outputs:
            nb = cleared(nb)
        target = out / lab.notebook
        nbformat.write(nb, str(target))
        written.append(target)
    return written


def main_student(argv: list[str] | None = None) -> int:
    """``whygo labs student-version OUTDIR [--keep-outputs]``."""
    p = argparse.ArgumentParser(prog="whygo labs student-version",
                                description="Write the lab notebooks for a class: no solutions, outputs "
                                            "cleared (ready for nbgitpuller / JupyterHub).")
    p.add_argument("outdir", help="folder to write the notebooks into (created if needed)")
    p.add_argument("--keep-outputs", action="store_true",
                   help="keep the stored outputs of the starter code instead of clearing them")
    ns = p.parse_args(argv)
    out = Path(ns.outdir)
    if out.exists() and not out.is_dir():
        print(f"error: {out} exists and is not a folder; give a folder path", file=sys.stderr)
        return 2
    for path in write_student_versions(out, keep_outputs=ns.keep_outputs):
        print(f"wrote {path}")
    return 0


__all__ = ["LabNotebookError", "cells_by_id", "check_cells", "cleared", "get", "lab_of", "main_student",
           "read", "solutions", "with_solutions", "write_student_versions"]
