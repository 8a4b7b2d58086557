"""The named scheduler scenarios: each tells its story, and each run matches its golden file.

Golden files live in tests/fixtures/sched_<name>.json: per variant the
statistics and, line by line, which G moved where at each event
(``scenarios.moves``), so a rule that moves the wrong goroutines fails even
when every count stays the same. After an intended change to the model,
regenerate them with

    .venv/bin/python -m whygo.sched.scenarios --golden tests/fixtures

and review the diff: every changed line should be explained by the change
(runtime/proc.go is the authority, e.g. runqputslow moves the oldest half).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from whygo.sched import events as ev
from whygo.sched import scenarios
from whygo.sched.scenarios import ScenarioError

FIXTURES = Path(__file__).parents[1] / "fixtures"
SMALL = [n for n in scenarios.names() if not scenarios.get(n).summary_only]


def kinds(result) -> list[str]:
    return [e.kind for e in result.events]


def test_names_and_lookup():
    assert {"fan-out-fan-in", "stealing", "syscall-handoff", "gosched-global", "ping-pong",
            "runq-overflow", "gomaxprocs", "100k-goroutines"} <= set(scenarios.names())
    with pytest.raises(ScenarioError, match="no scenario named 'nope'; choose one of"):
        scenarios.get("nope")


@pytest.mark.parametrize("name", scenarios.names())
def test_every_scenario_has_a_title_and_a_paragraph_of_explanation(name):
    sc = scenarios.get(name)
    assert sc.title and len(sc.explanation.split()) >= 40


def golden(name: str) -> dict:
    return json.loads((FIXTURES / f"sched_{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", SMALL)
def test_scenario_summary_matches_golden_file(name):
    assert scenarios.get(name).summary() == {label: v["stats"] for label, v in golden(name).items()}


@pytest.mark.parametrize("name", SMALL)
def test_scenario_moves_match_golden_file(name):
    """Which G went where at every event, variant by variant."""
    sc = scenarios.get(name)
    for label, want in golden(name).items():
        got = scenarios.moves(sc.run(variant=label))
        assert got == want["moves"], f"{label}: first difference at event " \
            f"{next(i for i, (a, b) in enumerate(zip(got + [None], want['moves'] + [None])) if a != b)}"


@pytest.mark.slow   # three runs of 100,000 goroutines: about 5 s of CPU
def test_100k_goroutines_summary_matches_golden_file():
    got = scenarios.get("100k-goroutines").summary()
    assert got == {label: v["stats"] for label, v in golden("100k-goroutines").items()}
    four, one, written = got["GOMAXPROCS=4"], got["GOMAXPROCS=1"], got["as written, GOMAXPROCS=4"]
    assert four["goroutines"] == one["goroutines"] == written["goroutines"] == 100_001
    assert four["overflows"] > 0 and four["total_us"] < one["total_us"]
    assert four["main_exit_us"] > 25_000 < one["main_exit_us"]      # main waited behind its own Gs
    assert written["gosched"] == 100_000 and written["main_exit_us"] == 25_000


def test_fan_out_fan_in_wakes_main_through_the_senders_runnext():
    r = scenarios.get("fan-out-fan-in").run()
    wakes = [e for e in r.events if isinstance(e, ev.Wake) and e.g == 1]
    assert wakes and all(e.reason.startswith("send on results") for e in wakes)
    assert r.stats.steals >= 1


def test_stealing_spreads_the_work_over_all_ps():
    r = scenarios.get("stealing").run()
    assert r.stats.steals >= 3 and all(b > 0 for b in r.stats.busy_us)


def test_syscall_handoff_scenario_hands_off_and_falls_back_to_global():
    r = scenarios.get("syscall-handoff").run()
    assert "Handoff" in kinds(r)
    assert any("global queue" in e.outcome for e in r.events if isinstance(e, ev.SyscallExit))


def test_gosched_scenario_sends_polite_to_the_global_queue():
    r = scenarios.get("gosched-global").run()
    i = kinds(r).index("GoschedToGlobal")
    assert r.snapshots[i].global_runq == (r.events[i].g,)


def test_ping_pong_stays_on_one_p_through_runnext():
    r = scenarios.get("ping-pong").run()
    runs = [e for e in r.events if isinstance(e, ev.Run) and e.t >= 5]
    assert runs and all(e.p == 0 and e.source == "runnext" for e in runs)


def test_overflow_scenario_spills_the_oldest_half_plus_the_displaced_g():
    """Queue size 4. G2..G5 fill P0's queue behind runnext G6; `go` G7 displaces G6 and
    runqputslow moves the two oldest, G2 and G3, then G6; later G4, G5 and G9 likewise."""
    r = scenarios.get("runq-overflow").run()
    spills = [e for e in r.events if isinstance(e, ev.RunqOverflow)]
    assert [e.moved for e in spills] == [(2, 3, 6), (4, 5, 9)]
    first = r.snapshots[r.events.index(spills[0])]
    assert first.global_runq == (2, 3, 6) and first.procs[0].runq == (4, 5) and first.procs[0].runnext == 7


def test_gomaxprocs_four_is_faster_than_one():
    runs = scenarios.get("gomaxprocs").run_all()
    assert runs["GOMAXPROCS=4"].stats.total_us * 3 < runs["GOMAXPROCS=1"].stats.total_us


def test_unknown_variant_is_a_clear_error():
    with pytest.raises(ScenarioError, match="has no variant 'x'"):
        scenarios.get("gomaxprocs").run(variant="x")
