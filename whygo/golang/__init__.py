"""Everything that touches the real Go toolchain. No IPython imports here.

- :mod:`whygo.golang.toolchain`: find the pinned ``go``, the build environment.
- :mod:`whygo.golang.runner`: build and run snippets (``run``), the binary cache.
- parsers for what the runtime and tools print (gctrace, schedtrace, traces,
  ``go test -bench``), one module each.
"""
from whygo.golang.toolchain import PINNED_VERSION, Toolchain, ToolchainError, go_env, toolchain

__all__ = ["PINNED_VERSION", "Toolchain", "ToolchainError", "go_env", "toolchain"]
