"""Views: pure functions from a model snapshot, or from what a chapter measured, to a matplotlib
Figure, an SVG string or the frames of whygo.player: one module per model (``sched``, ``gc``,
``pacer``, ``alloc``, ``stack``, ``chan``, ``context``) and per measured figure (``pauses``:
runtime/metrics GC pauses; ``sched_load``: chapter 2.3's pressure test; ``startup``: chapter 4's
start-up times). Chapters call them; they import no chapter.
``fonts`` picks the edition's font."""

from whygo.views.fonts import use_edition_font

use_edition_font()   # Chinese figures need a CJK font (a no-op in the English edition)
