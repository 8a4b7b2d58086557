"""Chapter 2.2, channels (notebooks/02-2-channels.ipynb): the glue its notebook needs.

The value-level channel model is :mod:`whygo.chan` (where each element is
copied, rule by rule after runtime/chan.go) and its drawing
:mod:`whygo.views.chan`; the pinned runtime's source is read by
:mod:`whygo.golang.gosource`; the scheduler's ping-pong comes from
:mod:`whygo.sched.scenarios`. This module adds:

* :func:`json_over_http` runs ``gocode/cmd/jsonhttp``: the article's
  "JSON over HTTP" row for 1 MiB messages, on the loopback interface.
"""
from __future__ import annotations

from whygo.chan import play
from whygo.golang import gosource, programs
from whygo.golang.programs import ChapterError
from whygo.golang.runner import run
from whygo.i18n import _
from whygo.sched import scenarios
from whygo.views import sched as sched_view
from whygo.views.chan import player


def json_over_http(n: int = 20, size: int = 1 << 20, *, timeout: float = 60) -> dict:
    """Send ``n`` messages of ``size`` bytes as JSON over loopback HTTP; the program's report."""
    if n < 1 or size < 0:
        raise ChapterError(_("n={n}, size={size}: send at least one message of 0 or more "
                             "bytes").format(n=n, size=size))
    return programs.run_json("gocode/cmd/jsonhttp", ["-n", str(n), "-size", str(size)], timeout=timeout)


__all__ = ["ChapterError", "gosource", "json_over_http", "play", "player", "run", "scenarios",
           "sched_view"]
