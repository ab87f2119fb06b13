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
        z1 = (room - a * ra) // b  # zb <= z1: the small group is full and the fill grows with zb
        period = a // math.gcd(a, b)
        zs = np.arange(max(z1 + 1, 0, top - period + 1), top + 1, dtype=np.int64)
        if z1 >= 0:
            zs = np.append(zs, min(z1, top))
        return int(np.max(b * zs + a * np.minimum(ra, (room - b * zs) // a)))
    if spans[0][0] == 1 and _contiguous(spans):
        return room
    return _max_fill_coarse_first(spans, room)


def _contiguous(spans: Sequence[tuple[int, int]]) -> bool:
    """Every integer from 0 to the total is reachable (sizes sorted, the smallest is 1)."""
    reach = 0
    for m, r in spans:
        if reach < m - 1:
            return False
        reach += m * r
    return True


def _max_fill_coarse_first(spans: Sequence[tuple[int, int]], room: int) -> int:
    """Three or more lot sizes that leave gaps: try the coarsest group's counts from the top.

    With ``reach`` what the finer groups can add at most, a count ``z`` of the coarsest with
    ``room - m z > reach`` is beaten by ``z + 1`` unless it is the largest such count, so only
    the top ``reach / m + 2`` counts need the finer groups' own answer (recursively)."""
    *finer, (m, span) = spans
    reach = sum(mi * ri for mi, ri in finer)
    zmax = min(span, room // m)
    zlow = max(0, -(-(room - reach) // m))  # from here down to 0 the finer groups are full
    if zlow > zmax:
        return m * zmax + reach
    best = m * (zlow - 1) + reach if zlow >= 1 else 0
    for z in range(zmax, zlow - 1, -1):
        best = max(best, m * z + _max_fill_spans(finer, room - m * z))
        if best == room:
            break
    return best


# -- cheapest plan at a fill --------------------------------------------------------------------


def min_cost(groups: Sequence[Group], fill: int) -> tuple[float, list[int], bool] | None:
    """Cheapest ``(cost, y per group, proven)`` with ``sum m_g y_g == fill`` exactly, or None.

    ``proven`` is False only when the window search had to be narrowed (``WINDOW_LIMIT``)."""
    if len(groups) == 1:
        g = groups[0]
        if fill % g.m or not g.low <= fill // g.m <= g.high:
            return None
        return g.cost(fill // g.m), [fill // g.m], True
    if len(groups) == 2:
        pair = _min_cost_pair(groups[0], groups[1], fill)
        return None if pair is None else (*pair, True)
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


# Most combinations the window search enumerates. Beyond it the windows are narrowed around the
# continuous optimum and the answer is no longer proven: ``min_cost`` then says so (``exact``).
WINDOW_LIMIT = 40_000


def windows(groups: Sequence[Group], ybar: Sequence[float]) -> list[tuple[int, int]]:
    """Proven range of each group's lots around the continuous optimum (module docstring)."""
    ms = [g.m for g in groups]
    out = []
    for g, (grp, yb) in enumerate(zip(groups, ybar, strict=True)):
        w = sum(ms[j] // math.gcd(ms[g], ms[j]) for j in range(len(ms)) if j != g)
        out.append((max(grp.low, math.ceil(yb - w)), min(grp.high, math.floor(yb + w))))
    return out


def _min_cost_window(groups: Sequence[Group], fill: int) -> tuple[float, list[int], bool] | None:
    """Enumeration over the proximity windows (module docstring) for three or more lot sizes.

    Every group but the one with the widest window runs through its window; that one takes
    what is left (it must land on a whole lot inside its range). Returns (cost, y, exact).
    """
    k = len(groups)
    ybar = continuous_optimum(groups, fill)
    ranges = windows(groups, ybar)
    if any(lo > hi for lo, hi in ranges):
        return None
    free = max(range(k), key=lambda g: ranges[g][1] - ranges[g][0])
    others = [g for g in range(k) if g != free]
    exact = True
    sizes = [ranges[g][1] - ranges[g][0] + 1 for g in others]
    while math.prod(sizes) > WINDOW_LIMIT:  # narrow the widest around ybar: no longer a proof
        exact = False
        j = max(range(len(others)), key=lambda i: sizes[i])
        g = others[j]
        lo, hi = ranges[g]
        half = max(1, (hi - lo) // 4)
        mid = min(max(round(ybar[g]), lo), hi)
        ranges[g] = (max(lo, mid - half), min(hi, mid + half))
        sizes[j] = ranges[g][1] - ranges[g][0] + 1
    grains = np.zeros(1, dtype=np.int64)
    cost = np.zeros(1)
    for g in others:
        ys = np.arange(ranges[g][0], ranges[g][1] + 1, dtype=np.int64)
        grains = (grains[:, None] + groups[g].m * ys[None, :]).ravel()
        cost = (cost[:, None] + groups[g].costs(ys)[None, :]).ravel()
    gf = groups[free]
    rest = fill - grains
    y_free = rest // gf.m
    ok = (rest % gf.m == 0) & (y_free >= gf.low) & (y_free <= gf.high)
    if not ok.any():
        return None
    idx = np.flatnonzero(ok)
    total = cost[idx] + gf.costs(y_free[idx])
    best = int(idx[int(np.argmin(total))])
    ys_out = [0] * k
    flat = best
    for g in reversed(others):
        n = ranges[g][1] - ranges[g][0] + 1
        ys_out[g] = ranges[g][0] + flat % n
        flat //= n
    ys_out[free] = int(y_free[best])
    return float(np.min(total)), ys_out, exact
