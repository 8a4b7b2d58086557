"""Chapters point to each other and to the labs with links that work in JupyterLab and the book.

Every mention of a chapter ("chapter 3.1", "chapters 4.1 and 4.2", "the course map") or a
lab ("Lab 6, *binary diet*", `labs/06-binary-diet.ipynb`) in a Markdown cell of notebooks/
is a relative Markdown link, and every relative .ipynb link there names a notebook that
exists. (The built site's links are checked by whygo.linkcheck: tests/site/test_site.py.)
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# Links, HTML tags and URLs, then code spans: what is inside them is not a bare mention
# (except a lab's path in a code span, the way chapters used to name their labs).
_LINKS = re.compile(r"\[[^\]]*\]\([^)]*\)|<[^>]+>|https?://\S+")
_CODE = re.compile(r"`[^`]*`")
_PATH = re.compile(r"labs/[\w.-]+\.ipynb")
_MENTION = re.compile(r"\b[Cc]hapters? \d(?:\.\d)?|\bLab \d\b|\bthe course map\b")
_LINK = re.compile(r"\]\(([^)#\s]+\.ipynb)(#[^)]*)?\)")


def markdown(path: Path) -> list[str]:
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"]


def bare_mentions(text: str, here: str) -> list[str]:
    """Mentions of a chapter or lab outside a link (a notebook naming itself is allowed)."""
    text = _LINKS.sub(" ", text)
    found = _MENTION.findall(_CODE.sub(" ", text)) + _PATH.findall(text)
    return [m for m in found if not (here == "00-course-map.ipynb" and m == "the course map")]


def test_bare_mentions_are_found_and_links_are_not():
    assert bare_mentions("as chapter 3.1 shows, Lab 2 and `labs/02-scheduler.ipynb`", "x") == \
        ["chapter 3.1", "Lab 2", "labs/02-scheduler.ipynb"]
    assert bare_mentions("[chapter 3.1](03-1-garbage-collector.ipynb), [Lab 2, *s*](../labs/02-scheduler.ipynb)",
                         "x") == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_mention_of_a_chapter_or_lab_is_a_link(path):
    bare = [m for text in markdown(path) for m in bare_mentions(text, path.name)]
    assert bare == [], f"{path.name}: make these links (e.g. [chapter 3.1](03-1-garbage-collector.ipynb))"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_link_to_a_notebook_leads_to_one(path):
    targets = {m.group(1) for text in markdown(path) for m in _LINK.finditer(text)
               if not m.group(1).startswith(("http:", "https:"))}
    missing = sorted(t for t in targets if not (path.parent / t).is_file())
    assert missing == []
