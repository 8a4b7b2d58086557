"""Text in figures: Chinese draws with real glyphs, is measured and wrapped as it is drawn.

Matplotlib's default font (DejaVu Sans) has no Chinese. The Chinese edition adds Noto Sans
CJK SC, which the course installs itself from PyPI (package ``mplfonts``), as a fallback
after DejaVu Sans: Latin text looks the same in both editions, Chinese text takes the CJK
font, and a stored figure is the same on every machine. Registering the font reads a 16 MB
file (about 2 s), so the English edition, which does not need it, skips it.
"""
from __future__ import annotations

import re
import textwrap
from functools import lru_cache

from whygo.i18n import is_zh
from whygo.report import width as columns   # a Chinese character is two columns

CJK_FONT = "Noto Sans CJK SC"


@lru_cache(maxsize=1)
def cjk_font_file() -> str:
    from importlib.resources import files
    return str(files("mplfonts") / "fonts" / "NotoSansCJKsc-Regular.otf")


def use_edition_font() -> bool:
    """In the Chinese edition, make matplotlib fall back to the CJK font; True if it did."""
    if not is_zh():
        return False
    _register()
    return True


@lru_cache(maxsize=1)
def _register() -> None:
    import logging

    import matplotlib
    from matplotlib import font_manager
    font_manager.fontManager.addfont(cjk_font_file())
    matplotlib.rcParams["font.family"] = ["DejaVu Sans", CJK_FONT]
    # The CJK font has one weight: a bold title draws its Chinese in the regular weight, which
    # matplotlib would announce once per figure ("findfont: Failed to find font weight bold"),
    # on stderr, in a stored output. Latin text in bold keeps DejaVu Sans Bold.
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)


# A token for wrapping Chinese: one CJK character, a run of other non-space characters, or spaces.
_TOKEN = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+|\s+")
_NO_LINE_START = set("，。、；：？！）」』》”’")


def wrap_text(text: str, width: int) -> list[str]:
    """``textwrap.wrap`` for figure captions, also for Chinese, which has no spaces to break at:
    in the Chinese edition a line breaks between any two Chinese characters (not before closing
    punctuation), and a Chinese character counts as two columns, as wide as it is drawn."""
    if not is_zh():
        return textwrap.wrap(text, width)
    lines, line, used = [], "", 0
    for token in _TOKEN.findall(text):
        if token.isspace():
            token = " "
        cols = columns(token)
        if used + cols > width and line.strip() and token != " " and token not in _NO_LINE_START:
            lines.append(line.rstrip())
            line, used = "", 0
        if not line and token == " ":
            continue
        line, used = line + token, used + cols
    if line.strip():
        lines.append(line.rstrip())
    return lines
