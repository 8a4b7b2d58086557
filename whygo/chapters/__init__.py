"""Support modules of the chapter notebooks, one per chapter (named after its book.toml id).

A chapter module holds the few helpers its notebook needs that are too
specific for the shared models and views: a scenario built for one point of
the text, a table beside the article's, a small plot. Notebook cells stay a
few lines long; the logic lives here and is tested in tests/test_chapters_*.py.
"""
