"""Everything that touches the real Go toolchain. No IPython imports here.

- :mod:`whygo.golang.toolchain`: find the pinned ``go``, the build environment.
- :mod:`whygo.golang.process`: start, cap, time out and stop every process group the
  course starts, the grader's sandboxes and the classroom's included (one policy: a
  first signal, SIGINT unless the caller's ``StopRule`` says otherwise, then SIGKILL;
  ``interrupt_all``).
- :mod:`whygo.golang.build`: every ``go build`` / ``go test -c``, the one binary cache.
- :mod:`whygo.golang.runner`: build and run snippets (``run``) and gocode programs.
- :mod:`whygo.golang.programs`: run a gocode program and read its JSON or
  benchmarks, checked (``ChapterError``).
- :mod:`whygo.golang.cells`: the cell logic of ``%%go``, ``%%gobench``, ``%%task`` and the kernel.
  (:mod:`whygo.golang.flags`: the flag-line parser it shares with ``gotest``.)
- :mod:`whygo.golang.serve`: the course's HTTP service, built, started (through
  ``process``), timed and probed (``ServeError``, a ``ChapterError``).
- :mod:`whygo.golang.gosource`: the one reader of Go source (runtime, std, gocode);
  :mod:`whygo.golang.vet`: ``go vet`` of one file (its go.mod from ``build.go_mod``).
- parsers for what the runtime and tools print (gctrace, schedtrace, traces,
  ``go test -bench``), one module each.
"""
from whygo.golang.toolchain import PINNED_VERSION, Toolchain, ToolchainError, go_env, toolchain

__all__ = ["PINNED_VERSION", "Toolchain", "ToolchainError", "go_env", "toolchain"]
