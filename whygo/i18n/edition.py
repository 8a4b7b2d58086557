"""The Chinese edition's notebooks, ``zh/notebooks/`` and ``zh/labs/``, built from the English.

A Chinese notebook is the English one with three changes, made here and nowhere else:

* each Markdown cell is its translation from the notebook's catalog (the English cell while
  a translation is missing or stale, so the edition is always whole);
* cells written by code (course map, glossary, chapter 5's table) are written again, in Chinese;
* the notebook names the Chinese edition's kernel (whygo.kernelspec.ZH_KERNELS), which sets
  ``WHYGO_LANG=zh``: every sentence the code prints comes out in Chinese.

Code cells are copied, never edited: the editions cannot drift apart. Their stored outputs
come from a real run in Chinese (``build(execute=True)``), kept while the code cell is
unchanged, so that nbval checks the Chinese notebooks like the English ones. A test rebuilds
every notebook in memory and compares it with the stored one.
"""
from __future__ import annotations

import copy
import json
import os
import re
from contextlib import contextmanager
from pathlib import Path

from whygo.i18n import ENV
from whygo.i18n.catalog import ROOT, course_notebooks, notebook_translations

EDITION_DIR = ROOT / "zh"
KERNEL_DISPLAY = {"whygo-python-zh": ("Python 3 (whygo, 中文)", "python"),
                  "whygo-go-zh": ("Go (whygo, 中文)", "go")}
_RELATIVE = re.compile(r"(\]\(|(?:href|src)=\")([^)\"\s#:]+)")


@contextmanager
def chinese():
    """Run the enclosed code as the Chinese edition (WHYGO_LANG=zh), then restore."""
    before = os.environ.get(ENV)
    os.environ[ENV] = "zh"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = before


def edition_path(notebook: Path) -> Path:
    """zh/notebooks/X.ipynb for notebooks/X.ipynb."""
    return EDITION_DIR / notebook.resolve().relative_to(ROOT)


def english_path(notebook: Path) -> Path:
    return ROOT / notebook.resolve().relative_to(EDITION_DIR)


def _generated(writer: str, notebook: Path) -> str:
    """A code-written cell, written again in the running edition."""
    if writer == "whygo.book.course_map_markdown":
        from whygo.book import course_map_markdown
        return course_map_markdown(start=notebook.resolve().parent.relative_to(ROOT).as_posix())
    if writer == "whygo.claims.summary_markdown":
        from whygo.claims import summary_markdown
        return summary_markdown()
    if writer == "whygo.glossary.glossary_markdown":
        from whygo.glossary import glossary_markdown
        return glossary_markdown()
    raise ValueError(f"{notebook}: no Chinese writer for generated cells of {writer}()")


# A line break inside a Chinese paragraph: Markdown renders it as a space, which Chinese text
# does not have. Joined only where both sides are Chinese characters or punctuation, so that
# a list item, a heading, a table row or code (which start with ASCII) is never touched.
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_CJK_BREAK = re.compile(f"(?<=[{_CJK}])\n[ \t]*(?=[{_CJK}])")     # also a list item's indented line
# After full-width punctuation (，。：；) a space is never wanted, before code or a Latin word
# either; a line starting with a digit or a marker ("2. ", "- ", "* ") is left alone.
_PUNCT_BREAK = re.compile("(?<=[\u3000-\u303f\uff00-\uffef])\n[ \t]*(?=[`A-Za-z\u201c\u2018])")


def join_cjk_lines(text: str) -> str:
    """Join the soft line breaks between Chinese characters (outside code fences)."""
    parts = re.split(r"(^```.*?^```)", text, flags=re.S | re.M)
    return "".join(p if p.startswith("```") else _PUNCT_BREAK.sub("", _CJK_BREAK.sub("", p))
                   for p in parts)


def _relink(text: str, notebook: Path) -> str:
    """Relative links to files outside the editions' notebooks (not to a notebook, which
    exists in both) point one folder further up, since zh/ is one level deeper."""
    def fix(m: re.Match) -> str:
        target = m.group(2)
        if target.endswith(".ipynb") or not (notebook.parent / target).exists():
            return m.group(0)
        return m.group(1) + "../" + target
    return _RELATIVE.sub(fix, text)


def render(notebook: Path, stored: dict | None = None) -> dict:
    """The Chinese notebook for English ``notebook``. Code cells keep the outputs of ``stored``
    (the Chinese notebook on disk) while their source is unchanged; otherwise they have none."""
    from whygo.generated import writer_of
    from whygo.kernelspec import ZH_KERNELS
    english = json.loads(notebook.read_text(encoding="utf-8"))
    translated = notebook_translations(notebook)
    previous = {c.get("id"): c for c in (stored or {}).get("cells", []) if c["cell_type"] == "code"}
    nb = copy.deepcopy(english)
    with chinese():
        for cell in nb["cells"]:
            if cell["cell_type"] == "markdown":
                source = "".join(cell["source"])
                writer = writer_of(source)
                if writer:
                    text = _generated(writer, notebook)
                elif cell["id"] in translated:
                    text = join_cjk_lines(translated[cell["id"]])
                else:
                    text = source
                cell["source"] = _relink(text, notebook).splitlines(keepends=True)
            elif cell["cell_type"] == "code":
                # the English run's timestamps say nothing about the Chinese one (and runs
                # here record none: NotebookClient(record_timing=False))
                cell["metadata"].pop("execution", None)
                before = previous.get(cell.get("id"))
                if before is not None and before["source"] == cell["source"]:
                    cell["outputs"] = before.get("outputs", [])
                    cell["execution_count"] = before.get("execution_count")
                else:
                    cell["outputs"], cell["execution_count"] = [], None
    english_kernel = english["metadata"].get("kernelspec", {}).get("name", "python3")
    name = ZH_KERNELS[english_kernel]
    display, language = KERNEL_DISPLAY[name]
    nb["metadata"]["kernelspec"] = {"display_name": display, "language": language, "name": name}
    nb["metadata"].setdefault("whygo", {})["edition"] = "zh"
    return nb


def dumps(nb: dict) -> str:
    """A notebook as nbformat writes it (so a rebuilt notebook compares equal to the stored one)."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def unexecuted(nb: dict) -> bool:
    return any(c["cell_type"] == "code" and c.get("execution_count") is None and c["source"]
               for c in nb["cells"])


def build(*, execute: bool = False, only: list[str] | None = None) -> list[Path]:
    """Write every Chinese notebook; with ``execute``, run those whose code changed (or all in
    ``only``: names such as "02-1-gmp-scheduler") in their Chinese kernel. Returns the
    notebooks that still need a run."""
    need_run = []
    for notebook in course_notebooks():
        target = edition_path(notebook)
        stored = json.loads(target.read_text(encoding="utf-8")) if target.is_file() else None
        nb = render(notebook, stored)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = dumps(nb)
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
        if unexecuted(nb) or (only and notebook.stem in only):
            need_run.append(target)
    if execute:
        for target in list(need_run):
            run(target)
            need_run.remove(target)
    return need_run


def run(target: Path, timeout: int = 900) -> None:
    """Execute a Chinese notebook in place, in its own folder, with the kernel it names."""
    import nbformat
    from nbclient import NotebookClient
    nb = nbformat.read(str(target), as_version=4)
    NotebookClient(nb, timeout=timeout, record_timing=False,
                   resources={"metadata": {"path": str(target.parent)}}).execute()
    target.write_text(dumps(json.loads(nbformat.writes(nb))), encoding="utf-8")
