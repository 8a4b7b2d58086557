"""The Chinese edition's catalogs: what is extracted into them, kept in step, and counted.

One gettext catalog per source of text, under ``whygo/locale/zh/``:

==========================  ==============================================  =================
catalog                     entries (English msgid)                         key (msgctxt)
==========================  ==============================================  =================
``code/AREA.po``            ``_("...")`` / ``N_("...")`` in the package,    none (or the
                            one catalog per subpackage or top-level         call's second
                            module (``code/sched.po``, ``code/claims.po``)  argument)
``course.po``               book.toml's titles, summaries, objectives;      ``book:…``,
                            the glossary's meanings                         ``glossary:…``
``claims.po``               each claim's English rendering and its why      ``CLAIM-ID:en|why``
``notebooks/NAME.po``       each Markdown cell of a chapter, then the       the cell's id;
                            ``tr("...")`` strings of its code cells         none for code
``labs/NAME.po``            the same for a lab
==========================  ==============================================  =================

Why gettext and not a keyed table of our own: translators' tools read it, a
change in the English is recorded with the old text beside the translation
(``#| msgid``, flagged fuzzy), and Sphinx and Babel speak it too. Why one
entry per Markdown cell, keyed by the cell's id: a cell is the unit a
translator reads in context and the unit the Chinese notebook is built from;
its id survives edits, so a changed cell becomes *stale* rather than lost.

``update()`` rewrites every catalog from the current English, keeping each
translation: an entry whose English changed keeps its translation, marked
stale, with the English it was written for; a message that moved to another catalog
(code moved between modules) takes its translation along. ``status()`` counts what is
translated, missing and stale per catalog. Cells written by code (the course
map's table of contents, chapter 5's table: ``whygo.generated``) are not
catalogued: the Chinese edition runs their writer in Chinese.
"""
from __future__ import annotations

import ast
import difflib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from whygo.i18n import LOCALE_DIR

PACKAGE = Path(__file__).resolve().parent.parent
ROOT = PACKAGE.parent
LANGUAGE = "zh"
HEADER = {
    "Project-Id-Version": "whygo course",
    "Language": "zh_CN",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=1; plural=0;",
}
# A placeholder the code fills after translation ("{n} checks"): a translation must keep each one.
PLACEHOLDER = re.compile(r"\{[a-z_][a-z0-9_]*(?:![rs])?(?::[^{}]*)?\}")


@dataclass(frozen=True)
class Message:
    """One English text to translate: its key (None for a code string), where it comes from."""
    context: str | None
    msgid: str
    where: str = ""


@dataclass
class Coverage:
    catalog: str            # path relative to the locale folder, e.g. "notebooks/02-1-gmp-scheduler.po"
    total: int
    translated: int
    missing: list[str]      # the keys (or first words) of entries with no translation
    stale: list[str]        # ... of entries whose English changed after translation

    @property
    def done(self) -> bool:
        return not self.missing and not self.stale


# ---- extraction ------------------------------------------------------------------------------

def code_messages(package: Path = PACKAGE) -> list[Message]:
    """Every ``_("...")`` and ``N_("...")`` with a literal argument in the package's code, in
    file order (the locale and i18n code itself excepted). A second literal argument of ``_``
    is the message's context."""
    found: dict[tuple[str | None, str], Message] = {}
    for path in sorted(package.rglob("*.py")):
        if "i18n" in path.relative_to(package).parts:
            continue
        # The file only, not the line: a catalog should not change when code above a
        # message moves (the message's place in the file keeps the catalog's order).
        for context, msgid, _line in calls_in(path.read_text(encoding="utf-8"), ("_", "N_", "tr")):
            where = f"{path.relative_to(package.parent)}"
            found.setdefault((context, msgid), Message(context, msgid, where))
    return list(found.values())


def area_of(where: str) -> str:
    """The code catalog of a message found in ``where`` ("whygo/sched/model.py" -> "sched")."""
    parts = Path(where).parts
    inside = parts[parts.index("whygo") + 1:] if "whygo" in parts else parts
    return inside[0] if len(inside) > 1 else Path(inside[0]).stem


def cell_code(source: str) -> str:
    """A code cell as Python: IPython magics and shell lines blanked (a %%go cell is Go: empty)."""
    if source.lstrip().startswith("%%"):
        return ""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def calls_in(code: str, names: tuple[str, ...]) -> list[tuple[str | None, str, int]]:
    """(context, English, line) of each call ``name("literal"[, "context"])`` in ``code``."""
    found = []
    for node in ast.walk(ast.parse(code)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in names and node.args):
            continue
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            context = None
            if len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                context = node.args[1].value
            found.append((context, first.value, node.lineno))
    return sorted(found, key=lambda f: f[2])


def data_messages() -> list[Message]:
    """The course's data that a learner reads: book.toml and the glossary."""
    from whygo.book import load_manifest
    from whygo.glossary import TERMS
    manifest = load_manifest()
    out = [Message("book:course:title", manifest.title, "book.toml"),
           Message("book:course:description", manifest.description, "book.toml")]
    for entry in manifest.entries:
        out.append(Message(f"book:{entry.id}:title", entry.title, "book.toml"))
        if entry.summary:
            out.append(Message(f"book:{entry.id}:summary", entry.summary, "book.toml"))
        for i, objective in enumerate(entry.objectives, 1):
            out.append(Message(f"book:{entry.id}:objective{i}", objective, "book.toml"))
    for term, _zh, meaning in TERMS:
        out.append(Message(f"glossary:{term}", meaning, "whygo/glossary.py"))
    return out


def claim_messages() -> list[Message]:
    from whygo.claims import CLAIMS
    out = []
    for c in CLAIMS:
        out.append(Message(f"{c.id}:en", c.en, f"claim {c.id}"))
        out.append(Message(f"{c.id}:why", c.why, f"claim {c.id}"))
    return out


def notebook_messages(path: Path) -> list[Message]:
    """One message per Markdown cell of the notebook (cells written by code left out), then
    each ``tr("...")`` of its code cells (what a code cell prints for the reader to read)."""
    from whygo.generated import is_generated
    nb = json.loads(path.read_text(encoding="utf-8"))
    where = f"{path.relative_to(ROOT)}"
    out, code = [], {}
    python = nb["metadata"].get("kernelspec", {}).get("language", "python") == "python"
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and python:
            for context, msgid, _line in calls_in(cell_code(source), ("tr",)):
                code.setdefault((context, msgid), Message(context, msgid, f"{where} {cell['id']}"))
        elif cell["cell_type"] == "markdown" and source.strip() and not is_generated(source):
            out.append(Message(cell["id"], source, where))
    return out + list(code.values())


def course_notebooks() -> list[Path]:
    """The English notebooks of the course, chapters then labs (book.toml's order)."""
    from whygo.book import load_manifest
    return [entry.path for entry in load_manifest().entries]


def catalog_name(notebook: Path) -> str:
    """The catalog of an English notebook: notebooks/X.ipynb -> notebooks/X.po."""
    rel = notebook.resolve().relative_to(ROOT)
    return str(rel.with_suffix(".po"))


def all_messages() -> dict[str, list[Message]]:
    """Catalog name -> the messages it must hold, now."""
    catalogs: dict[str, list[Message]] = {}
    for message in code_messages():
        catalogs.setdefault(f"code/{area_of(message.where)}.po", []).append(message)
    catalogs["course.po"] = data_messages()
    catalogs["claims.po"] = claim_messages()
    for notebook in course_notebooks():
        catalogs[catalog_name(notebook)] = notebook_messages(notebook)
    return catalogs


# ---- keeping catalogs in step -----------------------------------------------------------------

def catalog_path(name: str, language: str = LANGUAGE) -> Path:
    return LOCALE_DIR / language / name


def memory(language: str = LANGUAGE) -> dict[tuple[str | None, str], str]:
    """Every current translation in every catalog: (context, English) -> Chinese."""
    import polib
    found = {}
    for path in sorted((LOCALE_DIR / language).rglob("*.po")):
        for e in polib.pofile(str(path), wrapwidth=0):
            if e.msgstr and not e.fuzzy and not e.obsolete:
                found.setdefault((e.msgctxt, e.msgid), e.msgstr)
    return found


def merge(messages: list[Message], old, known: dict | None = None) -> "polib.POFile":
    """A catalog holding ``messages``, with the translations of ``old`` (a polib.POFile or None).

    An entry found by its key (context) whose English changed keeps its translation, flagged
    fuzzy (stale), with the English it was written for as ``previous_msgid``. A message without
    a key that is new takes the translation of the closest removed English, flagged fuzzy."""
    import polib
    new = polib.POFile(wrapwidth=0)
    new.metadata = dict(HEADER)
    old_entries = [e for e in (old or []) if not e.obsolete]
    exact = {(e.msgctxt, e.msgid): e for e in old_entries}
    by_context = {e.msgctxt: e for e in old_entries if e.msgctxt is not None}
    used: set[int] = set()
    pending: list[tuple[polib.POEntry, Message]] = []
    for message in messages:
        entry = polib.POEntry(msgctxt=message.context, msgid=message.msgid, msgstr="",
                              occurrences=[(message.where, "")] if message.where else [])
        before = exact.get((message.context, message.msgid))
        if before is None and message.context is not None:
            before = by_context.get(message.context)
        if before is not None:
            used.add(id(before))
            entry.msgstr = before.msgstr
            if before.msgid != message.msgid or before.fuzzy:
                if entry.msgstr:
                    entry.flags.append("fuzzy")
                entry.previous_msgid = before.previous_msgid or before.msgid
                if before.msgid == message.msgid and not before.previous_msgid:
                    entry.previous_msgid = None
        elif known and (message.context, message.msgid) in known:
            entry.msgstr = known[(message.context, message.msgid)]    # moved from another catalog
        elif message.context is None:
            pending.append((entry, message))
        new.append(entry)
    leftovers = [e for e in old_entries if id(e) not in used and e.msgstr and e.msgctxt is None]
    for entry, message in pending:
        best, ratio = None, 0.75
        for candidate in leftovers:
            r = difflib.SequenceMatcher(None, candidate.msgid, message.msgid).ratio()
            if r > ratio:
                best, ratio = candidate, r
        if best is not None:
            leftovers.remove(best)
            entry.msgstr = best.msgstr
            entry.previous_msgid = best.msgid
            entry.flags.append("fuzzy")
    return new


def update(language: str = LANGUAGE) -> list[str]:
    """Rewrite every catalog from the current English; returns the catalogs that changed."""
    import polib
    changed = []
    known = memory(language)
    wanted = all_messages()
    for name, messages in wanted.items():
        path = catalog_path(name, language)
        old = polib.pofile(str(path), wrapwidth=0) if path.is_file() else None
        text = merged_text(messages, old, known)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            changed.append(name)
    for path in sorted((LOCALE_DIR / language).rglob("*.po")):    # catalogs nothing feeds now
        name = path.relative_to(LOCALE_DIR / language).as_posix()
        if name not in wanted:
            path.unlink()
            changed.append(f"{name} (removed)")
    return changed


def merged_text(messages: list[Message], old, known: dict | None = None) -> str:
    return str(merge(messages, old, known)).rstrip("\n") + "\n"


def status(language: str = LANGUAGE) -> list[Coverage]:
    """Coverage of each catalog, measured against the current English (not only the file:
    a catalog that was not updated after an edit counts the edit as missing or stale)."""
    import polib
    out = []
    for name, messages in all_messages().items():
        path = catalog_path(name, language)
        old = polib.pofile(str(path), wrapwidth=0) if path.is_file() else None
        merged = merge(messages, old)
        missing = [_label(e) for e in merged if not e.msgstr]
        stale = [_label(e) for e in merged if e.msgstr and e.fuzzy]
        out.append(Coverage(name, len(merged), len(merged) - len(missing) - len(stale), missing, stale))
    return out


def _label(entry) -> str:
    words = " ".join(entry.msgid.split())
    return f"[{entry.msgctxt}] {words[:60]}" if entry.msgctxt else words[:70]


def placeholder_errors(language: str = LANGUAGE) -> list[str]:
    """Translations that drop or add a {placeholder} the code fills."""
    import polib
    errors = []
    for path in sorted((LOCALE_DIR / language).rglob("*.po")):
        name = path.relative_to(LOCALE_DIR / language).as_posix()
        is_markdown = name.startswith(("notebooks/", "labs/"))
        for e in polib.pofile(str(path)):
            if is_markdown and e.msgctxt is not None:
                continue       # a Markdown cell: braces there are text or code, not placeholders
            if e.msgstr and sorted(PLACEHOLDER.findall(e.msgid)) != sorted(PLACEHOLDER.findall(e.msgstr)):
                errors.append(f"{name}: {_label(e)}: placeholders {PLACEHOLDER.findall(e.msgid)} "
                              f"vs {PLACEHOLDER.findall(e.msgstr)}")
    return errors


def notebook_translations(notebook: Path, language: str = LANGUAGE) -> dict[str, str]:
    """cell id -> the Chinese Markdown of that cell, for entries that are translated and
    current (a stale one is left out: the English shows until it is brought up to date)."""
    import polib
    path = catalog_path(catalog_name(notebook), language)
    if not path.is_file():
        return {}
    current = {m.context: m.msgid for m in notebook_messages(notebook) if m.context is not None}
    return {e.msgctxt: e.msgstr for e in polib.pofile(str(path))
            if e.msgstr and not e.fuzzy and current.get(e.msgctxt) == e.msgid}


def report(coverages: list[Coverage], *, verbose: bool = True) -> str:
    """``whygo i18n status``: one line per catalog, then what is missing or stale."""
    lines = []
    width = max(len(c.catalog) for c in coverages)
    total = sum(c.total for c in coverages)
    done = sum(c.translated for c in coverages)
    for c in coverages:
        pct = 100 * c.translated // c.total if c.total else 100
        lines.append(f"{c.catalog:<{width}}  {c.translated:>4}/{c.total:<4} {pct:>3}%"
                     f"  missing {len(c.missing):>3}  stale {len(c.stale):>3}")
    lines.append(f"{'all':<{width}}  {done:>4}/{total:<4} {100 * done // max(total, 1):>3}%")
    if verbose:
        for c in coverages:
            for label in c.stale:
                lines.append(f"stale    {c.catalog}: {label}")
            for label in c.missing:
                lines.append(f"missing  {c.catalog}: {label}")
    return "\n".join(lines)


# ---- translating -----------------------------------------------------------------------------

# What a translation of Markdown must keep as it is: link targets, inline anchors and ids,
# fenced code blocks, inline code and HTML tags' names. (Words are translated; these are not.)
_LINK_TARGET = re.compile(r"\]\(([^)\s]+)[^)]*\)")
_ID = re.compile(r"""\b(?:id|href|src)=["']([^"']+)["']""")
_FENCE = re.compile(r"^\s*(```|~~~)", re.M)
_CODE = re.compile(r"`([^`]+)`")   # a code span may wrap onto the next line
# "**用时：**约": CommonMark does not close ** after punctuation when a letter follows, so the
# asterisks would show. Write "**用时**：约" instead. Found by rendering, as JupyterLab would.
def _unclosed_emphasis(text: str) -> list[str]:
    from markdown_it import MarkdownIt   # comes with MyST (Jupyter Book)
    html_text = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    html_text = re.sub(r"<code>.*?</code>|<pre>.*?</pre>", "", html_text, flags=re.S)
    return re.findall(r".{0,12}\*\*.{0,12}", html_text)


def structure(text: str) -> dict[str, list[str]]:
    return {"link targets": sorted(_LINK_TARGET.findall(text)),
            "ids and hrefs": sorted(_ID.findall(text)),
            "code fences": _FENCE.findall(text),
            "inline code": sorted({" ".join(code.split()) for code in _CODE.findall(text)})}


def structure_errors(language: str = LANGUAGE) -> list[str]:
    """Translated Markdown cells whose links, ids, code fences or inline code differ from
    the English: a link that a translation changed would break in one edition only. Inline
    code may be added to a translation (a term kept in English) but not dropped."""
    import polib
    errors = []
    for notebook in course_notebooks():
        name = catalog_name(notebook)
        path = catalog_path(name, language)
        if not path.is_file():
            continue
        for e in polib.pofile(str(path)):
            if not e.msgstr:
                continue
            en, zh = structure(e.msgid), structure(e.msgstr)
            for what in ("link targets", "ids and hrefs", "code fences"):
                if en[what] != zh[what]:
                    errors.append(f"{name} [{e.msgctxt}]: {what} differ: {en[what]} vs {zh[what]}")
            if not _unclosed_emphasis(e.msgid):
                for bold in _unclosed_emphasis(e.msgstr):
                    errors.append(f"{name} [{e.msgctxt}]: ** that Markdown shows as text: {bold!r}; "
                                  "put punctuation after the closing ** (\"**用时**：\")")
            lost = set(en["inline code"]) - set(zh["inline code"])
            if lost:
                errors.append(f"{name} [{e.msgctxt}]: inline code dropped: {sorted(lost)}")
    return errors


def fill(name: str, translations: dict[str, str], language: str = LANGUAGE) -> int:
    """Write translations into catalog ``name`` ("notebooks/02-1-gmp-scheduler.po"), keyed
    by context (a cell id, "claim-id:why") or, for an entry without one, by its English.
    A filled entry is no longer stale. Returns how many entries were filled; an unknown key
    is an error (a typo would otherwise be lost silently)."""
    import polib
    path = catalog_path(name, language)
    po = polib.pofile(str(path), wrapwidth=0)
    index: dict[str, object] = {}
    for e in po:
        key = e.msgctxt if e.msgctxt is not None else e.msgid
        if key in index:
            raise KeyError(f"{name}: two entries answer to {key!r}: give each its own context")
        index[key] = e
    unknown = sorted(set(translations) - set(index))
    if unknown:
        raise KeyError(f"{name}: no entry for {unknown[:5]}")
    for key, text in translations.items():
        entry = index[key]
        entry.msgstr = text
        if entry.fuzzy:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = None
    path.write_text(str(po).rstrip("\n") + "\n", encoding="utf-8")
    return len(translations)
