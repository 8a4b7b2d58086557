"""The animations of chapters 2.1, 2.2 and 2.5 in the Chinese edition: captions, frame text
and the player's buttons come from the catalogs, and the English stays as it was."""
from __future__ import annotations

import re

from whygo.i18n.edition import chinese
from whygo.player import SCRIPT_WORDS, ScenePlayer, card, frame, script

_CJK = re.compile(r"[\u4e00-\u9fff]")


def test_player_script_fills_every_word_in_each_edition():
    english = script()
    assert "{{" not in english and '"step back (\\u2190)"' in english and "&#9654;&#xFE0E; play" in english
    with chinese():
        zh = script()
    assert "{{" not in zh and '"后退一帧（←）"' in zh and '"播放 / 暂停（空格键）"' in zh   # full-width, no space
    assert len(SCRIPT_WORDS) == len(set(SCRIPT_WORDS))


def test_player_legend_and_selector_follow_the_edition():
    tracks = {"a": [frame([card(50, 50, [])])], "b": [frame([card(50, 50, [])])]}
    with chinese():
        html = ScenePlayer(tracks, legend=[("running", "running")]).html()
    assert "场景：a · b" in html and "运行中</span>" in html and 'alt="第一帧"' in html


def test_scheduler_captions_and_rules_are_chinese():
    from whygo.sched import scenarios
    from whygo.views import sched as sv
    english = sv.sched_frames(sv.frames(scenarios.get("ping-pong").run()))
    assert english[1]["cap"].startswith("t = 0 µs. M0 on P0 runs G1 (from the program start")
    with chinese():
        frames = sv.sched_frames(sv.frames(scenarios.get("ping-pong").run()))
    assert len(frames) == len(english)
    for f in frames:
        assert _CJK.search(f["cap"]), f["cap"]
        assert not re.search(r"\b(runs|wakes|blocks|steals|exits)\b", f["cap"]), f["cap"]
        assert not f["rule"] or (_CJK.search(f["rule"]) and "（<code>" in f["rule"]), f["rule"]
    # the events' data stays English: code and notebooks compare it
    with chinese():
        runs = [e for e in scenarios.get("ping-pong").run().events if e.kind == "Run"]
    assert {e.source for e in runs} <= {"runnext", "its local queue", "the global queue", "the program start",
                                        "another P (stolen)", "another P's runnext (stolen)",
                                        "the global queue (fairness check)"}


def test_channel_and_context_frames_are_chinese():
    from whygo.chapters import channels, context
    from whygo.views.chan import chan_frames
    from whygo.views.context import context_frames
    script_ = [("send", "G1", "a"), ("send", "G1", "b"), ("recv", "G2")]
    with chinese():
        chan = chan_frames(channels.play(1, script_))
        snaps = context.request_scenario()
        ctx = context_frames(snaps)
    assert all(_CJK.search(f["cap"]) for f in chan + ctx)
    assert "G1 的栈" in chan[1]["rule"]
    # each box is wide enough for its lines: a 13 px Chinese character is about 13 px wide
    import unicodedata
    from whygo.views.context import PAD
    for f in ctx:
        box = None
        for q in f["cards"][0]["p"]:
            if q[0] == "r":
                box = q
            elif q[0] == "t" and box is not None:
                need = sum(13 if unicodedata.east_asian_width(c) in "WF" else 6.5 for c in q[3])
                assert box[3] - 2 * PAD >= need, (q[3], box[3])
    assert any(_CJK.search(q[3]) for f in ctx for q in f["cards"][0]["p"] if q[0] == "t")
