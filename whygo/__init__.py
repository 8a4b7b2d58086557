"""whygo: the Python package behind the course "Why Go is efficient".

Layout (see README.md, "Where things live"):
  golang/   the real Go toolchain: runner, parsers (no IPython)
  sched/ gc/ alloc/ stack/   pure, seeded models of the runtime
  views/    snapshot -> figure or graph, one module per model
  anim.py   the one animation player
  magics.py, kernel.py   Jupyter faces of the runner

``%load_ext whygo`` registers the ``%%go`` cell magics.
"""
__version__ = "0.1.0"


def load_ipython_extension(ipython):  # pragma: no cover - thin glue
    from whygo.magics import load_ipython_extension as load
    load(ipython)
