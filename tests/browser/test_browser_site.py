"""The built book in a real browser (headless Debian Chromium via Playwright).

Demo course (tests/fixtures/site_demo, always built): open the index, follow
the table of contents to the scheduler chapter, press Play on the static
player and watch ``data-frame`` advance, step forward; open the GC chapter and
find the graph (an ``<svg>`` with ``g.node`` nodes) inside the player; search
finds the GC chapter; no JavaScript error on the way.

Real course (from book.toml): the same for its scheduler (id ``sched`` or
title with "scheduler") and GC (id ``gc`` or "garbage") chapters. While such a
chapter does not exist, the first page with a (SVG) player is checked instead
and the test then skips saying so; with no player anywhere it skips. Every
page opens without a JavaScript error, every player's script ran, and search
answers.

Pages are served over http from 127.0.0.1. Console messages left out, and why
(ConsoleLog.ignored, printed with -s): failed loads of resources on other hosts
(offline by design; no page needs them to show the animations) and requests
the browser aborted because the page navigated away (index.html redirects).
Screenshots land in test-artifacts/.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from browser_helpers import ConsoleLog, built_book, chromium_context, demo_book, screenshot, serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TIMEOUT_MS = 15_000


def chapter_by(manifest, entry_id: str, title_word: str):
    """The chapter with this id, else the first chapter whose title has the word, else None.

    Only chapters: a lab about the scheduler is not the scheduler chapter.
    """
    for e in manifest.chapters:
        if e.id == entry_id:
            return e
    for e in manifest.chapters:
        if title_word in e.title.lower():
            return e
    return None


def open_from_toc(page, notebook: str) -> None:
    """Click the table-of-contents link to this notebook's page, as a reader would.

    Found by its target, not its text: the TOC shows the notebook's own heading,
    which may differ from the title in book.toml.
    """
    target = Path(notebook).with_suffix(".html").as_posix()
    link = page.locator(f'nav.bd-docs-nav a.reference.internal[href$="{Path(target).name}"]').first
    link.click()
    page.wait_for_load_state("load")
    assert page.url.split("#")[0].endswith(target), f"the TOC link to {target} led to {page.url}"


def press_play_and_see_frames_advance(page) -> None:
    """On the page's first player with more than one frame: Play moves data-frame, next steps."""
    player = page.locator('.whygo-player:has(.whygo-slider:not([max="0"]))').first
    player.scroll_into_view_if_needed()
    assert player.get_attribute("data-frame") == "0", \
        "the static player's script did not run: the root has no data-frame='0'"
    player.locator(".whygo-play").click()
    page.wait_for_function(
        "el => el.getAttribute('data-frame') !== '0'", arg=player.element_handle(), timeout=TIMEOUT_MS)
    player.locator(".whygo-play").click()           # pause
    before = int(player.get_attribute("data-frame"))
    player.locator(".whygo-next").click()
    after = int(player.get_attribute("data-frame"))
    n = int(player.locator(".whygo-slider").get_attribute("max")) + 1
    assert after == (before + 1) % n, f"step forward went from frame {before} to {after}"


def graph_nodes_in_player(page) -> int:
    """Number of graph nodes shown by the page's players: Graphviz-style <g class="node"> in a
    picture player, heap objects (<g class="o ...">) in the vector player (whygo.player)."""
    return page.locator(".whygo-player .whygo-frame svg g.node, .whygo-sp .whygo-sp-stage svg g.o").count()


def pages_with_player(html, manifest, *, svg: bool = False):
    """Manifest entries whose built page holds a player (with SVG frames when svg=True)."""
    found = []
    for e in manifest.entries:
        page = html / Path(e.notebook).with_suffix(".html")
        text = page.read_text(encoding="utf-8") if page.is_file() else ""
        vector = 'class="whygo-sp whygo-player"' in text      # whygo.player: frames drawn as SVG
        if vector or ('class="whygo-player"' in text
                      and (not svg or "<svg" in text.split('class="whygo-data"')[-1])):
            found.append(e)
    return found


def test_demo_book_player_plays_and_gc_graph_shows_without_js_errors(tmp_path):
    html, manifest = demo_book()
    with serve(html) as base, chromium_context(tmp_path) as context:
        page = context.new_page()
        log = ConsoleLog(local_prefixes=(base,))
        log.attach(page)
        page.goto(base, wait_until="load")           # index.html redirects to the course map
        page.wait_for_selector("nav.bd-docs-nav", timeout=TIMEOUT_MS)
        assert "Course map" in page.title()
        open_from_toc(page, manifest.get("sched").notebook)
        press_play_and_see_frames_advance(page)
        assert page.locator(".whygo-player .whygo-frame img").count() >= 1, "no PNG frame shown"
        assert page.locator(".jupyter-widgets, .widget-view").count() == 0, \
            "a widget view (needs a kernel) was rendered instead of the static player"
        screenshot(page, "book-demo-scheduler")
        open_from_toc(page, manifest.get("gc").notebook)
        assert graph_nodes_in_player(page) == 4
        press_play_and_see_frames_advance(page)
        screenshot(page, "book-demo-gc")
        # search: the theme's search page finds the GC chapter
        page.goto(base + "search.html?q=collector", wait_until="load")
        page.wait_for_selector("#search-results ul.search li a", timeout=TIMEOUT_MS)
        hits = page.locator("#search-results ul.search li a").all_inner_texts()
        assert any("garbage collector" in h.lower() for h in hits), hits
        screenshot(page, "book-demo-search")
    print("ignored console messages:", log.ignored)
    assert log.errors == [], f"JavaScript errors: {log.errors}"


def _real_chapter(manifest, html, entry_id: str, word: str, *, svg: bool):
    """(entry, note): the chapter by id/title, else the first page with a (SVG) player."""
    chapter = chapter_by(manifest, entry_id, word)
    if chapter is not None:
        return chapter, ""
    fallback = pages_with_player(html, manifest, svg=svg)
    if not fallback:
        pytest.skip(f"book.toml has no {entry_id!r} chapter yet and no built page has a "
                    f"{'SVG ' if svg else ''}player to check instead")
    return fallback[0], (f"book.toml has no {entry_id!r} chapter (title with {word!r}) yet: "
                         f"checked the first page with a player, {fallback[0].notebook}, instead")


@pytest.mark.parametrize("entry_id, word, svg", [("sched", "scheduler", False), ("gc", "garbage", True)])
def test_real_book_chapter_animation_in_browser(tmp_path, entry_id, word, svg):
    html, manifest = built_book()
    chapter, note = _real_chapter(manifest, html, entry_id, word, svg=svg)
    with serve(html) as base, chromium_context(tmp_path) as context:
        page = context.new_page()
        log = ConsoleLog(local_prefixes=(base,))
        log.attach(page)
        page.goto(base, wait_until="load")
        page.wait_for_selector("nav.bd-docs-nav", timeout=TIMEOUT_MS)
        assert re.search(re.escape(manifest.title), page.content())
        open_from_toc(page, chapter.notebook)
        press_play_and_see_frames_advance(page)
        if svg:
            assert graph_nodes_in_player(page) > 0, f"no <svg> with nodes in a player on {page.url}"
        screenshot(page, f"book-{entry_id}")
    print("ignored console messages:", log.ignored)
    assert log.errors == [], f"JavaScript errors: {log.errors}"
    if note:
        pytest.skip(note)


def test_real_book_every_page_opens_without_js_errors_and_search_finds_it(tmp_path):
    html, manifest = built_book()
    with serve(html) as base, chromium_context(tmp_path) as context:
        page = context.new_page()
        log = ConsoleLog(local_prefixes=(base,))
        log.attach(page)
        page.goto(base, wait_until="load")
        page.wait_for_selector("nav.bd-docs-nav", timeout=TIMEOUT_MS)
        screenshot(page, "book-index")
        for e in manifest.entries:
            page.goto(base + Path(e.notebook).with_suffix(".html").as_posix(), wait_until="load")
            players = page.locator(".whygo-player")
            for k in range(players.count()):     # every static player's script ran
                assert players.nth(k).get_attribute("data-frame") == "0", f"player {k} on {e.notebook}"
        word = manifest.entries[0].title.split()[-1]
        page.goto(base + f"search.html?q={word}", wait_until="load")
        page.wait_for_selector("#search-results ul.search li a", timeout=TIMEOUT_MS)
        screenshot(page, "book-search")
    print("ignored console messages:", log.ignored)
    assert log.errors == [], f"JavaScript errors: {log.errors}"


# Draws two different Chinese characters in the page's own font and compares the pixels:
# where no CJK font is installed both come out as the same empty box (tofu).
_GLYPHS_DIFFER = """() => {
  const font = getComputedStyle(document.querySelector('article p') || document.body).fontFamily;
  const draw = (ch) => {
    const c = document.createElement('canvas'); c.width = 40; c.height = 40;
    const g = c.getContext('2d'); g.font = '32px ' + font; g.fillText(ch, 2, 32);
    return c.toDataURL();
  };
  return draw('逃') !== draw('逸') && draw('逃') !== draw(' ');
}"""


@pytest.mark.parametrize("width", [1280, 390])
def test_chinese_edition_shows_real_glyphs_switches_language_and_searches_chinese(tmp_path, width):
    """The Chinese site: its text draws with real Chinese glyphs (the browser tests install a
    CJK font: make browser), the switch leads to the English twin and back, and a search for
    a Chinese word (逃逸, escape) finds the escape-analysis chapter."""
    html, manifest = built_book()
    chapter = chapter_by(manifest, "stacks-escape", "escape")
    if chapter is None:
        pytest.skip("no escape-analysis chapter in book.toml")
    page_path = Path(chapter.notebook).with_suffix(".html").as_posix()
    with serve(html) as base, chromium_context(tmp_path) as context:
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": 900})
        log = ConsoleLog(local_prefixes=(base,))
        log.attach(page)
        page.goto(base + "zh/" + page_path, wait_until="load")
        assert page.evaluate(_GLYPHS_DIFFER), "Chinese text renders as boxes: no CJK font"
        screenshot(page, f"book-zh-{width}")
        page.click(".whygo-lang-switch a")
        page.wait_for_load_state("load")
        assert page.url == base + page_path
        page.click(".whygo-lang-switch a")
        page.wait_for_load_state("load")
        assert page.url == base + "zh/" + page_path
        page.goto(base + "zh/search.html?q=逃逸", wait_until="load")
        page.wait_for_selector("#search-results ul.search li a", timeout=TIMEOUT_MS)
        hits = page.locator("#search-results ul.search li a").evaluate_all("as => as.map(a => a.href)")
        assert any(h.split("#")[0].endswith(page_path) for h in hits), hits
        screenshot(page, f"book-zh-search-{width}")
    assert log.errors == [], f"JavaScript errors: {log.errors}"
