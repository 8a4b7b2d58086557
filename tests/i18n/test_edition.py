"""The Chinese notebooks (zh/): built from the English and the catalogs, never by hand.

Each stored Chinese notebook must be exactly what `whygo i18n build` makes now: the English
code cells (same ids, same sources, same order), the Markdown from the catalogs, the Chinese
kernel, and outputs from a real run (nbval checks them like the English ones).
"""
from __future__ import annotations

import json

import pytest

from whygo.i18n import catalog, edition
from whygo.kernelspec import ZH_KERNELS

NOTEBOOKS = catalog.course_notebooks()


def _cells(path, kind):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [(c.get("id"), "".join(c["source"])) for c in nb["cells"] if c["cell_type"] == kind]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_chinese_notebook_is_the_built_one(notebook):
    target = edition.edition_path(notebook)
    assert target.is_file(), f"{target} is missing: run `whygo i18n build --execute`"
    stored = json.loads(target.read_text(encoding="utf-8"))
    assert edition.dumps(edition.render(notebook, stored)) == target.read_text(encoding="utf-8"), (
        f"{target.name} is out of step with its English notebook or catalog: "
        "run `whygo i18n build --execute`")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_code_cells_are_the_english_ones_and_were_run(notebook):
    target = edition.edition_path(notebook)
    assert _cells(target, "code") == _cells(notebook, "code")
    nb = json.loads(target.read_text(encoding="utf-8"))
    assert not edition.unexecuted(nb), f"{target.name} has code cells never run in Chinese"
    english = json.loads(notebook.read_text(encoding="utf-8"))["metadata"]["kernelspec"]["name"]
    assert nb["metadata"]["kernelspec"]["name"] == ZH_KERNELS[english]


def test_markdown_comes_from_the_catalog():
    notebook = next(p for p in NOTEBOOKS if catalog.notebook_translations(p))
    translated = catalog.notebook_translations(notebook)
    chinese = dict(_cells(edition.edition_path(notebook), "markdown"))
    for cell_id, text in translated.items():
        assert chinese[cell_id] == edition._relink(edition.join_cjk_lines(text), notebook)


def test_links_that_leave_the_notebooks_point_one_folder_up():
    notebook = catalog.ROOT / "notebooks" / "00-course-map.ipynb"
    text = "[map](01-why-go-is-efficient.ipynb) [code](../gocode/README.md) [web](https://go.dev)"
    assert edition._relink(text, notebook) == (
        "[map](01-why-go-is-efficient.ipynb) [code](../../gocode/README.md) [web](https://go.dev)")


def test_a_list_items_indented_line_and_a_break_after_punctuation_are_joined():
    text = "- 第一项的\n  后半句；\n- 第二项，\n`code` 与\nGo；\n2. 下一项"
    assert edition.join_cjk_lines(text) == "- 第一项的后半句；\n- 第二项，`code` 与\nGo；\n2. 下一项"


def test_line_breaks_inside_chinese_text_are_joined_and_nothing_else():
    text = "第一行\n第二行。\n- 列表\n\n```go\n中\n文\n```\nGo 语言\n很快"
    assert edition.join_cjk_lines(text) == "第一行第二行。\n- 列表\n\n```go\n中\n文\n```\nGo 语言很快"
