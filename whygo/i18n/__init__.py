"""The course's two editions, English and 简体中文: which one is running, and its words.

Every sentence a learner reads has one source, in English, and a Chinese
translation beside it in a gettext catalog (``whygo/locale/zh/``, the
format translators' tools know: Poedit, Weblate, Lokalize). Three kinds of
text are catalogued (see ``whygo.i18n.catalog`` for how they are extracted):

* sentences in the package's code, written ``_("...")`` where they are shown
  (``N_("...")`` marks a constant that is translated later, where it is used), and
  in the notebooks' code cells, written ``tr("...")`` (IPython keeps ``_`` for the
  last result);
* data the course keeps as text: the claims registry, book.toml, the glossary;
* the notebooks' Markdown cells, one catalog per notebook, keyed by cell id.

An entry whose English changed after it was translated is *stale* (gettext's
"fuzzy"): it is not used, the English shows instead, and ``whygo i18n
status`` lists it, as it lists what has no translation yet; a test fails on
either. The edition is chosen by the environment variable ``WHYGO_LANG``
(``en`` or ``zh``), which the Chinese edition's kernels set: the notebooks'
code cells are the same in both editions, only the kernel differs.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

LANGS = ("en", "zh")
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
ENV = "WHYGO_LANG"


def lang() -> str:
    """The running edition: "zh" when WHYGO_LANG says Chinese (zh, zh_CN, zh-Hans...), else "en"."""
    value = os.environ.get(ENV, "").strip().lower()
    return "zh" if value.startswith("zh") else "en"


def is_zh() -> bool:
    return lang() == "zh"


@lru_cache(maxsize=None)
def translations(language: str = "zh") -> dict[tuple[str | None, str], str]:
    """(context, English) -> translation, for every usable entry of every catalog: translated
    and not stale. (A notebook's Markdown entries are keyed by cell id; no call asks for them.)"""
    import polib  # only the Chinese edition parses catalogs
    found: dict[tuple[str | None, str], str] = {}
    for path in sorted((LOCALE_DIR / language).rglob("*.po")):
        for entry in polib.pofile(str(path)):
            if entry.msgstr and not entry.fuzzy and not entry.obsolete:
                found[(entry.msgctxt, entry.msgid)] = entry.msgstr
    return found


def _(message: str, context: str | None = None) -> str:
    """``message`` in the running edition (English when it has no usable translation).

    Write the English in the call itself, ``_("Verdict")``, so that the extractor finds
    it; placeholders are ``{name}``, filled after translation: ``_("{n} checks").format(n=3)``."""
    if lang() == "en":
        return message
    return translations("zh").get((context, message), message)


tr = _   # the name notebooks use: in IPython, ``_`` is the last result


def N_(message: str) -> str:
    """Marks ``message`` for the catalog without translating it now (a constant translated
    where it is shown, with ``_(CONSTANT)``)."""
    return message


# Punctuation between pieces that no one message holds (a label and its text, a title and a
# note in parentheses, the items of a list): the Chinese edition writes it full-width, with
# no space around it; items of a list are joined with the enumeration comma "、".
_FULL_WIDTH = {":": "：", ": ": "：", " (": "（", "(": "（", ")": "）", " ": "", "; ": "；", ", ": "、"}


def punct(mark: str) -> str:
    """``mark`` (":", ": ", " (", ")", the " " after a label, "; " between notes, ", " between
    the items of a list) as the running edition writes it."""
    return _FULL_WIDTH[mark] if is_zh() else mark


def pick(en: str, zh: str) -> str:
    """One of two texts that are not catalogue messages (e.g. a font name, a URL path)."""
    return zh if is_zh() else en
