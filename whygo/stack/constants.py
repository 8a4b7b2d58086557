"""Goroutine stack constants, read from the pinned toolchain's source.

* runtime/stack.go: ``stackMin = 2048`` (fixedStack is it rounded up to a power
  of two after adding ``stackSystem``, which is 0 on Linux);
* internal/abi/stack.go: ``StackNosplitBase = 800``, ``StackSmall = 128``,
  ``StackBig = 4096``; ``stackGuard = StackNosplitBase*StackGuardMultiplier +
  stackSystem + StackSmall`` (multiplier 1 without -race on Linux);
* runtime/proc.go (``main``): ``maxstacksize = 1000000000`` on 64-bit, and
  ``maxstackceiling = 2 * maxstacksize``;
* runtime/runtime1.go: ``debug.adaptivestackstart = 1`` by default, so each GC
  sets ``startingStackSize``, the stack size of goroutines reused from the free
  list (proc.go: gfget); a brand-new goroutine gets ``malg(stackMin)`` (see
  ``model.starting_stack_size``).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from whygo.golang.toolchain import toolchain


class StackSourceError(ValueError):
    """A constant could not be read from the Go source; the message names file and constant."""


@dataclass(frozen=True)
class StackConstants:
    stack_min: int            # stackMin
    stack_nosplit: int        # stackNosplit = StackNosplitBase * StackGuardMultiplier
    stack_small: int          # abi.StackSmall
    stack_big: int            # abi.StackBig
    max_stack_size: int       # maxstacksize on 64-bit
    adaptive_stack_start: bool

    @property
    def fixed_stack(self) -> int:
        """fixedStack: stackMin + stackSystem (0 on Linux) rounded up to a power of two."""
        return 1 << (self.stack_min - 1).bit_length()

    @property
    def stack_guard(self) -> int:
        """stackGuard = stackNosplit + stackSystem + StackSmall (bytes kept free above stack.lo)."""
        return self.stack_nosplit + self.stack_small

    @property
    def max_stack_ceiling(self) -> int:
        return 2 * self.max_stack_size


def _find(text: str, pattern: str, what: str) -> int:
    m = re.search(pattern, text, re.M)
    if not m:
        raise StackSourceError(f"{what} not found in the Go source; update whygo/stack/constants.py")
    return int(m.group(1))


def parse_constants(goroot: Path) -> StackConstants:
    src = goroot / "src"
    try:
        stack = (src / "runtime" / "stack.go").read_text()
        abi = (src / "internal" / "abi" / "stack.go").read_text()
        proc = (src / "runtime" / "proc.go").read_text()
        rt1 = (src / "runtime" / "runtime1.go").read_text()
    except OSError as e:
        raise StackSourceError(f"cannot read the runtime source under {goroot}: {e}") from e
    return StackConstants(
        stack_min=_find(stack, r"^\s*stackMin\s*=\s*(\d+)", "runtime/stack.go: stackMin"),
        stack_nosplit=_find(abi, r"^\s*StackNosplitBase\s*=\s*(\d+)", "abi.StackNosplitBase"),
        stack_small=_find(abi, r"^\s*StackSmall\s*=\s*(\d+)", "abi.StackSmall"),
        stack_big=_find(abi, r"^\s*StackBig\s*=\s*(\d+)", "abi.StackBig"),
        max_stack_size=_find(proc, r"PtrSize == 8 \{\s*maxstacksize = (\d+)",
                             "runtime/proc.go: maxstacksize for 64-bit"),
        adaptive_stack_start=_find(rt1, r"debug\.adaptivestackstart = (\d)",
                                   "runtime/runtime1.go: debug.adaptivestackstart default") == 1,
    )


@functools.lru_cache(maxsize=None)
def load_constants() -> StackConstants:
    return parse_constants(toolchain().goroot)
