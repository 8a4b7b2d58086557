"""The vector player (whygo.player) and the frame data of the scheduler and GC views.

Browser behaviour (fonts, sizes, keys, selector) is checked in tests/test_browser_player.py;
here: the data, the first-frame image and the determinism nbval relies on.
"""
from __future__ import annotations

import base64
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from whygo.player import PlayerError, ScenePlayer, caption_html, card, frame, frame_svg, steady


def _data(player: ScenePlayer) -> dict:
    text = player.html()
    raw = re.search(r'<script type="application/json" class="whygo-sp-data">(.*?)</script>', text, re.S)
    return json.loads(raw.group(1).replace("<\\/", "</"))


def test_caption_formats_code_and_escapes_html():
    assert caption_html("G1 runs `go` <b>") == "G1 runs <code>go</code> &lt;b&gt;"
    assert "`" not in caption_html("`a` and `b`")


def test_steady_gives_every_frame_the_largest_card_sizes():
    frames = [frame([card(100, 50, []), card(10, 80, [])]), frame([card(120, 40, []), card(10, 20, [])])]
    sizes = [[(c["w"], c["h"]) for c in f["cards"]] for f in steady(frames)]
    assert sizes == [[(120, 50), (10, 80)]] * 2


def test_steady_refuses_frames_with_different_cards():
    with pytest.raises(PlayerError, match="same cards"):
        steady([frame([card(1, 1, [])]), frame([])])


def test_first_frame_image_is_svg_with_real_text():
    f = frame([card(200, 60, [["t", 10, 20, "G1 运行", "h"], ["g", 10, 30, "G1", "running", "to"],
                              ["q", 60, 30, 3, 3, 42, 30]])])
    svg = frame_svg(f)
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "G1 运行" in texts and "G1" in texts
    assert len([r for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.get("class") == "slot"]) == 3


def test_player_html_is_deterministic_and_carries_a_first_frame():
    tracks = {"a": [frame([card(50, 50, [["t", 1, 20, "one", ""]])], "x `y`")],
              "b": [frame([card(50, 50, [])])]}
    html1, html2 = ScenePlayer(tracks, title="T").html(), ScenePlayer(tracks, title="T").html()
    assert html1 == html2
    img = re.search(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html1)
    assert img and ">one<" in base64.b64decode(img.group(1)).decode()
    assert "scenario: a · b" in html1             # the choices, readable without the script
    assert "<code>y</code>" in html1 and "png" not in html1


ROOT = Path(__file__).resolve().parents[2]
STORED_PLAYER = re.compile(r'<div class="whygo-sp whygo-player".*?</script></div>', re.S)
FIRST_FRAME = re.compile(r'<img class="whygo-sp-first" alt="[^"]+" src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"/>')


@pytest.mark.parametrize("edition", ["notebooks", "zh/notebooks"])
def test_every_stored_player_shows_its_first_frame_without_a_script(edition):
    """What an untrusted notebook shows (JupyterLab strips the scripts) for every stored player of
    every chapter: the first frame, an SVG image with text in it, and a caption. The browser test
    (test_browser_player.py) sees it drawn in JupyterLab for two chapters."""
    players = 0
    for path in sorted((ROOT / edition).glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            for out in cell.get("outputs", []):
                for player in STORED_PLAYER.findall("".join(out.get("data", {}).get("text/html", ""))):
                    players += 1
                    images = FIRST_FRAME.findall(player)
                    assert len(images) == 1, f"{path.name}: a stored player without its first-frame image"
                    svg = ET.fromstring(base64.b64decode(images[0]))
                    assert [t for t in svg.iter("{http://www.w3.org/2000/svg}text") if (t.text or "").strip()], \
                        f"{path.name}: a first frame with no text"
                    caption = re.search(r'<div class="whygo-sp-caption">(.*?)</div>', player, re.S)
                    assert caption and caption.group(1).strip(), f"{path.name}: a stored player without a caption"
    assert players >= 15, f"{edition}: only {players} stored players found"


# ----- the scheduler view --------------------------------------------------------------------
def _sched_tracks():
    from whygo.chapters import sched as ch
    return ch.scenario_frames()


def test_sched_frames_show_states_and_moves():
    from whygo.views import sched as sv
    tracks = _sched_tracks()
    data = _data(sv.scene_player(tracks))
    assert [t["name"] for t in data["tracks"]] == list(tracks)
    states, marks = set(), set()
    for t in data["tracks"]:
        for f in t["frames"]:
            for c in f["cards"]:
                for q in c["p"]:
                    if q[0] == "g":
                        states.add(q[4])
                        marks.add(q[5])
    assert states == {"running", "runnable", "waiting", "syscall"}
    assert {"to", "from"} <= marks
    rules = {f["rule"] for t in data["tracks"] for f in t["frames"]}
    assert any("runqsteal" in r for r in rules)
    assert all("`" not in f["cap"] for t in data["tracks"] for f in t["frames"])


def test_sched_moved_token_names_where_it_came_from():
    from whygo.sched import scenarios
    from whygo.views import sched as sv
    frames = sv.sched_frames(sv.frames(scenarios.get("stealing").run()))
    steals = [f for f in frames if "runqsteal" in f["rule"]]
    assert steals and all("Moved:" in f["cap"] for f in steals)


def test_sched_cards_fit_a_phone():
    from whygo.views import sched as sv
    data = _data(sv.scene_player(_sched_tracks()))
    assert max(c["w"] for t in data["tracks"] for f in t["frames"] for c in f["cards"]) <= 300


# ----- the GC view ---------------------------------------------------------------------------
def test_gc_nodes_keep_their_positions_in_every_frame():
    from whygo.gc import scenarios
    from whygo.views.gc import gc_frames
    frames = gc_frames(scenarios.lost_object("dijkstra").frames)
    where: dict[str, set] = {}
    for f in frames:
        for q in f["cards"][0]["p"]:
            if q[0] == "c":
                where.setdefault(q[5], set()).add((q[1], q[2]))
    assert where and all(len(spots) == 1 for spots in where.values()), where
    assert len({(f["cards"][0]["w"], f["cards"][0]["h"]) for f in frames}) == 1


def test_gc_frames_show_the_write_and_the_barrier_shade():
    from whygo.gc import scenarios
    from whygo.views.gc import gc_frames
    frames = gc_frames(scenarios.lost_object("dijkstra").frames)
    classes = {q[-1] if q[0] == "l" else q[4] for f in frames for q in f["cards"][0]["p"] if q[0] in "lc"}
    assert "ed write" in classes
    assert any("shaded" in c for c in classes)
    assert any("<code>" in f["rule"] for f in frames)


def test_gc_player_offers_every_barrier():
    from whygo.gc import scenarios
    from whygo.views.gc import gc_player
    runs = {name: scenarios.lost_object(name) for name in ("dijkstra", "yuasa", "hybrid", "none")}
    data = _data(gc_player(runs, title="lost object"))
    assert [t["name"] for t in data["tracks"]] == list(runs) and data["select"] == "barrier"


# ----- stacks, allocator, channels, context tree ---------------------------------------------
def _prims(frames, kind):
    return [q for f in frames for c in f["cards"] for q in c["p"] if q[0] == kind]


def test_stack_frames_show_the_copy_and_the_rebased_pointers():
    from whygo.stack.workload import recursion
    from whygo.views import stack as stv
    frames = stv.stack_frames(stv.frames(recursion(20, 200), limit=30))
    grows = [f for f in frames if "copystack" in f["rule"]]
    assert grows, "no frame names copystack"
    texts = {q[3] for f in grows for q in f["cards"][0]["p"] if q[0] == "t"}
    assert "old stack 2 KiB" in texts or any(t.startswith("old stack") for t in texts)
    assert any(q[-1] == "ptr write" for f in grows for q in f["cards"][0]["p"] if q[0] == "p")


def test_alloc_frames_are_bitmaps_with_the_newest_object():
    from whygo.views import alloc as av
    frames = av.alloc_frames(av.frames())
    rows = _prims(frames, "b")
    assert rows and all(set(q[5]) <= set("01234") for q in rows)
    assert any("3" in q[5] for q in rows)                 # the newest object, red
    assert any("nextFreeFast" in f["rule"] for f in frames)
    assert max(c["w"] for f in frames for c in f["cards"]) <= 480


def test_chan_frames_show_buffer_queues_and_copies():
    from whygo.chapters import channels as ch
    from whygo.views.chan import chan_frames
    snaps = ch.play(3, [("send", "G1", "a"), ("send", "G1", "b"), ("send", "G1", "c"),
                        ("send", "G1", "d"), ("recv", "G2")])
    frames = chan_frames(snaps)
    texts = [q[3] for q in _prims(frames, "t")]
    assert "G1 holds d" in texts                            # the parked sender and its value
    assert any("<code>" in f["rule"] for f in frames)      # the copies, as code
    assert len({tuple((c["w"], c["h"]) for c in f["cards"]) for f in steady(frames)}) == 1


def test_context_frames_keep_positions_and_colour_errors():
    from whygo.chapters import context as cx
    from whygo.views.context import context_frames
    frames = context_frames(cx.request_scenario())
    boxes: dict = {}
    for f in frames:
        prims = f["cards"][0]["p"]
        for k, q in enumerate(prims):
            if q[0] == "r":
                name = prims[k + 1][3]
                boxes.setdefault(name, set()).add(tuple(q[1:5]))
    assert all(len(b) == 1 for b in boxes.values()), boxes
    classes = {q[5] for q in _prims(frames, "r")}
    assert {"ctx", "ctx Canceled", "ctx DeadlineExceeded"} <= classes
