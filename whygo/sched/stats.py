"""Summary statistics of one simulated run.

Counted on the fly by the scheduler, in both the full mode and the fast
summary mode, so the 100,000-goroutine experiment has them too.
"""
from __future__ import annotations

from dataclasses import dataclass, field


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted list (0 for an empty one)."""
    if not sorted_values:
        return 0.0
    k = max(0, min(len(sorted_values) - 1, int(round(q / 100 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


@dataclass(frozen=True)
class Stats:
    procs: int
    total_us: float                 # simulated time when the last goroutine exited
    main_exit_us: float             # when goroutine 1 returned (where a Go program would end)
    goroutines: int                 # created, main included
    threads: int                    # Ms the run needed
    busy_us: tuple[float, ...]      # per P: time spent running Go code
    steals: int                     # successful steals
    stolen: int                     # goroutines moved by them
    handoffs: int                   # Ps handed off from a syscall (sysmon or blocking)
    preemptions: int
    gosched: int
    overflows: int                  # runqputslow batches
    global_batches: int             # findRunnable takes from the global queue
    fairness_picks: int             # schedtick%61 picks
    runq_peak: tuple[int, ...]      # per P: longest local queue seen
    global_runq_peak: int
    latency_mean_us: float          # runnable -> running, over every scheduling
    latency_p50_us: float
    latency_p99_us: float
    latency_max_us: float
    latency_by_g: tuple[float, ...] = field(repr=False)   # per G (index = id - 1): total time runnable

    @property
    def utilization(self) -> tuple[float, ...]:
        """Per P: busy time / total time."""
        return tuple(b / self.total_us if self.total_us else 0.0 for b in self.busy_us)

    def to_dict(self) -> dict:
        """Plain, rounded numbers (golden files, tables); per-G latencies left out."""
        d = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "latency_by_g"}
        for k, v in d.items():
            if isinstance(v, float):
                d[k] = round(v, 3)
            elif isinstance(v, tuple):
                d[k] = [round(x, 3) if isinstance(x, float) else x for x in v]
        return d
