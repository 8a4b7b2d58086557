"""The vector animation player: frames as data, drawn as SVG by one small script.

A view turns each model snapshot into a *frame*: a few *cards* (one per P, the
global queue, one heap graph...), each a list of drawing primitives in its own
pixel coordinates, plus a caption and the rule that fired. The same script,
``player.js`` (package data, no network, no CDN), draws the frames in the
live notebook and on the static website: the player's output is one
``text/html`` block carrying the script, the styles and the frames as JSON.

Why no widget: every frame is computed before it is shown (scenarios are
precomputed too), so the kernel has nothing to do once the cell has run. One
HTML face means the website and JupyterLab show the same player, and nothing
is stored twice (ipywidgets would also store its state in the notebook).

First open: JupyterLab strips scripts from untrusted notebooks, so the block
also carries the first frame as a plain SVG image (``<img src="data:...">``),
drawn here in Python from the same primitives, which the script replaces
when it runs. The output is deterministic: the same frames give the same bytes.

Primitives (all sizes in CSS px, every text at least 12 px):

* ``["r", x, y, w, h, cls]``          rectangle (rounded), style by CSS class
* ``["t", x, y, text, cls]``          text (left-aligned; class ``c`` centres it, ``e`` right-aligns)
* ``["g", x, y, label, state, mark]`` a goroutine token 40x24 at (x, y): colour by state
  (running, runnable, waiting, syscall), ``mark`` "to" (moved here this step),
  "from" (a ghost where it was) or ""
* ``["l", x1, y1, x2, y2, cls]``      a line; class ``arr`` adds an arrowhead
* ``["p", d, cls]``                   an SVG path
* ``["c", cx, cy, r, cls, label]``    a circle with a centred label
* ``["q", x, y, n, cols, dx, dy]``    n empty token slots in rows of ``cols``, dx/dy apart
  (drawn behind the tokens: a queue's capacity costs one primitive, not one per slot)
* ``["b", x, y, cw, ch, codes]``      a row of cells cw x ch, one per character of ``codes``
  (class ``a<code>``): a bitmap of slots in a few bytes
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Sequence

from whygo.i18n import N_, _, punct

HERE = Path(__file__).resolve().parent
TOKEN_W, TOKEN_H = 40, 24
FALLBACK_WIDTH = 880      # the first-frame image lays its cards out in rows this wide
GAP = 10                  # between cards, in the page (player.css) and in the image

Card = dict      # {"w": int, "h": int, "p": [primitive, ...]}
Frame = dict     # {"cards": [Card, ...], "cap": html str, "rule": html str}


class PlayerError(ValueError):
    """Frames a player cannot show; the message says what to pass instead."""


@lru_cache(maxsize=None)
def asset(name: str) -> str:
    """player.js or player.css, read once."""
    return (HERE / name).read_text(encoding="utf-8")


# The words the script shows on its buttons and tooltips. player.js writes each as
# "{{English}}" inside a string literal (JS escapes allowed: a tooltip names its key, and
# its parentheses are the language's own, so the whole tooltip is one message);
# ``script()`` fills in the running edition's words, so the English script comes out
# exactly as it reads, and the Chinese one speaks Chinese.
SCRIPT_WORDS = (N_("step"), N_("play"), N_("pause"), N_("step back (\u2190)"), N_("step forward (\u2192)"),
                N_("play / pause (space)"), N_("speed"), N_("frame"))
_WORD = re.compile(r"\{\{([^{}]+)\}\}")


def script() -> str:
    """player.js with its {{words}} in the running edition (a JS string literal's content)."""
    def word(m: re.Match) -> str:
        english = json.loads(f'"{m.group(1)}"')   # the literal's escapes (\u2190) read as JS reads them
        if english not in SCRIPT_WORDS:
            raise PlayerError(f"player.js shows {english!r}, which SCRIPT_WORDS does not list")
        shown = _(english)
        return m.group(1) if shown == english else json.dumps(shown, ensure_ascii=False)[1:-1]
    return _WORD.sub(word, asset("player.js"))


_CODE = re.compile(r"`([^`]+)`")


def caption_html(text: str) -> str:
    """A caption as HTML: escaped, and `code` spans as <code> (no raw backticks)."""
    return _CODE.sub(r"<code>\1</code>", html.escape(text or "", quote=False)).replace("\n", "<br>")


def card(w: float, h: float, prims: list) -> Card:
    return {"w": round(w), "h": round(h), "p": prims}


def frame(cards: Sequence[Card], caption: str = "", rule: str = "") -> Frame:
    return {"cards": list(cards), "cap": caption_html(caption), "rule": caption_html(rule)}


@dataclass
class ScenePlayer:
    """Frames (or several named tracks of frames) with a title, a legend and a selector label.

    ``tracks``: {name: [frame, ...]}; one unnamed track ("") shows no selector.
    ``select``: what the selector chooses ("scenario", "barrier", "GOMAXPROCS").
    ``legend``: [(label, css class), ...] swatches shown once under the title.
    The legend's labels and ``select`` are catalogue messages (marked ``N_`` where a view
    writes them) shown in the running edition; ``title`` is shown as given.
    """
    tracks: Mapping[str, Sequence[Frame]]
    title: str = ""
    legend: Sequence[tuple[str, str]] = ()
    select: str = N_("scenario")
    interval_ms: int = 900

    def __post_init__(self) -> None:
        if not self.tracks:
            raise PlayerError("no tracks to play: give {name: [frame, ...]}")
        for name, frames in self.tracks.items():
            if not frames:
                raise PlayerError(f"track {name!r} has no frames")

    def data(self) -> dict:
        return {"tracks": [{"name": n, "frames": steady(f)} for n, f in self.tracks.items()],
                "select": _(self.select), "interval": self.interval_ms}

    def html(self) -> str:
        return player_html(self)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": repr(self), "text/html": self.html()}

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name or 'frames'}: {len(f)}" for name, f in self.tracks.items())
        return f"Player({self.title!r}, {sizes})"


def steady(frames: Sequence[Frame]) -> list[Frame]:
    """The frames with card k the same size in every frame (the largest), so the player never
    changes size while a track plays. All frames of a track must have the same number of cards."""
    counts = {len(f["cards"]) for f in frames}
    if len(counts) != 1:
        raise PlayerError(f"frames of one track have {sorted(counts)} cards; give every frame "
                          "the same cards (an empty card is fine)")
    n = counts.pop()
    w = [max(f["cards"][k]["w"] for f in frames) for k in range(n)]
    h = [max(f["cards"][k]["h"] for f in frames) for k in range(n)]
    return [dict(f, cards=[dict(c, w=w[k], h=h[k]) for k, c in enumerate(f["cards"])]) for f in frames]


def legend_html(legend: Sequence[tuple[str, str]]) -> str:
    items = []
    for label, cls in legend:
        items.append(f'<span class="whygo-sp-key"><svg class="whygo-svg" width="22" height="16" aria-hidden="true">'
                     f'<rect x="1" y="1" width="20" height="14" rx="4" class="{cls}"/></svg>'
                     f'{html.escape(_(label))}</span>')
    # " · " between keys for an untrusted notebook, whose styles are stripped (hidden otherwise)
    return '<span class="whygo-sp-sep"> · </span>'.join(items)


def player_html(player: ScenePlayer) -> str:
    """The player as one self-contained HTML block (the script runs once per block)."""
    data = json.dumps(player.data(), separators=(",", ":"), ensure_ascii=False).replace("</", "<\\/")
    uid = "whygo-" + hashlib.sha1((player.title + data).encode()).hexdigest()[:12]
    first_track = next(iter(player.tracks.values()))
    first = first_track[0]
    names = [n for n in player.tracks if n]
    modes = ""
    if names:
        # Without the script (untrusted notebook) the choices are listed as text.
        modes = (f'<div class="whygo-sp-modes"><span class="whygo-sp-choices">{html.escape(_(player.select))}{punct(": ")}'
                 + " · ".join(html.escape(n) for n in names) + "</span></div>")
    title = f'<div class="whygo-sp-title">{html.escape(player.title)}</div>' if player.title else ""
    legend = f'<div class="whygo-sp-legend">{legend_html(player.legend)}</div>' if player.legend else ""
    image = base64.b64encode(frame_svg(first, FALLBACK_WIDTH).encode()).decode("ascii")
    return (f'<div class="whygo-sp whygo-player" id="{uid}" tabindex="0" data-lm-suppress-shortcuts="true">'
            f"<style>{asset('player.css')}</style>"
            f"{title}{modes}{legend}"
            f'<div class="whygo-sp-stage"><img class="whygo-sp-first" alt="{html.escape(_("first frame"))}" '
            f'src="data:image/svg+xml;base64,{image}"/></div>'
            f'<div class="whygo-sp-rule">{first["rule"]}</div>'
            f'<div class="whygo-sp-caption">{first["cap"]}</div>'
            f'<script type="application/json" class="whygo-sp-data">{data}</script>'
            f"<script>{script()}\nwhygoPlayer.mount((document.currentScript && document.currentScript.parentNode) || document.getElementById({json.dumps(uid)}));"
            f"</script></div>")


# ----- the first frame in Python (the image shown before any script runs) -------------------
def _esc(text: str) -> str:
    return html.escape(str(text), quote=True)


def card_svg_body(c: Card) -> str:
    out = []
    for prim in c["p"]:
        kind = prim[0]
        if kind == "r":
            _, x, y, w, h, cls = prim
            out.append(f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="5" class="{cls}"/>')
        elif kind == "t":
            _, x, y, text, cls = prim
            out.append(f'<text x="{x}" y="{y}" class="{cls}">{_esc(text)}</text>')
        elif kind == "g":
            _, x, y, label, state, mark = prim
            out.append(f'<g class="tok {state} {mark}"><rect x="{x}" y="{y}" width="{TOKEN_W}" '
                       f'height="{TOKEN_H}" rx="12"/><text x="{x + TOKEN_W / 2}" y="{y + 17}">'
                       f"{_esc(label)}</text></g>")
        elif kind == "l":
            _, x1, y1, x2, y2, cls = prim
            out.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" class="{cls}"/>')
        elif kind == "p":
            _, d, cls = prim
            out.append(f'<path d="{d}" class="{cls}"/>')
        elif kind == "c":
            _, cx, cy, r, cls, label = prim
            out.append(f'<g class="{cls}"><circle cx="{cx}" cy="{cy}" r="{r}"/>'
                       f'<text x="{cx}" y="{cy + 5}" class="c">{_esc(label)}</text></g>')
        elif kind == "q":
            _, x, y, n, cols, dx, dy = prim
            out += [f'<rect x="{x + (k % cols) * dx}" y="{y + (k // cols) * dy}" width="{TOKEN_W}" '
                    f'height="{TOKEN_H}" rx="5" class="slot"/>' for k in range(n)]
        elif kind == "b":
            _, x, y, cw, ch, codes = prim
            out.append('<g class="bits">' + "".join(
                f'<rect x="{x + k * cw}" y="{y}" width="{cw}" height="{ch}" class="a{c}"/>'
                for k, c in enumerate(codes)) + "</g>")
        else:
            raise PlayerError(f"unknown primitive {kind!r}: use r, t, g, l, p, c, q or b")
    return "".join(out)


_MARKERS = (("whygo-arr", "#6e7781"), ("whygo-arr-r", "#d7191c"), ("whygo-arr-o", "#f07c00"),
            ("whygo-arr-m", "#c2185b"))     # the same as DEFS in player.js
_DEFS = "<defs>" + "".join(
    f'<marker id="{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" '
    f'markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
    for name, colour in _MARKERS) + "</defs>"


def frame_svg(f: Frame, width: int = FALLBACK_WIDTH) -> str:
    """One frame as a standalone SVG: its cards in rows at most ``width`` px wide."""
    x = y = row_h = 0
    placed = []
    for c in f["cards"]:
        if x and x + c["w"] > width:
            x, y, row_h = 0, y + row_h + GAP, 0
        placed.append((x, y, c))
        x += c["w"] + GAP
        row_h = max(row_h, c["h"])
    total_w = max((px + c["w"] for px, _, c in placed), default=1)
    total_h = y + row_h
    body = "".join(f'<g transform="translate({px},{py})"><rect x="0.5" y="0.5" width="{c["w"] - 1}" '
                   f'height="{c["h"] - 1}" rx="6" class="card"/>{card_svg_body(c)}</g>'
                   for px, py, c in placed)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{total_w}" height="{total_h}" '
            f'viewBox="0 0 {total_w} {total_h}" class="whygo-svg"><style>{asset("player.css")}</style>'
            f"{_DEFS}{body}</svg>")
