"""Box problems over groups of venues that share a lot size (see ``lot_solver`` for the whole).

A ``Group`` holds venues with the same lot size ``m`` (in grains) and bounds ``low_i <= x_i <=
up_i``; ``cost(y)`` is the cheapest way for the group to take ``y`` lots: the greedy merge of the
venues' non-decreasing per-lot marginal costs, exact for separable convex allocation with unit
weights, so ``cost`` is convex and every ``y`` in ``[low, high]`` is reachable.

Across groups (sizes ``m_g``, counts ``y_g``):

``max_fill`` - the largest ``sum m_g y_g <= T``.
  * one group: a clamp;
  * two groups ``a < b``: as a function of ``y_b`` the fill grows while the small group is full
    and is periodic with period ``a / gcd(a, b)`` after that, so the last value of the first
    part and the last period of the second part hold the maximum;
  * more: when the groups, sorted by lot size, each fit in the reach of the smaller ones
    (``sum_{i<j} m_i span_i >= m_j - 1``, the usual case: a fine-lot venue with depth) every
    integer between the least and the most is reachable; otherwise an exact bitset DP (binary
    splitting of each group's count) over the room left.

``min_cost`` - the cheapest ``y`` with ``sum m_g y_g == F``.
  * one group: ``cost(F / m)``;
  * two groups: the solutions are ``y_b = r + t q`` (``q = a / gcd``) on a range of ``t``, and
    ``cost_a(y_a(t)) + cost_b(y_b(t))`` is a sum of convex functions of affine maps of ``t``,
    so a comb search finds the minimum (convexity keeps it between the best sample's neighbours);
  * more: a proximity window around the continuous optimum ``ybar`` (groups may take fractional
    lots; the greedy by per-grain marginal cost). Claim: some integer optimum has
    ``|y_g - ybar_g| <= W_g = (k - 1) * max_{j != g} m_j / gcd(m_g, m_j)``. Proof: ``d = y - ybar``
    lies in the kernel of ``(m_1..m_k)``, so it is a conformal sum of at most ``k - 1`` circuits,
    the primitive integer vectors ``(m_j/g) e_i - (m_i/g) e_j``, with positive weights. If a
    weight is >= 1, ``y - c`` is integer, in the box, and by convexity
    ``f(y - c) + f(ybar + c) <= f(y) + f(ybar)`` with ``f(ybar + c) >= f(ybar)`` (``ybar`` is
    optimal), so ``y - c`` is also optimal and closer; repeat. With every weight < 1 the bound
    follows. An exact DP over the groups inside those windows (state: grains away from the
    continuous total) finishes the job.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from sor_desktop.core.lot_curve import Floats, Ints, LotCurve


class Group:
    """Venues sharing one lot size, with bounds; ``cost(y)`` is the cheapest way to take y lots."""

    __slots__ = ("m", "members", "low", "high", "base", "cc", "ck", "slopes", "owner", "lows")

    def __init__(self, m: int, members: list[int], curves: Sequence[LotCurve], low: Sequence[int],
                 up: Sequence[int]) -> None:
        self.m = m
        self.members = members
        self.lows = [low[i] for i in members]
        self.low = sum(self.lows)
        self.high = sum(up[i] for i in members)
        self.base = sum(curves[i].cost(low[i]) for i in members)
        counts: list[Ints] = []
        slopes: list[Floats] = []
        owners: list[Ints] = []
        for i in members:
            c, s = curves[i].segments(low[i], up[i])
            counts.append(c)
            slopes.append(s)
            owners.append(np.full(len(c), i, dtype=np.int64))
        if len(members) == 1:
            cnt, self.slopes, self.owner = counts[0], slopes[0], owners[0]
        else:
            allslopes = np.concatenate(slopes)
            order = np.argsort(allslopes, kind="stable")
            cnt = np.concatenate(counts)[order]
            self.slopes = allslopes[order]
            self.owner = np.concatenate(owners)[order]
        self.cc = np.concatenate(([0], np.cumsum(cnt)))
        self.ck = np.concatenate(([0.0], np.cumsum(cnt * self.slopes)))

    def cost(self, y: int) -> float:
        r = y - self.low
        k = int(self.cc.searchsorted(r, side="right")) - 1
        if k >= len(self.slopes):
            return self.base + float(self.ck[-1])
        return self.base + float(self.ck[k]) + (r - int(self.cc[k])) * float(self.slopes[k])

    def costs(self, ys: Ints) -> Floats:
        r = ys - self.low
        if not len(self.slopes):
            return np.full(len(ys), self.base)
        k = np.minimum(self.cc.searchsorted(r, side="right") - 1, len(self.slopes) - 1)
        return self.base + self.ck[k] + (r - self.cc[k]) * self.slopes[k]

    def assign(self, y: int, out: list[int]) -> None:
        if len(self.members) == 1:
            out[self.members[0]] = y
            return
        for i, low in zip(self.members, self.lows, strict=True):
            out[i] = low
        r = y - self.low
        k = int(np.searchsorted(self.cc, r, side="right")) - 1
        if k > 0:
            taken = np.bincount(self.owner[:k], weights=np.diff(self.cc[: k + 1]), minlength=len(out))
            for i in self.members:
                out[i] += int(round(taken[i]))
        if k < len(self.slopes) and r > self.cc[k]:
            out[int(self.owner[k])] += r - int(self.cc[k])


# -- largest fill -------------------------------------------------------------------------------


def max_fill(groups: Sequence[Group], target: int) -> int | None:
    """Largest ``sum m_g y_g <= target`` with each ``y_g`` in its group's range, or None."""
    floor = sum(g.m * g.low for g in groups)
    if floor > target:
        return None
    spans = sorted((g.m, g.high - g.low) for g in groups if g.high > g.low)
    return floor + _max_fill_spans(spans, target - floor)


def _max_fill_spans(spans: Sequence[tuple[int, int]], room: int) -> int:
    """Largest ``sum m z <= room`` with ``0 <= z <= span`` for each (m, span), spans sorted by m."""
    if not spans:
        return 0
    total = sum(m * r for m, r in spans)
    if total <= room:
        return total
    if len(spans) == 1:
        m, r = spans[0]
        return m * min(r, room // m)
    if len(spans) == 2:
        (a, ra), (b, rb) = spans
        top = min(rb, room // b)

        def fill(zb: int) -> int:
            return b * zb + a * min(ra, (room - b * zb) // a)

        z1 = (room - a * ra) // b  # zb <= z1: the small group is full and the fill grows with zb
        cands = [min(z1, top)] if z1 >= 0 else []
        period = a // math.gcd(a, b)
        cands.extend(range(max(z1 + 1, 0, top - period + 1), top + 1))
        return max(fill(z) for z in cands)
    if spans[0][0] == 1 and _contiguous(spans):
        return room
    return _max_fill_dp(spans, room)


def _contiguous(spans: Sequence[tuple[int, int]]) -> bool:
    """Every integer from 0 to the total is reachable (sizes sorted, the smallest is 1)."""
    reach = 0
    for m, r in spans:
        if reach < m - 1:
            return False
        reach += m * r
    return True


def _max_fill_dp(spans: Sequence[tuple[int, int]], room: int) -> int:
    reach = np.zeros(room + 1, dtype=bool)
    reach[0] = True
    for m, r in spans:
        piece = 1
        while r > 0:  # binary splitting: any count 0..r is a sum of these pieces
            take = min(piece, r)
            shift = m * take
            if shift <= room:
                reach[shift:] |= reach[:-shift].copy()
            r -= take
            piece *= 2
    return int(np.flatnonzero(reach)[-1])


# -- cheapest plan at a fill --------------------------------------------------------------------


def min_cost(groups: Sequence[Group], fill: int) -> tuple[float, list[int]] | None:
    """Cheapest ``(cost, y per group)`` with ``sum m_g y_g == fill`` exactly, or None."""
    if len(groups) == 1:
        g = groups[0]
        if fill % g.m or not g.low <= fill // g.m <= g.high:
            return None
        return g.cost(fill // g.m), [fill // g.m]
    if len(groups) == 2:
        return _min_cost_pair(groups[0], groups[1], fill)
    return _min_cost_window(groups, fill)


def _min_cost_pair(ga: Group, gb: Group, fill: int) -> tuple[float, list[int]] | None:
    a, b = ga.m, gb.m
    d = math.gcd(a, b)
    if fill % d:
        return None
    q = a // d
    r = (fill // d) * pow(b // d, -1, q) % q if q > 1 else 0  # b*yb == fill (mod a)
    lo = max(gb.low, -((a * ga.high - fill) // b))
    hi = min(gb.high, (fill - a * ga.low) // b)
    t0 = -((r - lo) // q)
    t1 = (hi - r) // q
    if t0 > t1:
        return None

    def phi(ts: Ints) -> Floats:
        yb = r + ts * q
        return gb.costs(yb) + ga.costs((fill - b * yb) // a)

    # phi is convex in t: evaluate a comb of points, keep the bracket around the smallest, repeat
    lo_t, hi_t = t0, t1
    while hi_t - lo_t > 16 * _COMB:
        stride = (hi_t - lo_t) // _COMB
        ts = np.append(np.arange(lo_t, hi_t, stride, dtype=np.int64), hi_t)
        k = int(np.argmin(phi(ts)))
        lo_t, hi_t = int(ts[max(k - 1, 0)]), int(ts[min(k + 1, len(ts) - 1)])
    ts = np.arange(lo_t, hi_t + 1, dtype=np.int64)
    vals = phi(ts)
    k = int(np.argmin(vals))
    yb = r + int(ts[k]) * q
    return float(vals[k]), [(fill - b * yb) // a, yb]


_COMB = 256


def continuous_optimum(groups: Sequence[Group], fill: int) -> list[float]:
    """Cheapest fractional ``y`` with ``sum m_g y_g == fill`` (greedy by per-grain marginal cost)."""
    per_grain = np.concatenate([g.slopes / g.m for g in groups])
    grains = np.concatenate([np.diff(g.cc) * g.m for g in groups])
    owner = np.concatenate([np.full(len(g.slopes), k) for k, g in enumerate(groups)])
    order = np.argsort(per_grain, kind="stable")
    grains, owner = grains[order], owner[order]
    room = fill - sum(g.m * g.low for g in groups)
    cum = np.cumsum(grains)
    take = np.clip(room - (cum - grains), 0, grains).astype(np.float64)
    extra = np.bincount(owner, weights=take, minlength=len(groups))
    return [g.low + extra[k] / g.m for k, g in enumerate(groups)]


def _min_cost_window(groups: Sequence[Group], fill: int) -> tuple[float, list[int]] | None:
    """Exact DP over the proximity windows (module docstring) for three or more lot sizes."""
    k = len(groups)
    ybar = continuous_optimum(groups, fill)
    ms = [g.m for g in groups]
    base = [math.floor(y) for y in ybar]
    need = fill - sum(m * b for m, b in zip(ms, base, strict=True))  # grains the deviations must add
    offsets: list[Ints] = []
    for g, (grp, yb) in enumerate(zip(groups, ybar, strict=True)):
        w = (k - 1) * max(ms[j] // math.gcd(ms[g], ms[j]) for j in range(k) if j != g)
        lo = max(grp.low, math.ceil(yb - w))
        hi = min(grp.high, math.floor(yb + w))
        offsets.append(np.arange(lo, hi + 1, dtype=np.int64) - base[g])
    # states: sum of m_g * offset_g so far, as an index into [smin, smax]
    smin = sum(int(m * o.min()) if len(o) else 0 for m, o in zip(ms, offsets, strict=True))
    smax = sum(int(m * o.max()) if len(o) else 0 for m, o in zip(ms, offsets, strict=True))
    if any(len(o) == 0 for o in offsets) or not smin <= need <= smax:
        return None
    size = smax - smin + 1
    dp = np.full(size, np.inf)
    dp[-smin] = 0.0  # zero offset so far
    choice: list[Ints] = []
    for grp, m, off, b in zip(groups, ms, offsets, base, strict=True):
        vals = grp.costs(off + b)
        new = np.full(size, np.inf)
        arg = np.full(size, -1, dtype=np.int64)
        for idx, (o, v) in enumerate(zip(off.tolist(), vals.tolist(), strict=True)):
            shift = m * o
            if shift >= 0:
                src, dst = dp[: size - shift], slice(shift, size)
            else:
                src, dst = dp[-shift:], slice(0, size + shift)
            cand = src + v
            better = cand < new[dst]
            new[dst] = np.where(better, cand, new[dst])
            arg[dst] = np.where(better, idx, arg[dst])
        dp = new
        choice.append(arg)
    at = need - smin
    if not np.isfinite(dp[at]):
        return None
    cost = float(dp[at])
    ys = [0] * k
    for g in range(k - 1, -1, -1):
        idx = int(choice[g][at])
        o = int(offsets[g][idx])
        ys[g] = base[g] + o
        at -= ms[g] * o
    return cost, ys
