"""Lab 2 checks: predict where goroutines go, then write a stealing policy.

The answers are not stored anywhere: each situation is run in the scheduler
simulator (:mod:`whygo.sched`) and the source of the goroutine's run is read
from its ``Run`` events, so the check says exactly what the model (and the
runtime it mirrors, runtime/proc.go) does.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from whygo.i18n import N_, _
from whygo.labs.protocol import Verdict, not_yet, passed
from whygo.sched import compute, gosched, simulate, spawn
from whygo.sched.events import Run

PLACES = ("runnext", "local", "global", "stolen")


def place(source: str) -> str:
    """The simulator's run source ("its local queue", ...) as one of PLACES."""
    if source == "runnext":
        return "runnext"
    if "local" in source:
        return "local"
    if "global" in source:
        return "global"
    if "stolen" in source:
        return "stolen"
    return source


@dataclass(frozen=True)
class Situation:
    text: str               # the question in English (N_): ``question`` is it in the running edition
    program: Callable[[], list]
    procs: int
    gid: int                # the goroutine asked about: main is G1, its k-th `go` makes G(k+1)
    which: str = "first"    # "first" run, or "last" (after it was put back)

    @property
    def question(self) -> str:
        return _(self.text)


def _tasks(n: int, us: int = 100) -> list:
    return [spawn([compute(us)], f"t{i}") for i in range(n)]


SITUATIONS: dict[str, Situation] = {
    "a": Situation(N_("1 P. main runs `go a()` and keeps computing. Where does a run from?"),
                   lambda: [spawn([compute(10)], "a"), compute(50)], 1, 2),
    "b": Situation(N_("1 P. main runs `go a()` then `go b()`. Where does a run from?"),
                   lambda: [spawn([compute(10)], "a"), spawn([compute(10)], "b"), compute(50)], 1, 2),
    "c": Situation(N_("1 P. a calls runtime.Gosched() halfway. Where does a resume from?"),
                   lambda: [spawn([compute(10), gosched(), compute(10)], "a"), compute(50)], 1, 2, "last"),
    "d": Situation(N_("4 Ps. main starts t0..t7 (100 µs each) and computes. Where does t1 run from?"),
                   lambda: _tasks(8) + [compute(100)], 4, 3),
    "e": Situation(N_("1 P. main starts t0..t299 without blocking. Where does t0 run from?"),
                   lambda: _tasks(300, 10) + [compute(10)], 1, 2),
}


def truth(key: str) -> str:
    """Where the simulator puts the situation's goroutine."""
    s = SITUATIONS[key]
    result = simulate(s.program(), procs=s.procs, seed=0)
    runs = [e.source for e in result.events if isinstance(e, Run) and e.g == s.gid]
    return place(runs[0] if s.which == "first" else runs[-1])


def show_situation(key: str) -> None:
    """Print the question and, step by step, what the simulator did."""
    s = SITUATIONS[key]
    result = simulate(s.program(), procs=s.procs, seed=0)
    print(_("situation {key}: {question}  (the goroutine asked about is G{gid})").format(
        key=key, question=s.question, gid=s.gid))
    for event in result.events[:40]:
        print(f"  {event.t:7g} µs  {event.describe()}")
    if len(result.events) > 40:
        print("  " + _("... {n} more events").format(n=len(result.events) - 40))


def check_predictions(ns: dict) -> Verdict:
    check = "sched/1"
    predictions = ns.get("predictions")
    if not isinstance(predictions, dict):
        return not_yet(check, _("no `predictions` dict found"),
                       _("run the task-1 cell: predictions = {'a': ..., ...}"))
    missing = [k for k in SITUATIONS if predictions.get(k) not in PLACES]
    if missing:
        return not_yet(check, _("situation(s) {missing} have no answer among {places}").format(
                           missing=", ".join(missing), places=", ".join(PLACES)),
                       _("replace every '?' by runnext, local, global or stolen"))
    wrong = [k for k in SITUATIONS if predictions[k] != truth(k)]
    if wrong:
        return not_yet(check, _("{right} of {total} right; look again at {wrong}").format(
                           right=len(SITUATIONS) - len(wrong), total=len(SITUATIONS), wrong=", ".join(wrong)),
                       _("run show_situation('{key}') and find the goroutine's first Run event").format(
                           key=wrong[0]),
                       _("then read runqput (where `go` puts a new G) and goschedImpl and findRunnable "
                         "in runtime/proc.go"))
    return passed(check, _("all {n} predictions match the simulator").format(n=len(SITUATIONS)))


# -- task 2: a stealing policy ----------------------------------------------------------

WORK_US = [50, 100, 150, 200] * 4
PROCS = 4
TARGET = 1.2    # makespan at most 1.2 x the ideal (total work / Ps)


def imbalance_program() -> list:
    """main puts 16 tasks of uneven length on its own P, then waits on nothing."""
    return [spawn([compute(us)], f"t{i}") for i, us in enumerate(WORK_US)]


def makespan(policy) -> float:
    return simulate(imbalance_program(), procs=PROCS, seed=1, steal_policy=policy).stats.total_us


def check_policy(ns: dict) -> Verdict:
    check = "sched/2"
    policy = ns.get("my_steal")
    if not callable(policy):
        return not_yet(check, _("no function `my_steal(req)` found"), _("run the task-2 cell"))
    ideal = sum(WORK_US) / PROCS
    try:
        span = makespan(policy)
    except Exception as exc:  # the learner's policy is code under test: report, never crash
        return not_yet(check, _("the simulator stopped: {error}").format(error=f"{type(exc).__name__}: {exc}"),
                       _("return None or StealChoice(victim, count): victim is a P id (an int, such as "
                         "`view.id`) and 1 <= count <= that P's runq_len"))
    if span <= TARGET * ideal:
        return passed(check, _("16 tasks finish at {span:g} µs on {procs} Ps "
                               "(ideal {ideal:g} µs, target <= {target:g} µs)").format(
                                   span=span, procs=PROCS, ideal=ideal, target=TARGET * ideal))
    return not_yet(check, _("16 tasks finish at {span:g} µs; the target is <= {target:g} µs "
                            "(ideal {ideal:g} µs)").format(span=span, target=TARGET * ideal, ideal=ideal),
                   _("an idle P must take work from a P that has some: look at each view's runq_len"),
                   _("pick another P with a non-empty runq and take about half of it, as runqgrab does "
                     "(n - n/2)"))


CHECKS = {"sched/1": check_predictions, "sched/2": check_policy}
