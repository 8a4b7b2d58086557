"""Work stealing: the replaceable policy that decides whom an idle P robs.

The contract (for the lab, where students write their own policy)::

    def my_policy(req: StealRequest) -> StealChoice | None

``req.thief`` is the id of the P looking for work, ``req.procs`` a tuple of
read-only ``PView`` (one per P, indexed by id), ``req.rng`` the simulation's
seeded ``random.Random`` (use it, never the global ``random``, so runs stay
reproducible). Return ``None`` to steal nothing, or
``StealChoice(victim, count)`` to take ``count`` Gs from the head of the
victim's local queue (1 <= count <= its length; the last one taken runs
now, the others go to the thief's queue), or
``StealChoice(victim, 0, runnext=True)`` to take the victim's ``runnext``.
The scheduler checks the choice and raises ``StealPolicyError`` for an
impossible one; it then carries it out exactly like ``runqsteal``.

``steal_work`` is the runtime's own policy and the default;
``steal_from_longest`` is a small example of another one.
"""
from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from math import gcd

from whygo.i18n import _

from .runq import runqgrab_count
from .state import STEAL_TRIES


class StealPolicyError(ValueError):
    """A steal policy returned a choice the scheduler cannot carry out."""


@dataclass(frozen=True, slots=True)
class PView:
    """What a thief may look at: one P, read-only."""
    id: int
    idle: bool          # _Pidle: the runtime does not bother stealing from it
    runq_len: int
    has_runnext: bool


@dataclass(frozen=True, slots=True)
class StealRequest:
    thief: int
    procs: tuple[PView, ...]
    rng: random.Random


@dataclass(frozen=True, slots=True)
class StealChoice:
    victim: int
    count: int
    runnext: bool = False


StealPolicy = Callable[[StealRequest], "StealChoice | None"]


class RandomOrder:
    """Visit all Ps once in a pseudo-random order.

    Mirrors runtime/proc.go: randomOrder / randomEnum. With ``inc`` coprime
    to ``count``, ``pos = (pos + inc) % count`` visits every P exactly once;
    the random number picks both the start and the stride.
    """

    def __init__(self, count: int) -> None:
        self.count = count
        self.coprimes = [i for i in range(1, count + 1) if gcd(i, count) == 1]

    def start(self, i: int) -> list[int]:
        count = self.count
        pos = i % count
        inc = self.coprimes[i // count % len(self.coprimes)]
        order = []
        for _ in range(count):
            order.append(pos)
            pos = (pos + inc) % count
        return order


def steal_work(req: StealRequest) -> StealChoice | None:
    """The runtime's policy. Mirrors runtime/proc.go: stealWork + runqgrab.

    ``stealTries = 4`` passes; each pass walks all Ps in a fresh random order
    (``stealOrder.start(cheaprand())``), skips itself and idle Ps, and takes
    half of the first non-empty queue, rounded up. Only the last pass may
    take a victim's ``runnext`` (a last resort: that G was about to run).
    In the runtime other Ps run concurrently, so a later pass can find work
    an earlier one did not; in this one-thing-at-a-time model passes 2 and 3
    see what pass 1 saw, but they are kept so the random numbers drawn, and
    the shape of the code, match the runtime.
    """
    procs = req.procs
    order = RandomOrder(len(procs))
    for i in range(STEAL_TRIES):
        last_pass = i == STEAL_TRIES - 1
        for pos in order.start(req.rng.getrandbits(32)):
            if pos == req.thief:
                continue
            v = procs[pos]
            if v.idle:
                continue
            n = runqgrab_count(v.runq_len)
            if n:
                return StealChoice(pos, n)
            if last_pass and v.has_runnext:
                return StealChoice(pos, 0, runnext=True)
    return None


def steal_from_longest(req: StealRequest) -> StealChoice | None:
    """An example policy (not the runtime's): rob the longest queue, half of it.

    Deterministic and greedy: it needs no random numbers, but every thief
    piles onto the same victim, which the runtime's random order avoids.
    """
    others = [v for v in req.procs if v.id != req.thief and not v.idle and v.runq_len]
    if not others:
        return None
    victim = max(others, key=lambda v: (v.runq_len, -v.id))
    return StealChoice(victim.id, runqgrab_count(victim.runq_len))


def check_choice(choice: object, req: StealRequest, capacity: int, policy: object) -> None:
    """Raise StealPolicyError if ``choice`` cannot be carried out."""
    name = getattr(policy, "__name__", repr(policy))
    if not isinstance(choice, StealChoice):
        raise StealPolicyError(_("steal policy {name} returned {choice}; return a StealChoice or None")
                               .format(name=name, choice=repr(choice)))
    v = choice.victim
    if not isinstance(v, int) or isinstance(v, bool):
        given = _("a PView") if isinstance(v, PView) else f"{v!r}"
        raise StealPolicyError(_("steal policy {name}: the victim must be a P id (an int such as view.id), "
                                 "not {given}").format(name=name, given=given))
    if not 0 <= v < len(req.procs):
        raise StealPolicyError(_("steal policy {name}: there is no P{v} (Ps 0..{last})")
                               .format(name=name, v=v, last=len(req.procs) - 1))
    if v == req.thief:
        raise StealPolicyError(_("steal policy {name}: P{v} is the thief itself; steal from another P")
                               .format(name=name, v=v))
    view = req.procs[v]
    if choice.runnext:
        if choice.count != 0 or not view.has_runnext:
            raise StealPolicyError(_("steal policy {name}: P{v} has no runnext to take, or count "
                                     "was not 0 with runnext=True ({choice})").format(name=name, v=v, choice=repr(choice)))
        return
    if not (isinstance(choice.count, int) and 1 <= choice.count <= view.runq_len):
        raise StealPolicyError(_("steal policy {name}: cannot take {count} Gs from P{v}, "
                                 "whose queue holds {n}").format(name=name, count=repr(choice.count), v=v,
                                                                 n=view.runq_len))
    if choice.count - 1 > capacity:
        raise StealPolicyError(_("steal policy {name}: {count} Gs do not fit in P{thief}'s "
                                 "local queue (capacity {capacity}, one G runs at once)")
                               .format(name=name, count=choice.count, thief=req.thief, capacity=capacity))
