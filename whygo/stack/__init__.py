"""The goroutine stack as a small, deterministic model.

* ``constants`` -- stackMin, stackGuard, maxstacksize... read from the pinned Go source.
* ``model``     -- ``GStack``: prologue check, newstack/copystack growth by doubling,
  adjustpointers, shrinkstack during GC, the 1 GB limit.
* ``workload``  -- call/return/GC operations, ``simulate`` and ``frames`` for the player.
"""
from whygo.stack.model import GStack, StackModelError, StackOverflow, starting_stack_size
from whygo.stack.workload import CallOp, GCOp, RetOp, frames, recursion, simulate

__all__ = ["GStack", "StackOverflow", "StackModelError", "starting_stack_size",
           "CallOp", "RetOp", "GCOp", "recursion", "simulate", "frames"]
