"""The continuous relaxation of a branch-and-bound node, in about a tenth of a millisecond.

A node says per venue: off, on (at least its minimum ``lo``, its leg cost paid) or free (relaxed
to the convex envelope of "nothing, or its cost plus leg cost from ``x*`` on", ``lot_curve.envelope``).
Lots become continuous. Then the cheapest way to take ``F`` grains is the greedy over every piece
of every venue in order of cost per grain: the on venues' pieces above their minimum, the free
venues' envelope pieces. Its cost is a lower bound on every whole-lot plan of the node with that
fill, so a node whose bound does not beat the best plan is dropped without solving its lots.

All pieces of both kinds are sorted once per ``solve``; a node only masks the ones it uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sor_desktop.core.lot_curve import Floats, Ints, LotCurve


@dataclass(frozen=True, slots=True)
class Relaxed:
    cost: float  # with the on venues' leg costs
    lots: Floats  # per venue, fractional
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
        self.owner = self.key // 2
        self.cost_of = self.grains * self.per

    def surplus(self, lam: float) -> tuple[Floats, Floats]:
        """Per venue, what its pieces cheaper than ``lam`` per grain save against ``lam``: free
        (its envelope from 0) and on (its curve above ``lo``). ``-free[i]`` is the least of
        ``envelope_i(x) - lam m_i x``, venue i's term of the relaxation's Lagrangian at ``lam``;
        on, the term is ``lo_cost[i] + leg[i] - lam lo_grains[i] - on[i]``."""
        k = int(np.searchsorted(self.per, lam, side="left"))
        weights = (lam - self.per[:k]) * self.grains[:k]
        saved: Floats = np.asarray(np.bincount(self.key[:k], weights=weights, minlength=2 * self.n), dtype=np.float64)
        return saved[0::2], saved[1::2]

    def solve(self, state: Sequence[int], fill: int) -> Relaxed | None:
        """Cheapest fractional plan of ``fill`` grains in the node, or None when it cannot reach it."""
        st = np.asarray(state)
        on = st == 1
        free = st == 0
        need = fill - float(self.lo_grains[on].sum())
        if need < 0:
            return None
        table = np.empty(2 * self.n)
        table[0::2], table[1::2] = free, on
        g = self.grains * table[self.key]
        cum = np.cumsum(g)
        if not len(cum) or cum[-1] < need * (1 - 1e-12):
            if need == 0:
                lots = np.where(on, self.lo_grains / self.m, 0.0)
                return Relaxed(float(self.lo_cost[on].sum() + self.legs[on].sum()), lots)
            return None
        k = int(np.searchsorted(cum, need, side="left"))
        k = min(k, len(cum) - 1)
        taken = g[: k + 1].copy()
        taken[k] -= cum[k] - need
        cost = float(np.dot(taken, self.per[: k + 1])) + float(self.lo_cost[on].sum() + self.legs[on].sum())
        extra = np.bincount(self.owner[: k + 1], weights=taken, minlength=self.n)
        lots = (extra + np.where(on, self.lo_grains, 0.0)) / self.m
        return Relaxed(cost, lots, float(self.per[k]) if g[k] > 0 else float("nan"))
