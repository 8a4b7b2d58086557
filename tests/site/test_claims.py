"""The claims registry: every quote is the article's own text, every verdict is a known one."""
import os
import re

import pytest

from conftest import ROOT
from whygo import claims
from whygo.generated import md_text

# The source article is not part of this repository: it sits in shared/seed/ beside the
# checkout (CI clones the repository next to a copy of shared/).
ARTICLE = ROOT.parent / "shared" / "seed" / "000_0370482146a755ed.txt"
SEED_REQUIRED = bool(os.environ.get("CI") or os.environ.get("WHYGO_REQUIRE_SEED"))


def test_every_quote_is_verbatim_from_the_article():
    """Skipped only on a machine without ../shared/seed/; fails there instead when the
    seed must be present (CI is set, as in CI, or WHYGO_REQUIRE_SEED=1)."""
    if not ARTICLE.is_file():
        message = f"the source article is not at {ARTICLE} (shared/seed/ beside the checkout)"
        if SEED_REQUIRED:
            pytest.fail(message + "; CI or WHYGO_REQUIRE_SEED requires it")
        pytest.skip(message + "; set WHYGO_REQUIRE_SEED=1 to make this a failure")
    text = ARTICLE.read_text(encoding="utf-8")
    missing = [c.id for c in claims.CLAIMS if c.zh not in text]
    assert missing == []


def test_ids_are_unique_and_verdicts_known():
    ids = [c.id for c in claims.CLAIMS]
    assert len(ids) == len(set(ids))
    assert {c.verdict for c in claims.CLAIMS} <= set(claims.VERDICTS)


def test_the_facts_sheet_corrections_are_recorded_as_wrong():
    for claim_id in ("gosched-local", "barrier-per-region", "pprof-sched",
                     "zero-copy-channel", "mcache-numsizeclasses", "gcflags-l-reflection", "no-vtable"):
        assert claims.get(claim_id).verdict == "wrong", claim_id


def test_a_literally_true_claim_that_paints_a_wrong_picture_is_misleading():
    """The registry's rule (module docstring): "Go 1.21+ enables the hybrid barrier by
    default" is true of Go 1.21, but the barrier dates from Go 1.8; such a claim is graded
    misleading, never wrong, and never holds."""
    for claim_id in ("hybrid-since-121", "plugin-vs-nocgo"):
        assert claims.get(claim_id).verdict == "misleading", claim_id
    assert "literally true" in claims.__doc__.lower() and "misleading" in claims.__doc__


def test_every_verdict_word_is_defined_in_the_module_docstring():
    for verdict in claims.VERDICTS:
        assert f"\n{verdict}\n    " in claims.__doc__, verdict


def test_no_why_reports_one_machines_measurement():
    """A why speaks of what the chapter measures; the machine's own figures are the
    chapter's output (and show(agrees=False, here=...) when it disagrees)."""
    for c in claims.CLAIMS:
        assert not re.search(r"this machine|\b(here|ours)\b:? *~?[0-9]", c.why), c.id


def test_an_unknown_verdict_is_refused():
    with pytest.raises(ValueError, match="verdict 'sort of'"):
        claims.Claim("x", "1", "z", "e", "sort of", "w", "why-go", source=None)


def test_a_claim_must_name_its_source_or_none():
    with pytest.raises(TypeError, match="source"):
        claims.Claim("x", "1", "z", "e", "holds", "w", "why-go")


def test_an_unknown_id_lists_the_known_ones():
    with pytest.raises(KeyError, match="no claim 'nope'; known ids: 100k-table"):
        claims.get("nope")


def test_a_claim_check_shows_quote_english_and_verdict():
    check = claims.show("gosched-local")
    text, page = repr(check), check._repr_html_()
    assert "将其放回本地队列尾部" in text and "Verdict: WRONG" in text
    assert 'lang="zh"' in page and "Verdict: wrong." in page


def test_every_claim_whose_chapter_exists_is_shown_in_that_chapter():
    """A chapter listed in book.toml shows each of its claims with claims.show(id)."""
    from whygo.book import load_manifest
    chapters = {e.id: e.notebook for e in load_manifest().chapters}
    shown = claims.where_shown()
    missing = [(c.id, chapters[c.chapter]) for c in claims.CLAIMS
               if c.chapter in chapters and shown.get(c.id, ("",))[0] != chapters[c.chapter]]
    assert missing == []


def test_every_claim_names_a_chapter_id_of_the_course_plan():
    planned = {"why-go", "sched", "channels", "sched-load", "pool-atomic", "context", "gc",
               "stacks-escape", "allocator", "single-binary", "cgo", "binary-size", "plugins", "claims"}
    assert {c.chapter for c in claims.CLAIMS} <= planned


def test_the_summary_chapter_table_is_the_generated_one():
    """Chapter 5's table is generated from CLAIMS; refresh it after editing the registry:
    python -c "from whygo.claims import refresh_summary; refresh_summary()"."""
    from whygo.generated import stored_cells
    notebook = ROOT / "notebooks" / "05-claims-checked.ipynb"
    if not notebook.is_file():
        pytest.skip("chapter 5 is not written yet")
    assert stored_cells(notebook, claims.SUMMARY_WRITER) == [claims.summary_markdown()]


def summary_rows() -> list[str]:
    return [line for line in claims.summary_markdown().splitlines() if line.startswith("| <span")]


def test_the_summary_links_each_claim_to_its_anchor_in_the_chapter():
    table = claims.summary_markdown()
    assert "(01-why-go-is-efficient.ipynb#claim-no-vtable)" in table
    assert len(summary_rows()) == len(claims.CLAIMS)


def test_the_summary_puts_the_verdict_first_in_its_colour():
    for claim, row in zip(claims.CLAIMS, summary_rows()):
        verdict_cell = row.split(" | ")[0]
        assert claims.VERDICT_COLOURS[claim.verdict] in verdict_cell and claim.verdict in verdict_cell
    assert len(set(claims.VERDICT_COLOURS.values())) == len(claims.VERDICTS)


def unescaped(text: str, chars: str) -> list[str]:
    """The characters of ``chars`` in ``text`` that no backslash escapes."""
    return re.findall(rf"(?<!\\)[{re.escape(chars)}]", text)


def test_the_summary_escapes_what_markdown_and_tex_would_interpret():
    """A quote's $ (TeX in JupyterLab and the book), |, *, _ and ~ stay text; the only
    unescaped | are the table's own column separators (4 per row: 3 columns)."""
    row = next(r for r in summary_rows() if "#claim-add-inlined" in r)
    assert r"mov \$8, %rax" in row and unescaped(row, "$") == []
    for row in summary_rows():
        assert unescaped(row, "$~") == [], row
        assert len(unescaped(row, "|")) == 4, row
    assert md_text("a*b_c ~1 | x") == r"a\*b\_c \~1 \| x"
    assert md_text("f(x) <b>") == "f(x) &lt;b&gt;"     # \( would open TeX in JupyterLab
    assert md_text('curl "http://h:6060/x"') == 'curl "http:&#47;/h:6060/x"'   # no autolink


def test_a_quote_of_several_lines_stays_in_one_row_of_the_summary():
    """A heading above a table, a code block or a diagram: its lines are joined with <br>
    (a newline would end the Markdown row), its table rows are a table, and a "|" inside a
    diagram line ("C -->|yes| D") is text."""
    table = claims.summary_markdown().splitlines()
    assert len(summary_rows()) == len(claims.CLAIMS) == len(table) - 4   # marker, blank, header, ---
    graph = claims.quote_html("B -->|是| D\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert graph.startswith("B --&gt;|是| D<br><table") and graph.count("<tr>") == 2
    assert claims.quoted_rows("alpine |\n87 MB | 1.24 s |") == [["alpine", "87 MB", "1.24 s"]]


def test_quoted_table_rows_are_shown_as_tables():
    assert claims.quoted_rows("| Goroutine | 2 KB | ~50 ns | 百万+ |") == [["Goroutine", "2 KB", "~50 ns", "百万+"]]
    assert claims.quoted_rows("87 MB | 1.24 s |") == [["87 MB", "1.24 s"]]
    assert claims.quoted_rows("| a | b |\n|---|---|\n| 1 | 2 |") == [["a", "b"], ["1", "2"]]
    assert claims.quoted_rows("初始栈仅2KB") is None
    box = claims.show("thread-vs-goroutine-table")._repr_html_()
    assert "<td" in box and "| Goroutine |" not in box
    row = next(r for r in summary_rows() if "#claim-thread-vs-goroutine-table" in r)
    assert "<td" in row and "| Goroutine |" not in row
    assert "<td" not in claims.show("goroutine-2kb")._repr_html_()


def test_a_claim_box_is_a_link_target_in_the_book_and_in_jupyterlab():
    """id for the book (and JupyterLab's sanitized, untrusted view); data-jupyter-id for a
    trusted notebook, where JupyterLab looks for a link's #fragment; no TeX inside."""
    box = claims.show("add-inlined")._repr_html_()
    assert box.startswith('<div id="claim-add-inlined" data-jupyter-id="claim-add-inlined" '
                          'class="mathjax_ignore"')


def test_a_machine_that_disagrees_is_told_so_with_its_figures():
    agreed = claims.show("atomic-23", agrees=True, here="~2.1 x")
    assert claims.DISAGREE_LABEL not in repr(agreed) and "~2.1 x" not in repr(agreed)
    box = claims.show("atomic-23", agrees=False, here="atomic/mutex ~0.9 x")
    assert f"{claims.DISAGREE_LABEL}: atomic/mutex ~0.9 x." in repr(box)
    assert "This machine disagrees" in box._repr_html_() and "~0.9 x" in box._repr_html_()
    with pytest.raises(ValueError, match="here="):
        claims.show("atomic-23", agrees=False)


def test_the_evidence_table_is_left_alone_by_mathjax():
    """Its quotes hold "$GOROOT/src/runtime/" twice: JupyterLab would typeset the $...$."""
    table = claims.evidence_table()
    assert table._repr_html_().startswith('<div class="mathjax_ignore"><table>')
    assert len(table.rows) == len(claims.CLAIMS)
    assert repr(table).splitlines()[0].split() == ["claim", "verdict", "evidence", "printed", "by", "the", "chapter"]
