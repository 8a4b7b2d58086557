"""Views: pure functions from a model snapshot, or from what a chapter measured, to a matplotlib
Figure or an SVG string: one module per model (``sched``, ``gc``, ``pacer``, ``alloc``, ``stack``,
``chan``, ``context``, ``startup``) and per measured figure (``pauses``: runtime/metrics GC pauses;
``sched_load``: chapter 2.3's pressure test). Chapters call them; they import no chapter.
``fonts`` picks the edition's font."""

from whygo.views.fonts import use_edition_font

use_edition_font()   # Chinese figures need a CJK font (a no-op in the English edition)
