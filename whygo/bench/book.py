"""How long a full, clean build of the course book takes, both editions (goal: < 60 s on 2 cores).

``book.build_seconds_both`` times ``whygo.site.build_editions(clean=True)`` of the
real course from book.toml into a fresh temporary folder: the English and the
Chinese book side by side (generated _config.yml and _toc.yml, Sphinx reading
every notebook's stored outputs, writing HTML and the search index, jieba
segmenting the Chinese). Notebooks are not executed (the book uses the stored
outputs). ``book.pages`` says how much was built (both editions), so two figures
can be compared.
``player.page_bytes_max`` is the heaviest built page (HTML bytes, the players'
frames inline; budget 1.5 MB), measured on the same build.
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path


def measure():
    from whygo.site import build_editions
    with tempfile.TemporaryDirectory(prefix="whygo-book-bench-") as tmp:
        start = time.perf_counter()
        html = build_editions(clean=True, source_dir=Path(tmp) / "src", output_dir=Path(tmp) / "out")
        seconds = time.perf_counter() - start
        built = [p for p in html.rglob("*.html") if p.relative_to(html).parts[0] != "_static"]
        heaviest = max((p.stat().st_size for p in built), default=0)
    yield ("book.build_seconds_both", seconds, "s")
    yield ("book.pages", len(built), "pages")
    yield ("player.page_bytes_max", heaviest, "B")
