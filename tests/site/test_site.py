"""whygo/site.py: _toc.yml and _config.yml from the manifest, and the built book itself.

The fast tests check the generated configuration rule by rule; the slow ones
build the demo course (tests/fixtures/site_demo) and the real course and look
at the HTML: search, the .ipynb download, launch buttons, the static player
instead of the widget, no script from a CDN, every internal link resolving.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from browser_helpers import built_book, demo_book
from whygo.book import parse_manifest
from whygo.linkcheck import check_site
from whygo.site import (MIME_PRIORITY_OVERRIDES, SiteError, book_config, book_toc, build_warnings,
                        is_setup_source, output_anchors, prepare_source, root_entry)

COURSE = """
[course]
title = "T"
authors = ["A", "B"]
description = "D"
{launch}
[[chapters]]
id = "intro"
title = "Intro"
notebook = "notebooks/01-intro.ipynb"
[[chapters]]
id = "course-map"
title = "Course map"
notebook = "notebooks/00-course-map.ipynb"
[[labs]]
id = "lab1"
title = "Lab 1"
notebook = "labs/lab-01.ipynb"
[[appendix]]
id = "glossary"
title = "Glossary"
notebook = "notebooks/99-glossary.ipynb"
"""
WITH_REPO = """[launch]
repository = "https://github.com/example/whygo"
branch = "trunk"
binderhub_url = "https://mybinder.org"
jupyterhub_url = "https://hub.example.org"
notebook_interface = "jupyterlab"
"""
NO_REPO = """[launch]
binderhub_url = "https://mybinder.org"
"""


def manifest(launch: str = NO_REPO):
    return parse_manifest(COURSE.format(launch=launch))


# ----- _toc.yml ---------------------------------------------------------------------------
def test_toc_has_course_map_as_root_then_chapters_labs_appendix_parts():
    toc = book_toc(manifest())
    assert toc["format"] == "jb-book"
    assert toc["root"] == "notebooks/00-course-map"
    assert [(p["caption"], [c["file"] for c in p["chapters"]]) for p in toc["parts"]] == [
        ("Chapters", ["notebooks/01-intro"]), ("Labs", ["labs/lab-01"]),
        ("Appendix", ["notebooks/99-glossary"])]


def test_toc_root_is_first_chapter_without_a_course_map_and_empty_parts_are_left_out():
    m = parse_manifest(COURSE.format(launch="").split("[[labs]]")[0].replace('"course-map"', '"map2"'))
    assert root_entry(m).id == "intro"
    toc = book_toc(m)
    assert toc["root"] == "notebooks/01-intro"
    assert [p["caption"] for p in toc["parts"]] == ["Chapters"]


def test_toc_of_an_empty_course_is_a_site_error():
    m = parse_manifest(COURSE.format(launch="").split("[[chapters]]")[0])
    with pytest.raises(SiteError, match="no chapters"):
        book_toc(m)


# ----- _config.yml ------------------------------------------------------------------------
def test_config_uses_stored_outputs_unless_forced():
    assert book_config(manifest())["execute"]["execute_notebooks"] == "off"
    assert book_config(manifest(), force_execute=True)["execute"]["execute_notebooks"] == "force"


def test_config_builds_only_toc_files_with_title_and_authors():
    config = book_config(manifest())
    assert config["only_build_toc_files"] is True
    assert (config["title"], config["author"]) == ("T", "A, B")


def test_config_omits_launch_buttons_without_repository():
    config = book_config(manifest(NO_REPO))
    assert "repository" not in config
    assert config["launch_buttons"]["binderhub_url"] == ""
    assert config["launch_buttons"]["jupyterhub_url"] == ""
    assert config["html"]["use_repository_button"] is False


def test_config_has_launch_buttons_with_repository():
    config = book_config(manifest(WITH_REPO))
    assert config["repository"] == {"url": "https://github.com/example/whygo", "path_to_book": "",
                                    "branch": "trunk"}
    assert config["launch_buttons"]["binderhub_url"] == "https://mybinder.org"
    assert config["launch_buttons"]["jupyterhub_url"] == "https://hub.example.org"
    assert config["launch_buttons"]["notebook_interface"] == "jupyterlab"
    assert config["launch_buttons"]["thebe"] is False


def test_mime_priority_prefers_static_html_over_widget_view():
    from myst_nb.core.render import get_mime_priority
    overrides = book_config(manifest())["sphinx"]["config"]["nb_mime_priority_overrides"]
    assert overrides == [list(o) for o in MIME_PRIORITY_OVERRIDES]
    order = get_mime_priority("html", [tuple(o) for o in overrides])
    assert "application/vnd.jupyter.widget-view+json" not in order
    later = ("application/javascript", "image/svg+xml", "image/png", "text/markdown", "text/plain")
    assert all(order.index("text/html") < order.index(t) for t in later), order


def test_config_loads_no_javascript_from_cdns():
    sphinx = book_config(manifest())["sphinx"]["config"]
    assert sphinx["nb_ipywidgets_js"] == {}
    assert "sphinx_thebe" not in sphinx["extensions"]
    assert "myst_nb" in sphinx["extensions"] and "sphinx_book_theme" in sphinx["extensions"]


def test_missing_notebook_is_a_site_error_naming_it(tmp_path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks/00-course-map.ipynb").write_text("{}")
    with pytest.raises(SiteError, match=r"notebooks/01-intro\.ipynb.*labs/lab-01\.ipynb"):
        prepare_source(manifest(), root=tmp_path, source_dir=tmp_path / "src")


def test_prepare_source_links_folders_and_writes_both_files(tmp_path):
    m = manifest(WITH_REPO)
    for e in m.entries:
        (tmp_path / e.notebook).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / e.notebook).write_text("{}")
    src = prepare_source(m, root=tmp_path, source_dir=tmp_path / "src")
    assert (src / "notebooks").is_symlink() and (src / "notebooks").resolve() == tmp_path / "notebooks"
    assert (src / "labs/lab-01.ipynb").is_file()
    assert "root: notebooks/00-course-map" in (src / "_toc.yml").read_text()
    assert "execute_notebooks: 'off'" in (src / "_config.yml").read_text()
    assert 'url=notebooks/00-course-map.html' in (src / "_extra/index.html").read_text()
    prepare_source(m, root=tmp_path, source_dir=src, force_execute=True)   # re-run: same links
    assert "execute_notebooks: force" in (src / "_config.yml").read_text()


# ----- the built books --------------------------------------------------------------------
def page_of(html: Path, notebook: str) -> Path:
    return html / Path(notebook).with_suffix(".html")


# Sphinx adds MathJax from a CDN to pages that contain math (no local copy exists in
# the environment). Offline the formulas stay as TeX text; nothing else depends on it.
ALLOWED_EXTERNAL_SCRIPTS = ("https://cdn.jsdelivr.net/npm/mathjax@",)


def external_scripts(text: str) -> list[str]:
    """Scripts and stylesheets a page loads from the network, except the allowed MathJax."""
    found = re.findall(r'<script[^>]*\ssrc="((?:https?:)?//[^"]+)"', text)
    for tag in re.findall(r"<link\b[^>]*>", text):     # <link rel=stylesheet|preload|icon ...>
        href = re.search(r'\shref="((?:https?:)?//[^"]+)"', tag)
        if href and re.search(r'\srel="[^"]*(stylesheet|preload|icon)', tag):
            found.append(href.group(1))
    return [url for url in found if not url.startswith(ALLOWED_EXTERNAL_SCRIPTS)]


@pytest.mark.slow
def test_demo_book_has_search_downloads_launch_buttons_and_static_players():
    html, m = demo_book()
    assert 'url=notebooks/00-course-map.html' in (html / "index.html").read_text()
    assert (html / "search.html").is_file() and "collector" in (html / "searchindex.js").read_text()
    for e in m.entries:
        text = page_of(html, e.notebook).read_text(encoding="utf-8")
        name = Path(e.notebook).name
        assert re.search(rf'href="(\.\./)+_sources/{re.escape(e.notebook)}"', text), f"no download of {name}"
        assert (html / "_sources" / e.notebook).is_file()
        assert f"https://mybinder.org/v2/gh/example/whygo-demo/main?urlpath=lab/tree/{e.notebook}" in text
        assert "hub.example.org/hub/user-redirect/git-pull" in text
        assert external_scripts(text) == [], f"{name} loads scripts from the network"
        assert "widget-view+json" not in text and "THEBE_JS_URL" not in text
    assert page_of(html, m.get("sched").notebook).read_text().count('class="whygo-player"') == 1
    assert check_site(html) == []
    assert build_warnings(html.parent.parent) == []


@pytest.mark.slow
def test_only_notebooks_in_book_toml_are_published():
    html, m = demo_book()
    published = sorted(p.relative_to(html).as_posix() for p in html.rglob("*")
                       if p.suffix in (".html", ".ipynb") and p.relative_to(html).parts[0] != "_static")
    pages = sorted(Path(e.notebook).with_suffix(".html").as_posix() for e in m.entries)
    sources = sorted(f"_sources/{e.notebook}" for e in m.entries)
    assert published == sorted(pages + sources + ["index.html", "genindex.html", "search.html"])
    assert not any("SECRET-ANSWER" in p.read_text() for p in html.rglob("*.js"))


def test_main_check_reports_a_missing_build(tmp_path, monkeypatch, capsys):
    import whygo.site
    monkeypatch.setattr(whygo.site, "OUTPUT_DIR", tmp_path / "nothing")
    assert whygo.site.main(["check"]) == 1
    assert "run `whygo book build` first" in capsys.readouterr().err


@pytest.mark.slow
def test_main_check_passes_on_the_demo_book(monkeypatch, capsys):
    import whygo.site
    html, _ = demo_book()
    monkeypatch.setattr(whygo.site, "OUTPUT_DIR", html.parent.parent)
    assert whygo.site.main(["check"]) == 0
    assert "0 broken internal link(s)" in capsys.readouterr().out


@pytest.mark.slow
def test_real_book_builds_with_every_page_and_no_broken_link():
    html, m = built_book()
    for e in m.entries:
        page = page_of(html, e.notebook)
        assert page.is_file(), f"{e.notebook} has no page in the book"
        text = page.read_text(encoding="utf-8")
        assert external_scripts(text) == [], f"{page.name} loads scripts from the network"
        assert "widget-view+json" not in text, f"{page.name} shows a widget view that needs a kernel"
        assert ("mybinder.org/v2/" in text) == bool(m.launch.get("repository")
                                                    and m.launch.get("binderhub_url"))
    assert (html / "search.html").is_file() and (html / "searchindex.js").is_file()
    assert [str(b) for b in check_site(html)] == []
    assert build_warnings(html.parent.parent) == []


@pytest.mark.slow
def test_every_page_links_to_the_same_page_in_the_other_edition():
    """The Chinese edition sits in zh/ with the same page paths; each page's switch leads to
    its twin, and the Chinese pages are marked as Chinese for the browser and the search."""
    from whygo.site import SWITCH_TEXT, ZH_FOLDER
    html, m = built_book()
    for e in m.entries:
        english, chinese = page_of(html, e.notebook), page_of(html / ZH_FOLDER, e.notebook)
        for page, other, edition in ((english, chinese, "en"), (chinese, english, "zh")):
            text = page.read_text(encoding="utf-8")
            href = re.search(r'class="whygo-lang-switch"><a href="([^"]+)"[^>]*>([^<]+)</a>', text)
            assert href, f"{page} has no language switch"
            assert (page.parent / href.group(1)).resolve() == other.resolve()
            assert href.group(2) == SWITCH_TEXT[edition]
        assert '<html lang="zh-CN"' in chinese.read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_chinese_search_index_holds_chinese_words():
    """Sphinx segments Chinese with jieba for a zh_CN book: 逃逸 (escape) is a search term."""
    html, _ = built_book()
    index = (html / "zh" / "searchindex.js").read_text(encoding="utf-8")
    terms = json.loads(index[index.index("(") + 1:index.rindex(")")])["terms"]
    for word in ("逃逸", "调度", "屏障"):     # a query is segmented the same way ("调度器" -> 调度)
        assert word in terms, f"{word} is not in the Chinese search index"


def test_output_anchors_are_the_ids_of_html_elements():
    html = '<div id="claim-x" style="a"><p>no id</p><a class="z" id=\'y\'>'
    assert output_anchors(html) == ["claim-x", "y"]
    assert output_anchors("<p>valid=\"no\"</p>") == []


@pytest.mark.slow
def test_links_to_ids_of_html_outputs_resolve_and_only_missing_ones_warn(tmp_path):
    """[text](page.ipynb#claim-x) to a <div id="claim-x"> in an output builds without a
    warning and keeps its anchor; a link to an id no output defines still warns."""
    import nbformat
    from whygo.site import build
    target = nbformat.v4.new_notebook()
    target.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    cell = nbformat.v4.new_code_cell("claims.show('x')", execution_count=1)
    cell.outputs = [nbformat.v4.new_output("display_data", data={
        "text/html": '<div id="claim-x">the claim</div>', "text/plain": "claim x"})]
    target.cells = [nbformat.v4.new_markdown_cell("# Claims"), cell]
    links = nbformat.v4.new_notebook()
    links.metadata["kernelspec"] = target.metadata["kernelspec"]
    links.cells = [nbformat.v4.new_markdown_cell(
        "# Summary\n\n[found](01-claims.ipynb#claim-x) and [lost](01-claims.ipynb#claim-nope)")]
    (tmp_path / "notebooks").mkdir()
    nbformat.write(links, tmp_path / "notebooks/00-summary.ipynb")
    nbformat.write(target, tmp_path / "notebooks/01-claims.ipynb")
    m = parse_manifest('[course]\ntitle = "T"\nauthors = ["A"]\ndescription = "D"\n'
                       '[[chapters]]\nid = "course-map"\ntitle = "S"\nnotebook = "notebooks/00-summary.ipynb"\n'
                       '[[chapters]]\nid = "claims"\ntitle = "C"\nnotebook = "notebooks/01-claims.ipynb"\n')
    html = build(manifest=m, root=tmp_path, source_dir=tmp_path / "src", output_dir=tmp_path / "out")
    warnings = build_warnings(tmp_path / "out")
    assert [w for w in warnings if "xref_missing" in w and "claim-x" in w] == []
    assert len([w for w in warnings if "'claim-nope' [myst.xref_missing]" in w]) == 1
    page = (html / "notebooks/00-summary.html").read_text(encoding="utf-8")
    assert 'href="01-claims.html#claim-x"' in page
    assert [str(b) for b in check_site(html)] == ["notebooks/00-summary.html: 01-claims.html#claim-nope "
                                                  "(no anchor #claim-nope in notebooks/01-claims.html)"]


@pytest.mark.slow
def test_force_execute_replaces_stored_outputs(tmp_path):
    """build(force_execute=True) runs the notebook: the page shows the fresh output."""
    import nbformat
    from whygo.site import build
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    cell = nbformat.v4.new_code_cell("print('fresh', 6 * 7)", execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="stale output\n")]
    nb.cells = [nbformat.v4.new_markdown_cell("# Only page\n\n![a figure](missing-figure.png)"), cell]
    (tmp_path / "notebooks").mkdir()
    nbformat.write(nb, tmp_path / "notebooks/00-course-map.ipynb")
    m = parse_manifest('[course]\ntitle = "T"\nauthors = ["A"]\ndescription = "D"\n[[chapters]]\n'
                       'id = "course-map"\ntitle = "Map"\nnotebook = "notebooks/00-course-map.ipynb"\n')
    kwargs = dict(manifest=m, root=tmp_path, source_dir=tmp_path / "src", output_dir=tmp_path / "out")
    stored = build(**kwargs).joinpath("notebooks/00-course-map.html").read_text()
    assert "stale output" in stored and "fresh 42" not in stored
    fresh = build(force_execute=True, **kwargs).joinpath("notebooks/00-course-map.html").read_text()
    assert "fresh 42" in fresh and "stale output" not in fresh
    # Sphinx's warnings are kept: here the image that does not exist
    assert any("missing-figure.png" in w for w in build_warnings(tmp_path / "out"))


# ----- set-up cells, search, styles, launch options -------------------------------------------
@pytest.mark.parametrize("source, setup", [
    ("%load_ext whygo\n%matplotlib inline\nfrom whygo import claims, report\nimport re", True),
    ("# the course's helpers\nfrom whygo.chapters import sched as ch\n", True),
    ("%load_ext whygo\nclaims.show('m-n')", False),
    ("import re\nprint(re)", False),
    ("   \n", False),
])
def test_a_setup_cell_only_loads_extensions_and_imports(source, setup):
    assert is_setup_source(source) is setup


def test_config_keeps_one_search_box_and_the_source_gets_the_site_css(tmp_path):
    assert book_config(manifest())["sphinx"]["config"]["html_theme_options"] == {"navbar_persistent": []}
    m = manifest()
    for e in m.entries:
        (tmp_path / e.notebook).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / e.notebook).write_text("{}")
    src = prepare_source(m, root=tmp_path, source_dir=tmp_path / "src")
    css = (src / "_static" / "whygo.css").read_text()
    assert ".output.traceback" in css and "overflow-wrap: anywhere" in css


def test_build_options_set_launch_links_for_one_build(monkeypatch, capsys):
    """`whygo book build --repository URL --jupyterhub-url URL` reaches the build's manifest;
    a value that is not a web address stops before building."""
    import whygo.site
    seen = {}
    monkeypatch.setattr(whygo.site, "build_editions", lambda **kw: seen.update(kw) or Path("/nowhere"))
    monkeypatch.setattr(whygo.site, "build_warnings", lambda *a: [])
    assert whygo.site.main(["build", "--repository", "https://github.com/o/r",
                            "--jupyterhub-url", "https://hub.example.edu", "--binderhub-url", ""]) == 0
    launch = seen["manifest"].launch
    assert launch["repository"] == "https://github.com/o/r" and launch["jupyterhub_url"] == "https://hub.example.edu"
    assert "binderhub_url" not in launch
    config = book_config(seen["manifest"])
    assert config["launch_buttons"]["jupyterhub_url"] == "https://hub.example.edu"
    assert config["launch_buttons"]["binderhub_url"] == ""
    seen.clear()
    assert whygo.site.main(["build", "--jupyterhub-url", "hub.example.edu"]) == 1
    assert seen == {} and "must be a web address" in capsys.readouterr().err


@pytest.mark.slow
def test_real_book_leaves_setup_cells_out_of_its_pages():
    html, m = built_book()
    for e in m.chapters:
        text = page_of(html, e.notebook).read_text(encoding="utf-8")
        first = re.search(r'<div class="cell_input[^>]*>.*?<pre>(.*?)</pre>', text, re.S)
        if first:
            assert "load_ext" not in first.group(1), f"{e.notebook} shows its set-up cell"
