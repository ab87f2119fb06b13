"""The continuous relaxation of a branch-and-bound node, in about a tenth of a millisecond.

A node says per venue: off, on (at least its minimum ``lo``, its leg cost paid) or free (relaxed
to the convex envelope of "nothing, or its cost plus leg cost from ``x*`` on", ``lot_curve.envelope``).
Lots become continuous. Then the cheapest way to take ``F`` grains is the greedy over every piece
of every venue in order of cost per grain: the on venues' pieces above their minimum, the free
venues' envelope pieces. Its cost is a lower bound on every whole-lot plan of the node with that
fill, so a node whose bound does not beat the best plan is dropped without solving its lots.

All pieces of both kinds are sorted once per ``solve``; a node only masks the ones it uses, and
walks them from the block where its grains reach the fill (per-block sums, built once).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sor_desktop.core.lot_curve import Floats, Ints, LotCurve


@dataclass(frozen=True, slots=True)
class Relaxed:
    cost: float  # with the on venues' leg costs
    lots: list[float]  # per venue, fractional
    # per grain, the last piece taken: the cost is convex in the fill, so at any fill F' the
    # node's relaxation costs at least ``cost + slope * (F' - fill)`` (nan: nothing taken)
    slope: float = float("nan")


class Relaxation:
    def __init__(self, curves: Sequence[LotCurve], envelopes: Sequence[LotCurve], m: Sequence[int],
                 legs: Sequence[float]) -> None:
        n = len(curves)
        self.n = n
        self.m = np.asarray(m, dtype=np.float64)
        self.lo_grains = np.array([c.lo * mm if c.lo <= c.hi else 0 for c, mm in zip(curves, m, strict=True)],
                                  dtype=np.float64)
        self.lo_cost = np.array([c.cost(c.lo) if c.lo <= c.hi else 0.0 for c in curves])
        self.legs = np.asarray(legs, dtype=np.float64)
        runs: list[tuple[Ints, Floats]] = []
        keys: list[int] = []  # per run: 2 * venue + 0 (its envelope from 0, free) or 1 (above lo, on)
        for i, (c, e) in enumerate(zip(curves, envelopes, strict=True)):
            if c.lo > c.hi or c.hi == 0:
                continue
            for which, run in enumerate((e.segments(0, e.hi), c.segments(c.lo, c.hi))):
                runs.append(run)
                keys.append(2 * i + which)
        # the runs' columns are built once over all of them (per-run arrays cost more than the sort)
        key = np.repeat(np.asarray(keys, dtype=np.int64), [len(cnt) for cnt, _ in runs])
        lot = self.m[key // 2]
        per = np.concatenate([sl for _, sl in runs]) / lot if runs else np.zeros(0)
        order = np.argsort(per, kind="stable")
        self.per = per[order]
        self.grains = (np.concatenate([cnt for cnt, _ in runs]).astype(np.float64) * lot)[order] if runs else per
        self.key = key[order]  # a node's mask is one lookup: free (kind 0) or on (1)
        self._lo_grains, self._lo_cost = self.lo_grains.tolist(), self.lo_cost.tolist()
        self._legs, self._m = self.legs.tolist(), self.m.tolist()
        # per block of ``_BLOCK`` pieces, the grains and cost of each kind's pieces before it: a
        # node sums them for its kinds in one product and walks one block, not every piece
        self.before_grains = _before_blocks(self.key, self.grains, 2 * n)
        self.before_cost = _before_blocks(self.key, self.grains * self.per, 2 * n)
        self._blocks: dict[int, tuple[list[float], list[float], list[int]]] = {}
        self._surplus: tuple[float, tuple[Floats, Floats]] | None = None  # the last price asked, and its answer
        self._last: tuple[tuple[tuple[int, ...], int], Relaxed | None] | None = None  # the last node solved

    def surplus(self, lam: float) -> tuple[Floats, Floats]:
        """Per venue, what its pieces cheaper than ``lam`` per grain save against ``lam``: free
        (its envelope from 0) and on (its curve above ``lo``). ``-free[i]`` is the least of
        ``envelope_i(x) - lam m_i x``, venue i's term of the relaxation's Lagrangian at ``lam``;
        on, the term is ``lo_cost[i] + leg[i] - lam lo_grains[i] - on[i]``."""
        if self._surplus is not None and self._surplus[0] == lam:  # a node's on child often has its price
            return self._surplus[1]
        k = int(np.searchsorted(self.per, lam, side="left"))
        weights = (lam - self.per[:k]) * self.grains[:k]
        saved: Floats = np.asarray(np.bincount(self.key[:k], weights=weights, minlength=2 * self.n), dtype=np.float64)
        self._surplus = (lam, (saved[0::2], saved[1::2]))
        return self._surplus[1]

    def solve(self, state: Sequence[int], fill: int) -> Relaxed | None:
        """Cheapest fractional plan of ``fill`` grains in the node, or None when it cannot reach it.

        In plain Python but for one product: a node's arrays are a few venues long, where each
        numpy call costs more than the loop it replaces."""
        asked = (tuple(state), fill)
        if self._last is not None and self._last[0] == asked:  # the seed's root is the search's root
            return self._last[1]
        found = self._solve(state, fill)
        self._last = (asked, found)
        return found

    def _solve(self, state: Sequence[int], fill: int) -> Relaxed | None:
        n = self.n
        table = [0.0] * (2 * n)  # per kind of piece (2 * venue + on), whether the node has it
        on = []
        for i, s in enumerate(state):
            if s >= 0:
                table[2 * i + s] = 1.0
                if s:
                    on.append(i)
        need = fill - sum(self._lo_grains[i] for i in on)
        if need < 0:
            return None
        fixed = sum(self._lo_cost[i] for i in on) + sum(self._legs[i] for i in on)
        kinds = np.array(table)
        cum = (self.before_grains @ kinds).tolist()
        if not len(self.per) or cum[-1] < need * (1 - 1e-12):
            if need == 0:
                return Relaxed(fixed, [self._lo_grains[i] / self._m[i] if s == 1 else 0.0 for i, s in enumerate(state)])
            return None
        # the block holding the first piece where the node's grains reach ``need`` (the last one
        # when the total is short by no more than the tolerance), then its pieces one by one
        b = min(max(bisect.bisect_left(cum, need) - 1, 0), len(cum) - 2)
        grains, per, key = self._block(b)
        got = cum[b]
        inner = 0.0
        extra = [0.0] * n
        last = 0
        for last, kind in enumerate(key):
            if table[kind]:
                g = grains[last]
                got += g
                taken = g - (got - need) if got >= need else g
                inner += taken * per[last]
                extra[kind >> 1] += taken
            if got >= need:
                break
        else:  # short by no more than the tolerance: the last piece takes the rest, as a cumsum would
            inner += (need - got) * per[last]
            extra[key[last] >> 1] += need - got
        row = self.before_grains[b].tolist()
        cost = float(self.before_cost[b] @ kinds) + inner + fixed
        lots = [(row[2 * i] * table[2 * i] + row[2 * i + 1] * table[2 * i + 1] + extra[i]
                 + (self._lo_grains[i] if s == 1 else 0.0)) / self._m[i] for i, s in enumerate(state)]
        return Relaxed(cost, lots, per[last] if table[key[last]] else float("nan"))

    def _block(self, b: int) -> tuple[list[float], list[float], list[int]]:
        """Block ``b``'s pieces as Python lists (the nodes of a search walk the same few blocks)."""
        got = self._blocks.get(b)
        if got is None:
            part = slice(b * _BLOCK, (b + 1) * _BLOCK)
            got = self._blocks[b] = (self.grains[part].tolist(), self.per[part].tolist(), self.key[part].tolist())
        return got


# Pieces per block of the relaxation's prefix sums (a node walks one block of them).
_BLOCK = 64


def _before_blocks(key: Ints, weights: Floats, kinds: int) -> Floats:
    """Row ``b``, column ``kind``: the sum of ``weights`` over the pieces of that kind before block ``b``."""
    blocks = -(-len(key) // _BLOCK)
    cell = key * blocks + np.arange(len(key)) // _BLOCK
    per_block = np.bincount(cell, weights=weights, minlength=kinds * blocks).reshape(kinds, blocks)
    before = np.zeros((blocks + 1, kinds))
    before[1:] = np.cumsum(per_block, axis=1).T
    return before
