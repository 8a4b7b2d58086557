"""What the real-runtime evidence costs, and a few figures it shows.

* ``evidence.build_seconds``: building one gocode program into an empty
  binary cache (Go's own build cache warm), what a learner's first evidence
  cell pays; ``evidence.cached_call_seconds``: the same call again.
* ``evidence.real_timeline_seconds``: one traced scheduler run, read back with
  ``go tool trace -d=parsed`` and turned into a Timeline (imbalance, 64
  goroutines); ``evidence.trace_events`` how many events it had and
  ``evidence.parse_us_per_event`` what parsing costs per event.
* ``evidence.gc_cycles_per_s_gogc100`` / ``..._gogc400`` and their ratio:
  gcload for 2 s each with the same live heap and rate; a higher GOGC means
  fewer cycles (the pacer's goal is live * (1 + GOGC/100)).
  ``evidence.gc_pause_max_us``: the highest non-empty bucket bound of the
  pause histogram at GOGC=100.
* ``evidence.alloc_*``: ``go test -bench Alloc -benchmem`` bytes/op for a size
  that is not a size class (100 B -> 112 B class) and ns/op for 8 vs 16 bytes.

Wall-clock figures vary with the machine; they are printed, never asserted.
"""
from __future__ import annotations

import os
import tempfile
import time


def measure():
    from whygo.golang import evidence, gotrace

    old = os.environ.get("WHYGO_CACHE")
    with tempfile.TemporaryDirectory(prefix="whygo-bench-") as cache:
        os.environ["WHYGO_CACHE"] = cache
        try:
            t0 = time.perf_counter()
            evidence.build("imbalance")
            yield ("evidence.build_seconds", time.perf_counter() - t0, "s")
            t0 = time.perf_counter()
            evidence.build("imbalance")
            yield ("evidence.cached_call_seconds", time.perf_counter() - t0, "s")

            t0 = time.perf_counter()
            run = evidence.real_scheduler("imbalance", 2, args={"goroutines": 64})
            run.timeline()
            yield ("evidence.real_timeline_seconds", time.perf_counter() - t0, "s")
            yield ("evidence.trace_events", len(run.events), "events")
            text = "\n".join(_event_lines(run.events))
            t0 = time.perf_counter()
            gotrace.parse_events(text)
            per_event = (time.perf_counter() - t0) / max(len(run.events), 1)
            yield ("evidence.parse_us_per_event", per_event * 1e6, "us")

            rates = {}
            for gogc in (100, 400):
                gc = evidence.gc_run(gogc=gogc, seconds=2, live_mib=32, rate_mib=256)
                rates[gogc] = gc.report["gc_cycles"] / gc.report["seconds"]
                yield (f"evidence.gc_cycles_per_s_gogc{gogc}", rates[gogc], "cycles/s")
                if gogc == 100 and gc.pauses.max_s is not None:
                    yield ("evidence.gc_pause_max_us", gc.pauses.max_s * 1e6, "us")
            if rates[400]:
                yield ("evidence.gc_cycles_ratio_gogc100_over_400", rates[100] / rates[400], "x")

            table = evidence.alloc_benchmarks("Alloc/noscan/size=(8|16|100)$",
                                              benchtime="2000000x")
            yield ("evidence.alloc_100B_bytes_per_op",
                   table["BenchmarkAlloc/noscan/size=100"].bytes_per_op, "B/op")
            yield ("evidence.alloc_8B_ns_per_op",
                   table["BenchmarkAlloc/noscan/size=8"].ns_per_op, "ns/op")
            yield ("evidence.alloc_16B_ns_per_op",
                   table["BenchmarkAlloc/noscan/size=16"].ns_per_op, "ns/op")
        finally:
            if old is None:
                os.environ.pop("WHYGO_CACHE", None)
            else:
                os.environ["WHYGO_CACHE"] = old


def _event_lines(events):
    """Event lines in the tool's format again, to time the parser without the tool."""
    for e in events:
        head = f"M={_n(e.m)} P={_n(e.p)} G={_n(e.g)} {e.kind} Time={e.time_ns}"
        if e.resource:
            res = "GoID" if e.resource == "G" else "ProcID"
            yield f'{head} {res}={e.id} {e.old}->{e.new} Reason="{e.reason}"'
        else:
            yield f"{head} {e.detail}"


def _n(x):
    return -1 if x is None else x
