"""The font of the figures: Chinese text in the Chinese edition draws with real glyphs.

Matplotlib's default font (DejaVu Sans) has no Chinese. The Chinese edition adds Noto Sans
CJK SC, which the course installs itself from PyPI (package ``mplfonts``), as a fallback
after DejaVu Sans: Latin text looks the same in both editions, Chinese text takes the CJK
font, and a stored figure is the same on every machine. Registering the font reads a 16 MB
file (about 2 s), so the English edition, which does not need it, skips it.
"""
from __future__ import annotations

from functools import lru_cache

from whygo.i18n import is_zh

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
