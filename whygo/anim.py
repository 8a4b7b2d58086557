"""The picture player: a sequence of matplotlib Figures or SVG strings, played.

The model animations (scheduler, channels, context tree, GC, stacks, allocator)
use the vector player of ``whygo.player`` instead: frames as data, drawn as
SVG in the browser, crisp at any zoom. This player stays for sequences of
plots (the pacer's sawtooth) and for a student's own ``render`` function:
a ``render`` turns one snapshot into a matplotlib Figure or an SVG string, and
``Player`` shows the frames two ways from the same call:

* live, in JupyterLab: an ipywidgets player (Play/Pause, step back/forward,
  a frame slider, a speed control, an optional scenario selector). Frames are
  rendered when first shown and then kept.
* static, in the rendered book (no kernel): a small self-contained HTML/JS
  player with play/pause/step and the same captions.

Both live in one output: ``_repr_mimebundle_`` returns the widget view *and*
the static ``text/html``. JupyterLab shows the widget; the book is configured
to prefer ``text/html`` (see whygo/site.py), so it never shows a dead widget.
nbval compares the ``text/html`` part; the image payloads inside it are
blanked by tests/nbval_sanitize.cfg, the captions are compared.

Frames are PNGs quantised to a small palette (or SVG text), so a 40-frame
animation stays around a few hundred kB in the stored notebook.
"""
from __future__ import annotations

import base64
import hashlib
import html
import io
import json
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from whygo.i18n import _

Render = Callable[[Any], Any]  # snapshot -> matplotlib Figure | SVG str

MAX_STATIC_FRAMES = 60   # beyond this the static player samples frames evenly
PNG_COLOURS = 96         # palette size of quantised frames: small files, no visible loss


class PlayerError(ValueError):
    """A player was given something it cannot show; the message says what to pass instead."""


@dataclass(frozen=True)
class Frame:
    """One rendered frame: an image payload and its caption."""
    kind: str      # "png" or "svg"
    data: str      # base64 PNG or SVG markup
    caption: str

    def html(self) -> str:
        if self.kind == "svg":
            return self.data
        return f'<img src="data:image/png;base64,{self.data}" style="max-width:100%"/>'


def figure_to_png(fig, *, dpi: int | None = None) -> bytes:
    """Render a matplotlib figure to a palette PNG and close it (no figure leaks).

    The Agg pixels go straight to Pillow (no intermediate PNG to encode and
    decode); FASTOCTREE quantises in ~1 ms where MEDIANCUT takes ~9 and the
    frames look the same; ``optimize`` would cost ~6 ms per frame for ~1%
    smaller files. The output depends only on the pixels: no metadata.
    """
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    plt.close(fig)
    if dpi is not None:
        fig.set_dpi(dpi)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    small = image.convert("RGB").quantize(colors=PNG_COLOURS, method=Image.Quantize.FASTOCTREE,
                                          dither=Image.Dither.NONE)
    out = io.BytesIO()
    small.save(out, format="PNG")
    return out.getvalue()


def render_frame(snapshot: Any, render: Render, caption: str) -> Frame:
    picture = render(snapshot)
    if isinstance(picture, str):
        if "<svg" not in picture:
            raise PlayerError(_("render() returned a string that is not SVG; return a matplotlib "
                                "Figure or an SVG string"))
        svg = picture[picture.index("<svg"):]  # drop the XML prolog and DOCTYPE
        return Frame("svg", svg, caption)
    if hasattr(picture, "savefig"):
        return Frame("png", base64.b64encode(figure_to_png(picture)).decode("ascii"), caption)
    raise PlayerError(_("render() returned {kind}; return a matplotlib Figure or an SVG string")
                      .format(kind=type(picture).__name__))


@dataclass
class _Track:
    """The frames of one scenario, rendered lazily and kept."""
    snapshots: Sequence[Any]
    captions: Sequence[str]
    rendered: dict[int, Frame] = field(default_factory=dict)

    def frame(self, i: int, render: Render) -> Frame:
        if i not in self.rendered:
            self.rendered[i] = render_frame(self.snapshots[i], render, self.captions[i])
        return self.rendered[i]


def _captions_for(snapshots: Sequence[Any], captions: Sequence[str] | None) -> list[str]:
    if captions is None:
        return [str(getattr(s, "caption", "") or "") for s in snapshots]
    if len(captions) != len(snapshots):
        raise PlayerError(_("{captions} captions for {frames} frames; give one caption per frame or none")
                          .format(captions=len(captions), frames=len(snapshots)))
    return [str(c) for c in captions]


class Player:
    """Play a sequence of snapshots, live in Jupyter and static in the book.

    ``Player(frames, render)`` for one animation, or
    ``Player(scenarios={"name": frames, ...}, render=render)`` for several
    with a selector (the static page shows the first scenario).
    """

    def __init__(self, frames: Sequence[Any] | None = None, render: Render | None = None, *,
                 captions: Sequence[str] | None = None, title: str = "",
                 scenarios: Mapping[str, Sequence[Any]] | None = None, interval_ms: int = 700):
        if render is None or not callable(render):
            raise PlayerError(_("Player needs render=<function snapshot -> Figure or SVG string>"))
        if (frames is None) == (scenarios is None):
            raise PlayerError(_("give either frames=[...] or scenarios={name: frames}, not both"))
        tracks = {"": frames} if frames is not None else dict(scenarios)
        self.tracks: dict[str, _Track] = {}
        for name, snaps in tracks.items():
            snaps = list(snaps)
            if not snaps:
                raise PlayerError(_("scenario {name} has no frames").format(name=repr(name)) if name
                                  else _("no frames to play"))
            self.tracks[name] = _Track(snaps, _captions_for(snaps, captions if frames is not None else None))
        self.render = render
        self.title = title
        self.interval_ms = interval_ms

    # ----- the static face (book, nbval) -------------------------------------------------
    def static_html(self) -> str:
        track = next(iter(self.tracks.values()))
        n = len(track.snapshots)
        indices = list(range(n)) if n <= MAX_STATIC_FRAMES else sorted(
            {round(i * (n - 1) / (MAX_STATIC_FRAMES - 1)) for i in range(MAX_STATIC_FRAMES)})
        frames = [track.frame(i, self.render) for i in indices]
        return static_player_html(frames, title=self.title, interval_ms=self.interval_ms)

    # ----- the live face (JupyterLab) ----------------------------------------------------
    def widget(self):
        return build_widget(self)

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/plain": repr(self), "text/html": self.static_html()}
        try:
            from IPython import get_ipython
            shell = get_ipython()
            has_kernel = shell is not None and getattr(shell, "kernel", None) is not None
        except ImportError:
            has_kernel = False
        if has_kernel:
            view = self.widget()._repr_mimebundle_()
            bundle["application/vnd.jupyter.widget-view+json"] = view[
                "application/vnd.jupyter.widget-view+json"]
        return bundle

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name or 'frames'}: {len(t.snapshots)}" for name, t in self.tracks.items())
        title = f"{self.title!r}, " if self.title else ""
        return f"Player({title}{sizes})"


_STATIC_TEMPLATE = """<div class="whygo-player" id="{uid}" style="font-family:sans-serif;max-width:900px">
{title}<div class="whygo-frame" style="min-height:40px">{first}</div>
<div class="whygo-caption" style="margin:4px 0;min-height:2.6em">{caption}</div>
<div class="whygo-controls">
<button class="whygo-prev" title="{step_back}">&#9664;&#9646;</button>
<button class="whygo-play" title="{play_pause}">&#9654; {play}</button>
<button class="whygo-next" title="{step_forward}">&#9646;&#9654;</button>
<input class="whygo-slider" type="range" min="0" max="{last}" value="0" style="width:50%;vertical-align:middle"/>
<span class="whygo-count"></span>
</div>
<script type="application/json" class="whygo-data">{data}</script>
<script>
(function() {{
  var root = document.getElementById("{uid}");
  if (!root || root.dataset.ready) return;
  root.dataset.ready = "1";
  var data = JSON.parse(root.querySelector(".whygo-data").textContent);
  var i = 0, timer = null;
  var box = root.querySelector(".whygo-frame"), cap = root.querySelector(".whygo-caption");
  var slider = root.querySelector(".whygo-slider"), count = root.querySelector(".whygo-count");
  var play = root.querySelector(".whygo-play");
  function show(k) {{
    i = (k + data.frames.length) % data.frames.length;
    box.innerHTML = data.frames[i]; cap.textContent = data.captions[i];
    slider.value = i; count.textContent = (i + 1) + " / " + data.frames.length;
    root.setAttribute("data-frame", i);
  }}
  function stop() {{ if (timer) clearInterval(timer); timer = null; play.innerHTML = "&#9654; {play}"; }}
  play.onclick = function() {{
    if (timer) {{ stop(); return; }}
    play.innerHTML = "&#10074;&#10074; {pause}";
    timer = setInterval(function() {{ show(i + 1); }}, data.interval);
  }};
  root.querySelector(".whygo-prev").onclick = function() {{ stop(); show(i - 1); }};
  root.querySelector(".whygo-next").onclick = function() {{ stop(); show(i + 1); }};
  slider.oninput = function() {{ stop(); show(parseInt(slider.value, 10)); }};
  show(0);
}})();
</script>
</div>"""


def static_player_html(frames: Sequence[Frame], *, title: str = "", interval_ms: int = 700) -> str:
    """A self-contained HTML/JS player: works in any page, no kernel, no external files."""
    payload = {"frames": [f.html() for f in frames], "captions": [f.caption for f in frames],
               "interval": interval_ms}
    # "</" inside a <script> would end it early; JSON allows the escaped form.
    data = json.dumps(payload, separators=(",", ":")).replace("</", "<\\/")
    uid = "whygo-" + hashlib.sha1(data.encode()).hexdigest()[:12]  # stable across runs
    heading = f"<div style='font-weight:bold'>{html.escape(title)}</div>\n" if title else ""
    # The first frame is in the markup too: an untrusted notebook (scripts stripped) shows it.
    return _STATIC_TEMPLATE.format(uid=uid, title=heading, last=len(frames) - 1, data=data,
                                   first=frames[0].html(), caption=html.escape(frames[0].caption),
                                   **_control_words())


def _control_words() -> dict[str, str]:
    """The static player's button words in the running edition (HTML and JS-string safe)."""
    words = {"play": _("Play"), "pause": _("Pause"),
             "step_back": _("step back"), "step_forward": _("step forward"),
             "play_pause": _("play / pause")}
    return {k: html.escape(v) for k, v in words.items()}


def build_widget(player: Player):
    """The live face: ipywidgets controls around one image/SVG area and a caption."""
    import ipywidgets as w

    names = list(player.tracks)
    state = {"track": player.tracks[names[0]]}
    play = w.Play(value=0, min=0, max=len(state["track"].snapshots) - 1, step=1,
                  interval=player.interval_ms, description=_("Play"))
    slider = w.IntSlider(value=0, min=0, max=play.max, description=_("frame"), continuous_update=True)
    w.jslink((play, "value"), (slider, "value"))
    back = w.Button(description="", icon="step-backward", tooltip=_("step back"), layout=w.Layout(width="40px"))
    forward = w.Button(description="", icon="step-forward", tooltip=_("step forward"), layout=w.Layout(width="40px"))
    speed = w.FloatLogSlider(value=1.0, base=2, min=-2, max=2, step=1, description=_("speed"),
                             readout_format=".2g")
    picture = w.HTML()
    caption = w.HTML()
    selector = w.Dropdown(options=names, description=_("scenario")) if len(names) > 1 else None

    def show(i: int) -> None:
        frame = state["track"].frame(i, player.render)
        picture.value = frame.html()
        caption.value = f"<div style='min-height:2.6em'>{html.escape(frame.caption)}</div>"

    def on_value(change) -> None:
        show(change["new"])

    def step(delta: int) -> None:
        slider.value = (slider.value + delta) % (slider.max + 1)

    def on_speed(change) -> None:
        play.interval = max(30, int(player.interval_ms / change["new"]))

    def on_scenario(change) -> None:
        state["track"] = player.tracks[change["new"]]
        play.value = slider.value = 0
        play.max = slider.max = len(state["track"].snapshots) - 1
        show(0)

    slider.observe(on_value, names="value")
    back.on_click(lambda _: step(-1))
    forward.on_click(lambda _: step(+1))
    speed.observe(on_speed, names="value")
    if selector is not None:
        selector.observe(on_scenario, names="value")
    show(0)
    controls = w.HBox([play, back, forward, slider, speed])
    rows = ([w.HTML(f"<b>{html.escape(player.title)}</b>")] if player.title else []) + \
        ([selector] if selector else []) + [picture, caption, controls]
    return w.VBox(rows)
