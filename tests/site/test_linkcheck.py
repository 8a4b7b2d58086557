"""whygo/linkcheck.py on tiny synthetic sites: it passes good links and catches bad ones."""
from __future__ import annotations

from pathlib import Path

import pytest

from whygo.linkcheck import BrokenLink, LinkCheckError, check_site, is_external

GOOD_INDEX = """<html><head><link rel="stylesheet" href="_static/site.css?v=1"></head><body>
<a href="notebooks/ch1.html">chapter</a> <a href="notebooks/ch1.html#intro">intro</a>
<a href="notebooks/">folder index</a> <a href="#top">top</a> <a href="#">menu hook</a>
<a href="https://example.org/x.html">external</a> <a href="mailto:a@b.c">mail</a>
<a href="//cdn.example.org/lib.js">protocol-relative</a>
<img src="data:image/png;base64,AAAA"/> <img src="_images/fig%201.png"/>
<span id="top"></span></body></html>"""

CH1 = """<html><body><h1 id="intro">Intro</h1><a href="../index.html#top">home</a>
<a href="../_sources/notebooks/ch1.ipynb">download</a><a name="old-style"></a>
<a href="ch1.html#old-style">a name target</a></body></html>"""


def write_site(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def good_site(tmp_path: Path) -> Path:
    return write_site(tmp_path / "html", {
        "index.html": GOOD_INDEX,
        "notebooks/ch1.html": CH1,
        "notebooks/index.html": "<html><body>folder</body></html>",
        "_static/site.css": "body {}",
        "_images/fig 1.png": "png",
        "_sources/notebooks/ch1.ipynb": "{}",
        # a theme's Jinja template copied as-is: not a page, its "links" are not real
        "_static/webpack-macros.html": "<link href=\"{{ pathto('_static/x.css', 1) }}\">",
    })


def test_internal_links_that_resolve_are_not_reported(good_site):
    assert check_site(good_site) == []


def test_missing_file_is_reported_with_its_page(good_site):
    (good_site / "notebooks/ch1.html").write_text(CH1 + '<img src="../_images/missing.png">')
    assert check_site(good_site) == [
        BrokenLink("notebooks/ch1.html", "../_images/missing.png", "no such file")]


def test_missing_anchor_is_reported(good_site):
    (good_site / "index.html").write_text(GOOD_INDEX + '<a href="notebooks/ch1.html#nowhere">x</a>')
    broken = check_site(good_site)
    assert [b.reason for b in broken] == ["no anchor #nowhere in notebooks/ch1.html"]
    assert check_site(good_site, check_anchors=False) == []


def test_link_leaving_the_site_is_reported(good_site):
    (good_site / "index.html").write_text(GOOD_INDEX + '<a href="../../outside.html">x</a>')
    assert check_site(good_site) == [BrokenLink("index.html", "../../outside.html", "outside the site")]


def test_site_absolute_link_resolves_from_the_site_root(good_site):
    (good_site / "notebooks/ch1.html").write_text(CH1 + '<a href="/_static/site.css">a</a>'
                                                        '<a href="/_static/gone.css">b</a>')
    assert [b.url for b in check_site(good_site)] == ["/_static/gone.css"]


def test_every_broken_link_is_listed_in_page_order(good_site):
    (good_site / "index.html").write_text(GOOD_INDEX + '<a href="a.html">1</a><script src="b.js"></script>')
    (good_site / "notebooks/ch1.html").write_text(CH1 + '<link href="c.css">')
    assert [str(b) for b in check_site(good_site)] == [
        "index.html: a.html (no such file)", "index.html: b.js (no such file)",
        "notebooks/ch1.html: c.css (no such file)"]


@pytest.mark.parametrize("url, external", [
    ("https://mybinder.org/v2/gh/x", True), ("http://a.b", True), ("mailto:x@y.z", True),
    ("data:image/png;base64,AA", True), ("javascript:void(0)", True), ("//cdn.x/y.js", True),
    ("notebooks/a.html", False), ("/abs.html", False), ("#frag", False), ("../up.html", False)])
def test_is_external(url, external):
    assert is_external(url) is external


def test_not_a_site_is_a_clear_error(tmp_path):
    with pytest.raises(LinkCheckError, match="not a folder"):
        check_site(tmp_path / "nope")
    with pytest.raises(LinkCheckError, match="build the book first"):
        check_site(tmp_path)
