"""Rules of the goroutine stack model (whygo/stack), checked against runtime/stack.go."""
import pytest
from hypothesis import given, settings, strategies as st

from whygo.stack import (CallOp, GCOp, GStack, RetOp, StackModelError, StackOverflow, frames,
                         recursion, simulate, starting_stack_size)
from whygo.stack.constants import load_constants
from whygo.stack.model import HEAP_OBJECT, Grow, PointerAdjusted, Shrink, ShrinkSkipped

C = load_constants()


def test_constants_from_the_toolchain():
    assert (C.stack_min, C.fixed_stack, C.stack_guard) == (2048, 2048, 928)
    assert C.max_stack_size == 1_000_000_000 and C.adaptive_stack_start


def test_a_goroutine_starts_with_fixed_stack():
    g = GStack()
    assert g.size == 2048 and g.sp == g.hi and g.stackguard0 == g.lo + 928


@pytest.mark.parametrize("second,grows", [(224, True), (216, False), (120, False)])
def test_prologue_grows_only_when_the_frame_crosses_stackguard0(second, grows):
    # frames > StackSmall: morestack iff SP-(framesize-StackSmall) <= stackguard0
    g = GStack()
    g.call("a", 1024)
    events = g.call("b", second)
    assert any(isinstance(e, Grow) for e in events) == grows


def test_small_frames_check_sp_itself():
    g = GStack()
    g.call("a", 2048 - 928 - 8)       # SP is now 8 bytes above stackguard0
    assert not any(isinstance(e, Grow) for e in g.call("b", 8))
    assert any(isinstance(e, Grow) for e in g.call("c", 8))   # SP == stackguard0


def test_newstack_doubles_and_copies_the_used_bytes():
    g = GStack()
    g.call("a", 1024)
    grow = next(e for e in g.call("b", 224) if isinstance(e, Grow))
    assert (grow.old_size, grow.new_size, grow.copied_bytes) == (2048, 4096, 1024)
    assert g.size == 4096 and g.hi - g.sp == 1024 + 224 and g.bytes_copied == 1024


def test_newstack_keeps_doubling_until_the_frame_fits():
    g = GStack()
    events = g.call("big", 10_000)
    grows = [e for e in events if isinstance(e, Grow)]
    assert [(e.old_size, e.new_size) for e in grows] == [(2048, 16384)]   # one copy, not three


def test_pointers_into_the_stack_are_rebased_and_heap_pointers_are_not():
    g = GStack()
    g.call("main", 64, "heap")
    g.call("f1", 512, 0)
    g.call("f2", 512, 1)
    old_hi = g.hi
    events = g.call("f3", 512, 2)
    adjusted = [e for e in events if isinstance(e, PointerAdjusted)]
    delta = g.hi - old_hi
    assert len(adjusted) == 2 and all(e.value_new - e.value_old == delta for e in adjusted)
    img = g.image()
    heap_ptr = [p for p in img.pointers if not p.into_stack]
    assert [p.value for p in heap_ptr] == [HEAP_OBJECT]
    for p in img.pointers:
        if p.into_stack:
            assert img.lo <= p.value < img.hi


def test_shrink_halves_a_stack_using_less_than_a_quarter():
    g = GStack(start_size=8192)
    g.call("a", 1240)                  # 1240 + stackNosplit 800 = 2040 < 8192/4
    (shrink,) = g.shrink()
    assert isinstance(shrink, Shrink) and (shrink.old_size, shrink.new_size) == (8192, 4096)
    assert shrink.copied_bytes == 1240 and g.hi - g.sp == 1240


def test_shrink_keeps_a_stack_using_a_quarter_or_more():
    g = GStack(start_size=8192)
    g.call("a", 1248)                  # 1248 + 800 = 2048 = 8192/4
    (skip,) = g.shrink()
    assert isinstance(skip, ShrinkSkipped) and g.size == 8192


def test_shrink_never_goes_below_fixed_stack():
    g = GStack()
    assert isinstance(g.shrink()[0], ShrinkSkipped) and g.size == 2048


@pytest.mark.parametrize("flag", ["in_syscall", "at_async_safe_point", "parking_on_chan"])
def test_shrink_is_skipped_when_isShrinkStackSafe_says_no(flag):
    g = GStack(start_size=8192)
    (skip,) = g.shrink(**{flag: True})
    assert isinstance(skip, ShrinkSkipped) and "not safe" in skip.reason and g.size == 8192


def test_exceeding_maxstacksize_raises_gos_message():
    g = GStack()
    with pytest.raises(StackOverflow) as err:
        for i in range(100):
            g.call(f"f{i}", 64 << 20)  # 64 MiB frames: the 1 GiB step is over 1e9 bytes
    text = str(err.value)
    assert text.startswith("runtime: goroutine stack exceeds 1000000000-byte limit\n")
    assert text.endswith("fatal error: stack overflow")
    assert g.size == 512 << 20         # the largest stack that was allowed


def test_set_max_stack_lowers_the_limit():
    g = GStack(max_stack_size=8192)
    with pytest.raises(StackOverflow, match="exceeds 8192-byte limit"):
        for i in range(100):
            g.call(f"f{i}", 512)


def test_starting_stack_size_is_average_plus_guard_rounded_to_a_power_of_two():
    assert starting_stack_size([]) == 2048
    assert starting_stack_size([3000, 5000]) == 8192      # 4000 + 928 -> 8192
    assert starting_stack_size([100]) == 2048             # 1028 -> at least fixedStack


def test_bad_input_raises_clear_errors():
    with pytest.raises(StackModelError, match="power of two"):
        GStack(start_size=3000)
    g = GStack()
    with pytest.raises(StackModelError, match="multiple of 8"):
        g.call("f", 13)
    with pytest.raises(StackModelError, match="points_to=5"):
        g.call("f", 16, 5)
    with pytest.raises(StackModelError, match="no frame"):
        g.ret()
    with pytest.raises(StackModelError, match="depth"):
        recursion(-1, 100)


def test_frames_fit_the_player_and_keep_every_copy():
    all_snaps = simulate(recursion(60, 200))
    picked = frames(recursion(60, 200))
    assert len(picked) <= 40
    copies = [s for s in all_snaps if s.old is not None]
    assert copies and all(s.stack in [p.stack for p in picked] for s in copies)
    assert all(s.caption for s in picked)


def test_frames_say_how_many_steps_they_skip():
    all_snaps = simulate(recursion(60, 200))
    picked = frames(recursion(60, 200))
    index = [next(i for i, s in enumerate(all_snaps) if s.stack == p.stack and s.caption in p.caption)
             for p in picked]
    for (a, b), snap in zip(zip(index, index[1:]), picked[1:]):
        gap = b - a - 1
        assert snap.caption.startswith(f"({gap} step") == (gap > 0), snap.caption
    assert sum(b - a - 1 for a, b in zip(index, index[1:])) == len(all_snaps) - len(picked)


ops = st.lists(st.one_of(
    st.tuples(st.just("call"), st.integers(1, 600).map(lambda n: n * 8), st.booleans()),
    st.just(("ret",)), st.just(("gc",))), max_size=120)


@settings(derandomize=True, deadline=None, max_examples=80)
@given(ops)
def test_stack_invariants_hold_for_any_call_sequence(seq):
    g = GStack()
    depth_targets = []                 # (frame index the pointer should land in)
    copied = 0
    for op in seq:
        if op[0] == "call":
            target = len(g.frames) - 1 if op[2] and g.frames else None
            events = g.call(f"f{len(g.frames)}", op[1], target)
        elif op[0] == "ret":
            if not g.frames:
                continue
            events = g.ret()
        else:
            events = g.shrink()
        copied += sum(e.copied_bytes for e in events if isinstance(e, (Grow, Shrink)))
        img = g.image()
        assert g.size & (g.size - 1) == 0 and g.size >= 2048
        assert g.lo + 928 - 128 <= g.sp <= g.hi or not g.frames
        # frames are contiguous from the top of the stack down to SP
        top = img.hi
        for f in img.frames:
            assert f.hi == top
            top = f.lo
        assert top == img.sp
        # every stack pointer still points into the middle of its target frame
        for i, f in enumerate(g.frames):
            if f.pointer is not None:
                t = g.frames[[j for j in range(i) if g.frames[j].sp + g.frames[j].size // 2
                              == f.pointer][0]]
                assert img.lo <= f.pointer < img.hi and t.sp <= f.pointer < t.sp + t.size
    assert g.bytes_copied == copied
