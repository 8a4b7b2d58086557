"""Shared pytest set-up: a headless matplotlib, the repository root, markers by folder, and
under pytest-xdist the longest modules first."""
import os
import signal
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")  # tests never open windows
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parent.parent

# A suite started in the background by a non-interactive shell (`make test &`, some CI runners)
# inherits SIGINT ignored, and Python then installs no handler: the interrupt tests, which send
# SIGINT to the test process, would see nothing, and the programs they start would inherit the
# ignored signal too. Restore what an interactive start gives (exec resets a handler to default).
signal.signal(signal.SIGINT, signal.default_int_handler)


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


# The modules and notebooks that take a minute or more (`--durations=0` on 2 cores), longest
# first. `make test` hands whole modules to its three workers (--dist loadscope) in collection
# order (--no-loadscope-reorder): started first, they run while the other workers work through
# the many short ones, instead of starting last and ending the run alone (xdist's own order,
# most tests first, put the JupyterHub class, a few long tests, near the end).
LONGEST_FIRST = (
    "tests/classroom/test_classroom.py",           # a JupyterHub and a class of 3
    "tests/browser/test_browser_player.py",
    "tests/labs/test_labs.py",                     # every lab, with its solutions, executed
    "tests/browser/test_browser_first_contact.py",  # make lab's JupyterLab, walked in Chromium
    "tests/browser/test_browser_site.py",
    "tests/browser/test_browser_lab.py",
    "tests/models/test_sched_scenarios.py",
    "notebooks/03-3-allocator.ipynb",
    "tests/labs/test_grade.py",
    "tests/site/test_site.py",
    "tests/kernel/test_magics.py",
    "notebooks/02-3-scheduler-under-load.ipynb",
    "tests/golang/test_runner.py",
    "tests/labs/test_grade_sandbox.py",
    "notebooks/03-1-garbage-collector.ipynb",
)


def pytest_collection_modifyitems(config, items):
    if hasattr(config, "workerinput"):   # an xdist worker: every worker sorts the same way
        first = {path: rank for rank, path in enumerate(LONGEST_FIRST)}
        items.sort(key=lambda item: first.get(item.nodeid.split("::")[0], len(first)))   # stable
    tests = Path(__file__).resolve().parent
    for item in items:
        try:
            folder = Path(str(item.fspath)).resolve().relative_to(tests).parts[0]
        except ValueError:          # notebooks and labs under nbval
            continue
        for name in FOLDER_MARKERS.get(folder, ()):
            item.add_marker(getattr(pytest.mark, name))
