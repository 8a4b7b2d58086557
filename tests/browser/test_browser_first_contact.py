"""First contact: what a newcomer meets, in JupyterLab started by `make lab` and on the website.

JupyterLab: the test runs `make lab` itself, headless (LAB_ARGS=--no-browser, a free port), as
the user running the tests: root on the course's machines and in CI, where JupyterLab refuses
to start unless the course's configuration (.jupyter/) allows it. With private Jupyter
config/data/runtime folders (the user's settings stay out; autosave off, so nothing is saved
into the repository), it checks that

* the URL `make lab` prints opens the course map, with the file browser at the repository
  root, and no "Jupyter news" pop-up;
* the map's links open a chapter and a lab;
* a claim link of chapter 5 lands on the claim box at the first click, which opens the
  chapter, for the stored (untrusted) outputs and for a trusted notebook whose box the
  current code drew (scratch notebooks in build/). JupyterLab (4.6; jupyterlab#11374)
  scrolls to the claim before the outputs above it have their size; the course's
  .jupyter/custom/custom.css lets the browser keep the claim in place meanwhile;
* a lab's check is a coloured box: not yet (a nudge, then after the same failure again a
  fuller hint), then passed, with the lab's progress line; it fits 1280 and 390 px;
* a cell that does not compile shows one error naming each mistake once (%%go and the Go
  kernel);

then stops the whole process group and checks that nothing of it is left.

Website (the real book, built once per session by browser_helpers): the map's chapter and
lab links work; lab pages show their stored checks as boxes that fit a phone, lab 4's Go
check code folded away; chapter 5's verdicts are in view at 1280 px without sideways scrolling and
the table fits a 390 px phone; the map's compile error is one error block drawn as an
error; set-up cells are left out; one search box; zero Sphinx warnings.

Screenshots (1280 and 390 px wide) land in test-artifacts/first-contact-*.png.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from browser_helpers import (ROOT, built_book, chromium_context, free_port, require_chromium,
                             screenshot, serve)
from test_browser_lab import run_all

pytestmark = pytest.mark.slow

START_TIMEOUT_S = 120
UI_TIMEOUT_MS = 30_000
SCRATCH = ROOT / "build" / "first-contact"      # git-ignored; inside `make lab`'s root folder
COURSE_MAP = "notebooks/00-course-map.ipynb"
CLAIMS = "notebooks/05-claims-checked.ipynb"
CLAIM = "gosched-local"                          # a claim far down its chapter (2.1)
LAB = "labs/02-scheduler.ipynb"                  # a lab whose checks run in a second
WIDTHS = (1280, 390)


# ----- `make lab`, headless -----------------------------------------------------------------
def _group_alive(pgid: int) -> list[int]:
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if os.getpgid(int(proc.name)) == pgid and \
                        (proc / "stat").read_text().split()[2] != "Z":
                    pids.append(int(proc.name))
            except (OSError, IndexError):
                pass
    return pids


@contextmanager
def make_lab(tmp: Path):
    """Run `make lab` headless; yield (the URL it printed, with its token; base URL; token)."""
    port = free_port()
    with lab_server(tmp, ["make", "--no-print-directory", "-C", str(ROOT), "lab", f"PORT={port}",
                          "LAB_ARGS=--no-browser --ServerApp.port_retries=0 --ServerApp.ip=127.0.0.1"],
                    port) as started:
        yield started


@contextmanager
def binder_lab(tmp: Path):
    """`jupyter lab` as Binder or a hub image starts it: the course's settings only from what
    postBuild installs into the environment (``python -m whygo.lab --install PREFIX``, here a
    scratch prefix put on JUPYTER_CONFIG_PATH), the server's root the repository."""
    prefix = tmp / "env"
    subprocess.run([str(ROOT / ".venv/bin/python"), "-m", "whygo.lab", "--install", str(prefix)],
                   check=True, capture_output=True)
    port = free_port()
    with lab_server(tmp, [str(ROOT / ".venv/bin/jupyter"), "lab", "--no-browser", f"--port={port}",
                          "--ServerApp.port_retries=0", "--ServerApp.ip=127.0.0.1"], port,
                    {"JUPYTER_CONFIG_PATH": str(prefix / "etc" / "jupyter")}) as started:
        yield started


@contextmanager
def lab_server(tmp: Path, argv: list[str], port: int, extra_env: dict | None = None):
    """Run a JupyterLab command in the repository; yield (the URL it printed, base URL, token)."""
    config = tmp / "jupyter-config"
    settings = config / "lab" / "user-settings" / "@jupyterlab" / "docmanager-extension"
    settings.mkdir(parents=True)
    (settings / "plugin.jupyterlab-settings").write_text('{"autosave": false}')
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(config), JUPYTER_DATA_DIR=str(tmp / "jupyter-data"),
               JUPYTER_RUNTIME_DIR=str(tmp / "jupyter-runtime"), IPYTHONDIR=str(tmp / "ipython"),
               JUPYTER_PLATFORM_DIRS="1")
    for name in ("JUPYTER_PATH", "JUPYTER_CONFIG_PATH", "MAKEFLAGS", "MAKELEVEL"):
        env.pop(name, None)
    env.update(extra_env or {})
    log_path = tmp / "make-lab.log"
    log = log_path.open("w")
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    pgid = proc.pid
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        printed = None
        while printed is None:
            if proc.poll() is not None:
                pytest.fail(f"{argv[0]} exited with {proc.returncode}:\n{log_path.read_text()[-3000:]}")
            found = re.search(rf"http://127\.0\.0\.1:{port}/\S*\?token=\w+", log_path.read_text())
            if found:
                printed = found.group(0)
            elif time.monotonic() > deadline:
                pytest.fail(f"{argv[0]} printed no URL within {START_TIMEOUT_S} s:\n"
                            f"{log_path.read_text()[-3000:]}")
            else:
                time.sleep(0.5)
        # Jupyter prints its URL a moment before it listens (seen: refused 2 ms after the print)
        while not _listening(port):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{argv[0]} printed its URL but does not listen on {port}:\n"
                            f"{log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        token = printed.rsplit("token=", 1)[1]
        yield printed, f"http://127.0.0.1:{port}/", token
    finally:
        try:
            os.killpg(pgid, signal.SIGTERM)      # make, the server and its kernels
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + 20
        while _group_alive(pgid) and time.monotonic() < deadline:
            time.sleep(0.3)
        if _group_alive(pgid):
            os.killpg(pgid, signal.SIGKILL)
        proc.wait(timeout=10)
        log.close()
    assert _group_alive(pgid) == [], f"processes of {argv[0]} still running: {_group_alive(pgid)}"


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def api(base: str, token: str, path: str):
    req = urllib.request.Request(base + path, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


def open_fresh(page, base: str, path: str) -> None:
    """Open ``path`` alone: ?reset drops the tabs JupyterLab would restore, which still load
    while a link is followed and can move the page under it."""
    page.goto(f"{base}lab/tree/{path}?reset", wait_until="domcontentloaded")
    wait_for_document(page, path)


def panel(page):
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")


def wait_for_document(page, path: str) -> None:
    """JupyterLab shows ``path`` (its URL follows the current document)."""
    page.wait_for_url(re.compile(rf"/lab/tree/{re.escape(path)}(\?|$)"), timeout=UI_TIMEOUT_MS)
    panel(page).locator(".jp-Cell").first.wait_for(timeout=UI_TIMEOUT_MS)


def lands_on(page, selector: str, timeout_s: float = 20) -> bool:
    """The element is in the notebook's visible area (and stays there for a moment: the
    page must not shift after the jump)."""
    script = """sel => { const p = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer');
        const el = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) ' + sel);
        if (!p || !el) return false;
        const a = p.getBoundingClientRect(), b = el.getBoundingClientRect();
        return b.top >= a.top - 2 && b.top < a.bottom - 40; }"""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if page.evaluate(script, selector):
            page.wait_for_timeout(1500)
            if page.evaluate(script, selector):
                return True
        page.wait_for_timeout(300)
    return False


# The middle of the element's first line is the element itself (or inside it), not something over it.
UNCOVERED_JS = """a => { const r = a.getClientRects()[0];
    const hit = r && document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return !!hit && a.contains(hit); }"""


def click_link(page, href_part: str) -> None:
    """Click a Markdown link once JupyterLab has resolved it (its href then points at /files/:
    a click before that would bypass JupyterLab's link handler). Of several links to the same
    place, the first one not covered: JupyterLab's cell toolbar sits over the top right of the
    selected cell, as it does for a learner, who then clicks another link."""
    links = panel(page).locator(f'.jp-RenderedMarkdown a[href*="/files/"][href*="{href_part}"]')
    links.first.wait_for(timeout=UI_TIMEOUT_MS)
    for link in links.all():
        link.scroll_into_view_if_needed()
        if link.evaluate(UNCOVERED_JS):
            link.click()
            return
    links.first.click()     # every one covered: Playwright's error says by what


def follow_link(page, href_part: str, path: str) -> None:
    """Click the link to ``path`` in the notebook in front, and wait until ``path`` is in front."""
    click_link(page, href_part)
    wait_for_document(page, path)


def back_to(page, path: str) -> None:
    """Bring the open notebook ``path`` to the front by its tab (no page load)."""
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=Path(path).name).first.click()
    wait_for_document(page, path)


def write_scratch_notebooks(data_dir: Path) -> dict[str, str]:
    """Notebooks of this test, in build/first-contact/ (inside make lab's root): a chapter whose
    claim box the current ClaimCheck drew (signed, so trusted, in the test's data folder only),
    a page linking to it, and two cells that do not compile (%%go, Go kernel)."""
    import nbformat
    from whygo import claims
    shutil.rmtree(SCRATCH, ignore_errors=True)
    SCRATCH.mkdir(parents=True)
    py = {"name": "python3", "display_name": "Python 3", "language": "python"}

    chapter = nbformat.v4.new_notebook(metadata={"kernelspec": py})
    chapter.cells = [nbformat.v4.new_markdown_cell("# A chapter\n\n" + "A paragraph of text.\n\n" * 40)]
    for k in range(12):      # tall outputs above the claim: the jump must land all the same
        cell = nbformat.v4.new_code_cell(f"print({k})", execution_count=k + 1)
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"{k}\n" * 30)]
        chapter.cells.append(cell)
    box = claims.show(CLAIM)
    cell = nbformat.v4.new_code_cell(f'claims.show("{CLAIM}")', execution_count=13)
    cell.outputs = [nbformat.v4.new_output("execute_result", execution_count=13, data={
        "text/html": box._repr_html_(), "text/plain": repr(box)})]
    chapter.cells += [cell, nbformat.v4.new_markdown_cell("The end.\n\n" * 30)]
    nbformat.write(chapter, SCRATCH / "chapter.ipynb")
    env = dict(os.environ, JUPYTER_DATA_DIR=str(data_dir))
    subprocess.run([str(ROOT / ".venv/bin/jupyter"), "trust", str(SCRATCH / "chapter.ipynb")],
                   env=env, check=True, capture_output=True)

    summary = nbformat.v4.new_notebook(metadata={"kernelspec": py})     # the links the test follows
    summary.cells = [nbformat.v4.new_markdown_cell(f"[the claim](chapter.ipynb#claim-{CLAIM})\n\n"
                                                   "[%%go](compile-error.ipynb), [Go kernel](compile-error-go.ipynb), "
                                                   "[lab](lab.ipynb)")]
    nbformat.write(summary, SCRATCH / "summary.ipynb")

    mistakes = "x := 1\nfmt.Println(y)"
    magic = nbformat.v4.new_notebook(metadata={"kernelspec": py})
    magic.cells = [nbformat.v4.new_code_cell("%load_ext whygo"),
                   nbformat.v4.new_code_cell("%%go\n" + mistakes)]
    nbformat.write(magic, SCRATCH / "compile-error.ipynb")
    go = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "whygo-go", "display_name": "Go (whygo)",
                                                           "language": "go"}})
    go.cells = [nbformat.v4.new_code_cell(mistakes)]
    nbformat.write(go, SCRATCH / "compile-error-go.ipynb")
    from whygo.labs.notebook import cleared, read
    nbformat.write(cleared(read(ROOT / LAB)), SCRATCH / "lab.ipynb")   # lab 2, as a learner gets it
    rel = SCRATCH.relative_to(ROOT).as_posix()
    return {name: f"{rel}/{name}.ipynb" for name in ("chapter", "summary", "compile-error", "compile-error-go",
                                                     "lab")}


def check_box(page, check: str):
    return panel(page).locator(f'.whygo-check[data-check="{check}"]')


def box_fits(box) -> bool:
    """The box and its words fit its width: no sideways scroll, nothing cut at the right."""
    return box.evaluate("""e => { const r = e.getBoundingClientRect();
        return e.scrollWidth <= e.clientWidth + 1 && r.right <= window.innerWidth + 1
               && r.width >= window.innerWidth * 0.5     // room to wrap between words
               && [...e.querySelectorAll('div')].every(d => d.scrollWidth <= d.clientWidth + 1); }""")


def run_cell_with(page, cell, text: str | None = None) -> None:
    """Select a code cell, replace its text if asked, run it (Ctrl+Enter) and wait for the kernel."""
    cell.scroll_into_view_if_needed()
    cell.locator(".jp-InputArea-editor").click()
    if text is not None:
        page.keyboard.press("Control+A")
        page.keyboard.insert_text(text)     # as pasted: no auto-closed brackets
    before = cell.locator(".jp-InputPrompt").inner_text()
    page.keyboard.press("Control+Enter")
    page.wait_for_function("""([el, before]) => { const p = el.querySelector('.jp-InputPrompt').textContent;
        const s = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator');
        return /\\[\\d+\\]/.test(p) && p !== before && s && s.getAttribute('data-status') === 'idle'; }""",
                           arg=[cell.element_handle(), before], timeout=UI_TIMEOUT_MS)


def check_boxes_fail_then_pass(page, base: str, token: str, path: str) -> None:
    """The lab ``path`` is open and in front."""
    from whygo.labs.catalog import LABS
    from whygo.labs.notebook import solutions
    run_all(page, base, token, path)
    first = check_box(page, "sched/1")
    first.wait_for(timeout=UI_TIMEOUT_MS)
    assert first.get_attribute("data-passed") == "false"
    assert "0 of 2 checks pass" in first.inner_text() and "More:" not in first.inner_text()
    assert first.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 251, 235)"   # amber
    assert check_box(page, "sched/2").get_attribute("data-passed") == "false"
    shoot_both_widths(page, "lab-check-not-yet", focus=first)
    for width in WIDTHS:
        set_width(page, width)
        first.scroll_into_view_if_needed()
        assert box_fits(first), f"the check box does not fit at {width} px"
    set_width(page, WIDTHS[0])
    cells = panel(page).locator(".jp-CodeCell")
    check_cell = cells.filter(has_text='check("sched/1")').first
    task = cells.filter(has_text="predictions = {").first
    solution = solutions(LABS["sched"])["task-1"]
    run_cell_with(page, task, solution.replace('"c": "global"', '"c": "local"'))   # the article's claim
    run_cell_with(page, check_cell)
    wrong = check_box(page, "sched/1")
    assert "look again at c" in wrong.inner_text() and "More:" not in wrong.inner_text()
    run_cell_with(page, check_cell)                                   # the same failure again
    again = check_box(page, "sched/1")
    assert again.get_attribute("data-passed") == "false" and "More:" in again.inner_text()
    shoot_both_widths(page, "lab-check-again", focus=again)
    run_cell_with(page, task, solution)
    run_cell_with(page, check_cell)
    done = check_box(page, "sched/1")
    assert done.get_attribute("data-passed") == "true", done.inner_text()
    assert "1 of 2 checks pass" in done.inner_text()
    assert done.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(240, 253, 244)"     # green
    shoot_both_widths(page, "lab-check-passed", focus=done)
    for width in WIDTHS:
        set_width(page, width)
        done.scroll_into_view_if_needed()
        assert box_fits(done), f"the check box does not fit at {width} px"
    set_width(page, WIDTHS[0])


def set_width(page, width: int) -> None:
    """Resize the page; in JupyterLab, a phone-sized window has its left side bar folded away
    (as a learner would: open, it leaves the notebook a strip a few letters wide)."""
    page.set_viewport_size({"width": width, "height": 900})
    if page.locator(".jp-LabShell").count():
        left_open = page.locator("#jp-left-stack:not(.lm-mod-hidden)").count() > 0
        if left_open == (width < 600):
            page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab").first.click()
    settled(page)


def settled(page) -> None:
    """Wait until the page has laid itself out again: Lumino (JupyterLab) handles a resize in the
    next animation frame, so two frames and a task later the new layout is in place."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 50))))")


def shoot_both_widths(page, name: str, focus=None) -> None:
    """Screenshots at each width; ``focus`` (a locator) is scrolled into view after each resize."""
    for width in WIDTHS:
        set_width(page, width)
        if focus is not None:
            focus.scroll_into_view_if_needed()
            page.wait_for_timeout(300)
        screenshot(page, f"first-contact-{name}-{width}")
    set_width(page, WIDTHS[0])


@pytest.mark.parametrize("start", [make_lab, binder_lab], ids=["make-lab", "binder"])
def test_make_lab_serves_the_course_map_over_http(tmp_path, start):
    """No browser needed: the URL `make lab` prints (with its token) leads to the course map
    with the file browser at the root; the map is served; the server stops with its group.
    The same with the settings postBuild installs for Binder and hub images."""
    with start(tmp_path) as (printed, base, token):
        assert re.fullmatch(rf"{re.escape(base)}whygo/start\?token=\w+", printed), printed
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        with opener.open(printed, timeout=10) as resp:       # follows the redirect
            assert resp.status == 200
            assert resp.url == f"{base}lab/tree/{COURSE_MAP}?file-browser-path=/"
        course_map = api(base, token, f"api/contents/{COURSE_MAP}")
        assert course_map["type"] == "notebook"
        assert any("## The chapters and labs" in "".join(c["source"]) for c in course_map["content"]["cells"])
        root = {item["name"] for item in api(base, token, "api/contents/")["content"]}
        assert {"notebooks", "labs", "Makefile"} <= root        # the server's root is the repository
        # the course's JupyterLab settings: no news pop-up, every cell laid out at once
        notification = api(base, token, "lab/api/settings/@jupyterlab/apputils-extension:notification")
        assert notification["schema"]["properties"]["fetchNews"]["default"] == "false"
        tracker = api(base, token, "lab/api/settings/@jupyterlab/notebook-extension:tracker")
        assert tracker["schema"]["properties"]["windowingMode"]["default"] == "none"
        # ... and its CSS, which keeps a claim in place while the outputs above it settle
        with opener.open(base + "custom/custom.css", timeout=10) as resp:
            assert "overflow-anchor: auto" in resp.read().decode()


@pytest.mark.browser
def test_make_lab_opens_the_course_map_and_its_links_land(tmp_path):
    require_chromium()
    opened = {ROOT / p: (ROOT / p).read_bytes() for p in (COURSE_MAP, CLAIMS, "labs/06-binary-diet.ipynb",
                                                          "notebooks/02-1-gmp-scheduler.ipynb")}
    try:
        with make_lab(tmp_path) as (printed, base, token), chromium_context(tmp_path) as context:
            # the server: the course's configuration is in effect, the map is served
            assert "/whygo/start?token=" in printed, printed
            # (the course's overrides are the settings' defaults)
            notification = api(base, token, "lab/api/settings/@jupyterlab/apputils-extension:notification")
            assert notification["schema"]["properties"]["fetchNews"]["default"] == "false"
            tracker = api(base, token, "lab/api/settings/@jupyterlab/notebook-extension:tracker")
            assert tracker["schema"]["properties"]["windowingMode"]["default"] == "none"
            course_map = api(base, token, f"api/contents/{COURSE_MAP}")
            assert course_map["type"] == "notebook" and course_map["content"]["cells"]
            scratch = write_scratch_notebooks(tmp_path / "jupyter-data")

            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            # 1. the printed URL: the course map, the file browser at the repository root
            page.goto(printed, wait_until="domcontentloaded")
            wait_for_document(page, COURSE_MAP)
            # (JupyterLab opens the notebook's folder first, then the one the URL asks for)
            page.wait_for_function("""() => { const names = [...document.querySelectorAll(
                '.jp-DirListing-itemName')].map(e => e.textContent.trim());
                return ['notebooks', 'labs', 'gocode'].every(n => names.includes(n)); }""",
                                   timeout=UI_TIMEOUT_MS)
            page.wait_for_timeout(3000)     # it stays there; the news question would be up by now
            names = {t.strip() for t in page.locator(".jp-DirListing-itemName").all_inner_texts()}
            assert {"notebooks", "labs", "gocode"} <= names, names
            assert page.get_by_text("get notified about official Jupyter news").count() == 0
            shoot_both_widths(page, "lab-course-map")
            panel(page).locator("h2", has_text="The chapters and labs").first.scroll_into_view_if_needed()
            screenshot(page, "first-contact-lab-course-map-toc-1280")

            # 2. the map's links open a lab and a chapter
            follow_link(page, "labs/06-binary-diet.ipynb", "labs/06-binary-diet.ipynb")
            back_to(page, COURSE_MAP)
            follow_link(page, "02-1-gmp-scheduler.ipynb", "notebooks/02-1-gmp-scheduler.ipynb")

            # 3. chapter 5's table: "mov $8, %rax" is text, not TeX (MathJax draws mjx-container)
            open_fresh(page, base, CLAIMS)
            row = panel(page).locator("tr", has=page.locator('a[href*="claim-add-inlined"]')).first
            row.wait_for(timeout=UI_TIMEOUT_MS)
            row.scroll_into_view_if_needed()
            page.wait_for_timeout(1500)      # MathJax, were it to typeset, has done it by now
            assert "mov $8, %rax" in row.inner_text()
            assert panel(page).locator("table mjx-container").count() == 0
            screenshot(page, "first-contact-lab-claims-table-1280")
            # ... and a claim link lands on the claim (stored outputs, untrusted), at the first
            # click, which opens the chapter (closed again when the page above was opened fresh) ...
            follow_link(page, f"#claim-{CLAIM}", "notebooks/02-1-gmp-scheduler.ipynb")
            assert lands_on(page, f'[data-jupyter-id="claim-{CLAIM}"]'), "the claim link opened " \
                "chapter 2.1 away from the claim"
            shoot_both_widths(page, "lab-claim-link")
            # ... and in a trusted notebook (its HTML keeps id=, JupyterLab looks for data-jupyter-id)
            open_fresh(page, base, scratch["summary"])
            follow_link(page, f"#claim-{CLAIM}", scratch["chapter"])
            assert lands_on(page, f'[data-jupyter-id="claim-{CLAIM}"]'), "trusted: not on the claim"
            assert panel(page).locator(f'[id="claim-{CLAIM}"]').count() == 1, "not trusted"

            # 4. a lab: each check a coloured box; a failed check nudges, failing again says more,
            # a passed one is green and the lab's progress line counts it
            back_to(page, scratch["summary"])
            follow_link(page, "lab.ipynb", scratch["lab"])
            check_boxes_fail_then_pass(page, base, token, scratch["lab"])

            # 5. a compile error: one error, each mistake named once (%%go, then the Go kernel)
            for name in ("compile-error", "compile-error-go"):
                back_to(page, scratch["summary"])
                follow_link(page, f"{name}.ipynb", scratch[name])
                run_all(page, base, token, scratch[name])
                outputs = panel(page).locator(".jp-OutputArea-output")
                texts = outputs.all_inner_texts()
                assert len(texts) == 1, texts
                shown = texts[0]
                assert shown.count("GoCellError") == 1, shown
                assert shown.count("declared and not used: x") == 1 and shown.count("undefined: y") == 1
                assert outputs.first.get_attribute("data-mime-type") == "application/vnd.jupyter.stderr"
                shoot_both_widths(page, f"lab-{name}")
            assert errors == [], f"uncaught JavaScript errors in JupyterLab: {errors}"
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)
    changed = [p.name for p, before in opened.items() if p.read_bytes() != before]
    assert changed == [], f"make lab's JupyterLab wrote into the repository: {changed}"


# ----- the website ------------------------------------------------------------------------------
@pytest.mark.browser
def test_site_map_links_claims_table_errors_and_setup_cells(tmp_path):
    from whygo.book import load_manifest
    from whygo.site import build_warnings
    html, manifest = built_book()
    assert build_warnings(html.parent.parent) == []
    with serve(html) as base, chromium_context(tmp_path) as context:
        page = context.new_page()
        # the map: a link for every chapter and lab, and they lead there
        page.goto(base + "notebooks/00-course-map.html", wait_until="load")
        hrefs = page.locator("article a.reference.internal").evaluate_all("els => els.map(e => e.href)")
        pages = {Path(e.notebook).with_suffix(".html").as_posix() for e in load_manifest().chapters
                 + load_manifest().labs}
        linked = {h.split(base, 1)[1].split("#")[0] for h in hrefs if h.startswith(base)}
        assert pages <= linked, pages - linked
        shoot_both_widths(page, "site-course-map")
        for target in ("notebooks/02-1-gmp-scheduler.html", "labs/06-binary-diet.html"):
            page.goto(base + "notebooks/00-course-map.html", wait_until="load")
            page.locator(f'article a.reference.internal[href$="{Path(target).name}"]').first.click()
            page.wait_for_load_state("load")
            assert page.url.endswith(target) and page.locator("article h1").count() == 1

        # the map's compile error: one error block, drawn as an error, each mistake once
        page.goto(base + "notebooks/00-course-map.html", wait_until="load")
        blocks = page.locator(".cell_output .output.traceback")
        assert blocks.count() == 1
        text = blocks.first.inner_text()
        assert text.count("declared and not used: x") == 1 and text.count("undefined: y") == 1
        assert blocks.first.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(254, 242, 242)"
        page.set_viewport_size({"width": WIDTHS[-1], "height": 900})    # it wraps on a phone
        assert blocks.first.evaluate("e => { const p = e.querySelector('pre'); "
                                     "return p.scrollWidth <= p.clientWidth; }")
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        shoot_both_widths(page, "site-compile-error", focus=blocks.first)

        # set-up cells are left out, the map's explained %load_ext stays; one search box
        page.goto(base + "notebooks/02-1-gmp-scheduler.html", wait_until="load")
        first_code = page.locator(".cell_input").first.inner_text()
        assert "%load_ext" not in first_code, first_code
        page.goto(base + "notebooks/00-course-map.html", wait_until="load")
        assert any("%load_ext whygo" in t for t in page.locator(".cell_input").all_inner_texts())
        visible = page.locator(".search-button-field:visible")
        assert visible.count() == 1, visible.count()

        # a lab: the stored checks are boxes that fit a phone; lab 4's Go check code is folded away
        page.goto(base + "labs/01-escape-analysis.html", wait_until="load")
        boxes = page.locator(".whygo-check")
        assert boxes.count() == 2 and boxes.first.get_attribute("data-passed") == "false"
        for width in WIDTHS:
            set_width(page, width)
            assert all(box_fits(boxes.nth(k)) for k in range(2)), f"a check box does not fit at {width} px"
        shoot_both_widths(page, "site-lab-checks", focus=boxes.first)
        page.goto(base + "labs/04-goroutine-leak.html", wait_until="load")
        assert page.locator(".whygo-check").count() == 2
        assert not page.get_by_text("verdict := func").first.is_visible(), "lab 4's check code shows"
        shoot_both_widths(page, "site-lab-go-checks", focus=page.locator(".whygo-check").first)

        # chapter 5: the verdicts are in view at 1280 px, the table fits at 390 px
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(base + "notebooks/05-claims-checked.html#every-claim", wait_until="load")
            table = page.locator("table:has(a[href*='#claim-'])").first
            fit = table.evaluate("t => [t.scrollWidth, t.parentElement.clientWidth, "
                                 "document.documentElement.scrollWidth, window.innerWidth]")
            assert fit[0] <= fit[1] + 1 and fit[2] <= fit[3], f"{width} px: {fit}"
            badge = table.locator("tbody tr td:first-child span").first
            box = badge.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, box
            assert badge.inner_text().strip().endswith(("holds", "roughly", "misleading", "wrong", "here"))
            screenshot(page, f"first-contact-site-claims-table-{width}")
