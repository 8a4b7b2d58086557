"""Tests of whygo/chan: the value-level hchan (runtime/chan.go), rule by rule, and its view."""
import pytest
from hypothesis import given, settings, strategies as st

from whygo import chan
from whygo.views.chan import render_chan


def last(capacity, script):
    return chan.play(capacity, script)[-1]


def test_send_to_a_parked_receiver_copies_once_onto_its_stack_send_direct():
    s = last(3, [("recv", "R"), ("send", "S", "a")])
    assert s.received == (("R", ("a",)),)
    assert s.copies == 1 and s.copied == ("a: S's stack -> R's stack",)
    assert s.qcount == 0 and s.buf == (None, None, None)   # the buffer is not touched
    assert "sendDirect" in s.caption


def test_send_with_room_copies_into_buf_at_sendx_typedmemmove():
    s = last(2, [("send", "S", "a"), ("send", "S", "b")])
    assert s.buf == ("a", "b") and s.qcount == 2 and s.sendx == 0 and s.copies == 2
    assert s.copied == ("b: S's stack -> buf[1]",)


def test_send_on_a_full_buffer_parks_in_sendq_without_copying():
    s = last(1, [("send", "S", "a"), ("send", "T", "b")])
    assert s.sendq == (("T", "b"),) and s.copies == 1 and s.copied == ()


def test_send_on_unbuffered_channel_without_receiver_parks():
    s = last(0, [("send", "S", "a")])
    assert s.sendq == (("S", "a"),) and s.copies == 0


def test_recv_from_the_buffer_copies_buf_recvx_and_clears_the_slot():
    s = last(2, [("send", "S", "a"), ("send", "S", "b"), ("recv", "R")])
    assert s.buf == (None, "b") and s.recvx == 1 and s.qcount == 1
    assert s.received == (("R", ("a",)),) and s.copied == ("a: buf[0] -> R's stack",)


def test_recv_on_a_full_buffer_with_a_parked_sender_takes_the_head_and_moves_the_sender_value_to_the_tail():
    s = last(2, [("send", "S", "a"), ("send", "S", "b"), ("send", "T", "c"), ("recv", "R")])
    assert s.received == (("R", ("a",)),)
    assert s.buf == ("c", "b") and s.recvx == 1 and s.sendx == 1 and s.qcount == 2
    assert s.sendq == () and s.copies == 2 + 2


def test_unbuffered_recv_from_a_parked_sender_copies_directly_recv_direct():
    s = last(0, [("send", "S", "a"), ("recv", "R")])
    assert s.received == (("R", ("a",)),) and s.copies == 1 and s.sendq == ()
    assert "recvDirect" in s.caption


def test_recv_on_an_empty_channel_parks_in_recvq():
    s = last(1, [("recv", "R")])
    assert s.recvq == ("R",) and s.copies == 0


def test_a_parked_goroutine_cannot_act_until_woken():
    with pytest.raises(chan.ChanScriptError, match="R is parked"):
        chan.play(0, [("recv", "R"), ("recv", "R")])
    chan.play(0, [("recv", "R"), ("send", "S", "x"), ("recv", "R")])   # woken: fine


def test_bad_steps_and_capacities_are_named():
    with pytest.raises(chan.ChanScriptError, match="step 0"):
        chan.play(1, [("put", "S", "x")])
    with pytest.raises(chan.ChanScriptError, match="capacity=-1"):
        chan.play(-1, [])


@settings(derandomize=True, deadline=None, max_examples=200)
@given(st.integers(0, 4), st.lists(st.booleans(), max_size=30))
def test_a_channel_is_fifo_and_copies_each_value_once_or_twice(capacity, ops):
    # every operation by a fresh goroutine, so no parked goroutine ever acts
    script = [("send", f"S{i}", f"v{i}") if is_send else ("recv", f"R{i}") for i, is_send in enumerate(ops)]
    snaps = chan.play(capacity, script)
    end = snaps[-1]
    delivered = [v for g, vs in sorted(end.received, key=lambda r: int(r[0][1:])) for v in vs]
    sent = [step[2] for step in script if step[0] == "send"]
    assert delivered == sent[:len(delivered)]                       # FIFO, nothing lost
    for s in snaps:
        assert s.qcount == sum(v is not None for v in s.buf) <= s.dataqsiz
        assert not (s.sendq and s.recvq)                            # never both waiting
    assert len(delivered) <= end.copies <= 2 * len(sent)
    if capacity == 0:
        assert end.copies == len(delivered)                         # goroutine to goroutine only


def test_render_chan_draws_every_snapshot_without_touching_it():
    snaps = chan.play(2, [("send", "S", "a"), ("send", "S", "b"), ("send", "T", "c"), ("recv", "R")])
    before = list(snaps)
    for s in snaps:
        fig = render_chan(s, title="t")
        assert any("copies so far" in t.get_text() for t in fig.axes[0].texts)
    assert list(snaps) == before
