"""A seeded workload of many small objects: metric samples with labels.

A metrics pipeline (think Prometheus client code) allocates, for every
sample, a handful of small objects. The sizes below are what the Go types
occupy on a 64-bit platform:

* the bytes of each label name and value (``string`` data, no pointers,
  4..40 bytes: many of them go to the tiny allocator);
* a ``[]Label`` backing array, ``Label{Name, Value string}`` = 32 bytes each
  (pointerful: a scan span class);
* a ``Sample{Labels []Label; Value float64; TS int64}`` = 40 bytes (pointerful);
* now and then a larger ``[]byte`` encode buffer (noscan, 512 B..48 KiB,
  occasionally a large object).

``metric_labels(n, seed)`` returns the first ``n`` requests as
``(size, noscan)`` pairs; the same seed always gives the same list.
"""
from __future__ import annotations

import random

from whygo.alloc.sizeclasses import SizeClassError
from whygo.i18n import _

LABEL = 32       # struct{ Name, Value string }: two string headers
SAMPLE = 40      # struct{ Labels []Label; Value float64; TS int64 }

_NAMES = ("job", "instance", "method", "code", "handler", "le", "quantile", "zone", "pod",
          "namespace", "container", "service")


def metric_labels(n: int, seed: int = 1) -> list[tuple[int, bool]]:
    """``n`` allocation requests ``(size, noscan)`` of a metric-label workload."""
    if not isinstance(n, int) or n < 0:
        raise SizeClassError(_("n={n}: pass the number of allocations, an int >= 0").format(n=repr(n)))
    rng = random.Random(seed)
    out: list[tuple[int, bool]] = []
    while len(out) < n:
        nlabels = rng.randint(1, 6)
        for _i in range(nlabels):
            out.append((len(rng.choice(_NAMES)), True))        # name bytes
            out.append((rng.choice((2, 3, 5, 8, 12, 17, 24, 36)), True))  # value bytes
        out.append((LABEL * nlabels, False))                  # []Label backing array
        out.append((SAMPLE, False))                            # *Sample
        if rng.random() < 0.02:
            out.append((rng.choice((512, 1024, 4096, 16384, 49152)), True))  # encode buffer
    return out[:n]
