"""Shared pytest set-up: a headless matplotlib, the repository root, markers by folder."""
import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")  # tests never open windows
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parent.parent


# Markers by folder, so that a new test file gets them by where it is put (pyproject.toml
# declares them). `make test-fast` runs what has none of them: the models and the views.
FOLDER_MARKERS = {
    "golang": ("go",),      # builds or runs real Go, or reads the pinned toolchain
    "kernel": ("go",),      # %%go, %%gobench and the Go kernel, in a real kernel
    "chapters": ("go",),    # chapter glue: most of it runs a gocode/ program
    "labs": ("go",),        # lab checks build Go; the grader starts kernels and sandboxes
    "classroom": ("go",),   # a real JupyterHub, students as Unix users
    "tools": ("go",),       # the whygo command, doctor and the environment (go env, pip)
    "site": ("slow",),      # Jupyter Book builds and every notebook's stored outputs
    "browser": ("browser", "slow"),
}


def pytest_collection_modifyitems(config, items):
    tests = Path(__file__).resolve().parent
    for item in items:
        try:
            folder = Path(str(item.fspath)).resolve().relative_to(tests).parts[0]
        except ValueError:          # notebooks and labs under nbval
            continue
        for name in FOLDER_MARKERS.get(folder, ()):
            item.add_marker(getattr(pytest.mark, name))
