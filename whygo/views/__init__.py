"""Views: pure functions from a model snapshot to a matplotlib Figure or an SVG string, one module per model."""

from whygo.views.fonts import use_edition_font

use_edition_font()   # Chinese figures need a CJK font (a no-op in the English edition)
