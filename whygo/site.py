"""The rendered book: an offline Jupyter Book 1.x site generated from book.toml.

book.toml is the single list of the course, so nothing here is written by
hand: ``book_config()`` and ``book_toc()`` turn the manifest into Jupyter
Book's ``_config.yml`` and ``_toc.yml``, ``prepare_source()`` writes them into
``build/book-src/`` next to symlinks to the notebook folders (the symlinks keep
the repository's layout, so launch buttons point at the right file and a
forced re-execution runs each notebook in its real folder), and ``build()``
runs ``jupyter-book build`` into ``build/book/_build/html``.

Choices that keep the site honest and offline:

* notebooks are NOT executed (``execute_notebooks: off``): the stored outputs
  are the ones nbval checks against a fresh run. ``build(force_execute=True)``
  re-executes them when asked.
* ``text/html`` beats the ipywidgets view (``nb_mime_priority_overrides``), so
  every animation shows as the static player of whygo/anim.py, never as a
  dead widget; and MyST-NB's require.js/embed-amd.js from CDNs is switched off
  (``nb_ipywidgets_js = {}``), as is thebe. The one script a page may still
  ask a CDN for is MathJax, which Sphinx adds only to pages with math (no
  local copy exists); offline such math stays readable TeX.
* launch buttons appear only when ``[launch].repository`` is set (in
  book.toml, or at build time: ``whygo book build --repository URL
  --jupyterhub-url URL``): Binder, and a teacher's JupyterHub through an
  nbgitpuller link that clones the repository into each student's home and
  opens the page's notebook. Without a repository they would link nowhere,
  and no page promises one.
* set-up cells (``%load_ext``, imports) that open a notebook are left out of
  its page (``is_setup_source``; the notebooks keep them); one search box (the
  sidebar's); tables wrap long words instead of widening the page, and an
  error output looks like an error (``SITE_CSS``).
* the site has an icon and its own index.html redirect naming it, and the
  theme's colour mode is set: each avoids an error in the browser console.
* Sphinx's warnings of the last build are kept (``build_warnings()``) and
  printed by ``whygo book build``; the real book builds without any (a test
  fails on one). Ids that notebook outputs define, such as the claim anchors
  of ``claims.show``, are MyST link targets: this module is also a small
  Sphinx extension (``setup``). ``whygo.linkcheck`` checks the links.

Two editions. The Chinese edition (whygo/i18n: its notebooks are ``zh/``) is a second
book built beside the English one (``build_editions``) into the ``zh/`` folder of the
site, so that every page has the same path in both, below ``zh/`` for Chinese. Each page
carries a link to the same page in the other edition (``_language_switch``). The Chinese
book is built with ``language: zh_CN``: Sphinx then segments Chinese words for the search
index with jieba, so a search for 逃逸 finds the pages about escape analysis.

``main(argv)`` is the command line (``whygo book build`` calls it; ``make book
BOOK_ARGS="--jupyterhub-url URL"`` passes it options).
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import time
from pathlib import Path

import yaml

from whygo.book import Manifest, ManifestError, ROOT, load_manifest, with_launch
from whygo.golang import process
from whygo.i18n import N_, _
from whygo.linkcheck import check_site

BUILD = ROOT / "build"
SOURCE_DIR = BUILD / "book-src"     # generated _config.yml, _toc.yml and symlinks
OUTPUT_DIR = BUILD / "book"         # jupyter-book --path-output; html in _build/html
EDITIONS = ("en", "zh")
ZH_FOLDER = "zh"                    # the Chinese edition: notebooks in ROOT/zh, pages in html/zh
SPHINX_LANGUAGE = {"en": "en", "zh": "zh_CN"}
SWITCH_TEXT = {"en": "中文", "zh": "English"}   # the link to the other edition, in its language
FAVICON_NAME = "favicon.svg"
# A blue "Go" tile: the favicon the generated source carries.
FAVICON_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
               '<rect width="32" height="32" rx="6" fill="#00add8"/>'
               '<text x="16" y="22" font-family="sans-serif" font-size="15" font-weight="bold" '
               'text-anchor="middle" fill="#fff">Go</text></svg>\n')
EXTRA_DIR = "_extra"                # copied as-is to the site root (html_extra_path)
STATIC_CSS = "_static/whygo.css"    # Jupyter Book adds every _static/*.css to each page
SITE_CSS = """\
/* Written by whygo/site.py (SITE_CSS): edit it there. */
/* Output tables fit the text column: a long path or figure wraps instead of widening the page. */
div.cell_output table td { overflow-wrap: anywhere; }
/* On a phone, a prose table (chapter 5's claims, the course map) shares the column out
   instead of growing past it: long words and quoted tables wrap. */
@media (max-width: 700px) {
  article table:not(div.cell_output table) { table-layout: fixed; width: 100%; }
  article table td, article table th { overflow-wrap: anywhere; }
}
/* The link to the same page in the other edition (English / 中文), top right of the article. */
.whygo-lang-switch { text-align: right; margin-bottom: -0.5rem; }
.whygo-lang-switch a { display: inline-block; font-size: 0.9em; padding: 0 0.7em;
  border: 1px solid currentColor; border-radius: 1em; text-decoration: none; }
/* An error output reads as an error (the theme draws it as plain grey text), and its
   message wraps on a phone instead of hiding behind a sideways scroll. */
div.cell_output .output.traceback { background: #fef2f2; border: 1px solid #fecaca;
  border-left: 4px solid #b91c1c; }
div.cell_output .output.traceback pre { white-space: pre-wrap; overflow-wrap: anywhere; }
html[data-theme="dark"] div.cell_output .output.traceback { background: #3b0d0d;
  border-color: #7f1d1d; border-left-color: #ef4444; }
"""
WARNINGS_FILE = "warnings.txt"      # in output_dir: Sphinx's warnings of the last build
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
BUILD_TIMEOUT_S = 900               # a hung build fails loudly instead of hanging CI

# The ipywidgets view needs a live kernel; the static player in text/html does not.
# Lower number = preferred (MyST-NB); None drops the type from html pages.
MIME_PRIORITY_OVERRIDES = [
    ("html", "application/vnd.jupyter.widget-view+json", None),
    ("html", "text/html", 10),
    ("dirhtml", "application/vnd.jupyter.widget-view+json", None),
    ("dirhtml", "text/html", 10),
]


class SiteError(RuntimeError):
    """The book cannot be built; the message names the file or step and what to do."""


def _docname(notebook: str) -> str:
    """book.toml path -> toc entry: relative, forward slashes, no suffix."""
    return Path(notebook).with_suffix("").as_posix()


def root_entry(manifest: Manifest):
    """The page the book opens on: the course map (id 'course-map'), else the first chapter."""
    if not manifest.entries:
        raise SiteError("book.toml lists no chapters: add at least one [[chapters]] entry")
    for e in manifest.entries:
        if e.id == "course-map":
            return e
    return manifest.entries[0]


TOC_CAPTIONS = (N_("Chapters"), N_("Labs"), N_("Appendix"))


def book_toc(manifest: Manifest) -> dict:
    """_toc.yml (format jb-book): the course map as root, then Chapters, Labs, Appendix parts
    (their captions in the running edition)."""
    root = root_entry(manifest)
    parts = []
    for caption, entries in zip((_(c) for c in TOC_CAPTIONS),
                                (manifest.chapters, manifest.labs, manifest.appendix)):
        files = [{"file": _docname(e.notebook)} for e in entries if e is not root]
        if files:
            parts.append({"caption": caption, "chapters": files})
    toc: dict = {"format": "jb-book", "root": _docname(root.notebook)}
    if parts:
        toc["parts"] = parts
    return toc


def book_config(manifest: Manifest, *, force_execute: bool = False, edition: str = "en",
                switch: bool = False) -> dict:
    """_config.yml for Jupyter Book 1.x, from the manifest (``edition``: "en" or "zh";
    ``switch``: the other edition is built beside it, so each page links to its twin)."""
    launch = manifest.launch
    repository = launch.get("repository", "")
    config: dict = {
        "title": _(manifest.title, "book:course:title"),
        "author": ", ".join(manifest.authors),
        "copyright": "",
        "logo": "",
        "only_build_toc_files": True,
        "exclude_patterns": ["_build", "**.ipynb_checkpoints", "**/__pycache__"],
        "execute": {
            # off: the stored outputs (kept current by nbval) are the book's outputs
            "execute_notebooks": "force" if force_execute else "off",
            "timeout": 600,
            "allow_errors": False,
            "run_in_temp": False,       # notebooks run in their own folder, like in JupyterLab
            "stderr_output": "show",
        },
        "html": {
            "favicon": FAVICON_NAME,    # without one the browser's /favicon.ico request 404s
            "home_page_in_navbar": True,
            "use_multitoc_numbering": True,
            "use_repository_button": bool(repository),
            "use_issues_button": False,
            "use_edit_page_button": False,
        },
        "launch_buttons": {
            "notebook_interface": launch.get("notebook_interface", "jupyterlab"),
            # Without a repository a launch button would link nowhere: leave them out.
            "binderhub_url": launch.get("binderhub_url", "") if repository else "",
            "jupyterhub_url": launch.get("jupyterhub_url", "") if repository else "",
            "colab_url": "",
            "thebe": False,     # thebe loads its code from a CDN
        },
        "sphinx": {
            "recursive_update": True,   # merge into jupyter-book's settings, do not replace them
            "config": {
                "extensions": sphinx_extensions(),
                # pydata-sphinx-theme logs a console error when no mode is set; light
                # suits the figures (read by its layout.html from html_context)
                "html_context": {"default_mode": "light"},
                # one search box: the sidebar's (on a phone, the page header's button);
                # pydata-sphinx-theme would add a second one to its top bar
                "html_theme_options": {"navbar_persistent": []},
                "nb_mime_priority_overrides": [list(o) for o in MIME_PRIORITY_OVERRIDES],
                "nb_ipywidgets_js": {},         # no require.js / embed-amd.js from CDNs
                "html_show_sourcelink": True,   # _sources/*.ipynb: the download button's target
                "html_copy_source": True,
                "html_extra_path": [EXTRA_DIR],   # our index.html (see redirect_html)
                "language": SPHINX_LANGUAGE[edition],   # zh_CN: Chinese words in the search
                "whygo_edition": edition,               # read by _language_switch
                "whygo_language_switch": switch,
                # Pygments' IPython-traceback lexer stops at full-width punctuation ("：") in a
                # Chinese error message and warns; the output is still shown, unhighlighted.
                "suppress_warnings": ["misc.highlighting_failure"] if edition == "zh" else [],
            },
        },
    }
    if repository:
        # the Chinese book's pages come from zh/: launch buttons open zh/notebooks/...
        config["repository"] = {"url": repository, "path_to_book": ZH_FOLDER if edition == "zh" else "",
                                "branch": launch.get("branch", "main")}
    return config


def redirect_html(root_docname: str) -> str:
    """The site's index.html: a redirect to the course map that also names the icon.

    sphinx_external_toc writes a bare redirect when index.html is missing; the
    browser then asks for /favicon.ico, which does not exist (a 404 in the console).
    """
    return ('<!DOCTYPE html>\n<html><head><meta charset="utf-8"/>\n'
            f'<meta http-equiv="Refresh" content="0; url={root_docname}.html"/>\n'
            f'<link rel="icon" href="_static/{FAVICON_NAME}"/>\n'
            f'<title>Redirecting to {root_docname}.html</title></head>\n'
            f'<body><a href="{root_docname}.html">Open the course</a></body></html>\n')


def sphinx_extensions() -> list[str]:
    """Jupyter Book's extensions without sphinx_thebe, plus this module (see :func:`setup`).

    Thebe is off (it needs a CDN and a Binder), yet sphinx_thebe still writes its
    ``const THEBE_JS_URL`` script into every page, twice in a Jupyter Book build:
    a JavaScript error ("Identifier 'THEBE_JS_URL' has already been declared").
    """
    from jupyter_book.config import get_default_sphinx_config
    return [e for e in get_default_sphinx_config()["extensions"] if e != "sphinx_thebe"] + ["whygo.site"]


# -- Sphinx extension: anchors defined by notebook outputs are link targets -----------------

_HTML_ID = re.compile(r"""<[A-Za-z][^>]*?\sid=["']([^"']+)["']""")


def output_anchors(html: str) -> list[str]:
    """The ``id`` attributes of the elements in an HTML output, in order."""
    return _HTML_ID.findall(html)


def _register_output_anchors(app, doctree) -> None:
    """Sphinx ``doctree-read``: make the ids of a page's HTML outputs MyST link targets.

    ``claims.show(id)`` prints ``<div id="claim-ID">``, and chapter 5 links to it with
    ``[text](01-why-go-is-efficient.ipynb#claim-ID)``. MyST only knows the ids of
    headings (``myst_slugs``), so it warned "local id not found" [myst.xref_missing]
    for every such link, although the built link works. Adding the ids that the
    page's outputs really define makes them resolve like heading anchors; a link to
    an id that no output defines still warns.
    """
    from docutils import nodes
    slugs = app.env.metadata[app.env.docname].setdefault("myst_slugs", {})
    for node in doctree.findall(nodes.raw):
        if "html" in node.get("format", "").split():
            for anchor in output_anchors(node.astext()):
                slugs.setdefault(anchor, (node.line, anchor, anchor))


# A set-up line: blank, a comment, %load_ext / %matplotlib, or an import.
_SETUP_LINE = re.compile(r"\s*(?:$|#|%load_ext\s|%matplotlib\s|import\s|from\s+\S+\s+import\s)")


def is_setup_source(source: str) -> bool:
    """A code cell that only loads extensions and imports modules."""
    return bool(source.strip()) and all(_SETUP_LINE.match(line) for line in source.splitlines())


def _remove_setup_cells(app, doctree) -> None:
    """Sphinx ``doctree-read``: leave out the set-up cells that open a notebook.

    The code cells before the first one that does something (and that printed nothing)
    are set-up: ``%load_ext whygo``, imports. A reader of the book cannot run them, so
    they are noise there; the notebooks keep them. A set-up cell later in a notebook, such
    as the course map's ``%load_ext whygo`` that its text explains, stays.
    """
    from docutils import nodes
    for cell in list(doctree.findall(nodes.container)):
        if cell.get("nb_element") != "cell_code":
            continue
        parts = {child.get("nb_element"): child for child in cell.children}
        source = parts.get("cell_code_source")
        if "cell_code_output" in parts or source is None or not is_setup_source(source.astext()):
            return
        cell.parent.remove(cell)


def switch_href(pagename: str, edition: str) -> str:
    """The same page in the other edition, relative to this page: English pages live at the
    site's root, Chinese ones below zh/ ("notebooks/02-1-gmp-scheduler" on both sides)."""
    up = "../" * pagename.count("/")
    if edition == "en":
        return f"{up}{ZH_FOLDER}/{pagename}.html"
    return f"{up}../{pagename}.html"


def _language_switch(app, pagename, templatename, context, doctree) -> None:
    """Sphinx ``html-page-context``: a link to this page in the other edition, at the top of
    the article, in the other edition's language (a reader looks for their own)."""
    if doctree is None or not app.config.whygo_language_switch:   # no article, or no twin
        return
    edition = app.config.whygo_edition
    other = "zh" if edition == "en" else "en"
    href = switch_href(pagename, edition)
    link = (f'<div class="whygo-lang-switch"><a href="{href}" hreflang="{other}" lang="{other}">'
            f"{SWITCH_TEXT[edition]}</a></div>")
    context["body"] = link + context.get("body", "")
    context["metatags"] = context.get("metatags", "") + (
        f'\n<link rel="alternate" hreflang="{other}" href="{href}" />')


def setup(app) -> dict:
    """Sphinx entry point: the book's _config.yml lists this module as an extension."""
    app.add_config_value("whygo_edition", "en", "html")
    app.add_config_value("whygo_language_switch", False, "html")
    app.connect("doctree-read", _register_output_anchors)
    app.connect("doctree-read", _remove_setup_cells)
    app.connect("html-page-context", _language_switch)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def _write_if_changed(path: Path, text: str) -> None:
    """Rewrite only on change, so Sphinx's incremental build keeps its environment."""
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def _yaml(data: dict) -> str:
    import yaml  # PyYAML comes with jupyter-book
    return "# Generated from book.toml by whygo/site.py: edit book.toml, not this file.\n" + \
        yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def prepare_source(manifest: Manifest | None = None, *, root: Path = ROOT,
                   source_dir: Path = SOURCE_DIR, force_execute: bool = False,
                   edition: str = "en", switch: bool = False) -> Path:
    """Write _config.yml and _toc.yml and link the notebook folders into ``source_dir``.

    ``root`` is where the manifest's notebook paths live (the repository, or a test's tmp).
    """
    manifest = manifest or load_manifest()
    root = Path(root).resolve()
    missing = [e.notebook for e in manifest.entries if not (root / e.notebook).is_file()]
    if missing:
        raise SiteError(f"book.toml lists notebooks that do not exist: {', '.join(missing)}; "
                        "create them or remove their entries")
    source_dir = Path(source_dir)
    source_dir.mkdir(parents=True, exist_ok=True)
    # Link each top-level folder that holds a listed notebook (notebooks/, labs/, ...), plus
    # gocode/ so that a forced execution finds ../gocode as it does in JupyterLab.
    folders = {Path(e.notebook).parts[0] for e in manifest.entries if len(Path(e.notebook).parts) > 1}
    for name in sorted(folders | ({"gocode"} if (root / "gocode").is_dir() else set())):
        link = source_dir / name
        target = root / name
        if link.is_symlink() and Path(os.readlink(link)) == target:
            continue
        if link.is_symlink() or link.is_file():
            link.unlink()
        elif link.is_dir():
            shutil.rmtree(link)
        link.symlink_to(target, target_is_directory=True)
    for e in manifest.entries:  # notebooks at the top level of root are linked one by one
        if len(Path(e.notebook).parts) == 1:
            link = source_dir / e.notebook
            if not link.is_symlink():
                link.symlink_to(root / e.notebook)
    _write_if_changed(source_dir / FAVICON_NAME, FAVICON_SVG)
    (source_dir / STATIC_CSS).parent.mkdir(exist_ok=True)
    _write_if_changed(source_dir / STATIC_CSS, SITE_CSS)
    (source_dir / EXTRA_DIR).mkdir(exist_ok=True)
    _write_if_changed(source_dir / EXTRA_DIR / "index.html",
                      redirect_html(_docname(root_entry(manifest).notebook)))
    _write_if_changed(source_dir / "_config.yml",
                      _yaml(book_config(manifest, force_execute=force_execute, edition=edition,
                                        switch=switch)))
    _write_if_changed(source_dir / "_toc.yml", _yaml(book_toc(manifest)))
    return source_dir


def build(force_execute: bool = False, *, clean: bool = False, manifest: Manifest | None = None,
          root: Path = ROOT, source_dir: Path = SOURCE_DIR, output_dir: Path = OUTPUT_DIR,
          quiet: bool = True, edition: str = "en") -> Path:
    """Build one edition of the book; return the folder holding index.html.

    ``clean`` removes the previous build first (a full build, as the benchmark measures);
    otherwise Sphinx rebuilds only what changed.
    """
    plan = plan_build(force_execute, clean=clean, manifest=manifest, root=root,
                      source_dir=source_dir, output_dir=output_dir, edition=edition)
    return run_build(plan, quiet=quiet)


def plan_build(force_execute: bool = False, *, clean: bool = False, manifest: Manifest | None = None,
                root: Path = ROOT, source_dir: Path = SOURCE_DIR, output_dir: Path = OUTPUT_DIR,
                edition: str = "en", switch: bool = False):
    """Prepare one edition's source; returns the ``jupyter-book build`` to run (``run_build``)."""
    try:
        manifest = manifest or load_manifest()
    except ManifestError as exc:
        raise SiteError(f"cannot build the book: {exc}") from exc
    output_dir = Path(output_dir)
    if clean:
        shutil.rmtree(output_dir, ignore_errors=True)
        shutil.rmtree(source_dir, ignore_errors=True)
    with _edition(edition):
        src = prepare_source(manifest, root=root, source_dir=source_dir, force_execute=force_execute,
                             edition=edition, switch=switch)
    cmd = [sys.executable, "-c", "from jupyter_book.cli.main import main; main()",
           "build", str(src), "--path-output", str(output_dir), "--builder", "html"]
    if force_execute or clean:
        cmd.append("--all")
    env = dict(os.environ, PYTHONUNBUFFERED="1", MPLBACKEND="Agg", WHYGO_LANG=edition)
    return cmd, src, env, output_dir


def run_build(plan, *, quiet: bool = True) -> Path:
    cmd, src, env, output_dir = plan
    got = process.run(cmd, cwd=src, env=env, timeout=BUILD_TIMEOUT_S, cap=256 << 20)
    if got.timed_out:
        raise SiteError(f"jupyter-book build did not finish in {BUILD_TIMEOUT_S} s")
    html = output_dir / "_build" / "html"
    if got.returncode != 0 or not (html / "index.html").is_file():
        tail = "\n".join((got.out + got.err).splitlines()[-40:])
        raise SiteError(f"jupyter-book build failed (exit {got.returncode}); last lines:\n{tail}")
    warnings = [_ANSI.sub("", line) for line in (got.out + got.err).splitlines()
                if "WARNING" in line]
    (output_dir / WARNINGS_FILE).write_text("".join(w + "\n" for w in warnings), encoding="utf-8")
    if not quiet:
        print(got.out, end="")
    return html


def _edition(edition: str):
    """A context running the enclosed code as ``edition`` (the config's words, the toc's)."""
    import contextlib
    from whygo.i18n.edition import chinese
    return chinese() if edition == "zh" else contextlib.nullcontext()


def build_editions(force_execute: bool = False, *, clean: bool = False,
                   manifest: Manifest | None = None, source_dir: Path = SOURCE_DIR,
                   output_dir: Path = OUTPUT_DIR, quiet: bool = True) -> Path:
    """Both editions, side by side (two processes on two cores): the English site, and the
    Chinese one in its ``zh/`` folder. Returns the English html folder."""
    zh_output = Path(str(output_dir) + "-zh")
    zh_source = Path(str(source_dir) + "-zh")
    from concurrent.futures import ThreadPoolExecutor
    try:
        manifest = manifest or load_manifest()
    except ManifestError as exc:
        raise SiteError(f"cannot build the book: {exc}") from exc
    plans = [plan_build(force_execute, clean=clean, manifest=manifest, source_dir=source_dir,
                        output_dir=output_dir, switch=True),
             plan_build(force_execute, clean=clean, manifest=manifest, root=ROOT / ZH_FOLDER,
                        source_dir=zh_source, output_dir=zh_output, edition="zh", switch=True)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        html, zh_html = pool.map(lambda plan: run_build(plan, quiet=quiet), plans)
    target = html / ZH_FOLDER
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(zh_html, target)
    warnings = build_warnings(output_dir) + [f"[zh] {w}" for w in build_warnings(zh_output)]
    (Path(output_dir) / WARNINGS_FILE).write_text("".join(w + "\n" for w in warnings), encoding="utf-8")
    return html


def build_warnings(output_dir: Path = OUTPUT_DIR) -> list[str]:
    """Sphinx's warnings of the last build in ``output_dir`` (a missing image, a bad reference...)."""
    path = Path(output_dir) / WARNINGS_FILE
    return path.read_text(encoding="utf-8").splitlines() if path.is_file() else []


# [launch] keys that `whygo book build` can set for one build (user-facing help texts).
LAUNCH_OPTIONS = {
    "repository": "the course's public git repository, e.g. https://github.com/ORG/whygo-course",
    "branch": "its branch (default: main)",
    "binderhub_url": "a BinderHub, e.g. https://mybinder.org",
    "jupyterhub_url": "your class's JupyterHub, e.g. https://hub.example.edu: its button is an "
                      "nbgitpuller link (the hub needs nbgitpuller)",
    "notebook_interface": "jupyterlab (default) or classic",
}


def main(argv: list[str] | None = None) -> int:
    """`whygo book build [--force-execute] [--clean]` and `whygo book check`."""
    parser = argparse.ArgumentParser(prog="whygo book", description="build or check the course book")
    sub = parser.add_subparsers(dest="action", required=True)
    b = sub.add_parser("build", help="build the static site into build/book/_build/html")
    b.add_argument("--force-execute", action="store_true",
                   help="re-execute every notebook instead of using its stored outputs")
    b.add_argument("--clean", action="store_true", help="remove the previous build first")
    launch = b.add_argument_group(
        "launch buttons", "override book.toml's [launch] for this build; the buttons appear "
        "once a repository is set ('' turns an option off)")
    for option, help_text in LAUNCH_OPTIONS.items():
        launch.add_argument(f"--{option.replace('_', '-')}", dest=option, metavar="URL"
                            if option.endswith(("url", "repository")) else "NAME", help=help_text)
    sub.add_parser("check", help="check the internal links of the built site")
    args = parser.parse_args(argv)
    if args.action == "build":
        start = time.perf_counter()
        overrides = {k: getattr(args, k) for k in LAUNCH_OPTIONS if getattr(args, k) is not None}
        try:
            manifest = with_launch(load_manifest(), **overrides)
            html = build_editions(force_execute=args.force_execute, clean=args.clean, manifest=manifest)
        except (SiteError, ManifestError) as exc:
            print(exc, file=sys.stderr)
            return 1
        for warning in build_warnings():
            print(warning)
        print(f"Built {html / 'index.html'} in {time.perf_counter() - start:.1f} s "
              f"({len(build_warnings())} Sphinx warning(s))")
        return 0
    html = OUTPUT_DIR / "_build" / "html"
    if not (html / "index.html").is_file():
        print(f"{html} has no index.html: run `whygo book build` first", file=sys.stderr)
        return 1
    broken = check_site(html)
    for link in broken:
        print(link)
    print(f"{len(broken)} broken internal link(s) in {html}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
