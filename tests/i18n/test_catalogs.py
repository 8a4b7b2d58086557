"""The Chinese edition's catalogs: complete, current, and kept in step with the English.

After editing English text: `whygo i18n update` (rewrites the catalogs, marking changed
entries stale), translate what `whygo i18n status` lists, then `whygo i18n build --execute`.
"""
from __future__ import annotations

import polib
import pytest

from whygo import claims, i18n
from whygo.i18n import catalog


@pytest.fixture(scope="module")
def coverages():
    return catalog.status()


def test_every_catalog_is_written_from_the_current_english():
    """A catalog on disk that differs from what `whygo i18n update` writes was not updated
    after an English edit: its stale entries would go unnoticed."""
    import polib as _polib
    behind = []
    for name, messages in catalog.all_messages().items():
        path = catalog.catalog_path(name)
        assert path.is_file(), f"{name} is missing: run `whygo i18n update`"
        old = _polib.pofile(str(path), wrapwidth=0)
        if catalog.merged_text(messages, old) != path.read_text(encoding="utf-8"):
            behind.append(name)
    assert not behind, f"run `whygo i18n update`: out of step with the English: {behind}"


def test_every_message_has_a_current_chinese_translation(coverages):
    problems = [f"{c.catalog}: missing {label}" for c in coverages for label in c.missing]
    problems += [f"{c.catalog}: stale {label}" for c in coverages for label in c.stale]
    assert not problems, (f"{len(problems)} entries to translate (`whygo i18n status`):\n"
                          + "\n".join(problems[:25]))


def test_translations_keep_links_code_and_placeholders():
    errors = catalog.structure_errors() + catalog.placeholder_errors()
    assert not errors, "\n".join(errors[:25])


def test_an_edited_english_sentence_makes_its_translation_stale():
    old = polib.POFile()
    old.append(polib.POEntry(msgctxt="cell-1", msgid="The heap grows.", msgstr="堆增长。"))
    old.append(polib.POEntry(msgid="Verdict", msgstr="结论"))
    old.append(polib.POEntry(msgid="Hint for the lab", msgstr="实验提示"))
    new = catalog.merge([catalog.Message("cell-1", "The heap grows and shrinks."),
                         catalog.Message(None, "Verdict"),
                         catalog.Message(None, "Hints for the lab"),
                         catalog.Message(None, "A new sentence")], old)
    by_id = {e.msgid: e for e in new}
    edited = by_id["The heap grows and shrinks."]
    assert edited.fuzzy and edited.msgstr == "堆增长。" and edited.previous_msgid == "The heap grows."
    assert not by_id["Verdict"].fuzzy and by_id["Verdict"].msgstr == "结论"
    close = by_id["Hints for the lab"]        # no key: matched to the closest removed English
    assert close.fuzzy and close.msgstr == "实验提示"
    assert by_id["A new sentence"].msgstr == ""


def test_the_extractor_finds_marked_strings_and_their_contexts(tmp_path):
    (tmp_path / "mod.py").write_text(
        'from whygo.i18n import N_, _\n'
        'A = N_("a constant")\n'
        'def f(n):\n'
        '    return _("{n} checks pass").format(n=n) + _("Verdict", "box") + _(f"not {n}")\n')
    found = {(m.context, m.msgid) for m in catalog.code_messages(tmp_path)}
    assert found == {(None, "a constant"), (None, "{n} checks pass"), ("box", "Verdict")}


def test_the_edition_follows_the_environment(monkeypatch):
    c = claims.get("native-no-vm")
    monkeypatch.setenv(i18n.ENV, "en")
    assert claims.reason(c) == c.why and i18n._("Verdict: {verdict}.") == "Verdict: {verdict}."
    monkeypatch.setenv(i18n.ENV, "zh_CN")
    translated = i18n.translations("zh").get((f"{c.id}:why", c.why))
    assert claims.reason(c) == (translated or c.why)
    assert i18n._("no such English sentence") == "no such English sentence"


def test_a_stale_notebook_translation_is_not_used(tmp_path, monkeypatch):
    """notebook_translations() leaves out an entry written for other English."""
    notebook = catalog.course_notebooks()[0]
    messages = catalog.notebook_messages(notebook)
    po = polib.POFile()
    po.append(polib.POEntry(msgctxt=messages[0].context, msgid=messages[0].msgid, msgstr="当前"))
    po.append(polib.POEntry(msgctxt=messages[1].context, msgid="older English", msgstr="过时"))
    locale = tmp_path / "zh" / catalog.catalog_name(notebook)
    locale.parent.mkdir(parents=True)
    po.save(str(locale))
    monkeypatch.setattr(catalog, "LOCALE_DIR", tmp_path)
    assert catalog.notebook_translations(notebook) == {messages[0].context: "当前"}


def test_a_notebooks_code_strings_are_catalogued_with_it(tmp_path):
    """tr("...") in a Python notebook's code cells joins the notebook's catalog; a %%go cell
    and a Go kernel's cells are Go, not read."""
    import nbformat
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "P"}
    nb.cells = [nbformat.v4.new_markdown_cell("# Title", id="t"),
                nbformat.v4.new_code_cell('%load_ext whygo\nprint(tr("faster: {x}").format(x=1))', id="c1"),
                nbformat.v4.new_code_cell('%%go\nfmt.Println(tr("not Python"))', id="c2")]
    (tmp_path / "notebooks").mkdir()
    path = tmp_path / "notebooks" / "x.ipynb"
    nbformat.write(nb, str(path))
    monkey_root = catalog.ROOT
    try:
        catalog.ROOT = tmp_path
        found = [(m.context, m.msgid) for m in catalog.notebook_messages(path)]
    finally:
        catalog.ROOT = monkey_root
    assert found == [("t", "# Title"), (None, "faster: {x}")]


def test_a_message_that_moves_to_another_catalog_keeps_its_translation():
    new = catalog.merge([catalog.Message(None, "Passed")], None, known={(None, "Passed"): "通过"})
    assert [(e.msgid, e.msgstr, e.fuzzy) for e in new] == [("Passed", "通过", False)]


def test_code_catalogs_follow_the_package_layout():
    assert catalog.area_of("whygo/sched/model.py") == "sched"
    assert catalog.area_of("whygo/claims.py") == "claims"


def test_an_english_message_has_one_translation_or_a_context():
    """Every catalog answers _() lookups: the same English translated two ways in two places
    would pick one at random. Give such a message a context (_("goroutines", "axis label"))."""
    seen: dict[str, dict[str, list[str]]] = {}
    for path in sorted((catalog.LOCALE_DIR / catalog.LANGUAGE).rglob("*.po")):
        for e in polib.pofile(str(path)):
            if e.msgctxt is None and e.msgstr and not e.fuzzy:
                seen.setdefault(e.msgid, {}).setdefault(e.msgstr, []).append(path.name)
    ambiguous = {msgid: found for msgid, found in seen.items() if len(found) > 1}
    assert not ambiguous, ambiguous
