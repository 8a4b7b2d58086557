"""Link check of the built book: every internal link must land on a file (and anchor).

``check_site(html_dir)`` reads every ``*.html`` under the site with the
standard library's ``html.parser`` and checks each ``href``/``src``:

* external links (``http:``, ``https:``, ``//host``, ``mailto:``, ``data:``,
  ``javascript:``, ...) are skipped: the check runs offline;
* a relative or site-absolute path must resolve to a file inside the site
  (a folder means its ``index.html``); the query string is ignored;
* a ``#fragment`` pointing into an HTML page must match an ``id`` (or an
  ``<a name>``) in that page. A bare ``#`` is a script hook, not a target;
* the theme's template copies under ``_static/`` and the sources under
  ``_sources/`` are not pages and are not read (links into them are checked).

It returns the broken links, each with the page it is on, so a test can print
them all at once.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

# Folders of a Sphinx build that hold copies, not pages: the themes ship Jinja
# templates as _static/*.html, and _sources/ holds the downloadable sources.
NOT_PAGES = ("_static", "_sources")


def _is_link(tag: str, attr: str) -> bool:
    """Attributes that name another resource: href/src anywhere, and two tag-specific ones."""
    if attr == "data":
        return tag == "object"
    if attr == "poster":
        return tag == "video"
    return attr in ("href", "src", "xlink:href")


class LinkCheckError(ValueError):
    """The folder given is not a built site; the message says what to pass."""


@dataclass(frozen=True)
class BrokenLink:
    page: str      # the page the link is on, relative to the site root
    url: str       # the link as written
    reason: str    # "no such file" | "outside the site" | "no anchor #x in y"

    def __str__(self) -> str:
        return f"{self.page}: {self.url} ({self.reason})"


class _PageParser(HTMLParser):
    """Collects the links and the anchor targets (id / a name) of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.anchors: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if _is_link(tag, name):
                self.links.append(value.strip())
            elif name == "id" or (name == "name" and tag == "a"):
                self.anchors.add(value)

    handle_startendtag = handle_starttag


def _parse(path: Path) -> _PageParser:
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    parser.close()
    return parser


def is_external(url: str) -> bool:
    """True for links the offline check leaves alone: any scheme (http:, mailto:, data:...) or //host."""
    return url.startswith("//") or bool(urlsplit(url).scheme)


def check_site(html_dir: Path | str, *, check_anchors: bool = True) -> list[BrokenLink]:
    """All broken internal links of the site in ``html_dir``, in page order."""
    site = Path(html_dir).resolve()
    if not site.is_dir():
        raise LinkCheckError(f"{site} is not a folder: pass the built site (the folder with index.html)")
    pages = sorted(p for p in site.rglob("*.html")
                   if not set(p.relative_to(site).parts) & set(NOT_PAGES))   # zh/_static too
    if not pages:
        raise LinkCheckError(f"{site} holds no .html pages: build the book first (whygo book build)")
    parsed: dict[Path, _PageParser] = {}

    def page(path: Path) -> _PageParser:
        if path not in parsed:
            parsed[path] = _parse(path)
        return parsed[path]

    broken: list[BrokenLink] = []
    for path in pages:
        rel_page = path.relative_to(site).as_posix()
        for url in page(path).links:
            if not url or is_external(url):
                continue
            parts = urlsplit(url)
            target_path = unquote(parts.path)
            if not target_path:                       # "#frag" or "?q": this very page
                target = path
            else:
                # relative to the site root: "/x" from the root, "x" from the page's folder
                base = "" if target_path.startswith("/") else posixpath.dirname(rel_page)
                joined = posixpath.normpath(posixpath.join(base, target_path.lstrip("/")))
                if joined == ".." or joined.startswith("../"):
                    broken.append(BrokenLink(rel_page, url, "outside the site"))
                    continue
                target = site / joined
                if target.is_dir():
                    target = target / "index.html"
            if not target.is_file():
                broken.append(BrokenLink(rel_page, url, "no such file"))
                continue
            fragment = unquote(parts.fragment)
            if check_anchors and fragment and target.suffix == ".html" and \
                    fragment not in page(target).anchors:
                broken.append(BrokenLink(rel_page, url,
                                         f"no anchor #{fragment} in {target.relative_to(site).as_posix()}"))
    return broken
