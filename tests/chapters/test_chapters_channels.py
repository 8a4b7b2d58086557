"""Tests of whygo/chapters/channels.py, the glue of chapter 2.2 (the model is tested in test_chan.py)."""
import pytest

from whygo.chapters import channels as ch


def test_json_over_http_sends_every_message_through_the_real_program():
    r = ch.json_over_http(n=3, size=3000)
    assert r["messages"] == 3 and r["received"] == 3 and r["payload_bytes"] == 3000
    assert 0 < r["fastest_ns"] <= r["median_ns"]


def test_json_over_http_refuses_an_empty_run():
    with pytest.raises(ValueError, match="at least one message"):
        ch.json_over_http(n=0)
