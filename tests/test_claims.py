"""The claims registry: every quote is the article's own text, every verdict is a known one."""
import os

import pytest

from conftest import ROOT
from whygo import claims

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
    for claim_id in ("gosched-local", "hybrid-since-121", "barrier-per-region", "pprof-sched",
                     "zero-copy-channel", "mcache-numsizeclasses", "gcflags-l-reflection", "no-vtable"):
        assert claims.get(claim_id).verdict == "wrong", claim_id


def test_an_unknown_verdict_is_refused():
    with pytest.raises(ValueError, match="verdict 'sort of'"):
        claims.Claim("x", "1", "z", "e", "sort of", "w", "why-go")


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
    import json
    notebook = ROOT / "notebooks" / "05-claims-checked.ipynb"
    if not notebook.is_file():
        pytest.skip("chapter 5 is not written yet")
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    tables = ["".join(c["source"]) for c in cells
              if c["cell_type"] == "markdown" and "".join(c["source"]).startswith("| § |")]
    assert tables == [claims.summary_markdown()]


def test_the_summary_links_each_claim_to_its_anchor_in_the_chapter():
    table = claims.summary_markdown()
    assert "(01-why-go-is-efficient.ipynb#claim-no-vtable)" in table
    assert table.count("\n") == len(claims.CLAIMS) + 1


def test_a_machine_that_disagrees_is_told_so_with_its_figures():
    agreed = claims.show("atomic-23", agrees=True, here="~2.1 x")
    assert claims.DISAGREE_LABEL not in repr(agreed) and "~2.1 x" not in repr(agreed)
    box = claims.show("atomic-23", agrees=False, here="atomic/mutex ~0.9 x")
    assert f"{claims.DISAGREE_LABEL}: atomic/mutex ~0.9 x." in repr(box)
    assert "This machine disagrees" in box._repr_html_() and "~0.9 x" in box._repr_html_()
    with pytest.raises(ValueError, match="here="):
        claims.show("atomic-23", agrees=False)
