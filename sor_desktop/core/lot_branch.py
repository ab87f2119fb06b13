"""Branch and bound for ``lot_groups.min_cost`` (three or more lot sizes), fixing one group at a time.

The groups are fixed in an order chosen from their lot sizes alone (``_order``); the last two are
solved as a pair. At a node with the groups ``S`` left and fill ``R`` left:

* the proximity theorem of ``lot_groups`` applied to the sub-problem ``S`` at ``R`` keeps the
  group fixed next within ``W = sum_{j in S, j != g} m_j / gcd(m_g, m_j)`` of its continuous
  optimum (some optimum of the sub-problem lies there, so the sub-problem's optimum is the best
  of those candidates), and the other groups' lots make ``m_g y`` one residue modulo their gcd:
  for a divisibility chain fixed from the largest lot, a handful of counts;
* a child ``y`` is bounded by ``cost_g(y) + LP_rest(R - m_g y)``, the continuous optimum of the
  groups after it at what it leaves: a convex piecewise-linear function of the fill, read off
  the cumulative arrays of the suffix's pieces sorted by per-grain cost (``_Suffix``);
* two groups ``a, b`` left: the same theorem puts an optimum's ``y_a`` within ``m_b / gcd`` of
  the continuous one, and ``y_a`` is one residue modulo that: two counts at most.

The search runs a level at a time over all nodes at once (numpy; a node-by-node walk spent its
time in Python calls): first keeping only the best few nodes per level, for a plan, then every
node whose bound is under that plan's cost. Any plan cheaper than it has every ancestor's bound
under it, so the second pass finds the optimum or proves the first plan optimal. Past
``ELEMENT_LIMIT`` children it gives up (``GaveUp``; the caller then uses its other searches), so
its time stays bounded.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from sor_desktop.core.lot_curve import Floats, Ints

if TYPE_CHECKING:
    from sor_desktop.core.lot_groups import Group

# Children bounded (summed over the levels) before the search gives up.
ELEMENT_LIMIT = 200_000
# Nodes per level of the first search, which finds a plan to bound the proven one with.
_BEAM = 4
# The largest modulus whose residue arithmetic stays within int64 (products of two residues).
_MOD_MAX = 2**31
# Children of one node past which ``expand`` bisects for those under the limit instead of
# bounding them all.
_WIDE = 64
# Children of the last level whose pairs are solved in one vector; past it the best ``_BEAM``
# first, whose plan prunes the rest.
_PAIR_ALL = 32
# A child whose bound is within this (relative) of the best plan could only beat it by rounding:
# pruned, so price ties do not walk every child at the bound.
_TIE = 1e-11


class GaveUp(Exception):
    """Past ``ELEMENT_LIMIT``, or lots whose residues would overflow."""


class _Suffix:
    """The continuous optimum of some groups as a function of their fill: their pieces sorted by
    per-grain cost, cumulated, plus the grains the first group (the one fixed at this level) takes
    at each point, whose continuous count centres the proximity window. Built from the pieces of
    all groups sorted once (``in_suffix`` picks this suffix's; the sort is stable either way)."""

    def __init__(self, groups: Sequence[Group], per_grain: Floats, grains: Ints, cost: Floats, owner: Ints,
                 in_suffix: npt.NDArray[np.bool_] | None, first: int) -> None:
        if in_suffix is not None:  # None: every piece given
            per_grain, grains, cost, owner = per_grain[in_suffix], grains[in_suffix], cost[in_suffix], owner[in_suffix]
        mine = owner == first
        # a sentinel piece of no grains past the end keeps every lookup in range
        self.per_grain = np.concatenate((per_grain, [0.0]))
        self.mine = np.concatenate((mine, [False]))
        self.cum = np.concatenate(([0], np.cumsum(grains)))
        self.cum_cost = np.concatenate(([0.0], np.cumsum(cost)))
        self.cum_mine = np.concatenate(([0], np.cumsum(np.where(mine, grains, 0))))
        self.floor = sum(g.m * g.low for g in groups)
        self.room = int(self.cum[-1])
        self.base = sum(g.base for g in groups)

    def at(self, fills: Ints) -> tuple[Floats, Ints, npt.NDArray[np.bool_]]:
        """Per fill: the continuous optimum's cost (inf out of reach), the grains the first group
        takes over its minimum (exact integers) and whether it is in reach."""
        room = fills - self.floor
        ok = (room >= 0) & (room <= self.room)
        room = np.minimum(np.maximum(room, 0), self.room)
        # ``k`` is the first prefix reaching ``room``: the pieces before ``k - 1`` whole, piece
        # ``k - 1`` in part
        start = np.maximum(self.cum.searchsorted(room, side="left") - 1, 0)
        part = room - self.cum[start]
        cost = self.base + self.cum_cost[start] + part * self.per_grain[start]
        own = self.cum_mine[start] + np.where(self.mine[start], part, 0)
        return np.where(ok, cost, np.inf), own, ok

    def one(self, fill: int) -> tuple[int, bool]:
        """``at`` for one fill in Python scalars (a level of one node): the first group's grains
        and whether the fill is in reach."""
        room = fill - self.floor
        if not 0 <= room <= self.room:
            return 0, False
        start = max(int(self.cum.searchsorted(room, side="left")) - 1, 0)
        part = room - int(self.cum[start])
        return int(self.cum_mine[start]) + (part if self.mine[start] else 0), True


class _Root:
    """The first group's share of the continuous optimum of all the groups at one fill (the root's
    window), from its pieces and the next level's ``_Suffix`` without sorting them together: the
    first group's piece ``i`` starts after its pieces before it and every piece of the rest
    cheaper per grain (at a tie it goes first, as a stable sort of all would put it)."""

    def __init__(self, g: Group, rest: _Suffix) -> None:
        per_grain, self.grains, _ = g.grain_pieces()
        self.cum = g.cc * g.m  # grains of the pieces before each
        cheaper = rest.cum[rest.per_grain[:-1].searchsorted(per_grain, side="left")]
        self.start = self.cum[:-1] + cheaper
        self.floor = rest.floor + g.m * g.low
        self.room = rest.room + int(self.cum[-1])

    def one(self, fill: int) -> tuple[int, bool]:
        """``_Suffix.one``: the first group's grains over its minimum and whether in reach."""
        room = fill - self.floor
        if not 0 <= room <= self.room:
            return 0, False
        i = int(self.start.searchsorted(room, side="left")) - 1  # the last piece begun before ``room``
        if i < 0:
            return 0, True
        return int(self.cum[i]) + min(room - int(self.start[i]), int(self.grains[i])), True


# Estimated cost of a node of a level fixed one count at a time, and of a child of the last such
# level (evaluated with its pair in one vector), in the same unit: a Python node costs some
# hundred vector elements.
_NODE_COST = 200.0
# Most groups ordered by dynamic programming (2^k sets; ten venues can make eight lot sizes).
_DP_GROUPS = 6


def _order(groups: Sequence[Group]) -> list[int]:
    """Groups in fixing order, the last two the pair (``_order_of``, by lot sizes and ranges:
    the boxes of one plan mostly share both)."""
    return list(_order_of(tuple(g.m for g in groups), tuple(g.high - g.low + 1 for g in groups)))


@functools.lru_cache(maxsize=256)
def _order_of(ms: tuple[int, ...], ranges: tuple[int, ...]) -> tuple[int, ...]:
    """The order of least estimated work, by dynamic programming over the sets of groups left (a
    node's work is its own plus its candidates' times the work of each child; the last level
    before the pair is one vector); past ``_DP_GROUPS`` groups, greedily the fewest candidates
    first. A group's candidates per node are its proximity window over its residue step, at most
    its range. A divisibility chain comes out largest lot first, each window a count or two
    either side."""
    k = len(ms)

    def counts(g: int, rest: Sequence[int]) -> float:
        rest_ms = [ms[j] for j in rest]
        w = sum(m // math.gcd(ms[g], m) for m in rest_ms)
        gcd_rest = math.gcd(*rest_ms)
        return max(min(2 * w, ranges[g]) / (gcd_rest // math.gcd(ms[g], gcd_rest)), 1.0)

    if k > _DP_GROUPS:
        left = list(range(k))
        out: list[int] = []
        while len(left) > 2:
            g = min(left, key=lambda g: (counts(g, [j for j in left if j != g]), -ms[g]))
            out.append(g)
            left.remove(g)
        return (*out, *left)

    @functools.cache
    def work(left: frozenset[int]) -> tuple[float, tuple[int, ...]]:
        best: tuple[float, tuple[int, ...]] | None = None
        for g in sorted(left, key=lambda j: -ms[j]):
            rest = left - {g}
            c = counts(g, sorted(rest))
            if len(rest) == 2:
                cost, after = c, tuple(sorted(rest))
            else:
                sub, after = work(rest)
                cost = _NODE_COST + c * sub
            if best is None or cost < best[0]:
                best = (cost, (g, *after))
        assert best is not None
        return best

    return work(frozenset(range(k)))[1]


class _Search:
    """The groups in fixing order with each suffix's continuous optimum (``_Suffix``) and each
    level's proximity half-width and residue arithmetic; ``below`` searches them level by level."""

    def __init__(self, groups: Sequence[Group]) -> None:
        self.order = _order(groups)
        self.groups = [groups[g] for g in self.order]
        k = len(self.groups)
        # the pieces of all groups but the first sorted by per-grain cost (stable: ties in fixing
        # order); each level's suffix picks its own, the root's share comes from ``_Root``
        pieces = [g.grain_pieces() for g in self.groups[1:]]
        per_grain = np.concatenate([p[0] for p in pieces])
        grains = np.concatenate([p[1] for p in pieces])
        cost = np.concatenate([p[2] for p in pieces])
        owner = np.repeat(np.arange(1, k), [len(p[0]) for p in pieces])
        by = np.argsort(per_grain, kind="stable")
        per_grain, grains, cost, owner = per_grain[by], grains[by], cost[by], owner[by]
        self.suffix = {d: _Suffix(self.groups[d:], per_grain, grains, cost, owner, owner >= d if d > 1 else None, d)
                       for d in range(1, k - 1)}
        self.root = _Root(self.groups[0], self.suffix[1])
        # per level: the proximity half-width, the gcd its lots and the rest's share (every fill
        # left must be a multiple), the residue step of its count and the inverse that finds it
        self.w, self.common, self.q, self.inv = [], [], [], []
        for d in range(k - 1):
            mg = self.groups[d].m
            rest = [h.m for h in self.groups[d + 1:]]
            self.w.append(sum(m // math.gcd(mg, m) for m in rest))
            common = math.gcd(mg, *rest)
            q = math.gcd(*rest) // common
            if q > _MOD_MAX:
                raise GaveUp  # residues are multiplied in int64
            self.common.append(common)
            self.q.append(q)
            self.inv.append(pow(mg // common, -1, q) if q > 1 else 0)

    def expand(self, d: int, fills: Ints, spent: Floats, budget: int, limit: float = math.inf, beam: int = 0
               ) -> tuple[Ints, Ints, Ints, Floats, Floats, Ints, npt.NDArray[np.bool_]]:
        """The children of the level-``d`` nodes (what is left to fill, what the levels before
        cost) that can hold an optimum of its sub-problem (proximity window, residue, the rest's
        reach), as parent index, count, fill left, cost so far and bound: every one whose bound is
        under ``limit``, and with ``beam`` at least each node's ``beam`` best (``_narrow``). Then
        the next suffix's ``own`` and reach at each child's fill (``pair`` reads them)."""
        g, nxt = self.groups[d], self.suffix[d + 1]
        m, q = g.m, self.q[d]
        if len(fills) == 1:
            lo, n, own = self._window(d, int(fills[0]))
            if n > _WIDE and (beam or math.isfinite(limit)):
                first, count = self._narrow(d, fills, spent, np.array([lo]), np.array([n]), np.array([own]),
                                            limit, beam)
                lo, n = lo + int(first[0]) * q, int(count[0])
            if n > budget:
                raise GaveUp
            parent = np.zeros(n, dtype=np.int64)
            ys = lo + q * np.arange(n, dtype=np.int64)
            rests = int(fills[0]) - m * ys
            costs = float(spent[0]) + g.costs(ys)
        else:
            lo_v, n_v, own_v = self._windows(d, fills)
            wide = np.flatnonzero(n_v > _WIDE)
            if len(wide) and (beam or math.isfinite(limit)):
                first, count = self._narrow(d, fills[wide], spent[wide], lo_v[wide], n_v[wide], own_v[wide], limit,
                                            beam)
                lo_v[wide] += first * q
                n_v[wide] = count
            total = int(n_v.sum())
            if total > budget:
                raise GaveUp
            parent = np.repeat(np.arange(len(fills)), n_v)
            offset = np.arange(total) - np.repeat(np.cumsum(n_v) - n_v, n_v)
            ys = lo_v[parent] + offset * q
            rests = fills[parent] - m * ys
            costs = spent[parent] + g.costs(ys)
        rest_cost, rest_own, rest_ok = nxt.at(rests)
        return parent, ys, rests, costs, costs + rest_cost, rest_own, rest_ok

    def _window(self, d: int, fill: int) -> tuple[int, int, int]:
        """``_windows`` of one node in Python integers."""
        g, nxt = self.groups[d], self.suffix[d + 1]
        m, w, q, common = g.m, self.w[d], self.q[d], self.common[d]
        own, ok = self.root.one(fill) if d == 0 else self.suffix[d].one(fill)
        if not ok or fill % common:
            return 0, 0, own
        lo = max(g.low + (own - m * w) // m + 1, g.low, -((-(fill - nxt.floor - nxt.room)) // m))
        hi = min(g.low - ((-(own + m * w)) // m) - 1, g.high, (fill - nxt.floor) // m)
        if q > 1:
            r = (fill // common % q) * self.inv[d] % q
            lo += (r - lo) % q
        return lo, (hi - lo) // q + 1 if lo <= hi else 0, own

    def _windows(self, d: int, fills: Ints) -> tuple[Ints, Ints, Ints]:
        """Per node, the first count that can hold an optimum of its sub-problem (proximity window
        around its continuous count, on its residue, within the rest's reach), how many (a step of
        the residue's apart) and the node's continuous count over the group's minimum, in grains."""
        g, nxt = self.groups[d], self.suffix[d + 1]
        m, w, q, common = g.m, self.w[d], self.q[d], self.common[d]
        _, own, ok = self.suffix[d].at(fills)
        ok &= fills % common == 0
        # y in (low + own / m - W, low + own / m + W), in integers: m (y - low) vs own -+ m W
        lo = np.maximum(g.low + (own - m * w) // m + 1, g.low)
        hi = np.minimum(g.low - ((-(own + m * w)) // m) - 1, g.high)
        lo = np.maximum(lo, -((-(fills - nxt.floor - nxt.room)) // m))
        hi = np.minimum(hi, (fills - nxt.floor) // m)
        if q > 1:
            r = (fills // common % q) * self.inv[d] % q
            lo = lo + (r - lo) % q
        n = np.where(ok & (lo <= hi), (hi - lo) // q + 1, 0)
        return lo, n, own

    def _narrow(self, d: int, fills: Ints, spent: Floats, lo: Ints, n: Ints, own: Ints, limit: float,
                beam: int) -> tuple[Ints, Ints]:
        """Per node, the first of its ``n`` children (counts ``lo + t q``) to keep and how many.
        A child's bound is convex in ``t`` (the group's cost plus the continuous optimum of the
        rest at an affine fill) and least next to the node's own continuous count ``low + own /
        m`` (the node's continuous optimum is the least bound over real counts), so the children
        under ``limit`` are a run around it, whose ends a gallop and a bisection find (a foreign
        lot's window runs to 110,001 counts, of which a handful are under the limit); with
        ``beam``, at most the ``beam`` either side of the least (a node's ``beam`` best are
        among them)."""
        g, nxt, m, q = self.groups[d], self.suffix[d + 1], self.groups[d].m, self.q[d]

        def bound(t: Ints) -> Floats:
            y = lo + t * q
            return spent + g.costs(y) + nxt.at(fills - m * y)[0]

        t0 = np.minimum(np.maximum((g.low * m + own - lo * m) // (m * q), 0), n - 1)
        t1 = np.minimum(t0 + 1, n - 1)
        least = np.where(bound(t1) < bound(t0), t1, t0)
        left, right = np.maximum(least - beam, 0), np.minimum(least + beam, n - 1)
        if math.isfinite(limit):
            # a rounding slack keeps the children at the limit (the caller prunes them)
            under = limit + _TIE * (1.0 + abs(limit))
            inside = bound(least) < under
            lo_t = _edge(bound, least, np.zeros_like(least), -1, under)
            hi_t = _edge(bound, least, n - 1, 1, under)
            left, right = (np.maximum(left, lo_t), np.minimum(right, hi_t)) if beam else (lo_t, hi_t)
            right = np.where(inside, right, left - 1)
        return left, np.maximum(right - left + 1, 0)

    def pair(self, fills: Ints, spent: Floats, own: Ints, ok: npt.NDArray[np.bool_]) -> tuple[float, int, int]:
        """The last two groups for every fill left (``own`` and ``ok``: their suffix's ``at``):
        some optimum has ``y_a`` within ``m_b / gcd`` of the continuous one and on one residue
        modulo that, so two counts each. The best plan's total (inf: none), its row and ``y_a``."""
        ga, gb = self.groups[-2], self.groups[-1]
        a, b = ga.m, gb.m
        q, common = self.q[-1], self.common[-1]
        ok = ok & (fills % common == 0)
        r = (fills // common % q) * self.inv[-1] % q if q > 1 else 0
        lo = ga.low + (own - a * q) // a + 1
        first = lo + (r - lo) % q
        # both counts of every row at once: row i's are entries i and i + len(fills)
        y_a = np.concatenate((first, first + q))
        fills2 = np.concatenate((fills, fills))
        y_b = (fills2 - a * y_a) // b
        valid = (np.concatenate((ok, ok)) & (a * (y_a - ga.low) < np.concatenate((own, own)) + a * q)
                 & (y_a >= ga.low) & (y_a <= ga.high) & (y_b >= gb.low) & (y_b <= gb.high))
        j = np.flatnonzero(valid)
        if not len(j):
            return math.inf, 0, 0
        y_a, y_b = y_a[j], y_b[j]
        total = np.concatenate((spent, spent))[j] + ga.costs(y_a) + gb.costs(y_b)
        best = int(np.argmin(total))
        return float(total[best]), int(j[best]) % len(fills), int(y_a[best])

    def below(self, fill: int, limit: float, beam: int = 0) -> tuple[float, list[int]] | None:
        """The cheapest plan costing under ``limit`` (counts in fixing order), None when there is
        none: every node whose bound is under it is expanded, a level at a time. With ``beam``,
        only that many best-bound nodes per level (a first plan, not proven)."""
        fills = np.array([fill], dtype=np.int64)
        spent = np.zeros(1)
        trail = []
        budget = ELEMENT_LIMIT
        for d in range(len(self.groups) - 2):
            parent, ys, fills, spent, bounds, own, ok = self.expand(d, fills, spent, budget, limit, beam)
            budget -= len(ys)
            keep = np.flatnonzero(bounds < limit)
            if beam and len(keep) > beam:
                keep = keep[np.argpartition(bounds[keep], beam)[:beam]]
            if not len(keep):
                return None
            if d < len(self.groups) - 3:
                trail.append((parent[keep], ys[keep]))
                fills, spent = fills[keep], spent[keep]
            else:
                trail.append((parent, ys))
        if len(keep) <= _PAIR_ALL:
            cost, row, y_a = self.pair(fills[keep], spent[keep], own[keep], ok[keep])
            j = int(keep[row])
        else:
            # the best few children's pairs first: their plan bounds the others, most of which it prunes
            by = keep[np.argsort(bounds[keep], kind="stable")]
            head, tail = by[:_BEAM], by[_BEAM:]
            cost, row, y_a = self.pair(fills[head], spent[head], own[head], ok[head])
            j = int(head[row])
            tail = tail[bounds[tail] < min(limit, _tie(cost))]
            if len(tail):
                more, row, more_a = self.pair(fills[tail], spent[tail], own[tail], ok[tail])
                if more < cost:
                    cost, y_a, j = more, more_a, int(tail[row])
        if not cost < limit:
            return None
        out = [y_a, (int(fills[j]) - self.groups[-2].m * y_a) // self.groups[-1].m]
        for parent, ys in reversed(trail):
            out.insert(0, int(ys[j]))
            j = int(parent[j])
        return cost, out


def _edge(bound: Callable[[Ints], Floats], start: Ints, stop: Ints, step: int, under: float) -> Ints:
    """Per node, the furthest ``t`` from ``start`` towards ``stop`` (inclusive) with ``bound(t)``
    under ``under``, ``bound`` monotone on the way (``start`` itself when none): a gallop of
    doubling strides, then a bisection between the last ``t`` under and the first over."""
    inside = start.copy()
    outside = stop + step  # past the end: over by convention
    stride = np.ones_like(start)
    active = inside != stop
    while np.any(active):
        probe = np.where(active, inside + step * stride, inside)
        probe = np.minimum(probe, stop) if step > 0 else np.maximum(probe, stop)
        ok = bound(probe) < under
        inside = np.where(active & ok, probe, inside)
        outside = np.where(active & ~ok, probe, outside)
        active &= ok & (probe != stop)
        stride *= 2
    while np.any(np.abs(outside - inside) > 1):
        gap = np.abs(outside - inside) > 1
        mid = (inside + outside) // 2
        ok = bound(mid) < under
        inside = np.where(gap & ok, mid, inside)
        outside = np.where(gap & ~ok, mid, outside)
    return inside


def _tie(cost: float) -> float:
    return cost - _TIE * (1.0 + abs(cost)) if math.isfinite(cost) else cost


# The searches of the last groups asked (the solver asks one box at several fills); a group never
# changes, and the cache is emptied when full and as each plan starts (``lot_groups.forget``).
_SEARCHES: dict[tuple[Group, ...], _Search] = {}
_SEARCHES_MAX = 64


def search(groups: Sequence[Group], fill: int, cap: float = math.inf) -> tuple[float, list[int]] | None:
    """The cheapest ``(cost, y per group)`` with ``sum m_g y_g == fill`` costing under ``cap``, None
    when there is none; raises ``GaveUp`` past ``ELEMENT_LIMIT``."""
    key = tuple(groups)
    s = _SEARCHES.get(key)
    if s is None:
        if len(_SEARCHES) >= _SEARCHES_MAX:
            _SEARCHES.clear()
        s = _SEARCHES[key] = _Search(groups)
    first = s.below(fill, cap, beam=_BEAM) if len(groups) > 3 else None
    limit = cap if first is None else min(cap, first[0])
    found = s.below(fill, _tie(limit))
    if found is None:
        found = first
    if found is None or not found[0] < cap:
        return None
    out = [0] * len(groups)
    for g, y in zip(s.order, found[1], strict=True):
        out[g] = y
    # the plan's cost summed in the caller's order, as every other search reports it
    return sum(h.cost(y) for h, y in zip(groups, out, strict=True)), out
