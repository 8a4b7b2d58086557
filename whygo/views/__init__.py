"""Views: pure functions from a model snapshot to a matplotlib Figure or an SVG string, one module per model."""
