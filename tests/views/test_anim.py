"""The one animation player: static HTML for the book, a widget for JupyterLab."""
import json
import re

import matplotlib.pyplot as plt
import pytest

from whygo.anim import Player, PlayerError


def _render(i):
    fig, ax = plt.subplots(figsize=(2, 1), dpi=40)
    ax.plot([0, 1], [0, i])
    return fig


def _svg(i):
    return f'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><text>n{i}</text></svg>'


def test_static_player_has_every_frame_caption_and_controls():
    html = Player([0, 1, 2], _render, captions=["start", "middle", "end"]).static_html()
    data = re.search(r'<script type="application/json" class="whygo-data">(.*?)</script>', html).group(1)
    assert data.count("data:image/png;base64,") == 3
    assert '"captions":["start","middle","end"]' in data
    for control in ("whygo-play", "whygo-prev", "whygo-next", "whygo-slider"):
        assert control in html


def test_static_player_is_byte_identical_across_runs():
    a = Player([0, 1], _render, captions=["x", "y"]).static_html()
    b = Player([0, 1], _render, captions=["x", "y"]).static_html()
    assert a == b


def test_svg_frames_are_inlined_without_their_xml_prolog():
    html = Player([7], _svg, captions=["c"]).static_html()
    assert "<svg" in html and "n7" in html and "<?xml" not in html


def test_captions_default_to_the_snapshots_caption_attribute():
    class Snap:
        def __init__(self, c):
            self.caption = c
    html = Player([Snap("first"), Snap("second")], lambda s: _svg(0)).static_html()
    assert '"captions":["first","second"]' in html


def test_long_animations_are_sampled_in_the_static_page():
    html = Player(list(range(200)), _svg).static_html()
    data = re.search(r'class="whygo-data">(.*?)</script>', html).group(1)
    assert data.count("<svg") == 60 and "n0<" in data and "n199<" in data


def test_script_end_tags_inside_frames_cannot_break_the_page():
    html = Player(["</script>"], lambda s: _svg(0), captions=["</script>"]).static_html()
    payload = re.search(r'class="whygo-data">(.*?)</script>', html, re.S).group(1)
    assert "</script>" not in payload
    assert json.loads(payload)["captions"] == ["</script>"]     # escaped, not lost


@pytest.mark.parametrize("kwargs, message", [
    (dict(frames=[1], render=None), "render="),
    (dict(frames=[], render=_svg), "no frames"),
    (dict(frames=[1, 2], render=_svg, captions=["a"]), "1 captions for 2 frames"),
    (dict(frames=[1], render=_svg, scenarios={"a": [1]}), "either frames"),
])
def test_bad_player_arguments_say_what_to_pass(kwargs, message):
    with pytest.raises(PlayerError, match=message):
        Player(**kwargs)


def test_render_returning_something_else_is_reported():
    with pytest.raises(PlayerError, match="returned int"):
        Player([1], lambda s: 42).static_html()


def test_widget_steps_frames_and_switches_scenarios():
    player = Player(render=_svg, scenarios={"one": [1, 2, 3], "two": [9]})
    box = player.widget()
    selector, picture = box.children[0], box.children[1]
    controls = box.children[3]
    slider, forward = controls.children[3], controls.children[2]
    assert "n1<" in picture.value
    forward.click()
    assert slider.value == 1 and "n2<" in picture.value
    selector.value = "two"
    assert slider.max == 0 and "n9<" in picture.value
