"""Named scenarios: small programs that each show one scheduling rule at work.

    from whygo.sched import scenarios
    scenarios.names()
    sc = scenarios.get("gosched-global")
    sc.title, sc.explanation
    result = sc.run(seed=0, frames=True)      # Result: stats, events, snapshots, timeline
    sc.run_all()                              # {variant label: Result}, e.g. GOMAXPROCS=1 and 4

Every scenario is deterministic for a given seed. The tests' golden files
(statistics, and which G moved where: :func:`moves`) are written by
``python -m whygo.sched.scenarios --golden tests/fixtures``.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .events import Exit
from .model import Result, simulate
from .workload import compute, gosched, recv, send, sleep, spawn, syscall


class ScenarioError(KeyError):
    """No scenario has that name."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    explanation: str
    program: Callable[[], list]             # builds main's workload
    # label -> simulate() keyword arguments; "program" may replace the scenario's own
    variants: dict[str, dict] = field(default_factory=dict)
    channels: dict[str, int] = field(default_factory=dict)
    summary_only: bool = False              # too big for frames: statistics only

    def run(self, seed: int = 0, frames: bool = True, variant: str | None = None) -> Result:
        """Run one variant (the first by default); ``frames`` keeps snapshots for the player."""
        label = variant or next(iter(self.variants))
        if label not in self.variants:
            raise ScenarioError(f"scenario {self.name!r} has no variant {label!r}; "
                                f"choose one of {list(self.variants)}")
        kw = dict(self.variants[label])
        program = kw.pop("program", self.program)
        if self.summary_only:
            kw["summary"] = True
        else:
            kw["frames"] = frames
        return simulate(program(), channels=self.channels, seed=seed, **kw)

    def run_all(self, seed: int = 0, frames: bool = False) -> dict[str, Result]:
        return {label: self.run(seed, frames, label) for label in self.variants}

    def summary(self, seed: int = 0) -> dict:
        """Plain numbers for every variant (the golden files)."""
        return {label: r.stats.to_dict() for label, r in self.run_all(seed).items()}


def _fan_out_fan_in() -> list:
    work = [120, 300, 80, 200]
    workers = [spawn([compute(us), send("results")], f"worker{i}") for i, us in enumerate(work)]
    return workers + [recv("results")] * len(work)


def _imbalance() -> list:
    return [spawn([compute(100)], f"task{i}") for i in range(8)] + [compute(100)]


def _syscall_handoff() -> list:
    jobs = [spawn([compute(150)], f"job{i}") for i in range(2)]
    return [spawn([compute(400)], "busy"), syscall(2), compute(5)] + jobs + [syscall(300), compute(20)]


def _gosched() -> list:
    polite = [compute(20), gosched(), compute(20)]
    return [spawn(polite, "polite"), spawn([compute(40)], "a"), spawn([compute(40)], "b"), compute(5)]


def _ping_pong() -> list:
    pong = [x for _ in range(3) for x in (recv("ping"), compute(5), send("pong"))]
    return [spawn(pong, "pong")] + [x for _ in range(3) for x in (compute(5), send("ping"), recv("pong"))]


def _overflow() -> list:
    return [spawn([compute(50)], f"g{i}") for i in range(10)] + [compute(20)]


def _gomaxprocs() -> list:
    return [spawn([compute(50), compute(50)], f"w{i}") for i in range(8)] + [compute(10)]


def _hundred_thousand() -> list:
    worker = (compute(2), compute(2), compute(2))
    # `go` itself costs the creating goroutine about a quarter of a microsecond
    return [spawn(worker), compute(0.25)] * 100_000


def _hundred_thousand_as_written() -> list:
    # the source document's goroutine body: runtime.Gosched(); time.Sleep(10 * time.Millisecond)
    worker = (gosched(), sleep(10_000))
    return [spawn(worker), compute(0.25)] * 100_000


_ALL = [
    Scenario("fan-out-fan-in", "Fan-out, fan-in",
             "main starts four workers with `go` and then waits for four results on an unbuffered "
             "channel. Each new goroutine lands in the runnext slot of main's P, pushing the previous "
             "one to the local queue; idle Ps are woken one at a time (wakep) and steal half of that "
             "queue. When a worker sends its result, main, parked on the channel, is woken into the "
             "sender's runnext and runs next on that P.",
             _fan_out_fan_in, {"GOMAXPROCS=4": {"procs": 4}}, {"results": 0}),
    Scenario("stealing", "Imbalance resolved by work stealing",
             "All eight tasks are created by main on P0, so P0's local queue holds the whole load "
             "while the other Ps are idle. Each spinning M visits the Ps in a random order and takes "
             "half of a victim's queue, rounded up, then wakes the next spinner: within the same "
             "instant the work spreads over all four Ps. Stealing balances queues, not finishing "
             "times: P0, which also ran main, ends one task after the others.",
             _imbalance, {"GOMAXPROCS=4": {"procs": 4}}),
    Scenario("syscall-handoff", "A blocking system call hands the P off",
             "main starts a busy goroutine (stolen by the other P) and two jobs, which wait on main's "
             "P, then enters a 300 µs system call. Its M blocks in the kernel and keeps main, and the "
             "P stays attached to it, so the jobs would wait. sysmon notices the syscall at one tick "
             "and, since it is still there a tick (20 µs) later and the P has work, takes the P and "
             "hands it to another M (retake, handoffp). When the syscall returns, main tries to get "
             "a P back: its old one if another syscalling thread holds it, else an idle one; here "
             "both Ps are busy, so main waits in the global queue and its M parks. (A call known to "
             "block, entersyscallblock, gives the P away at once, without waiting for sysmon.)",
             _syscall_handoff, {"GOMAXPROCS=2": {"procs": 2}}),
    Scenario("gosched-global", "runtime.Gosched() goes to the GLOBAL queue",
             "`polite` calls runtime.Gosched() in the middle of its work. The runtime (goschedImpl) "
             "puts it at the tail of the global run queue, not the local queue as the source document "
             "claims. With one P, the goroutines in the local queue run first; polite comes back only "
             "when the local queue is empty (or at a schedtick that is a multiple of 61).",
             _gosched, {"GOMAXPROCS=1": {"procs": 1}}),
    Scenario("ping-pong", "Channel ping-pong through runnext",
             "main and pong exchange messages on two unbuffered channels. Each send wakes the parked "
             "partner into the runnext slot of the sender's own P, and the sender blocks right after, "
             "so the partner runs next on the same P. A spinning thief backs off 3 µs before taking "
             "a runnext G, and by then it has already run. Only at the start, while main computes "
             "5 µs, is pong stolen by P1; from its first wake-up on, the pair stays on P0 while P1 "
             "idles: cheap hand-offs, warm caches, and one shared time slice.",
             _ping_pong, {"GOMAXPROCS=2": {"procs": 2}}, {"ping": 0, "pong": 0}),
    Scenario("runq-overflow", "A full local queue spills half to the global queue",
             "For teaching, each local queue holds 4 goroutines instead of 256. main creates ten "
             "goroutines on one P: runnext takes each new one and pushes the previous one to the "
             "local queue. When the queue is full, runqputslow moves its older half plus the G that "
             "the newcomer pushed out of runnext to the global queue in one batch (with the real "
             "size: 128 + 1 = 129); the newcomer itself stays in runnext. Later a P with an "
             "empty queue takes a batch back: min(n, len/GOMAXPROCS + 1, half a queue).",
             _overflow, {"GOMAXPROCS=1": {"procs": 1, "runq_size": 4}}),
    Scenario("gomaxprocs", "GOMAXPROCS=1 versus 4",
             "The same eight CPU-bound goroutines, with one P and with four. With one P they run one "
             "after the other and the total time is the sum of their work; with four, idle Ps steal "
             "and the total drops to about a quarter. Concurrency is the structure of the program; "
             "parallelism needs Ps.",
             _gomaxprocs, {"GOMAXPROCS=4": {"procs": 4}, "GOMAXPROCS=1": {"procs": 1}}),
    Scenario("100k-goroutines", "The source document's 100,000 goroutines",
             "main starts 100,000 goroutines, each doing three short compute slices (2 µs); a `go` "
             "statement costs main about 0.25 µs, so it needs 25 ms of CPU to create them all. The "
             "local queue overflows again and again into the global queue, and the other Ps take "
             "batches from it. After 10 ms sysmon preempts main, and a preempted goroutine goes to "
             "the tail of the global queue, behind the tens of thousands it has just created: main "
             "finishes creating them (main_exit_us) long after 25 ms, and later still with one P. "
             "With the document's own goroutine body (Gosched, then Sleep 10 ms) nobody else needs "
             "the CPU, main is done after its 25 ms, and each of the 100,000 Gosched calls sends a "
             "goroutine through the global queue. Creation time depends on everything else that "
             "runs, one reason why the source document's table (8.7 ms versus 21.4 ms) cannot be "
             "reproduced as stated. Statistics only, no frames.",
             _hundred_thousand,
             {"GOMAXPROCS=4": {"procs": 4}, "GOMAXPROCS=1": {"procs": 1},
              "as written, GOMAXPROCS=4": {"procs": 4, "program": _hundred_thousand_as_written}},
             summary_only=True),
]
_BY_NAME = {s.name: s for s in _ALL}


def names() -> list[str]:
    return list(_BY_NAME)


def get(name: str) -> Scenario:
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ScenarioError(f"no scenario named {name!r}; choose one of {names()}") from None


def _places(snap) -> dict[int, tuple[str, int]]:
    """G id -> (where it is, its position there) in one snapshot."""
    where: dict[int, tuple[str, int]] = {g: ("waiting", 0) for g, _ in snap.waiting}
    for m in snap.ms:
        if m.g is not None:
            where[m.g] = (f"M{m.id} {m.state}", 0)
    for p in snap.procs:
        if p.curg is not None:
            where[p.curg] = (f"P{p.id}" + (" syscall" if p.in_syscall else ""), 0)
        if p.runnext is not None:
            where[p.runnext] = (f"P{p.id}.runnext", 0)
        where.update((g, (f"P{p.id}.runq", i)) for i, g in enumerate(p.runq))
    where.update((g, ("global", i)) for i, g in enumerate(snap.global_runq))
    return where


def moves(result: Result) -> list[str]:
    """Which G went where, event by event (needs ``frames=True``), for the golden files.

    One line per event, ``"0 Spawn P0 G7: G7 new->P0.runnext, G2 P0.runq->global"``:
    the Gs whose place changed, listed in the order they now stand in their
    queue. A place is a P's ``runnext`` or local ``runq``, ``global``, running on
    ``P<n>``, in a syscall on ``M<n>``, ``waiting``; ``new`` before a G first
    appears, ``picked`` while the scheduler holds it (taken, not yet running),
    ``exited``. Aggregate statistics cannot see a rule that moves the wrong Gs;
    these lines do.
    """
    lines, before, seen = [], {}, set()
    for snap in result.snapshots:
        e, now = snap.event, _places(snap)

        def gone(g):
            if g not in seen:
                return "new"
            return "exited" if isinstance(e, Exit) and e.g == g else "picked"

        place = {g: (before[g][0] if g in before else gone(g), now.get(g, (gone(g), 0)))
                 for g in before.keys() | now.keys()}
        moved = sorted((g for g, (old, new) in place.items() if old != new[0]), key=lambda g: (place[g][1], g))
        head = " ".join([f"{e.t:g} {e.kind}"] + [f"{k}{v}" for k, v in (("P", e.p), ("G", e.g)) if v is not None])
        body = ", ".join(f"G{g} {place[g][0]}->{place[g][1][0]}" for g in moved)
        lines.append(f"{head}: {body}" if body else head)
        before = now
        seen |= now.keys()
    return lines


def golden(sc: Scenario, seed: int = 0) -> dict:
    """A scenario's golden file: per variant its statistics and, unless it is summary
    only, where every G moved (:func:`moves`)."""
    out = {}
    for label in sc.variants:
        r = sc.run(seed, frames=not sc.summary_only, variant=label)
        out[label] = {"stats": r.stats.to_dict(), **({} if sc.summary_only else {"moves": moves(r)})}
    return out


def write_golden(folder: Path, seed: int = 0) -> list[Path]:
    """Write tests/fixtures/sched_<name>.json for every scenario (see :func:`golden`)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for sc in _ALL:
        path = folder / f"sched_{sc.name}.json"
        path.write_text(json.dumps(golden(sc, seed), indent=1, sort_keys=True, ensure_ascii=False) + "\n")
        out.append(path)
    return out


if __name__ == "__main__":  # python -m whygo.sched.scenarios --golden tests/fixtures
    if len(sys.argv) == 3 and sys.argv[1] == "--golden":
        for p in write_golden(Path(sys.argv[2])):
            print(f"wrote {p}")
    else:
        print("usage: python -m whygo.sched.scenarios --golden FOLDER", file=sys.stderr)
        sys.exit(2)
