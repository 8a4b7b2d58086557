"""Views of chapter 2.3's pressure test (``gocode/cmd/loadserver``): the curves of its points.

* ``render_load(series, knees)``: throughput and p99 latency against client
  goroutines, one line per server GOMAXPROCS, each series' knee starred;
* ``render_sched(series)``: the server's schedtrace (run queues, idle Ps,
  threads) and runtime/metrics (p99 wait for a P) against client goroutines;
* ``render_timeline(point)``: one point's schedtrace as a time series.

A point is :class:`whygo.chapters.sched_load.Point` (``procs``, ``conc``,
``qps``, ``p99_us``, ``server``, ``samples``); the chapter groups them, finds
the knees and summarises the schedtrace; these functions only draw. Each
returns a closed pyplot Figure.
"""
from __future__ import annotations

from typing import Mapping, Sequence

from whygo.i18n import _


def render_load(series: Mapping[int, Sequence], knees: Mapping[int, object]):
    """Throughput and p99 latency against client goroutines: ``series`` maps a server
    GOMAXPROCS to its points (by concurrency), ``knees`` to its knee point."""
    import matplotlib.pyplot as plt
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6), dpi=75)
    for procs, group in series.items():
        xs = [p.conc for p in group]
        (line,) = left.plot(xs, [p.qps for p in group], marker="o", label=f"GOMAXPROCS={procs}")
        right.plot(xs, [p.p99_us / 1000 for p in group], marker="o", label=f"GOMAXPROCS={procs}")
        k = knees[procs]
        # The knee in its series' own colour, edged in black: several knees often fall on
        # the same client count, and black stars there would hide which series they mark.
        left.plot([k.conc], [k.qps], marker="*", markersize=15, color=line.get_color(),
                  markeredgecolor="black", markeredgewidth=0.8, linestyle="none", zorder=3)
    # Throughput from zero, so that the heights compare as ratios (a flat line stays flat).
    left.set_ylim(bottom=0)
    for ax in (left, right):
        ax.set_xscale("log", base=2)
        ax.set_xlabel(_("client goroutines"))
        ax.grid(alpha=0.3)
    left.set_ylabel(_("requests / s"))
    left.set_title(_("throughput (★ = knee)"))
    right.set_ylabel(_("p99 latency (ms)"))
    right.set_yscale("log")
    right.set_title(_("tail latency"))
    left.legend(fontsize=8)
    fig.tight_layout()
    plt.close(fig)
    return fig


def render_sched(series: Mapping[int, Sequence[tuple[object, object]]]):
    """What schedtrace and runtime/metrics saw on the server, against client goroutines:
    run queues, idle Ps, OS threads (schedtrace) and the p99 wait for a P (runtime/metrics).
    ``series`` maps a server GOMAXPROCS to its (point, schedtrace summary) pairs."""
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(2, 2, figsize=(9, 5.6), dpi=75)
    axes = axes.ravel()
    for procs, pairs in series.items():
        group = [p for p, _ in pairs]
        xs = [p.conc for p in group]
        sums = [s for _, s in pairs]
        label = f"GOMAXPROCS={procs}"
        axes[0].plot(xs, [s.mean_runnable for s in sums], marker="o", label=label)
        axes[1].plot(xs, [s.idle_share for s in sums], marker="o", label=label)
        axes[2].plot(xs, [s.max_threads for s in sums], marker="o", label=label)
        axes[3].plot(xs, [p.server["sched_latency_p99_us"] / 1000 for p in group], marker="o",
                     label=label)
    titles = (_("schedtrace: runnable Gs in run queues (mean)"),
              _("schedtrace: idle Ps / GOMAXPROCS (mean)"),
              _("schedtrace: OS threads (max)"),
              _("runtime/metrics: p99 wait for a P (ms)"))
    for ax, title in zip(axes, titles):
        ax.set_xscale("log", base=2)
        ax.set_xlabel(_("client goroutines"))
        ax.set_title(title, fontsize=10)
        ax.grid(alpha=0.3)
    axes[2].set_ylim(bottom=0)
    axes[3].set_yscale("log")
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    plt.close(fig)
    return fig


def render_timeline(point):
    """One point's schedtrace as a time series: each P's local run queue and the global queue."""
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(8, 3), dpi=75)
    ms = [s.ms - point.samples[0].ms for s in point.samples]
    nprocs = max(len(s.local_runq) for s in point.samples)
    for i in range(nprocs):
        ax.plot(ms, [s.local_runq[i] if i < len(s.local_runq) else 0 for s in point.samples],
                marker=".", label=f"P{i} local runq")
    ax.plot(ms, [s.runqueue for s in point.samples], marker=".", color="black", label="global runq")
    ax.set_xlabel(_("ms since the point started"))
    ax.set_ylabel(_("goroutines", "axis label"))
    ax.set_title(_("schedtrace, GOMAXPROCS={procs}, {conc} client goroutines").format(procs=point.procs, conc=point.conc),
                 fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    plt.close(fig)
    return fig
