"""One test per rule the GC model claims to follow (whygo/gc)."""
import pytest

from whygo.gc import (BLACK, GC, GLOBALS, GREY, WHITE, BarrierError, GCModelError, Heap,
                      check_invariants, find_lost_object, hybrid_barrier, random_run, replay)
from whygo.gc.scenarios import (LOST_HEAP, LOST_STEPS, RESCAN_HEAP, RESCAN_STEPS, all_scenarios,
                                lost_object, rescan, tricolour, wbbuf)
from whygo.gc.snapshot import Alloc, Free


def heap3():
    """A -> B -> C, g1 holds A; the heap of the lost-object scenarios."""
    return {"objects": {"A": {"f0": "B", "f1": None}, "B": {"f0": "C", "f1": None},
                        "C": {"f0": None, "f1": None}},
            "stacks": {"g1": {"a": "A"}}}


def recording(calls):
    def barrier(heap, slot_owner, old, new, ctx):
        calls.append((slot_owner, old, new, ctx.g, ctx.stack_grey, ctx.phase))
        return []
    return barrier


def marking(spec, barrier="hybrid", **kw):
    """A collector that has just entered the mark phase."""
    gc = GC(spec, barrier, **kw)
    gc.step("gc")
    gc.step("gc")
    assert gc.phase == "mark"
    return gc


# -- phases -----------------------------------------------------------------
def test_phases_follow_mgc_order_off_sweeptermination_mark_marktermination_sweep_off():
    gc = GC(heap3())
    seen = [gc.phase]
    for _ in range(12):
        gc.step("gc")
        if gc.phase != seen[-1]:
            seen.append(gc.phase)
    assert seen[:6] == ["off", "sweeptermination", "mark", "marktermination", "sweep", "off"]


def test_mutator_cannot_run_while_the_world_is_stopped():
    gc = GC(heap3())
    gc.step("gc")  # sweep termination: STW
    with pytest.raises(GCModelError, match="world is stopped"):
        gc.step("g1: b = a.f0")


def test_write_barrier_enabled_only_from_mark_start_to_mark_termination():
    calls = []
    gc = GC(heap3(), recording(calls))
    gc.step("g1: a.f1 = a")            # GC off: no barrier
    assert calls == []
    gc.step("gc"); gc.step("gc")        # mark
    gc.step("g1: a.f1 = nil")
    assert len(calls) == 1 and calls[0][:3] == ("A", "A", None)


# -- barriers -----------------------------------------------------------------
def test_hybrid_barrier_shades_old_and_new():
    spec = heap3()
    spec["stacks"]["g1"]["c"] = "C"
    gc = marking(spec)
    gc.step("g1: a.f0 = c")             # A.f0: B -> C
    assert set(gc.snapshot().shaded) == {"B", "C"}
    assert gc.heap.colour("B") == GREY and gc.heap.colour("C") == GREY


def test_hybrid_barrier_ignores_the_stack_colour():
    # After g1's stack is scanned (black) the hybrid barrier still shades the new pointer.
    spec = heap3()
    spec["stacks"]["g1"]["c"] = None
    gc = marking(spec)
    gc.step("gc")                       # scan g1's stack
    assert gc.root_state["g1"] == BLACK
    gc.step("g1: c = new")              # allocated black
    gc.step("g1: b = a.f0")
    gc.step("g1: c.f0 = b")
    assert gc.snapshot().shaded == ("B",)


def test_dijkstra_shades_only_the_new_pointer():
    spec = heap3()
    spec["stacks"]["g1"]["c"] = "C"
    gc = marking(spec, "dijkstra")
    gc.step("g1: a.f0 = c")
    assert gc.snapshot().shaded == ("C",)
    assert gc.heap.colour("B") == WHITE


def test_yuasa_shades_only_the_old_pointer():
    spec = heap3()
    spec["stacks"]["g1"]["c"] = "C"
    gc = marking(spec, "yuasa")
    # Yuasa scanned the stack at mark start: A and C are grey already; B is white.
    gc.step("g1: a.f0 = c")
    assert gc.snapshot().shaded == ("B",)


def test_stack_writes_have_no_barrier():
    calls = []
    gc = marking(heap3(), recording(calls))
    for line in ["g1: b = a.f0", "g1: c = b.f0", "g1: d = c", "g1: b = nil", "g1: e = new"]:
        gc.step(line)
    assert calls == []


def test_global_writes_have_a_barrier():
    spec = heap3()
    spec["globals"] = {"G": "B"}
    calls = []
    gc = marking(spec, recording(calls))
    gc.step("g1: G = a")
    assert calls and calls[0][:3] == (GLOBALS, "B", "A")
    assert gc.heap.globals["G"] == "A"


def test_barrier_context_says_whether_the_stack_is_grey():
    calls = []
    gc = marking(heap3(), recording(calls))
    gc.step("g1: a.f1 = a")
    gc.step("gc")                        # scan g1's stack
    gc.step("g1: a.f1 = nil")
    assert [c[4] for c in calls] == [True, False]


def test_barrier_returning_a_non_object_is_a_clear_error():
    gc = marking(heap3(), lambda heap, owner, old, new, ctx: ["Z"])
    with pytest.raises(BarrierError, match="returned 'Z'"):
        gc.step("g1: a.f1 = a")


def test_barrier_that_raises_is_reported_with_the_write():
    def broken(heap, owner, old, new, ctx):
        raise KeyError("oops")
    gc = marking(heap3(), broken)
    with pytest.raises(BarrierError, match=r"A\.f1 = A"):
        gc.step("g1: a.f1 = a")


def test_unknown_barrier_name_lists_the_known_ones():
    with pytest.raises(GCModelError, match="none, dijkstra, yuasa, hybrid"):
        GC(heap3(), "brooks")


# -- allocation, scanning, sweeping -------------------------------------------
def test_allocate_black_during_mark():
    gc = marking(heap3())
    events = gc.step("g1: n = new")
    new = next(e for e in events if isinstance(e, Alloc))
    assert new.colour == BLACK and gc.heap.colour(new.obj) == BLACK
    assert gc.stats.allocated_black == 1


def test_allocate_white_when_gc_is_off():
    gc = GC(heap3())
    events = gc.step("g1: n = new")
    assert next(e for e in events if isinstance(e, Alloc)).colour == WHITE


def test_roots_are_scanned_before_objects_and_greyed():
    gc = marking({"objects": {"A": {"f0": None}, "B": {"f0": None}},
                  "globals": {"G": "A"}, "stacks": {"g1": {"x": "B"}}})
    gc.step("gc")
    assert gc.root_state[GLOBALS] == BLACK and gc.heap.colour("A") == GREY
    gc.step("gc")
    assert gc.root_state["g1"] == BLACK and gc.heap.colour("B") == GREY


def test_scanobject_shades_fields_and_blackens_the_object():
    gc = marking(heap3())
    gc.step("gc")                       # stack: A grey
    gc.step("gc")                       # scan A
    assert gc.heap.colour("A") == BLACK and gc.heap.colour("B") == GREY
    assert gc.heap.colour("C") == WHITE


def test_sweep_frees_exactly_the_white_objects():
    spec = {"objects": {"A": {"f0": None}, "B": {"f0": "C"}, "C": {"f0": "B"},
                        "D": {"f0": None}},
            "stacks": {"g1": {"x": "A"}}}
    gc = GC(spec)
    while gc.phase != "marktermination":
        gc.step("gc")
    white = {n for n, o in gc.heap.objects.items() if o.colour == WHITE}
    events = gc.step("gc")
    assert gc.phase == "sweep"
    assert {e.obj for e in events if isinstance(e, Free)} == white == {"B", "C", "D"}
    assert set(gc.heap.objects) == {"A"}
    assert all(o.colour == WHITE for o in gc.heap.objects.values())


# -- stacks: scanned once (hybrid) vs re-scanned (Dijkstra) vs snapshot (Yuasa) --
def test_hybrid_scans_each_stack_once_and_never_rescans():
    gc = replay(RESCAN_HEAP, RESCAN_STEPS, "hybrid")
    assert gc.stats.stack_scans == 1 and gc.stats.stack_rescans == 0
    assert gc.lost == []


def test_dijkstra_needs_stack_rescan():
    gc = replay(RESCAN_HEAP, RESCAN_STEPS, "dijkstra")
    assert gc.stats.stack_rescans == 1 and gc.lost == []
    gc2 = GC(RESCAN_HEAP, "dijkstra", rescan_stacks=False)
    for line in RESCAN_STEPS:
        gc2.step(line)
    assert gc2.lost == ["C"]


def test_yuasa_scans_all_stacks_at_mark_start():
    gc = GC({"objects": {"A": {"f0": None}}, "stacks": {"g1": {"x": "A"}, "g2": {"y": None}}},
            "yuasa")
    gc.step("gc"); gc.step("gc")
    assert gc.phase == "mark" and gc.root_state == {"g1": BLACK, "g2": BLACK}
    assert gc.heap.colour("A") == GREY


YUASA_HOLE = {"objects": {"C": {"f0": None, "f1": None}},
              "stacks": {"g1": {"c": "C"}}}
YUASA_HOLE_STEPS = ["gc", "gc",                    # mark starts; g1's stack not scanned yet
                    "g1: n = new",                 # N allocated black
                    "g1: n.f0 = c",                # white C into black N: old is nil
                    "g1: c = nil",                 # the stack forgets C (no barrier)
                    "gc", "gc", "gc"]              # scan g1 (shades N, already black)


def test_yuasa_needs_a_stack_snapshot():
    without = GC(YUASA_HOLE, "yuasa", stacks_at_start=False)
    for line in YUASA_HOLE_STEPS:
        without.step(line)
    assert without.lost == ["C"]
    with_snapshot = replay(YUASA_HOLE, YUASA_HOLE_STEPS, "yuasa")
    assert with_snapshot.lost == []


def test_hybrid_insertion_half_covers_unscanned_stacks():
    # Same moves as the Yuasa hole: shading the new pointer saves C with no stack snapshot.
    assert replay(YUASA_HOLE, YUASA_HOLE_STEPS, "hybrid").lost == []


# -- wbBuf ------------------------------------------------------------------
def test_wbbuf_defers_shading_until_flush():
    spec = heap3()
    spec["stacks"]["g1"]["c"] = "C"
    gc = marking(spec, wbbuf_entries=4)
    gc.step("g1: a.f0 = c")
    assert gc.wbbuf["P0"] == ["B", "C"]
    assert gc.heap.colour("B") == WHITE
    assert {o.name for o in gc.snapshot().objects if o.queued} == {"B", "C"}


def test_wbbuf_flushes_when_full():
    spec = heap3()
    spec["stacks"]["g1"]["c"] = "C"
    gc = marking(spec, wbbuf_entries=2)
    gc.step("g1: a.f1 = c")              # buffer: [C] (the nil old value is dropped)
    gc.step("g1: a.f0 = c")              # B and C do not fit next to C -> flush first
    assert gc.stats.wbbuf_flushes == 1 and gc.heap.colour("C") == GREY
    assert gc.heap.colour("B") == WHITE and gc.wbbuf["P0"] == ["B", "C"]


def test_gcmarkdone_flushes_wbbuf_before_mark_termination():
    spec = heap3()
    gc = marking(spec, wbbuf_entries=8)
    gc.step("gc"); gc.step("gc")         # scan g1, scan A (B grey)
    gc.step("g1: b = a.f0"); gc.step("g1: c = b.f0")
    gc.step("g1: b.f0 = nil")            # C only in the wbBuf
    gc.step("g1: b = nil")
    while gc.phase == "mark" and (gc.work or gc.root_jobs):
        gc.step("gc")
    gc.step("gc")                         # gcMarkDone: flush finds C -> keep marking
    assert gc.phase == "mark" and gc.heap.colour("C") == GREY
    while gc.phase == "mark":
        gc.step("gc")
    assert gc.lost == []


# -- invariants -----------------------------------------------------------------
def test_invariant_check_tells_strong_from_weak_violations():
    heap = Heap.from_spec({"objects": {"A": {"f0": "C"}, "B": {"f0": "C"}, "C": {"f0": None}},
                           "stacks": {}})
    heap.objects["A"].colour = BLACK
    heap.objects["B"].colour = GREY
    assert [v.rule for v in check_invariants(heap, [], [])] == ["strong"]
    heap.objects["B"].fields["f0"] = None
    assert [v.rule for v in check_invariants(heap, [], [])] == ["weak"]
    assert [v.rule for v in check_invariants(heap, [], [], queued=["C"])] == ["strong"]


def test_lost_object_without_barrier_is_reported_at_mark_termination():
    s = lost_object("none")
    term = next(f for f in s.frames if f.phase == "marktermination")
    assert term.lost == ("C",) and "LOST" in term.caption
    assert any(v.rule == "weak" and v.dst == "C" for v in term.violations)
    assert "C" in s.final.dangling


@pytest.mark.parametrize("barrier", ["dijkstra", "yuasa", "hybrid"])
def test_each_barrier_prevents_the_classic_lost_object(barrier):
    s = lost_object(barrier)
    assert s.final.lost == ()
    assert all(v.rule != "weak" for f in s.frames for v in f.violations)


def test_use_after_free_is_reported():
    gc = replay(LOST_HEAP, LOST_STEPS, "none")
    gc.step("gc")                        # cycle 2: sweep termination
    gc.step("gc")
    gc.step("g1: c = a.f1")
    with pytest.raises(GCModelError, match="use after free"):
        gc.step("g1: d = c.f0")


# -- checker ------------------------------------------------------------------
def test_find_lost_object_finds_a_loss_without_barrier_and_replays_it():
    found = find_lost_object("none", seed=3)
    assert found is not None and found.lost
    assert replay(found.heap, found.steps, "none").lost == list(found.lost)
    assert replay(found.heap, found.steps, "hybrid").lost == []
    assert "lost:" in str(found)


def test_find_lost_object_returns_none_for_hybrid():
    assert find_lost_object("hybrid", seed=3, tries=60) is None


# -- inputs and scenarios -------------------------------------------------------
@pytest.mark.parametrize("line, message", [
    ("g1 x = y", "cannot read step"),
    ("g9: x = new", "unknown goroutine 'g9'"),
    ("g1: q = zz.f0", "no local 'zz'"),
    ("g1: q = a.f7", "no field 'f7'"),
])
def test_bad_steps_get_clear_errors(line, message):
    with pytest.raises(GCModelError, match=message):
        GC(heap3()).step(line)


def test_heap_names_must_be_identifiers():
    with pytest.raises(GCModelError, match="object name 'my obj'"):
        GC({"objects": {"my obj": {"f0": None}}})


def test_bad_heap_spec_names_the_dangling_pointer():
    with pytest.raises(GCModelError, match="A.f0 points to 'Q'"):
        GC({"objects": {"A": {"f0": "Q"}}})


def test_scenarios_are_short_and_deterministic():
    for s in all_scenarios():
        assert 5 <= len(s.frames) <= 40, s.name
        assert s.explanation and all(f.caption for f in s.frames)
    assert tricolour().frames == tricolour().frames


def test_tricolour_scenario_frees_only_the_garbage_cycle():
    s = tricolour()
    assert {o.name for o in s.final.objects} == {"A", "B", "C", "D", "G"}
    assert next(f for f in s.frames if f.phase == "sweep").freed == ("E", "F")


def test_rescan_scenario_contrasts_dijkstra_and_hybrid():
    assert rescan("dijkstra").final.stats.stack_rescans == 1
    assert rescan("hybrid").final.stats.stack_rescans == 0
    assert rescan("dijkstra").final.lost == rescan("hybrid").final.lost == ()


def test_snapshots_are_immutable():
    snap = GC(heap3()).snapshot()
    with pytest.raises(AttributeError):
        snap.phase = "mark"
    assert isinstance(snap.objects, tuple)


def test_hybrid_barrier_function_contract():
    heap = Heap.from_spec(heap3())
    assert hybrid_barrier(heap, "A", "B", "C", None) == ["B", "C"]


def test_random_run_is_deterministic_for_a_seed():
    a, b = random_run("hybrid", seed=5, steps=25), random_run("hybrid", seed=5, steps=25)
    assert a == b and len(a) == 26
    assert random_run("hybrid", seed=6, steps=25) != a


def test_hybrid_pseudocode_skips_the_new_pointer_once_the_stack_is_black():
    spec = heap3()
    spec["stacks"]["g1"]["c"] = "C"
    gc = marking(spec, "hybrid-pseudocode")
    gc.step("g1: a.f1 = c")                 # stack grey: shade old (nil) and new (C)
    assert gc.snapshot().shaded == ("C",)
    gc.step("gc")                           # scan g1's stack: black
    gc.step("g1: a.f0 = nil")               # stack black: only the old pointer, B
    assert gc.snapshot().shaded == ("B",)
    gc.step("g1: a.f0 = c")                 # old nil, new C not shaded
    assert gc.snapshot().shaded == ()


def test_wbbuf_scenario_flushes_before_mark_termination():
    s = wbbuf()
    flushed = [f for f in s.frames if "gcMarkDone flushed" in f.caption]
    assert len(flushed) == 1 and flushed[0].phase == "mark"
    before = s.frames[s.frames.index(flushed[0]) - 1]
    assert before.colour("C") == "white" and ("P0", ("C", "C")) in before.wbbuf
    assert s.final.lost == () and "queues C in P0's wbBuf" in s.frames[7].caption
    assert s.final.stats.barrier_shades == 1 and s.final.stats.wbbuf_flushes == 1
