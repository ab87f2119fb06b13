"""Box problems over groups of venues that share a lot size (see ``lot_solver`` for the whole).

A ``Group`` holds venues with the same lot size ``m`` (in grains) and bounds ``low_i <= x_i <=
up_i``; ``cost(y)`` is the cheapest way for the group to take ``y`` lots: the greedy merge of the
venues' non-decreasing per-lot marginal costs, exact for separable convex allocation with unit
weights, so ``cost`` is convex and every ``y`` in ``[low, high]`` is reachable.

Across groups (sizes ``m_g``, counts ``y_g``), nothing below grows with the number of grains or
with the ratio between lot sizes:

``max_fill`` - the largest ``sum m_g y_g <= T``.
  * one group: a clamp;
  * the fills the groups reach form a comb ``{p z + t : z <= Z, t <= w}`` (or an interval) for
    every mix where each lot is a multiple of the finer groups' period (decimal lots: 1e-8,
    1e-4, 1e-3 BTC; 1, 10, 1000 coins), however few lots the fine venues can take: arithmetic;
  * otherwise, two groups ``a < b``: as a function of ``y_b`` the fill grows while the small
    group is full and is periodic with period ``a / gcd(a, b)`` after that, so the last value of
    the first part and the last period of the second part hold the maximum (vectorised);
  * otherwise, more groups: the coarsest group's counts from the top, only the top
    ``reach / m + 2`` of them needing the finer groups' own answer; where the remainder leaves
    the finer groups' largest one free, their answer repeats with its lot, so one period of
    counts stands for the rest (``_counts``), and the search stops at a bound from the residues
    the lots can reach (``_ceiling``). Near-equal coprime lots (1,000 and 1,001 grains beside
    3,000) can still make that period long.

``min_cost`` - the cheapest ``y`` with ``sum m_g y_g == F``.
  * one group: ``cost(F / m)``;
  * two groups: the solutions are ``y_b = r + t q`` (``q = a / gcd``) on a range of ``t``, and
    ``cost_a(y_a(t)) + cost_b(y_b(t))`` is a sum of convex functions of affine maps of ``t``,
    so a comb search finds the minimum (convexity keeps it between the best sample's neighbours);
  * more: from the continuous optimum ``ybar`` (fractional lots, the greedy by per-grain
    marginal cost), its price per grain ``lam`` and its cost ``LP``:
    - a proximity window: some integer optimum has ``|y_g - ybar_g| < W_g =
      sum_{j != g} m_j / gcd(m_g, m_j)``. Proof: ``d = y - ybar`` lies in the kernel of
      ``(m_1..m_k)``, so it is a conformal sum of circuits, the primitive integer vectors
      ``(m_j/g) e_i - (m_i/g) e_j``, with positive weights; circuits of the same pair merge. If a
      weight is >= 1, ``y - c`` is integer, in the box, and by convexity
      ``f(y - c) + f(ybar + c) <= f(y) + f(ybar)`` with ``f(ybar + c) >= f(ybar)`` (``ybar`` is
      optimal), so ``y - c`` is also optimal and closer; repeat. With every weight < 1 the bound
      follows;
    - reduced costs: every plan with the fill costs ``LP + sum_g h_g(y_g)`` with convex
      ``h_g >= 0`` (``_min_cost_window``), so a plan that beats a known one keeps each group
      where ``h_g`` stays under the known plan's excess over ``LP``;
    - the intersection of both is searched: every group but the widest through its range (the
      widest takes the rest), or every group but the two widest (those two solved as a pair).
      Only exact price ties between lot sizes make the ranges too wide for the budget; then a
      narrowed search improves the known plan up to three times, and the answer is flagged as
      not proven (the caller bounds it by ``LP``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence

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
    # every fill is a multiple of the lots' gcd: a room between two multiples would keep the
    # coarse-first search below looking for it through every count of the coarsest lot (0.002,
    # 0.003 and 0.007 BTC lots, 100 BTC deep each, an odd room in 1e-4 BTC grains: 140 ms a call)
    room -= room % math.gcd(*(m for m, _ in spans))
    if len(spans) == 1:
        m, r = spans[0]
        return m * min(r, room // m)
    comb = _comb(spans)
    if comb is not None:
        p, w, z = comb
        if z == 0:
            return min(w, room)
        top = min(z, room // p)
        return p * top + min(w, room - p * top)
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


def _comb(spans: Sequence[tuple[int, int]]) -> tuple[int, int, int] | None:
    """The reachable fills as a comb ``{p z + t : 0 <= z <= Z, 0 <= t <= w}`` (``Z == 0``: the
    interval ``[0, w]``), or None when they are not one.

    Built from the finest group up: an interval ``[0, w]`` plus a group ``(m, r)`` stays an
    interval when ``w >= m - 1`` and is otherwise the comb ``(m, w, r)``; a comb plus a group whose
    lot is ``k`` periods keeps its period when it has at least ``k - 1`` teeth. Decimal lot mixes
    (1, 10, 1000 coins; 1e-8, 1e-4, 1e-3 BTC) always stay in this form, however few lots the
    fine venues can take; then the largest fill is arithmetic.
    """
    m, r = spans[0]
    p, w, z = (1, r, 0) if m == 1 else (m, 0, r)
    for m, r in spans[1:]:
        if z == 0:
            if w >= m - 1:
                w += m * r
            else:
                p, z = m, r
            continue
        if m % p:
            return None
        k = m // p
        if z < k - 1:
            return None
        z += k * r
        if w >= p - 1:  # teeth touching: an interval
            p, w, z = 1, p * z + w, 0
    return p, w, z


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
    if _reaches_room(finer, m, room, zlow, zmax):
        return room
    ceiling = _ceiling(spans, room)
    best = m * (zlow - 1) + reach if zlow >= 1 else 0
    for z in _counts(finer, m, room, zlow, zmax):
        best = max(best, m * z + _max_fill_spans(finer, room - m * z))
        if best >= ceiling:
            break
    return best


def _ceiling(spans: Sequence[tuple[int, int]], room: int) -> int:
    """A bound no fill passes: with ``G`` the gcd of every lot but ``(m, r)``'s, a fill is
    ``m z`` mod ``G`` for some ``z <= r``, so it is at most the largest value up to ``room`` in
    one of those residues. A thin venue with a lot foreign to the others (1,667 grains beside
    multiples of 50, 13 lots of it) leaves most residues out: without the bound the search
    below could only stop at ``room`` itself, which no count reaches."""
    top = room
    for h, (mh, rh) in enumerate(spans):
        g = 0
        for j, (mj, _) in enumerate(spans):
            if j != h:
                g = math.gcd(g, mj)
        if g <= 1 or rh + 1 >= g // math.gcd(mh, g) or rh >= _RESIDUES:  # it leaves no residue out
            continue
        res = (mh * np.arange(rh + 1, dtype=np.int64)) % g
        top = min(top, int(np.max(room - (room - res) % g)))
    return top


_RESIDUES = 4096


def _counts(finer: Sequence[tuple[int, int]], m: int, room: int, zlow: int, zmax: int) -> Iterator[int]:
    """The counts of the coarsest lot worth trying, from ``zmax`` down to ``zlow``. Let ``(b, B)``
    be the finer group that can take the most and ``s`` what the others can take together. For
    every ``r`` in ``[s, b B]`` each plan of the others fits and ``b`` never runs out, so the
    finer groups reach at most ``r - min_plans ((r - their fill) mod b)``: a function of ``r mod
    b``. Over the counts whose remainder ``room - m z`` lies there, their answer repeats every
    ``q = b / gcd(b, m)`` counts, and ``q`` of them stand for all. Without it a thin fine venue
    beside two deep coarse ones (0.0003, 0.003, 0.01 BTC) ran through every count: a second."""
    b, cap = max(((mi, mi * ri) for mi, ri in finer), key=lambda t: t[1])
    low, high = sum(mi * ri for mi, ri in finer) - cap, cap
    q = b // math.gcd(b, m)
    first = min(zmax, (room - low) // m)  # the largest count whose remainder is at least ``low``
    last = max(zlow, -(-(room - high) // m))  # the smallest whose remainder is at most ``high``
    if first - last + 1 <= q:
        yield from range(zmax, zlow - 1, -1)
        return
    yield from range(zmax, first - q, -1)  # the remainders below ``low``, then one period
    yield from range(last - 1, zlow - 1, -1)  # the remainders above ``high``


def _reaches_room(finer: Sequence[tuple[int, int]], m: int, room: int, zlow: int, zmax: int) -> bool:
    """Whether some count ``z`` in ``[zlow, zmax]`` of a group of lot ``m`` leaves a remainder two
    finer groups surely fill. Two groups ``(a, A)``, ``(b, B)`` with ``d = gcd(a, b)`` reach every
    multiple of ``d`` in ``[a (b/d - 1), b B]`` when ``A >= b/d - 1`` (the ``a``-count picks the
    residue mod ``b``, the ``b``-count the rest), and symmetrically."""
    if len(finer) != 2:
        return False
    (a, ra), (b, rb) = finer
    d = math.gcd(a, b)
    windows = []
    if ra >= b // d - 1:
        windows.append((a * (b // d - 1), b * rb))
    if rb >= a // d - 1:
        windows.append((b * (a // d - 1), a * ra))
    for lo, hi in windows:
        # remainders room - m z in [lo, hi]: z in [ceil((room - hi) / m), floor((room - lo) / m)]
        z_hi = min(zmax, (room - lo) // m)
        z_lo = max(zlow, -(-(room - hi) // m))
        for z in range(z_hi, max(z_lo, z_hi - d) - 1, -1):  # d consecutive counts cover the residues
            if (room - m * z) % d == 0:
                return True
    return False


# -- cheapest plan at a fill --------------------------------------------------------------------


def min_cost(groups: Sequence[Group], fill: int, near: Sequence[int] | None = None
             ) -> tuple[float, list[int], bool] | None:
    """Cheapest ``(cost, y per group, proven)`` with ``sum m_g y_g == fill`` exactly, or None.

    ``proven`` is False only when the window search had to be narrowed (``WINDOW_LIMIT``).
    ``near``, the counts of a nearby fill's answer, only makes two groups' search shorter."""
    if len(groups) == 1:
        g = groups[0]
        if fill % g.m or not g.low <= fill // g.m <= g.high:
            return None
        return g.cost(fill // g.m), [fill // g.m], True
    if len(groups) == 2:
        pair = _min_cost_pair(groups[0], groups[1], fill, None if near is None else near[1])
        return None if pair is None else (*pair, True)
    return _min_cost_window(groups, fill)


def _min_cost_pair(ga: Group, gb: Group, fill: int, near: int | None = None) -> tuple[float, list[int]] | None:
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

    if near is not None:
        # around ``gb``'s count ``near``: a point below both its neighbours (or at an end of the
        # range) is the only minimum of the convex phi, where the comb below ends too; a tie or
        # a minimum at the window's edge leaves the answer to the comb
        t = min(max((near - r) // q, t0), t1)
        ts = np.arange(max(t - _NEAR, t0), min(t + _NEAR, t1) + 1, dtype=np.int64)
        vals = phi(ts)
        k = int(np.argmin(vals))
        if ((vals[k - 1] > vals[k] if k > 0 else ts[0] == t0)
                and (vals[k + 1] > vals[k] if k < len(ts) - 1 else ts[-1] == t1)):
            yb = r + int(ts[k]) * q
            return float(vals[k]), [(fill - b * yb) // a, yb]
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
# Points either side of a nearby answer the pair search tries first.
_NEAR = 32


def continuous_optimum(groups: Sequence[Group], fill: int) -> list[float]:
    """Cheapest fractional ``y`` with ``sum m_g y_g == fill`` (greedy by per-grain marginal cost)."""
    return continuous_solution(groups, fill)[0]


def continuous_solution(groups: Sequence[Group], fill: int) -> tuple[list[float], float, float]:
    """The fractional optimum ``ybar``, its price per grain ``lam`` and its cost.

    ``lam`` is the per-grain slope of the last piece taken (the least untaken one when nothing is
    taken): every piece below it is taken and every piece above it is not, so each ``ybar_g``
    minimises ``cost_g(y) - lam m_g y`` over its range (the Lagrangian optimality the repair uses).
    """
    per_grain = np.concatenate([g.slopes / g.m for g in groups])
    grains = np.concatenate([np.diff(g.cc) * g.m for g in groups])
    owner = np.concatenate([np.full(len(g.slopes), k) for k, g in enumerate(groups)])
    order = np.argsort(per_grain, kind="stable")
    grains, owner, per_grain = grains[order], owner[order], per_grain[order]
    room = fill - sum(g.m * g.low for g in groups)
    cum = np.cumsum(grains)
    take = np.clip(room - (cum - grains), 0, grains).astype(np.float64)
    extra = np.bincount(owner, weights=take, minlength=len(groups))
    ybar = [g.low + float(extra[k]) / g.m for k, g in enumerate(groups)]
    taken = np.flatnonzero(take > 0)
    if len(taken):
        lam = float(per_grain[taken[-1]])
    else:
        lam = float(per_grain[0]) if len(per_grain) else 0.0
    cost = sum(_interpolated(g, y) for g, y in zip(groups, ybar, strict=True))
    return ybar, lam, cost


def _interpolated(g: Group, y: float) -> float:
    """The group's cost at a fractional lot count (linear between whole lots)."""
    lo = math.floor(y)
    frac = y - lo
    if frac == 0:
        return g.cost(lo)
    return (1 - frac) * g.cost(lo) + frac * g.cost(min(lo + 1, g.high))


# Most combinations the window search enumerates. Beyond it the windows are narrowed around the
# continuous optimum and the answer is no longer proven: ``min_cost`` then says so (``exact``).
WINDOW_LIMIT = 20_000
# Per group, the lots around round(ybar) the first (unproven) pass tries.
_FIRST_PASS = 2


def windows(groups: Sequence[Group], ybar: Sequence[float]) -> list[tuple[int, int]]:
    """Proven range of each group's lots around the continuous optimum (module docstring)."""
    ms = [g.m for g in groups]
    out = []
    for g, (grp, yb) in enumerate(zip(groups, ybar, strict=True)):
        w = sum(ms[j] // math.gcd(ms[g], ms[j]) for j in range(len(ms)) if j != g)
        out.append((max(grp.low, math.ceil(yb - w)), min(grp.high, math.floor(yb + w))))
    return out


def _reduced_range(g: Group, yb: float, lam: float, base: float, slack: float, lo: int, hi: int
                   ) -> tuple[int, int]:
    """Lots ``y`` in ``[lo, hi]`` whose reduced cost ``cost(y) - base - lam m (y - yb)`` is at
    most ``slack``; the reduced cost is convex with its minimum at ``yb``, so both ends are found
    by bisection from ``yb`` outwards."""

    def reduced(y: int) -> float:
        return g.cost(y) - base - lam * g.m * (y - yb)

    mid_lo = min(max(math.floor(yb), lo), hi)
    mid_hi = min(max(math.ceil(yb), lo), hi)
    # left end: the smallest y <= mid_lo with reduced(y) <= slack
    a, b = lo, mid_lo
    if reduced(a) > slack:
        while b - a > 1:
            c = (a + b) // 2
            if reduced(c) <= slack:
                b = c
            else:
                a = c
        left = b
    else:
        left = a
    a, b = mid_hi, hi
    if reduced(b) > slack:
        while b - a > 1:
            c = (a + b) // 2
            if reduced(c) <= slack:
                a = c
            else:
                b = c
        right = a
    else:
        right = b
    return left, max(right, left)


def _enumerate(groups: Sequence[Group], fill: int, ranges: list[tuple[int, int]], free: int
               ) -> tuple[float, list[int]] | None:
    """Cheapest combination: every group but ``free`` over its range, ``free`` takes the rest."""
    k = len(groups)
    others = [g for g in range(k) if g != free]
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
    j = int(np.argmin(total))
    flat = int(idx[j])
    ys_out = [0] * k
    for g in reversed(others):
        n = ranges[g][1] - ranges[g][0] + 1
        ys_out[g] = ranges[g][0] + flat % n
        flat //= n
    ys_out[free] = int(y_free[int(idx[j])])
    return float(total[j]), ys_out


def _narrowed(ranges: list[tuple[int, int]], ybar: Sequence[float], free: int, limit: int
              ) -> tuple[list[tuple[int, int]], bool]:
    """The ranges, the widest non-free ones halved around ybar until the product fits ``limit``."""
    out = list(ranges)
    others = [g for g in range(len(out)) if g != free]
    narrowed = False
    while math.prod(out[g][1] - out[g][0] + 1 for g in others) > limit:
        narrowed = True
        g = max(others, key=lambda j: out[j][1] - out[j][0])
        lo, hi = out[g]
        if hi == lo:  # every range is one count already
            break
        half = (hi - lo) // 4  # strictly narrower each time, down to the single count nearest ybar
        mid = min(max(round(ybar[g]), lo), hi)
        out[g] = (max(lo, mid - half), min(hi, mid + half))
    return out, narrowed


# Most combinations solved as an exact pair problem each (a Python call per combination).
PAIR_LIMIT = 150


def _pairs(groups: Sequence[Group], fill: int, ranges: list[tuple[int, int]], pair: tuple[int, int]
           ) -> tuple[float, list[int]] | None:
    """Cheapest plan with every group but ``pair`` over its range and the two of ``pair`` solved
    exactly (``_min_cost_pair``, over their whole ranges) for what is left."""
    a, b = pair
    others = [g for g in range(len(groups)) if g not in pair]
    best: tuple[float, list[int]] | None = None
    for combo in itertools.product(*(range(ranges[g][0], ranges[g][1] + 1) for g in others)):
        rest = fill - sum(groups[g].m * y for g, y in zip(others, combo, strict=True))
        found = _min_cost_pair(groups[a], groups[b], rest)
        if found is None:
            continue
        cost = found[0] + sum(groups[g].cost(y) for g, y in zip(others, combo, strict=True))
        if best is None or cost < best[0]:
            ys = [0] * len(groups)
            for g, y in zip(others, combo, strict=True):
                ys[g] = y
            ys[a], ys[b] = found[1]
            best = (cost, ys)
    return best


def _outward(groups: Sequence[Group], fill: int, proven: list[tuple[int, int]], ybar: Sequence[float],
             pair: tuple[int, int]) -> tuple[float, list[int]] | None:
    """A first plan when none is near the rounded optimum (a non-decimal lot whose venue must take
    at least its minimum can need the third group far from ``ybar``): the third group's counts
    outward from ``ybar``, the pair solved for each, up to ``_OUTWARD`` counts."""
    (g,) = [j for j in range(3) if j not in pair]
    lo, hi = proven[g]
    mid = min(max(round(ybar[g]), lo), hi)
    for step in range(_OUTWARD):
        for y in {mid - step, mid + step}:
            if lo <= y <= hi:
                ranges = list(proven)
                ranges[g] = (y, y)
                found = _pairs(groups, fill, ranges, pair)
                if found is not None:
                    return found
        if mid - step < lo and mid + step > hi:
            break
    return None


_OUTWARD = 600


def _size(ranges: Sequence[tuple[int, int]], skip: Sequence[int]) -> int:
    return math.prod(hi - lo + 1 for g, (lo, hi) in enumerate(ranges) if g not in skip)


def _min_cost_window(groups: Sequence[Group], fill: int) -> tuple[float, list[int], bool] | None:
    """Three or more lot sizes: a first plan near the continuous optimum, then a proven search.

    With ``ybar``, ``lam`` and ``LP`` from ``continuous_solution``, any plan ``y`` with the fill
    costs ``LP + sum_g h_g(y_g)``, ``h_g(y) = cost_g(y) - cost_g(ybar_g) - lam m_g (y - ybar_g) >= 0``
    (the ``lam m_g (y - ybar_g)`` terms cancel since both have the fill). So a plan that beats a
    known plan of cost ``U`` has every ``h_g(y_g) <= U - LP``: each group's lots lie in the range
    where its convex ``h_g`` stays under that slack, intersected with the proximity window. Then
    either every group but the widest runs through its range and the widest takes the rest, or
    every group but the two widest does and those two are solved exactly as a pair. When both
    are too many combinations the ranges are narrowed and the answer is not proven (``exact``
    False; the caller then bounds it by ``LP``).
    """
    by_residue = _min_cost_residues(groups, fill)
    if by_residue is not None:
        return None if by_residue is _INFEASIBLE else by_residue
    ybar, lam, lp = continuous_solution(groups, fill)
    proven = windows(groups, ybar)
    if any(lo > hi for lo, hi in proven):
        return None
    k = len(groups)
    by_width = sorted(range(k), key=lambda g: proven[g][1] - proven[g][0], reverse=True)
    pair = (by_width[0], by_width[1])
    first = None
    for radius in range(_FIRST_PASS + 1):  # the rounded optimum, then a step around it, ...
        near = [(max(lo, round(yb) - radius), min(hi, round(yb) + radius))
                for (lo, hi), yb in zip(proven, ybar, strict=True)]
        if radius and _size(near, pair) > PAIR_LIMIT:
            break
        first = _pairs(groups, fill, near, pair)
        if first is not None:
            break
    if first is None and k == 3:
        first = _outward(groups, fill, proven, ybar, pair)
    bases = [_interpolated(g, yb) for g, yb in zip(groups, ybar, strict=True)]
    ranges = proven
    for _ in range(3):  # each unproven pass may find a better plan, which narrows the ranges
        if first is not None:
            slack = first[0] - lp + 1e-9 * (1.0 + abs(lp))
            ranges = [_reduced_range(g, yb, lam, b, slack, lo, hi)
                      for g, yb, b, (lo, hi) in zip(groups, ybar, bases, proven, strict=True)]
        by_width = sorted(range(k), key=lambda g: ranges[g][1] - ranges[g][0], reverse=True)
        free, pair = by_width[0], (by_width[0], by_width[1])
        found: tuple[float, list[int]] | None = None
        if _size(ranges, [free]) <= WINDOW_LIMIT:
            found = _enumerate(groups, fill, ranges, free)
        elif _size(ranges, pair) <= PAIR_LIMIT:
            found = _pairs(groups, fill, ranges, pair)
        else:
            narrow, _ = _narrowed(ranges, ybar, free, _GUESS_LIMIT)
            guess = _enumerate(groups, fill, narrow, free)
            if guess is None or (first is not None and guess[0] >= first[0]):
                break  # no better plan: the ranges would not narrow
            first = guess
            continue
        if found is None or (first is not None and first[0] <= found[0]):
            # the search covered every plan that beats ``first``: ``first`` is optimal
            return None if first is None else (first[0], first[1], True)
        return found[0], found[1], True
    return None if first is None else (first[0], first[1], False)


# Most lot counts of one group ``_min_cost_residues`` runs through (each solves the other groups).
RESIDUE_LIMIT = 48
_INFEASIBLE: tuple[float, list[int], bool] = (math.inf, [], True)


def _min_cost_residues(groups: Sequence[Group], fill: int) -> tuple[float, list[int], bool] | None:
    """Exact answer when the fill pins one group's count to a sparse residue class.

    The other groups' fills are multiples of ``G``, the gcd of their lot sizes, so group ``g``
    needs ``m_g y_g == fill (mod G)``: ``y_g`` runs in steps of ``q = G / gcd(m_g, G)``. A
    non-decimal lot beside decimal ones (1,667 grains beside 10,000 and 100,000) has ``q`` of
    10,000 and a handful of counts in its range, where the proximity window of
    ``_min_cost_window`` spans 110,000: every count of the class is tried, each with the other
    groups solved exactly (``min_cost``), so the answer is proven whenever theirs are. None when
    no group's class is that sparse; ``_INFEASIBLE`` when no count fits at all."""
    best_g, best_count, best_first, best_q = -1, RESIDUE_LIMIT + 1, 0, 0
    for g, grp in enumerate(groups):
        rest_gcd = 0
        for j, other in enumerate(groups):
            if j != g:
                rest_gcd = math.gcd(rest_gcd, other.m)
        d = math.gcd(grp.m, rest_gcd)
        if fill % d:
            return _INFEASIBLE
        q = rest_gcd // d
        if q <= 1:
            continue
        r = (fill // d) * pow(grp.m // d, -1, q) % q
        first = grp.low + (r - grp.low) % q
        count = 0 if first > grp.high else (grp.high - first) // q + 1
        if count < best_count:
            best_g, best_count, best_first, best_q = g, count, first, q
    if best_g < 0:
        return None
    if best_count == 0:
        return _INFEASIBLE
    grp = groups[best_g]
    rest = [h for j, h in enumerate(groups) if j != best_g]
    best: tuple[float, list[int]] | None = None
    proven = True  # an unproven part leaves the whole unproven
    for y in range(best_first, grp.high + 1, best_q):
        left = fill - grp.m * y
        if left < sum(h.m * h.low for h in rest):
            break
        sub = min_cost(rest, left)
        if sub is None:
            continue
        proven = proven and sub[2]
        cost = sub[0] + grp.cost(y)
        if best is None or cost < best[0]:
            ys = list(sub[1])
            ys.insert(best_g, y)
            best = (cost, ys)
    return _INFEASIBLE if best is None else (best[0], best[1], proven)


# Combinations of an unproven pass (it only looks for a better plan to narrow the ranges with).
_GUESS_LIMIT = 3_000
