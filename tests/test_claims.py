"""The claims registry: every quote is the article's own text, every verdict is a known one."""
from pathlib import Path

import pytest

from conftest import ROOT
from whygo import claims

ARTICLE = ROOT.parent / "shared" / "seed" / "000_0370482146a755ed.txt"


@pytest.mark.skipif(not ARTICLE.is_file(), reason="the source article lives in ../shared (course authors only)")
def test_every_quote_is_verbatim_from_the_article():
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
