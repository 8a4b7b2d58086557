"""How fast the browser draws the vector player's frames (whygo.player), in Chromium.

``player.frames_per_s``: the course's scheduler player (every scenario, as in
chapter 2.1) is opened in headless Chromium (Debian's, driven by Playwright);
a script steps through every frame of every scenario several times, each step
drawing the frame's SVG and forcing the browser to lay the page out, and the
figure is steps per second of wall-clock time in the page. The heaviest built
page, ``player.page_bytes_max``, is measured by bench/book.py on its build.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ROUNDS = 5

_LOOP = """root => {
  const p = root.whygo, select = root.querySelector('.whygo-sp-modes select');
  const tracks = select ? select.options.length : 1;
  let drawn = 0;
  const start = performance.now();
  for (let r = 0; r < %d; r++) {
    for (let t = 0; t < tracks; t++) {
      p.setTrack(t);
      for (let k = 0; k < p.frames(); k++) { p.show(k); root.getBoundingClientRect(); drawn++; }
    }
  }
  return [drawn, (performance.now() - start) / 1000];
}"""


def measure():
    from playwright.sync_api import sync_playwright

    from whygo.chapters import sched as ch
    from whygo.views import sched as sv
    html = sv.scene_player(ch.scenario_frames(), title="GMP scheduler").html()
    with tempfile.TemporaryDirectory(prefix="whygo-player-bench-") as tmp:
        page_file = Path(tmp) / "player.html"
        page_file.write_text(f'<!doctype html><meta charset="utf-8"><body style="max-width:920px">{html}',
                             encoding="utf-8")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=["--no-sandbox", "--disable-gpu"])
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(page_file.as_uri(), wait_until="load")
                drawn, seconds = page.locator(".whygo-sp").evaluate(_LOOP % ROUNDS)
            finally:
                browser.close()
    yield ("player.frames_per_s", drawn / seconds, "frames/s")
    yield ("player.scheduler_html_bytes", len(html.encode()), "B")
