"""The evidence chapter 5 shows for a claim is the output that decides it, and stored
outputs are outputs, not reprs.

A chapter marks the cell whose output decides a claim in that cell's metadata
(``{"whygo": {"decides": {"claim-id": "regex"}}}``, see whygo/claims.py:
DECIDES); chapter 5's evidence column shows the lines the regex selects.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import ROOT
from whygo import claims

# Claims with nothing a chapter could print: those of the article's conclusion (shown in
# chapter 5 itself: the article never shows the system) and one figure of a service's traffic.
NO_EVIDENCE = {c.id for c in claims.CLAIMS if c.chapter == "claims"} | {"tagset-cap-8"}


def test_the_claims_without_evidence_cannot_be_checked():
    """Only a claim graded 'cannot be checked here' may go without a deciding output, and
    chapter 5 says it has none instead of quoting whatever the cell before its box printed."""
    assert {claims.get(i).verdict for i in NO_EVIDENCE} == {"cannot be checked here"}
    shown = claims.where_shown()
    assert {shown[i][1] for i in NO_EVIDENCE} == {claims.NOTHING_TO_PRINT}


@dataclass
class _Entry:
    notebook: str
    path: Path


@dataclass
class _Manifest:
    chapters: list


def _notebook(tmp_path: Path, cells: list) -> _Manifest:
    path = tmp_path / "ch.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return _Manifest([_Entry("notebooks/ch.ipynb", path)])


def _code(cell_id: str, source: str, *lines: str, stream: str = "stdout", decides=None) -> dict:
    meta = {"whygo": {"decides": decides}} if decides else {}
    return {"cell_type": "code", "id": cell_id, "metadata": meta, "source": source,
            "outputs": [{"output_type": "stream", "name": stream, "text": "".join(l + "\n" for l in lines)}]}


def test_the_marked_lines_are_the_evidence_not_the_last_ones(tmp_path):
    manifest = _notebook(tmp_path, [
        _code("a", "probe()", "GET /debug/pprof/sched?debug=1 -> 404 Unknown profile",
              decides={"pprof-sched": r"-> 404"}),
        _code("b", "metrics()", "/sched/latencies:seconds", "/sched/threads/total:threads"),
        _code("c", 'claims.show("pprof-sched")\nclaims.show("m-n")'),
        _code("d", "compile()", "cell line 3: undefined: context", stream="stderr",
              decides={"otel-timeout": r"undefined"}),
        _code("e", 'claims.show("otel-timeout")'),
    ])
    shown = claims.where_shown(manifest)
    assert shown["pprof-sched"] == ("notebooks/ch.ipynb", "GET /debug/pprof/sched?debug=1 -> 404 Unknown profile")
    assert shown["otel-timeout"][1] == "cell line 3: undefined: context"      # stderr counts
    # no mark: the old guess, said to be one
    assert shown["m-n"][1] == claims.UNMARKED + "/sched/latencies:seconds / /sched/threads/total:threads"
    (entry,) = claims.deciding_outputs(manifest)["pprof-sched"]
    assert entry[:3] == ("notebooks/ch.ipynb", "a", r"-> 404")


def test_figure_and_player_reprs_are_never_evidence():
    outputs = [{"output_type": "display_data", "data": {"text/plain": "<Figure size 640x232 with 1 Axes>"}},
               {"output_type": "execute_result", "data": {"text/plain": "Player('x', frames: 3)"}},
               {"output_type": "stream", "name": "stdout", "text": "median ~2.8 ms\n"}]
    assert claims._output_lines(outputs) == ["median ~2.8 ms"]


def test_every_claim_shown_in_a_chapter_marks_the_output_that_decides_it():
    shown = claims.where_shown()
    marked = claims.deciding_outputs()
    problems = []
    for claim_id, (notebook, _) in shown.items():
        if claim_id in NO_EVIDENCE:
            continue
        hits = [lines for nb, _, _, lines in marked.get(claim_id, ()) if nb == notebook]
        if not hits:
            problems.append(f"{claim_id}: no cell of {notebook} marks the output that decides it")
        elif not all(hits):
            problems.append(f"{claim_id}: a deciding cell's pattern matches no line of its output")
    assert problems == []


# ---- stored outputs ---------------------------------------------------------------------------
FIGURE_REPR = re.compile(r"^<Figure size [\d.]+x[\d.]+ with \d+ Axes>$")
NOTEBOOKS = sorted(p.relative_to(ROOT).as_posix() for p in
                   [*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("labs/**/*.ipynb")])
def bare_figures(path: Path) -> list[str]:
    """Cells whose stored output is a figure's repr with no image beside it."""
    found = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if out.get("output_type") in ("display_data", "execute_result") and set(data) == {"text/plain"} \
                    and FIGURE_REPR.match("".join(data["text/plain"]).strip()):
                found.append(cell.get("id", "?"))
    return found


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_no_stored_output_is_a_bare_figure_repr(notebook):
    """A figure cell stores its picture (image/png), not only '<Figure size 640x232 with 1 Axes>':
    the book and the evidence column would show the repr instead of the plot."""
    assert bare_figures(ROOT / notebook) == []
