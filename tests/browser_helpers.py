"""Shared helpers of the book and browser tests: Chromium, a loopback server, console errors.

Playwright cannot download a browser here, so the tests drive Debian's
Chromium (``/usr/bin/chromium``, installed by ``make browser``) in headless
mode with a throw-away profile. Static pages are served by a
``ThreadingHTTPServer`` in a thread on a free 127.0.0.1 port, so nothing is
left running after a test.

``built_book()`` and ``demo_book()`` build a site once per test run and are
shared by tests/site/ and tests/browser/ (with pytest-xdist, by every worker:
the first to ask builds under a file lock, the others wait and reuse it, so
two workers never build into the same folder at once):

* the real course, from book.toml (skipped while a listed notebook is missing:
  tests/site/test_manifest.py already fails on that);
* a demo course (tests/fixtures/site_demo/book.toml) whose notebooks are
  generated here with real ``whygo.anim.Player`` outputs, a PNG player for the
  scheduler and an SVG graph player for the GC, plus a fake widget view that
  the book must NOT show. It proves the player works in a built page even
  before the real chapters exist.
"""
from __future__ import annotations

import fcntl
import functools
import os
import shutil
import socket
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WORK = ROOT / "build" / "test-site"   # git-ignored; the builds shared by the tests


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require_chromium() -> Path:
    """The Chromium binary, or skip the test saying how to get it."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(f"{CHROMIUM} not found: `make browser` (or apt-get install chromium) installs it")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("playwright is not installed in this environment: run `make setup`")
    return CHROMIUM


@contextmanager
def chromium_context(tmp_path: Path):
    """A headless Chromium browser context with a fresh profile under tmp_path."""
    from playwright.sync_api import sync_playwright
    chromium = require_chromium()
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=str(chromium), headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1280, "height": 900})
        try:
            yield context
        finally:
            context.close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        pass


@contextmanager
def serve(directory: Path):
    """Serve ``directory`` on a free loopback port; yields the base URL (ends with '/')."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@dataclass
class ConsoleLog:
    """JavaScript errors of a page: uncaught exceptions and console.error messages.

    ``ignored`` keeps what was left out and why: failed loads of resources from
    other hosts (they cannot load offline and no page needs them), and requests
    the browser aborted because the page navigated away (not a missing file).
    """
    local_prefixes: tuple[str, ...]
    errors: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("console", self._on_console)
        page.on("requestfailed", self._on_failed)

    def _is_local(self, url: str) -> bool:
        return url.startswith(self.local_prefixes) or url.startswith(("data:", "blob:", "about:"))

    def _on_console(self, msg) -> None:
        if msg.type != "error":
            return
        url = (msg.location or {}).get("url", "")
        text = f"console.error: {msg.text} ({url})"
        if "Failed to load resource" in msg.text and url and not self._is_local(url):
            self.ignored.append(text + " -- an external resource; offline by design")
        else:
            self.errors.append(text)

    def _on_failed(self, request) -> None:
        # A 404 is a console error (above); requestfailed is a network-level failure.
        if "ERR_ABORTED" in (request.failure or ""):
            self.ignored.append(f"request aborted: {request.url} -- cancelled by a navigation "
                                "(e.g. index.html redirecting), not a missing file")
        elif self._is_local(request.url):
            self.errors.append(f"request failed: {request.url} ({request.failure})")
        else:
            self.ignored.append(f"request failed: {request.url} -- external, offline by design")


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


# ----- the demo course ----------------------------------------------------------------------
DEMO = FIXTURES / "site_demo"


def _svg_graph(step: int) -> str:
    """A small Graphviz-like SVG: nodes as <g class="node">, one more grey each step."""
    nodes = []
    for k in range(4):
        colour = "#9ca3af" if k < step else "#ffffff"
        nodes.append(f'<g id="node{k + 1}" class="node"><title>obj{k}</title>'
                     f'<ellipse cx="{40 + 70 * k}" cy="30" rx="25" ry="15" fill="{colour}" stroke="black"/>'
                     f'<text x="{40 + 70 * k}" y="35" text-anchor="middle">obj{k}</text></g>')
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="300" height="60" viewBox="0 0 300 60">'
            f'<g id="graph0" class="graph">{"".join(nodes)}</g></svg>')


def _bar_figure(step: int):
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(4, 2), dpi=60)
    ax.bar(["P0", "P1", "global"], [4 - step, step, 1], color="#60a5fa")
    ax.set_ylim(0, 5)
    ax.set_title(f"run queues, step {step}")
    return fig


def demo_notebook(title: str, player=None, *, text: str = ""):
    """A notebook with a stored Player output, as a kernel would have saved it."""
    import nbformat
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells.append(nbformat.v4.new_markdown_cell(f"# {title}\n\n{text}"))
    if player is not None:
        cell = nbformat.v4.new_code_cell("Player(frames, render)", execution_count=1)
        bundle = player._repr_mimebundle_()
        # What the notebook holds after a live run: a widget view the book cannot show.
        bundle["application/vnd.jupyter.widget-view+json"] = {
            "version_major": 2, "version_minor": 0, "model_id": "0123456789abcdef"}
        cell.outputs = [nbformat.v4.new_output("display_data", data=bundle)]
        nb.cells.append(cell)
        # JupyterLab may save the widget state too; MyST-NB then embeds it in the page.
        nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {
            "version_major": 2, "version_minor": 0, "state": {"0123456789abcdef": {
                "model_name": "VBoxModel", "model_module": "@jupyter-widgets/controls",
                "model_module_version": "2.0.0", "state": {}}}}}
    return nb


def write_demo_course(root: Path) -> Path:
    """Copy the demo manifest to ``root`` and generate its notebooks; returns root."""
    import nbformat
    from whygo.anim import Player
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(DEMO / "book.toml", root / "book.toml")
    for folder in ("notebooks", "labs", "labs/solutions"):
        (root / folder).mkdir(exist_ok=True)
    sched = Player(list(range(5)), _bar_figure, captions=[f"step {i}: a P steals work" for i in range(5)],
                   title="Work stealing", interval_ms=150)
    gc = Player(list(range(5)), _svg_graph, captions=[f"mark step {i}" for i in range(5)],
                title="Tri-colour marking", interval_ms=150)
    notebooks = {
        "notebooks/00-course-map.ipynb": demo_notebook(
            "Course map", text="Start with [the scheduler](01-scheduler.ipynb)."),
        "notebooks/01-scheduler.ipynb": demo_notebook("The scheduler", sched,
                                                      text="Goroutines, Ms and Ps."),
        "notebooks/02-gc.ipynb": demo_notebook("The garbage collector", gc,
                                               text="A concurrent tri-colour collector."),
        "labs/lab-01.ipynb": demo_notebook("Lab: count goroutines"),
        # not in book.toml: solutions stay out of the published book
        "labs/solutions/lab-01.ipynb": demo_notebook("Lab solution: SECRET-ANSWER"),
    }
    for rel, nb in notebooks.items():
        nbformat.write(nb, root / rel)
    return root


def _once_per_run(name: str, build) -> Path:
    """``build()`` (which returns a folder under WORK) once per test run, shared by the xdist
    workers of that run: they take turns on a lock, and the first one's folder, named in a
    stamp with the run's id, is what the others get. Without xdist: once per process."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID") or f"pid-{os.getpid()}"
    WORK.mkdir(parents=True, exist_ok=True)
    stamp = WORK / f"{name}.built"
    with open(WORK / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)      # released when the file closes
        if stamp.is_file():
            built_by, _, folder = stamp.read_text().partition("\n")
            if built_by == run and Path(folder).is_dir():
                return Path(folder)
        stamp.unlink(missing_ok=True)
        folder = build()
        stamp.write_text(f"{run}\n{folder}")
        return folder


@functools.lru_cache(maxsize=None)
def demo_book() -> tuple[Path, object]:
    """(html dir, manifest) of the demo course, built once per test run."""
    from whygo.book import load_manifest
    from whygo.site import build
    root = WORK / "demo-course"

    def build_demo() -> Path:
        write_demo_course(root)
        return build(manifest=load_manifest(root / "book.toml"), root=root, source_dir=WORK / "demo-src",
                     output_dir=WORK / "demo-out", clean=True)

    html = _once_per_run("demo", build_demo)
    return html, load_manifest(root / "book.toml")


@functools.lru_cache(maxsize=None)
def _real_book():
    from whygo.book import load_manifest, missing_notebooks
    from whygo.site import build_editions
    manifest = load_manifest()
    missing = missing_notebooks(manifest)
    if missing:
        return None, manifest, missing
    # both editions: the English site, the Chinese one in its zh/ folder
    html = _once_per_run("real", lambda: build_editions(source_dir=WORK / "real-src",
                                                        output_dir=WORK / "real-out", clean=True))
    return html, manifest, []


def built_book() -> tuple[Path, object]:
    """(html dir, manifest) of the real course, built once per test run; skips while
    a notebook listed in book.toml is not written yet."""
    html, manifest, missing = _real_book()
    if html is None:
        pytest.skip(f"book.toml lists notebooks that are not written yet: {', '.join(missing)} "
                    "(tests/site/test_manifest.py reports this as a failure)")
    return html, manifest
