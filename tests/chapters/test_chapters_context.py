"""Chapter 2.5's glue (whygo/chapters/context.py): its scenario drawn by whygo/views/context.py,
and go vet's lostcancel finding."""
import pytest

from whygo.chapters import context as cx
from whygo.context import CANCELED, DEADLINE_EXCEEDED
from whygo.golang.vet import VetError
from whygo.views.context import render, to_dot


def test_scenario_story_and_view():
    frames = cx.request_scenario()
    assert 5 <= len(frames) <= 40
    last = frames[-1]
    assert last.node("db query").err == DEADLINE_EXCEEDED
    assert last.node("audit").err == CANCELED
    assert last.node("payment").err == DEADLINE_EXCEEDED and not last.node("payment").own_timer
    assert last.node("late retry").err == DEADLINE_EXCEEDED
    assert frames[7].node("inventory").err is None and frames[7].node("db query").err is not None
    dot = to_dot(last)
    assert '"request" -> "payment" [style=dashed]' in dot and "err: Canceled" in dot
    svg = render(frames[0])
    assert svg.startswith("<svg") and "Background" in svg


def test_vet_reports_lostcancel_and_nothing_on_clean_code():
    leaky = ('package main\n\nimport (\n\t"context"\n\t"time"\n)\n\nfunc main() {\n'
             '\tctx, _ := context.WithTimeout(context.Background(), time.Second)\n\t_ = ctx\n}\n')
    found = cx.vet(leaky)
    assert any("main.go:9:" in f and "cancel" in f for f in found), found
    assert cx.vet(leaky.replace("ctx, _ :=", "ctx, cancel :=").replace("\t_ = ctx\n", "\t_ = ctx\n\tcancel()\n")) == []
    with pytest.raises(VetError, match="package main"):
        cx.vet("func main() {}")
