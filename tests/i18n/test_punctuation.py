"""Text the code assembles from pieces (a label and its text, a title and a note in
parentheses) uses the edition's punctuation: full-width in Chinese, unchanged in English."""
from __future__ import annotations

from whygo import claims
from whygo.i18n.edition import chinese
from whygo.labs.feedback import Feedback
from whygo.labs.protocol import not_yet


def test_claim_box_title_and_disagreement():
    box = claims.ClaimCheck(claims.get("stealing"), disagreement="x")
    english = box._repr_html_()
    assert "<b>Claim check</b> (article §2.1)</div>" in english and "disagrees:</b> x" in english
    with chinese():
        zh, text = box._repr_html_(), repr(box)
    assert "</b>（原文第 2.1 节）</div>" in zh and "：</b>x</div>" in zh, zh
    assert "：x" in text.splitlines()[-1] and ": x" not in text


def test_hint_label_of_a_verdict():
    verdict = not_yet("sched/1", "wrong", "look again")
    assert "<b>Hint:</b> look again" in Feedback().record(verdict)._repr_html_()
    with chinese():
        zh = Feedback().record(verdict)._repr_html_()
    assert "：</b>look again" in zh and ":</b>" not in zh, zh


def test_claim_box_verdict_and_reason():
    """The reason follows the verdict after a blank in English; in Chinese the full-width
    stop ends the verdict, with no blank after it."""
    box = claims.ClaimCheck(claims.get("stealing"))
    assert "Verdict: HOLDS. findRunnable" in repr(box)
    assert "Verdict: holds.</b> findRunnable" in box._repr_html_()
    with chinese():
        zh, text = box._repr_html_(), repr(box)
    assert "成立。findRunnable" in text and "。 " not in text, text
    assert "成立。</b>findRunnable" in zh and "</b> " not in zh, zh
