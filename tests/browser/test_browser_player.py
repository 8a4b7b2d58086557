"""The vector animation player (whygo.player) in real Chromium: a page, the built book, JupyterLab.

For every player, at 1280 px and at 390 px (a phone):

* the smallest text drawn (HTML or SVG, scaling included) is at least 12 CSS px at 1280 px;
* nothing overflows the page horizontally at 390 px;
* the player's box keeps one size on every frame of every track (scenario, barrier...);
* ▶ steps through every frame and wraps; ←, → and space work once the player has focus; the
  selector switches tracks;
* no JavaScript error; screenshots of the first and a middle frame go to test-artifacts/.

The page is written here from the course's real players (the same calls as the notebooks),
so it runs without building the book; the built book's chapters get the same checks (the same
players, in the book's theme), and an
untrusted copy of a chapter opened in JupyterLab shows every player's first frame.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from browser_helpers import ARTIFACTS, ConsoleLog, built_book, chromium_context, serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MIN_FONT_PX = 12
# Opened untrusted in JupyterLab: the scheduler's chapter and the GC's (its five players include
# one with a selector). Every stored player of every chapter is read in tests/views/test_player.py.
CHAPTERS_WITH_PLAYERS = ("notebooks/02-1-gmp-scheduler.ipynb", "notebooks/03-1-garbage-collector.ipynb")
WIDTHS = (1280, 390)

# The smallest font a reader sees in a player: HTML text by its computed size, SVG text by
# its size times the SVG's scale on screen (a shrunken picture shrinks its text).
SMALLEST_FONT_JS = """root => {
  let least = 1e9, where = '';
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || !el || el.closest('script,style,option') || !el.getClientRects().length) continue;
    if (el.closest('.whygo-sp-modes') && el.closest('select')) continue;
    let px = parseFloat(getComputedStyle(el).fontSize);
    const svg = el.closest('svg');
    if (svg) { const m = svg.getScreenCTM(); px *= m ? Math.hypot(m.a, m.b) : 1; }
    if (px < least) { least = px; where = n.textContent.trim().slice(0, 40); }
  }
  return [least, where];
}"""


def demo_players():
    """{name: html} of every vector player of the course, built as the notebooks build them."""
    from whygo.alloc.frames import workload_frames
    from whygo.chapters import channels, context
    from whygo.chapters import sched as ch
    from whygo.gc import scenarios as gcs
    from whygo.stack.workload import recursion
    from whygo.views import alloc as av
    from whygo.views import chan as chan_frames, context as context_frames
    from whygo.views import sched as sv
    from whygo.views import stack as stv
    from whygo.views.gc import gc_player
    script = [("send", "G1", "a"), ("send", "G1", "b"), ("send", "G1", "c"), ("send", "G1", "d"),
              ("recv", "G2"), ("recv", "G2"), ("recv", "G2"), ("recv", "G2"), ("recv", "G2"),
              ("send", "G1", "e")]
    players = {
        "sched": sv.scene_player(ch.scenario_frames(), title="GMP scheduler"),
        "chan": chan_frames.player(channels.play(3, script), title="make(chan T, 3)"),
        "context": context_frames.player(context.request_scenario(), title="context tree of one request"),
        "gc-barriers": gc_player({b: gcs.lost_object(b) for b in ("dijkstra", "yuasa", "hybrid", "none")},
                                 title="The lost-object moves under each barrier"),
        "gc-wbbuf": gc_player(gcs.wbbuf(), title="The write-barrier buffer (wbBuf)"),
        "stack": stv.stack_player(stv.frames(recursion(20, 200), limit=30),
                                  title="a goroutine stack, 20 calls deep"),
        "alloc": av.alloc_player(av.frames(), title="mallocgc, road by road (model)"),
        "alloc-workload": av.alloc_player(workload_frames(n=3000, seed=1, limit=12),
                                          title="3,000 metric-label allocations (model)"),
    }
    return {name: p.html() for name, p in players.items()}


@pytest.fixture(scope="module")
def demo_page(tmp_path_factory):
    folder = tmp_path_factory.mktemp("players")
    body = "".join(f'<section id="{name}"><h2>{name}</h2>{html}</section>'
                   for name, html in demo_players().items())
    (folder / "index.html").write_text(
        '<!doctype html><html><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"></head>'
        f'<body style="margin:8px;max-width:920px">{body}</body></html>', encoding="utf-8")
    return folder


# Steps a player through every frame of its current track by clicking its ▶ button, measuring
# each frame: the frame number shown, the player's box, the smallest text. In one call, so a
# frame costs a layout, not a round trip to the browser and a repaint.
WALK_JS = """root => {
  const smallest = (%s);
  const next = root.querySelector('.whygo-sp-next');
  const n = parseInt(root.querySelector('.whygo-sp-slider').max, 10) + 1;
  const frames = [], boxes = [];
  let least = [1e9, ''];
  for (let k = 0; k < n; k++) {
    frames.push(root.getAttribute('data-frame'));
    const r = root.getBoundingClientRect();
    boxes.push(Math.round(r.width) + ' x ' + Math.round(r.height));
    const s = smallest(root);
    if (s[0] < least[0]) least = s;
    next.click();
  }
  frames.push(root.getAttribute('data-frame'));
  return {frames: frames, boxes: [...new Set(boxes)], least: least};
}""" % SMALLEST_FONT_JS


def check_player(page, player, label: str, width: int) -> dict:
    """Every check of the module docstring on one player; returns what was measured.

    Each track is stepped through every frame with the player's ▶ button (which must wrap
    at the end); the keys are pressed for real afterwards, on the last track."""
    player.scroll_into_view_if_needed()
    assert player.get_attribute("data-frame") == "0", f"{label}: the player's script did not run"
    select = player.locator(".whygo-sp-modes select")
    tracks = select.locator("option").count() if select.count() else 1
    smallest = (1e9, "")
    for t in range(tracks):
        if select.count():
            select.select_option(str(t))
            assert player.get_attribute("data-frame") == "0", f"{label}: switching tracks did not rewind"
        n = int(player.locator(".whygo-sp-slider").get_attribute("max")) + 1
        assert player.locator(".whygo-sp-count").inner_text() == f"1 / {n}"
        if t == 0:
            _shoot(player, label, width, "first")
            player.evaluate("(root, k) => root.whygo.show(k)", n // 2)
            _shoot(player, label, width, "middle")
            player.evaluate("root => root.whygo.show(0)")
        walk = player.evaluate(WALK_JS)
        assert walk["frames"] == [str(k) for k in [*range(n), 0]], \
            f"{label} track {t}: ▶ should step one frame at a time and wrap at the end: {walk['frames']}"
        assert len(walk["boxes"]) == 1, f"{label} track {t}: the player changes size between frames: {walk['boxes']}"
        smallest = min(smallest, tuple(walk["least"]))
    player.focus()
    for key, frame in (("ArrowRight", 1), ("ArrowLeft", 0), ("ArrowLeft", n - 1), ("ArrowRight", 0)):
        page.keyboard.press(key)
        assert player.get_attribute("data-frame") == str(frame), f"{label}: {key} did not step to {frame}"
    page.keyboard.press(" ")
    assert "pause" in player.locator(".whygo-sp-play").inner_text(), f"{label}: space did not play"
    page.keyboard.press(" ")
    assert "play" in player.locator(".whygo-sp-play").inner_text(), f"{label}: space did not pause"
    if width >= 1280:
        assert smallest[0] >= MIN_FONT_PX - 0.01, \
            f"{label}: text '{smallest[1]}' renders at {smallest[0]:.1f} px (< {MIN_FONT_PX} px)"
    return {"tracks": tracks, "smallest_px": smallest[0]}


def _shoot(player, label: str, width: int, which: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    player.screenshot(path=str(ARTIFACTS / f"player-{label}-{width}-{which}.png"))


def no_horizontal_overflow(page, label: str, *, whole_page: bool = True) -> None:
    """No player sticks out of the screen (and, for our own page, nothing at all does)."""
    over = page.evaluate("""() => Math.max(0, ...[...document.querySelectorAll('.whygo-sp')].map(
        p => p.getBoundingClientRect().right - window.innerWidth))""")
    assert over <= 0, f"{label}: a player overflows the {page.viewport_size['width']} px screen by {over} px"
    if whole_page:
        over = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert over <= 0, f"{label}: the page overflows the {page.viewport_size['width']} px screen by {over} px"


@pytest.mark.parametrize("width", WIDTHS)
def test_players_on_a_page(demo_page, tmp_path, width):
    with serve(demo_page) as base, chromium_context(tmp_path) as context:
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": 900})
        log = ConsoleLog(local_prefixes=(base,))
        log.attach(page)
        page.goto(base + "index.html", wait_until="load")
        players = page.locator(".whygo-sp")
        names = page.locator("section").evaluate_all("els => els.map(e => e.id)")
        assert players.count() == len(names) >= 3
        for k, name in enumerate(names):
            check_player(page, players.nth(k), name, width)
        no_horizontal_overflow(page, f"page at {width} px")
    assert log.errors == [], f"JavaScript errors: {log.errors}"


def test_selector_switches_the_picture(demo_page, tmp_path):
    """Choosing another barrier shows that barrier's frames (not only a new name)."""
    with serve(demo_page) as base, chromium_context(tmp_path) as context:
        page = context.new_page()
        page.goto(base + "index.html", wait_until="load")
        player = page.locator("#gc-barriers .whygo-sp")
        stage = player.locator(".whygo-sp-stage")
        player.focus()
        for _ in range(7):
            page.keyboard.press("ArrowRight")
        pictures = set()
        for t in range(4):
            player.locator(".whygo-sp-modes select").select_option(str(t))
            for _ in range(7):
                page.keyboard.press("ArrowRight")
            pictures.add(stage.inner_html() + player.locator(".whygo-sp-caption").inner_html())
        assert len(pictures) == 4, "the barriers show the same frame 7"


@pytest.mark.parametrize("width", WIDTHS)
def test_players_in_the_built_book(tmp_path, width):
    html, manifest = built_book()
    pages = [e for e in manifest.entries
             if 'class="whygo-sp whygo-player"' in _read(html / Path(e.notebook).with_suffix(".html"))]
    if not pages:
        pytest.skip("no page of the built book has a vector player yet")
    with serve(html) as base, chromium_context(tmp_path) as context:
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": 900})
        log = ConsoleLog(local_prefixes=(base,))
        log.attach(page)
        for e in pages:
            page.goto(base + Path(e.notebook).with_suffix(".html").as_posix(), wait_until="load")
            players = page.locator(".whygo-sp")
            for k in range(players.count()):
                check_player(page, players.nth(k), f"book-{e.id}-{k}", width)
            no_horizontal_overflow(page, f"{e.notebook} at {width} px", whole_page=False)
    print("ignored console messages:", log.ignored)
    assert log.errors == [], f"JavaScript errors: {log.errors}"


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def _players_shown(page, stored: int, timeout_ms: int) -> int:
    """How many players the open notebook shows, waiting until ``stored`` are there."""
    players = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .whygo-sp")
    try:
        page.wait_for_function(
            "n => document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .whygo-sp').length >= n",
            arg=stored, timeout=timeout_ms)
    except Exception:   # noqa: BLE001 - the count below says what was missing
        pass
    return players.count()


def test_untrusted_chapter_in_jupyterlab_shows_first_frames(tmp_path):
    """A fresh JupyterLab (no trust database) strips the scripts: every stored player of the
    chapters opened still shows its first frame as an image, with the caption under it. Once the notebook is
    trusted (what `make setup` does), the same stored output plays without running a cell."""
    import subprocess
    import sys

    import nbformat
    from test_browser_lab import UI_TIMEOUT_MS, jupyter_lab
    # Every cell in the DOM (no windowing), so every stored player can be found and measured.
    tracker = tmp_path / "jupyter-config/lab/user-settings/@jupyterlab/notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    with jupyter_lab(tmp_path) as (base, token, root), chromium_context(tmp_path) as context:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        for path in CHAPTERS_WITH_PLAYERS:
            nb = nbformat.read(root / path, as_version=4)
            stored = sum('class="whygo-sp whygo-player"' in o.get("data", {}).get("text/html", "")
                         for c in nb.cells if c.cell_type == "code" for o in c.outputs)
            assert stored, f"{path} has no stored vector player"
            page.goto(f"{base}lab/tree/{path}?reset&token={token}", wait_until="domcontentloaded")
            page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell").first.wait_for(timeout=UI_TIMEOUT_MS)
            seen = _players_shown(page, stored, UI_TIMEOUT_MS)
            assert seen == stored, f"{path}: {seen} of {stored} players shown"
            players = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .whygo-sp")
            for k in range(stored):
                img = players.nth(k).locator("img.whygo-sp-first")
                page.wait_for_function("el => el.complete && el.naturalWidth > 0", arg=img.element_handle(),
                                       timeout=UI_TIMEOUT_MS)
                assert players.nth(k).locator(".whygo-sp-controls").count() == 0, \
                    "the notebook is untrusted here: the script should not have run"
                if k == 0:
                    img.scroll_into_view_if_needed()
                    ARTIFACTS.mkdir(exist_ok=True)
                    players.nth(k).screenshot(path=str(ARTIFACTS / f"player-untrusted-{Path(path).stem}.png"))
        # trusted, as `make setup` leaves the course's notebooks: the stored players play
        path = CHAPTERS_WITH_PLAYERS[0]
        env = dict(__import__("os").environ, JUPYTER_DATA_DIR=str(tmp_path / "jupyter-data"))
        subprocess.run([sys.executable, "-m", "jupyter", "trust", str(root / path)], env=env, check=True,
                       capture_output=True)
        page.goto(f"{base}lab/tree/{path}?reset&token={token}", wait_until="domcontentloaded")
        page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell").first.wait_for(timeout=UI_TIMEOUT_MS)
        assert _players_shown(page, 1, UI_TIMEOUT_MS) >= 1
        player = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .whygo-sp").first
        player.scroll_into_view_if_needed()
        player.locator(".whygo-sp-controls").wait_for(timeout=UI_TIMEOUT_MS)
        assert player.get_attribute("data-frame") == "0"
        player.locator(".whygo-sp-next").click()
        assert player.get_attribute("data-frame") == "1"
        player.focus()
        page.keyboard.press("ArrowRight")    # JupyterLab's own shortcuts stay out of the player
        assert player.get_attribute("data-frame") == "2"
        player.screenshot(path=str(ARTIFACTS / "player-trusted-lab.png"))
        assert errors == [], f"uncaught JavaScript errors in JupyterLab: {errors}"
