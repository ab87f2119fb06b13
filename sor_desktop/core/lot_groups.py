"""Box problems over groups of venues that share a lot size (see ``lot_solver`` for the whole).

A ``Group`` holds venues with the same lot size ``m`` (in grains) and bounds ``low_i <= x_i <=
up_i``; ``cost(y)`` is the cheapest way for the group to take ``y`` lots: the greedy merge of the
venues' non-decreasing per-lot marginal costs, exact for separable convex allocation with unit
weights, so ``cost`` is convex and every ``y`` in ``[low, high]`` is reachable.

Across groups (sizes ``m_g``, counts ``y_g``), nothing below grows with the number of grains or
with the ratio between lot sizes (the largest fill across groups is ``lot_fill``'s):

``min_cost`` - the cheapest ``y`` with ``sum m_g y_g == F``.
  * one group: ``cost(F / m)``;
  * two groups: the solutions are ``y_b = r + t q`` (``q = a / gcd``) on a range of ``t``, and
    ``cost_a(y_a(t)) + cost_b(y_b(t))`` is a sum of convex functions of affine maps of ``t``,
    so a comb search finds the minimum (convexity keeps it between the best sample's neighbours);
  * more: a branch and bound over the groups' counts (``lot_branch``), which proves nearly
    every box in a fraction of a millisecond; when it gives up, from the continuous optimum
    ``ybar`` (fractional lots, the greedy by per-grain marginal cost), its price per grain
    ``lam`` and its cost ``LP``:
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
      narrowed search improves the known plan up to three times, and a plan still more than
      ``LOOSE`` over ``LP`` is proven by a table of partial fills within growing slacks
      (``lot_sums``); one closer, or one whose table would be too big, is flagged as not proven
      (the caller bounds it by ``LP``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from functools import partial

import numpy as np

from sor_desktop.core import lot_branch, lot_sums
from sor_desktop.core.lot_curve import Floats, Ints, LotCurve
from sor_desktop.core.lot_fill import counts_at

_NO_OWNERS: Ints = np.zeros(0, dtype=np.int64)


class Group:
    """Venues sharing one lot size, with bounds; ``cost(y)`` is the cheapest way to take y lots."""

    __slots__ = ("m", "members", "low", "high", "base", "cc", "ck", "slopes", "owner", "lows", "parts", "pieces")

    def __init__(self, m: int, members: list[int], curves: Sequence[LotCurve], low: Sequence[int],
                 up: Sequence[int]) -> None:
        self.m = m
        self.members = members
        self.parts = tuple(curves[i] for i in members)  # a plan's own curves (``_inherited``)
        self.lows = [low[i] for i in members]
        self.low = sum(self.lows)
        self.high = sum(up[i] for i in members)
        self.base = sum(curves[i].cost(low[i]) for i in members)
        if len(members) == 1:  # most groups: no merge, and ``assign`` needs no owners
            i = members[0]
            cnt, self.slopes = curves[i].segments(low[i], up[i])
            self.owner = _NO_OWNERS
        else:
            counts: list[Ints] = []
            slopes: list[Floats] = []
            owners: list[Ints] = []
            for i in members:
                c, s = curves[i].segments(low[i], up[i])
                counts.append(c)
                slopes.append(s)
                owners.append(np.full(len(c), i, dtype=np.int64))
            allslopes = np.concatenate(slopes)
            order = np.argsort(allslopes, kind="stable")
            cnt = np.concatenate(counts)[order]
            self.slopes = allslopes[order]
            self.owner = np.concatenate(owners)[order]
        self.cc = np.concatenate(([0], np.cumsum(cnt)))
        self.ck = np.concatenate(([0.0], np.cumsum(cnt * self.slopes)))
        self.pieces: tuple[Floats, Ints, Floats] | None = None

    def grain_pieces(self) -> tuple[Floats, Ints, Floats]:
        """Per piece of ``cost`` (a run of lots at one slope): its cost per grain, its grains and
        its cost, for ``lot_branch`` to sort several groups' pieces by the first. Kept (sibling
        boxes of a search share groups; a group never changes)."""
        pieces = self.pieces
        if pieces is None:
            lots = self.cc[1:] - self.cc[:-1]
            pieces = self.pieces = (self.slopes / self.m, lots * self.m, lots * self.slopes)
        return pieces

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


# -- cheapest plan at a fill --------------------------------------------------------------------


# An unproven plan of the window search within this (relative: 0.001 bps of a cost about the
# notional) of ``LP`` is left unproven: its caller's bound is then that tight, and the table of
# partial fills that would prove it (``_by_slack``) costs several times the whole search.
LOOSE = 1e-7


def min_cost(groups: Sequence[Group], fill: int, cap: float = math.inf, near: Sequence[int] | None = None,
             loose: float = LOOSE) -> tuple[float, list[int], bool] | None:
    """Cheapest ``(cost, y per group, proven)`` with ``sum m_g y_g == fill`` exactly, or None.

    ``proven`` is False only when the window search had to be narrowed (``WINDOW_LIMIT``). A
    residue search (``_min_cost_residues``) may answer None when no plan costs under ``cap``.
    ``near``, the counts of a nearby fill's answer, only makes two groups' search shorter. An
    unproven answer costs at most ``loose`` (relative) over ``LP``, the bound its caller takes."""
    if len(groups) == 1:
        g = groups[0]
        if fill % g.m or not g.low <= fill // g.m <= g.high:
            return None
        return g.cost(fill // g.m), [fill // g.m], True
    if len(groups) == 2:
        pair = _min_cost_pair(groups[0], groups[1], fill, None if near is None else near[1])
        return None if pair is None else (*pair, True)
    # the nodes of a search and the counts of a residue search ask the same groups at the same
    # fill again: a proven answer holds under any cap, None under any cap as low, an unproven one
    # under the same cap for a caller that takes a bound as loose
    key = (tuple(groups), fill)
    known = _SOLVED.get(key)
    if known is not None and ((known[2] is not None and known[2][2]) or (known[0] == cap and known[1] <= loose)
                              or (known[2] is None and cap <= known[0])):
        return known[2]
    found = _inherited(groups, fill)
    if found is None:
        found = _min_cost_branch(groups, fill, cap, loose)
        if found is not None and found[2]:
            if len(_PROVEN) >= _SOLVED_MAX:
                _PROVEN.clear()
            known_here = _PROVEN.setdefault((tuple(g.m for g in groups), fill), [])
            known_here.append((list(groups), found[1]))
            del known_here[:-_PROVEN_PER_FILL]  # the app plans the same order again and again
    if len(_SOLVED) >= _SOLVED_MAX:
        _SOLVED.clear()
    _SOLVED[key] = (cap, loose, found)
    return found


# These caches are shared by every thread that plans (the window's preview worker, the Qt thread
# on Enter or in the confirmation): each touch is one dict or list operation under the GIL, a key
# holds the plan's own Group objects (no plan reads another's answers), and a clear by another
# thread only costs a recomputation.
_SOLVED: dict[tuple[tuple[Group, ...], int], tuple[float, float, tuple[float, list[int], bool] | None]] = {}
_SOLVED_MAX = 256
# Proven answers by lot sizes and fill, for ``_inherited``, the latest few of each.
_PROVEN: dict[tuple[tuple[int, ...], int], list[tuple[list[Group], list[int]]]] = {}
_PROVEN_PER_FILL = 8


def _inherited(groups: Sequence[Group], fill: int) -> tuple[float, list[int], bool] | None:
    """A proven answer of groups that each cost the same as these up to a constant wherever
    these are defined, over ranges holding these (a branch's "venue on from its minimum" child
    whose parent had it above the minimum already: the same box, narrower, plus the leg cost),
    when its counts are in these ranges: the optimum of the wider box is a plan of this one, so
    its optimum too. Only a box of the same
    plan (sharing a curve: every plan builds its own) is asked, so that timing the same plan
    again times the same work."""
    for wider, ys in _PROVEN.get((tuple(g.m for g in groups), fill), ()):
        if not any(a is b for g, w in zip(groups, wider, strict=True) for a in g.parts for b in w.parts):
            continue
        if all(_narrower(g, w, y) for g, w, y in zip(groups, wider, ys, strict=True)):
            return sum(g.cost(y) for g, y in zip(groups, ys, strict=True)), list(ys), True
    return None


def _narrower(g: Group, wider: Group, y: int) -> bool:
    """``g`` is ``wider`` plus a constant (a venue's leg cost once it is on) over a range within
    its own that holds ``y``: both costs are linear between their breakpoints, so they differ by
    the same amount on ``g``'s range when they do at both's there."""
    if g is wider:
        return True
    if not wider.low <= g.low <= y <= g.high <= wider.high:
        return False
    at = np.concatenate((g.low + g.cc, wider.low + wider.cc, [g.low, g.high]))
    at = at[(at >= g.low) & (at <= g.high)]
    mine, theirs = g.costs(at), wider.costs(at)
    step = mine - theirs
    return bool(np.all(np.abs(step - step[0]) <= 1e-12 * (1.0 + np.abs(theirs))))


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
    per_grain, grains, owner, cum = _sorted_pieces(groups)
    room = fill - sum(g.m * g.low for g in groups)
    # the pieces before ``k`` are taken whole, piece ``k`` in part, none after it
    k = int(cum.searchsorted(room, side="left"))
    extra = np.bincount(owner[:k], weights=grains[:k].astype(np.float64), minlength=len(groups))
    last = k - 1
    if k < len(grains) and room - (int(cum[k]) - int(grains[k])) > 0:
        extra[owner[k]] += room - (int(cum[k]) - int(grains[k]))
        last = k
    ybar = [g.low + float(extra[j]) / g.m for j, g in enumerate(groups)]
    if last >= 0:
        lam = float(per_grain[last])
    else:
        lam = float(per_grain[0]) if len(per_grain) else 0.0
    cost = sum(_interpolated(g, y) for g, y in zip(groups, ybar, strict=True))
    return ybar, lam, cost


def _sorted_pieces(groups: Sequence[Group]) -> tuple[Floats, Ints, Ints, Ints]:
    """The groups' pieces sorted by per-grain cost: that cost, grains, owner and running grains.
    A residue search asks the same groups at many fills, so the last ones asked are kept (a
    group's pieces never change; the cache holds no cycle and is emptied when full)."""
    key = tuple(groups)
    hit = _SORTED.get(key)
    if hit is None:
        per_grain = np.concatenate([g.slopes / g.m for g in groups])
        grains = np.concatenate([np.diff(g.cc) * g.m for g in groups])
        owner = np.concatenate([np.full(len(g.slopes), j) for j, g in enumerate(groups)])
        order = np.argsort(per_grain, kind="stable")
        hit = (per_grain[order], grains[order], owner[order], np.cumsum(grains[order]))
        if len(_SORTED) >= _SORTED_MAX:
            _SORTED.clear()
        _SORTED[key] = hit
    return hit


_SORTED: dict[tuple[Group, ...], tuple[Floats, Ints, Ints, Ints]] = {}
_SORTED_MAX = 64


def forget() -> None:
    """Empty the caches of box answers and searches (this module's and ``lot_branch``'s). Their
    keys are one plan's own groups, so no other plan reads them: the router empties them as each
    plan starts, which frees the last plan's entries a few at a time instead of all of them at
    once inside whichever plan fills a cache (1 ms, 16 times in 400 slow fuzz plans)."""
    _SOLVED.clear()
    _PROVEN.clear()
    _SORTED.clear()
    lot_branch._SEARCHES.clear()


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


def _min_cost_branch(groups: Sequence[Group], fill: int, cap: float = math.inf, loose: float = LOOSE
                     ) -> tuple[float, list[int], bool] | None:
    """``lot_branch.search`` (always proven), or past its limit the window search."""
    try:
        found = lot_branch.search(groups, fill, cap)
    except lot_branch.GaveUp:
        return _min_cost_window(groups, fill, cap, loose)
    return None if found is None else (*found, True)


def _min_cost_window(groups: Sequence[Group], fill: int, cap: float = math.inf, loose: float = LOOSE
                     ) -> tuple[float, list[int], bool] | None:
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
    by_residue = _min_cost_residues(groups, fill, cap)
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
    if first is None:  # then any plan with the fill, for the reduced costs to bound the search by
        ys = counts_at(groups, fill, ybar)
        if ys is not None:
            first = (sum(g.cost(y) for g, y in zip(groups, ys, strict=True)), ys)
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
    if first is None or first[0] - lp > loose * (1.0 + abs(lp)):
        # too many to enumerate (price ties) and too far from ``LP`` to leave unproven: partial
        # fills by growing slack
        tabled = _by_slack(groups, fill, cap, ybar, lam, lp, bases, proven, first)
        if tabled is not _TOO_BIG:
            return tabled
    return None if first is None else (first[0], first[1], False)


_TOO_BIG: tuple[float, list[int], bool] = (math.nan, [], False)
# How much the slack of ``_by_slack`` grows from one table to the next, and for how many tables.
_SLACK_GROWTH = 8.0
_SLACK_ROUNDS = 6
# Past a tie, the optimum is mostly more than half as far over ``LP`` as the window search's plan
# (25 tables of the wide fuzz's slow plans): a slack growing from the margin took five tables or
# so to get there, where a quarter of that plan's excess takes one or two. Near-ties (a plan a few
# margins over ``LP``, the bench's random lot mixes) are found by the first ``_NEAR_ROUNDS``
# tables, before the jump, whose table is far bigger there (1.2 ms -> 3.9 for the two of seed 20).
_FROM_TOP = 4.0
_NEAR_ROUNDS = 2


def _by_slack(groups: Sequence[Group], fill: int, cap: float, ybar: Sequence[float], lam: float, lp: float,
              bases: Sequence[float], proven: Sequence[tuple[int, int]], first: tuple[float, list[int]] | None
              ) -> tuple[float, list[int], bool] | None:
    """The proven cheapest plan by ``lot_sums.cheapest``: a plan within a slack over ``LP`` is the
    optimum (every cheaper one is within it too), and none within ``first``'s excess proves
    ``first``, none within ``cap``'s that no plan is under it (None). The rounding margin first
    (price ties put a plan at ``LP``), then slacks growing from it (the tables stay small until
    the one that holds a plan), from the third table at least a quarter of ``first``'s excess,
    for a few rounds, then the whole slack. ``_TOO_BIG`` when a table is too big before
    it is decided."""
    tiny = 1e-9 * (1.0 + abs(lp))
    reduced = [partial(_reduced_costs, g, yb, lam, b) for g, yb, b in zip(groups, ybar, bases, strict=True)]
    beat = min(cap, math.inf if first is None else first[0])
    top = beat - lp + tiny
    ms = [g.m for g in groups]

    ends = [_Ends(g, yb, lam, b, lo, hi) for g, yb, b, (lo, hi) in zip(groups, ybar, bases, proven, strict=True)]

    def within(slack: float) -> tuple[float, list[int], bool] | None:
        ranges = [e.at(slack) for e in ends]
        by_width = sorted(range(len(groups)), key=lambda g: ranges[g][1] - ranges[g][0], reverse=True)
        try:
            found = lot_sums.cheapest(ms, fill, ranges, reduced, slack, (by_width[1], by_width[0]))
        except lot_sums.TooBig:
            return _TOO_BIG
        if found is None:
            return None
        cost = sum(g.cost(y) for g, y in zip(groups, found[1], strict=True))
        if first is not None and first[0] <= cost:
            return first[0], first[1], True
        return cost, found[1], True

    slack = min(tiny, top)
    capped = beat < (math.inf if first is None else first[0])  # a residue count told what to beat
    rounds = _SLACK_ROUNDS
    while True:
        found = within(slack)
        if found is not None:
            return found
        if slack >= top:  # nothing within ``first``'s excess, or ``cap``'s
            return None if first is None or first[0] > cap else (first[0], first[1], True)
        rounds -= 1
        if (capped and math.isfinite(top)) or rounds == 0:
            # most residue counts have no plan under their cap: one table says so; and past a
            # few rounds the slack sought is far (with no plan at all, infinite: whole windows)
            capped = False
            slack = top
            continue
        jump = top / _FROM_TOP if rounds <= _SLACK_ROUNDS - _NEAR_ROUNDS else 0.0
        slack = min(max(slack * _SLACK_GROWTH, jump), top)


class _Ends:
    """``_reduced_range`` at many slacks: the reduced cost is linear between the group's
    breakpoints (where the cost is a prefix sum), so each slack's ends are a lookup and a step
    or two, where a bisection costs some 30 calls of ``cost`` per group and slack."""

    def __init__(self, g: Group, yb: float, lam: float, base: float, lo: int, hi: int) -> None:
        self.g, self.yb, self.lam, self.base, self.lo, self.hi = g, yb, lam, base, lo, hi
        self.mid_lo = min(max(math.floor(yb), lo), hi)
        self.mid_hi = min(max(math.ceil(yb), lo), hi)
        breaks = g.low + g.cc  # the cost at a break is ``base + ck`` (no lookup)
        i0, i1 = int(breaks.searchsorted(lo, side="right")), int(breaks.searchsorted(hi, side="left"))
        inner = breaks[i0:i1]
        h_in = g.base + g.ck[i0:i1] - base - lam * g.m * (inner - yb)
        left = inner < self.mid_lo
        right = inner > self.mid_hi
        self.left_at = np.concatenate(([lo], inner[left], [self.mid_lo] if self.mid_lo > lo else []))
        self.left_h = np.concatenate(([self.reduced(lo)], h_in[left],
                                      [self.reduced(self.mid_lo)] if self.mid_lo > lo else []))
        self.right_at = np.concatenate(([self.mid_hi] if self.mid_hi < hi else [], inner[right], [hi]))
        self.right_h = np.concatenate(([self.reduced(self.mid_hi)] if self.mid_hi < hi else [], h_in[right],
                                       [self.reduced(hi)]))

    def reduced(self, y: int) -> float:
        return self.g.cost(y) - self.base - self.lam * self.g.m * (y - self.yb)

    def at(self, slack: float) -> tuple[int, int]:
        at, h = self.left_at, self.left_h
        under = np.flatnonzero(h <= slack)
        if not len(under):
            left = self.mid_lo
        elif under[0] == 0:
            left = self.lo
        else:  # the smallest count within the slack, on the line from at[j - 1] (above) to at[j]
            j = int(under[0])
            a, b = int(at[j - 1]), int(at[j])
            left = min(max(math.ceil(a + (h[j - 1] - slack) / (h[j - 1] - h[j]) * (b - a)), a + 1), b)
            while left - 1 > a and self.reduced(left - 1) <= slack:
                left -= 1
            while left < b and self.reduced(left) > slack:
                left += 1
        at, h = self.right_at, self.right_h
        under = np.flatnonzero(h <= slack)
        if not len(under):
            right = self.mid_hi
        elif under[-1] == len(at) - 1:
            right = self.hi
        else:  # the largest, on the line from at[j] to at[j + 1] (above)
            j = int(under[-1])
            a, b = int(at[j]), int(at[j + 1])
            right = max(min(math.floor(a + (slack - h[j]) / (h[j + 1] - h[j]) * (b - a)), b - 1), a)
            while right + 1 < b and self.reduced(right + 1) <= slack:
                right += 1
            while right > a and self.reduced(right) > slack:
                right -= 1
        return left, max(right, left)


def _reduced_costs(g: Group, yb: float, lam: float, base: float, ys: Ints) -> Floats:
    return g.costs(ys) - base - lam * g.m * (ys - yb)


# Most lot counts of one group ``_min_cost_residues`` runs through (each solves the other groups).
RESIDUE_LIMIT = 48
_INFEASIBLE: tuple[float, list[int], bool] = (math.inf, [], True)


def _min_cost_residues(groups: Sequence[Group], fill: int, cap: float = math.inf
                       ) -> tuple[float, list[int], bool] | None:
    """Exact answer when the fill pins one group's count to a sparse residue class.

    The other groups' fills are multiples of ``G``, the gcd of their lot sizes, so group ``g``
    needs ``m_g y_g == fill (mod G)``: ``y_g`` runs in steps of ``q = G / gcd(m_g, G)``. A
    non-decimal lot beside decimal ones (1,667 grains beside 10,000 and 100,000) has ``q`` of
    10,000 and a handful of counts in its range, where the proximity window of
    ``_min_cost_window`` spans 110,000: every count of the class is tried, each with the other
    groups solved exactly (``min_cost``), so the answer is proven whenever theirs are. None when
    no group's class is that sparse; ``_INFEASIBLE`` when no count fits at all, or none with a
    plan under ``cap`` (the bound of an outer residue search: its plan so far, less its count's
    cost)."""
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
    floor = sum(h.m * h.low for h in rest)
    # every plan costs at least LP + h_g(y) (``_min_cost_window``): the counts are tried from the
    # smallest such bound up, and none is solved once its bound passes the best plan found; with
    # near-equal coprime lots each count's rest is itself a residue search, told what it must beat
    ybar, lam, lp = continuous_solution(groups, fill)
    base = _interpolated(grp, ybar[best_g])
    counts = np.arange(best_first, grp.high + 1, best_q, dtype=np.int64)
    counts = counts[fill - grp.m * counts >= floor]
    bounds = lp + grp.costs(counts) - base - lam * grp.m * (counts - ybar[best_g])
    order = np.argsort(bounds, kind="stable")
    best: tuple[float, list[int]] | None = None
    proven = True  # an unproven part leaves the whole unproven
    limit = cap
    for y, bound in zip(counts[order].tolist(), bounds[order].tolist(), strict=True):
        if bound > limit + 1e-9 * (1.0 + abs(limit)):
            break
        left = fill - grp.m * y
        # an unproven part leaves the whole bounded by the whole's LP, which the pinned count
        # can put far below: each part is proven
        sub = min_cost(rest, left, limit - grp.cost(y), loose=0.0)
        if sub is None:
            continue
        proven = proven and sub[2]
        cost = sub[0] + grp.cost(y)
        if best is None or cost < best[0]:
            ys = list(sub[1])
            ys.insert(best_g, y)
            best = (cost, ys)
            limit = min(limit, cost)
    return _INFEASIBLE if best is None else (best[0], best[1], proven)


# Combinations of an unproven pass (it only looks for a better plan to narrow the ranges with).
_GUESS_LIMIT = 3_000
