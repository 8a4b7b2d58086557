"""How long the Go kernel takes from "start" to the first cell's output.

Measured the way a learner meets it: jupyter_client starts ``python -m
whygo.kernel`` (from a temporary kernel spec, like the tests), waits until the
kernel answers, runs one hello-world cell and waits for its reply.

* ``kernel.start_seconds``: the realistic case, the cell's binary is in the
  runner's binary cache (a notebook re-opened, a classroom image built once).
* ``kernel.start_first_cell_uncached_seconds``: the cell is new (a changed
  constant each time), so the first reply includes a real ``go build``.
* ``kernel.ready_seconds``: start until the kernel answers kernel_info, no cell.

Median of a few repetitions; Go's own build cache is warm in every case.
The goal is <= 2 s for ``kernel.start_seconds``.
"""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPEAT = 5


def _manager(spec_root: Path):
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpecManager
    from whygo.kernelspec import kernel_json
    spec_dir = spec_root / "whygo-bench"
    if not spec_dir.exists():
        spec_dir.mkdir(parents=True)
        spec = kernel_json()
        spec["argv"][0] = sys.executable
        (spec_dir / "kernel.json").write_text(json.dumps(spec))
    return KernelManager(kernel_name="whygo-bench",
                         kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(spec_root)]))


def _start_and_run(spec_root: Path, code: str | None) -> tuple[float, float]:
    """(seconds until ready, seconds until the cell's reply) for one fresh kernel."""
    km = _manager(spec_root)
    t0 = time.perf_counter()
    km.start_kernel(stderr=subprocess.DEVNULL)  # ipykernel's TCP notice is not a figure
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        ready = time.perf_counter() - t0
        if code is not None:
            reply = kc.execute_interactive(code, timeout=120, output_hook=lambda msg: None)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"bench cell failed: {reply['content']}")
        return ready, time.perf_counter() - t0
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def measure():
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        cached_cell = 'fmt.Println("hello from the kernel bench")'
        _start_and_run(root, cached_cell)  # puts the binary in the cache, warms imports
        ready, cached, uncached = [], [], []
        for i in range(REPEAT):
            r, c = _start_and_run(root, cached_cell)
            ready.append(r)
            cached.append(c)
            _, u = _start_and_run(root, f'fmt.Println("uncached", {time.time_ns()}, {i})')
            uncached.append(u)
        yield "kernel.start_seconds", statistics.median(cached), "s"
        yield "kernel.start_first_cell_uncached_seconds", statistics.median(uncached), "s"
        yield "kernel.ready_seconds", statistics.median(ready), "s"
