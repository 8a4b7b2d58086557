"""The GC pacer: the heap goal of runtime/mgcpacer.go, and the heap sawtooth it makes.

The goal mirrors the pinned runtime (go1.27):

* ``gcControllerState.commit``::

      gcPercentHeapGoal = heapMarked + (heapMarked + lastStackScan + globalsScan) * GOGC/100

  (stacks and globals count since Go 1.18), never below ``heapMinimum``,
  which ``setGCPercent`` sets to ``defaultHeapMinimum * GOGC/100``
  (``defaultHeapMinimum`` = 4 MiB; 512 KiB only with GOEXPERIMENT=heapminimum512kib).
  GOGC=off (``gcPercent < 0``) makes this goal infinite.
* ``memoryLimitHeapGoal`` (GOMEMLIMIT, Go 1.19+)::

      goal = memoryLimit - (nonHeapMemory + overage)
      goal -= max(goal/100*3, 1 MiB)                 # headroom
      goal = max(goal, heapMarked)

  where ``nonHeapMemory = mappedReady - heapFree - heapAlloc`` (stacks and
  other runtime memory) and ``overage = max(mappedReady - memoryLimit, 0)``.
* ``heapGoalInternal``: the smaller of the two. (Its two small adjustments,
  a minimum sweep distance and 64 KiB of runway past a late trigger, only
  matter while sweeping lags or a trigger is overshot; the model leaves them
  out and says so.)
* ``trigger``: start marking ``runway`` bytes before the goal, clamped to
  between 45/64 and 61/64 of the way from heapMarked to the goal, except
  that for goals above 4 MiB the upper bound rises to goal - 4 MiB when that
  is higher (mgcpacer.go: gcControllerState.trigger, ``maxTrigger``).

Integer arithmetic in bytes, like the runtime; the ``*_mb`` helpers take and
return MiB (gctrace prints MiB: ``>>20``).

``simulate_heap`` runs cycles of: allocate up to the trigger, mark
concurrently while the program keeps allocating (new objects are black, so
they survive this cycle: floating garbage), sweep back down to the marked
heap. Mark takes ``scan work / scan_mb_s`` seconds; the runway is the
allocation during that time — what ``commit``'s cons/mark estimate works out
to when the background workers get their 25 % (gcBackgroundUtilization).
Mark assists keep the heap from passing the goal.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from whygo.i18n import _

from .heap import GCModelError

MiB = 1 << 20
DEFAULT_HEAP_MINIMUM = 4 << 20            # defaultHeapMinimum (GOGC=100)
MEMORY_LIMIT_HEADROOM_PERCENT = 3         # memoryLimitHeapGoalHeadroomPercent
MEMORY_LIMIT_MIN_HEADROOM = 1 << 20       # memoryLimitMinHeapGoalHeadroom
TRIGGER_RATIO_DEN = 64                    # triggerRatioDen
MIN_TRIGGER_RATIO_NUM = 45                # minTriggerRatioNum (~0.7)
MAX_TRIGGER_RATIO_NUM = 61                # maxTriggerRatioNum (~0.95)
GC_BACKGROUND_UTILIZATION = 0.25          # gcBackgroundUtilization
NO_LIMIT = (1 << 63) - 1                  # GOMEMLIMIT default: math.MaxInt64
NO_GOAL = (1 << 64) - 1                   # ^uint64(0): GOGC=off


def _gogc(gogc: int | str | None) -> int:
    """GOGC as the runtime stores it: a percentage, or -1 for off."""
    if gogc is None or (isinstance(gogc, str) and gogc.strip().lower() == "off"):
        return -1
    try:
        value = int(gogc)
    except (TypeError, ValueError):
        raise GCModelError(_("GOGC={gogc}: use a whole number (100 is the default) or 'off'").format(
            gogc=repr(gogc)))
    return -1 if value < 0 else value


def heap_minimum(gogc: int | str | None = 100) -> int:
    """setGCPercent: heapMinimum = defaultHeapMinimum * GOGC / 100 (0 when GOGC is off)."""
    g = _gogc(gogc)
    return 0 if g < 0 else DEFAULT_HEAP_MINIMUM * g // 100


def gc_percent_heap_goal(heap_marked: int, stack_scan: int = 0, globals_scan: int = 0,
                         gogc: int | str | None = 100) -> int:
    """commit: the GOGC-based goal in bytes (``NO_GOAL`` when GOGC=off)."""
    g = _gogc(gogc)
    if g < 0:
        return NO_GOAL
    goal = heap_marked + (heap_marked + stack_scan + globals_scan) * g // 100
    return max(goal, heap_minimum(g))


def memory_limit_heap_goal(memory_limit: int, heap_marked: int, *, non_heap: int = 0,
                           heap_alloc: int | None = None, heap_free: int = 0) -> int:
    """memoryLimitHeapGoal in bytes; ``non_heap`` = mappedReady - heapFree - heapAlloc."""
    heap_alloc = heap_marked if heap_alloc is None else heap_alloc
    mapped_ready = non_heap + heap_free + heap_alloc
    overage = max(mapped_ready - memory_limit, 0)
    if non_heap + overage >= memory_limit:
        return heap_marked
    goal = memory_limit - (non_heap + overage)
    headroom = max(goal // 100 * MEMORY_LIMIT_HEADROOM_PERCENT, MEMORY_LIMIT_MIN_HEADROOM)
    goal = headroom if goal < headroom or goal - headroom < headroom else goal - headroom
    return max(goal, heap_marked)


def heap_goal(heap_marked: int, stack_scan: int = 0, globals_scan: int = 0,
              gogc: int | str | None = 100, memory_limit: int | None = None, *,
              non_heap: int = 0, heap_alloc: int | None = None) -> int:
    """heapGoalInternal: the GOGC goal, capped by the GOMEMLIMIT goal (bytes)."""
    goal = gc_percent_heap_goal(heap_marked, stack_scan, globals_scan, gogc)
    if memory_limit is not None and memory_limit < NO_LIMIT:
        goal = min(goal, memory_limit_heap_goal(memory_limit, heap_marked, non_heap=non_heap,
                                                heap_alloc=heap_alloc))
    return goal


def trigger(goal: int, heap_marked: int, runway: int) -> int:
    """gcControllerState.trigger: where the next mark phase starts (bytes)."""
    if heap_marked >= goal:
        return goal
    span = (goal - heap_marked) // TRIGGER_RATIO_DEN
    min_trigger = span * MIN_TRIGGER_RATIO_NUM + heap_marked
    max_trigger = span * MAX_TRIGGER_RATIO_NUM + heap_marked
    if goal > DEFAULT_HEAP_MINIMUM and goal - DEFAULT_HEAP_MINIMUM > max_trigger:
        max_trigger = goal - DEFAULT_HEAP_MINIMUM
    max_trigger = max(max_trigger, min_trigger)
    t = min_trigger if runway > goal else goal - runway
    return min(max(t, min_trigger), max_trigger)


def _bytes(mb: float) -> int:
    return int(round(mb * MiB))


def heap_goal_mb(heap_marked_mb: float, stacks_mb: float = 0, globals_mb: float = 0,
                 gogc: int | str | None = 100, memlimit_mb: float | None = None,
                 non_heap_mb: float = 0) -> float:
    """:func:`heap_goal` in MiB (``inf`` with GOGC=off and no limit)."""
    goal = heap_goal(_bytes(heap_marked_mb), _bytes(stacks_mb), _bytes(globals_mb), gogc,
                     None if memlimit_mb is None else _bytes(memlimit_mb),
                     non_heap=_bytes(non_heap_mb))
    return float("inf") if goal == NO_GOAL else goal / MiB


# -- predicting real gctrace goals ----------------------------------------------
def _triple(c: Any) -> tuple[float, float, float]:
    if hasattr(c, "heap_live_mb"):
        return c.heap_live_mb, getattr(c, "stacks_mb", 0), getattr(c, "globals_mb", 0)
    try:
        live, stacks, globals_ = c
        return float(live), float(stacks), float(globals_)
    except (TypeError, ValueError):
        raise GCModelError(_("a cycle is (heap_live_mb, stacks_mb, globals_mb) or an object with "
                             "those attributes (a gctrace GCCycle); got {cycle}").format(cycle=repr(c))) from None


def predict_goals(cycles: Iterable[Any], gogc: int | str | None = 100,
                  memlimit: float | None = None) -> list[float]:
    """The goal the model expects for each cycle, from the cycle before it.

    ``cycles`` are gctrace figures per cycle: (heap_live_mb, stacks_mb,
    globals_mb) tuples or objects with those attributes. Element ``i`` of the
    result is the goal for cycle ``i``: the first is the start-up goal
    (heapMarked = 0, so heapMinimum); the others come from cycle ``i - 1``
    (gctrace prints ``lastHeapGoal``, the goal in force during the cycle,
    which the previous mark termination committed). gctrace rounds MiB down,
    so expect differences of a MiB or two. ``memlimit``: GOMEMLIMIT in MiB.
    """
    triples = [_triple(c) for c in cycles]
    goals = [heap_goal_mb(0, 0, 0, gogc, memlimit)] if triples else []
    goals += [heap_goal_mb(live, stacks, globals_, gogc, memlimit)
              for live, stacks, globals_ in triples[:-1]]
    return goals


# -- the sawtooth ----------------------------------------------------------------
@dataclass(frozen=True)
class Cycle:
    n: int
    start_s: float          # marking starts (trigger reached)
    end_s: float            # mark termination
    heap_start_mb: float    # gctrace X: heap at the start
    heap_end_mb: float      # gctrace Y: heap at the end of marking
    heap_live_mb: float     # gctrace Z: marked heap
    goal_mb: float          # gctrace "goal"
    trigger_mb: float


@dataclass(frozen=True)
class HeapSeries:
    """Piecewise-linear heap size over time plus the goal in force at each point."""
    t_s: tuple[float, ...]
    heap_mb: tuple[float, ...]
    goal_mb: tuple[float, ...]
    cycles: tuple[Cycle, ...]
    gogc: int                 # -1 = off
    memlimit_mb: float | None
    live_mb: float
    alloc_rate_mb_s: float

    @property
    def peak_mb(self) -> float:
        return max(self.heap_mb)


def simulate_heap(alloc_rate_mb_s: float, live_mb: float, gogc: int | str | None = 100,
                  memlimit: float | None = None, duration_s: float = 10.0, *,
                  stacks_mb: float = 0.0, globals_mb: float = 0.0, other_mb: float = 0.0,
                  scan_mb_s: float = 1000.0, max_cycles: int = 100_000) -> HeapSeries:
    """The heap sawtooth for a program with a steady live heap and allocation rate.

    ``live_mb``: data the program keeps alive; ``alloc_rate_mb_s``: new
    (soon dead) data per second; ``gogc``: a percentage or "off";
    ``memlimit``: GOMEMLIMIT in MiB (None: no limit); ``stacks_mb``,
    ``globals_mb``: their scan work (in the goal); ``other_mb``: runtime
    memory besides heap and stacks (for the memory limit); ``scan_mb_s``:
    how fast the background mark workers scan. Starts just after a GC with
    ``live_mb`` marked.
    """
    for name, value in [("alloc_rate_mb_s", alloc_rate_mb_s), ("live_mb", live_mb),
                        ("duration_s", duration_s), ("scan_mb_s", scan_mb_s)]:
        if not value > 0:
            raise GCModelError(_("{name}={value}: must be a positive number").format(name=name, value=repr(value)))
    g = _gogc(gogc)
    non_heap = stacks_mb + other_mb
    memlimit_mb = memlimit
    if memlimit_mb is not None and memlimit_mb <= non_heap:
        raise GCModelError(_("memlimit={limit}: the limit must be above the non-heap memory "
                             "({non_heap} MB of stacks and runtime memory)").format(limit=memlimit_mb,
                                                                                   non_heap=non_heap))
    t, marked = 0.0, float(live_mb)
    ts, heaps, goals, cycles = [0.0], [marked], [], []
    while t < duration_s and len(cycles) < max_cycles:
        goal = heap_goal_mb(marked, stacks_mb, globals_mb, g, memlimit_mb, non_heap)
        goals.append(goal)
        if goal == float("inf"):                       # GOGC=off, no limit: never collect
            ts.append(duration_s)
            heaps.append(marked + alloc_rate_mb_s * (duration_s - t))
            goals.append(goal)
            break
        mark_s = (marked + stacks_mb + globals_mb) / scan_mb_s
        runway = alloc_rate_mb_s * mark_s
        trig = trigger(_bytes(goal), _bytes(marked), _bytes(runway)) / MiB
        t_trig = t + max(trig - marked, 0.0) / alloc_rate_mb_s
        if t_trig >= duration_s:
            ts.append(duration_s)
            heaps.append(marked + alloc_rate_mb_s * (duration_s - t))
            goals.append(goal)
            break
        start = max(trig, marked)
        end = min(start + alloc_rate_mb_s * mark_s, max(goal, start))   # assists cap at the goal
        t_end = t_trig + mark_s
        new_marked = live_mb + (end - start)            # allocated black during marking survives
        ts += [t_trig, t_end, t_end]
        heaps += [start, end, new_marked]
        goals += [goal, goal]
        cycles.append(Cycle(len(cycles) + 1, t_trig, t_end, start, end, new_marked, goal, trig))
        t, marked = t_end, new_marked
    if len(goals) < len(ts):   # the point after the last sweep: the goal just committed
        goals.append(heap_goal_mb(marked, stacks_mb, globals_mb, g, memlimit_mb, non_heap))
    return HeapSeries(tuple(ts), tuple(heaps), tuple(goals), tuple(cycles), g, memlimit_mb,
                      float(live_mb), float(alloc_rate_mb_s))
