"""The exact search of ``lot_groups._min_cost_window`` by growing slack: the cheapest counts with
``sum m_g y_g == F`` among those whose reduced costs sum to at most a slack.

Every plan with the fill costs ``LP + sum_g h_g(y_g)`` (``h_g >= 0`` convex, 0 at the continuous
optimum). So the plans costing at most ``LP + s`` have each ``y_g`` in the range where ``h_g <= s``,
and ``cheapest`` finds the best of them: the groups but one (``free``, which takes the rest) are
added one at a time to a table of partial fills, each partial fill kept once with its least
reduced cost and dropped once that passes ``s``. Partial fills of near-equal or nested lots
coincide (12,345 a + 12,347 c depends on ``a + c`` and ``c - a``; 50, 150 and 500 grains on one
count of 50), so the table stays far smaller than the product of the ranges the window search
enumerates. Price ties make the reduced costs flat over whole levels: then a small ``s`` already
holds a plan at ``LP``, and a plan found within ``s`` is proven optimal.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence

import numpy as np

from sor_desktop.core.lot_curve import Floats, Ints

# Partial fills (table rows times a group's counts) one search may form, counted before it starts;
# past it the caller falls back on the residue and window searches.
SUMS_LIMIT = 200_000


class TooBig(Exception):
    """The table would pass ``SUMS_LIMIT``."""


def cheapest(ms: Sequence[int], fill: int, ranges: Sequence[tuple[int, int]],
             reduced: Sequence[Callable[[Ints], Floats]], slack: float, pair: tuple[int, int]
             ) -> tuple[float, list[int]] | None:
    """The least ``sum h_g(y_g)`` (``reduced[g]`` vectorised) with ``sum m_g y_g == fill``, each
    ``y_g`` in ``ranges[g]`` and the sum at most ``slack``, with its counts; None when there is
    none. The groups of ``pair`` are solved for what each row of the table leaves (``_pair_rows``).
    Raises ``TooBig`` when the table could pass ``SUMS_LIMIT``."""
    k = len(ms)
    a, b = pair
    order, lo_rest, hi_rest, mods = _plan_stages(ms, ranges, pair)
    steps = list(itertools.accumulate((ms[g] for g in order), math.gcd))  # partial fills' common step
    sums = np.zeros(1, dtype=np.int64)
    vals = np.zeros(1)
    back: list[tuple[Ints, Ints]] = []
    for s, g in enumerate(order):
        ys = np.arange(ranges[g][0], ranges[g][1] + 1, dtype=np.int64)
        hs = reduced[g](ys)
        keep = hs <= slack
        ys, hs = ys[keep], hs[keep]
        s2 = (sums[:, None] + ms[g] * ys[None, :]).ravel()
        v2 = (vals[:, None] + hs[None, :]).ravel()
        left = fill - s2
        idx = np.flatnonzero((v2 <= slack) & (left >= lo_rest[s + 1]) & (left <= hi_rest[s + 1])
                             & (left % mods[s] == 0))
        if not len(idx):
            return None
        s2, v2 = s2[idx], v2[idx]
        first = _least_per_sum(s2, v2, steps[s])  # one row per partial fill, its least reduced cost
        s2, v2, idx = s2[first], v2[first], idx[first]
        back.append((idx // len(ys), ys[idx % len(ys)]))
        sums, vals = s2, v2
    solved = _pair_rows(ms[a], ranges[a], reduced[a], ms[b], ranges[b], reduced[b], fill - sums)
    if solved is None:
        return None
    rows, y_a, y_b, h_ab = solved
    total = vals[rows] + h_ab
    j = int(np.argmin(total))
    if not total[j] <= slack:
        return None
    out = [0] * k
    out[a], out[b] = int(y_a[j]), int(y_b[j])
    row = int(rows[j])
    for s in range(len(order) - 1, -1, -1):
        parent, ys = back[s]
        out[order[s]] = int(ys[row])
        row = int(parent[row])
    return float(total[j]), out


def _least_per_sum(sums: Ints, vals: Floats, step: int) -> Ints:
    """Positions of one least ``vals`` per distinct ``sums`` (all multiples of ``step``). Lots
    that share a step leave few distinct sums among many rows: then a slot per sum, else a sort."""
    low = int(sums.min())
    slots = (int(sums.max()) - low) // step + 1
    if slots > 4 * len(sums):
        by = np.lexsort((vals, sums))
        in_order = sums[by]
        return by[np.concatenate(([True], in_order[1:] != in_order[:-1]))]
    at = (sums - low) // step
    least = np.full(slots, np.inf)
    np.minimum.at(least, at, vals)
    hit = np.flatnonzero(vals == least[at])
    pos = np.full(slots, -1, dtype=np.int64)
    pos[at[hit]] = hit  # one of the rows at the least value per sum
    return pos[pos >= 0]


def _plan_stages(ms: Sequence[int], ranges: Sequence[tuple[int, int]], pair: tuple[int, int]
                 ) -> tuple[list[int], list[int], list[int], list[int]]:
    """The order the table adds the groups in, and after each stage what the groups left can add
    (its least and most) and the gcd of their lots, which what is left of the fill must be a
    multiple of. Each stage adds the group that leaves the fewest rows at most: by the product of
    the counts that keep the residue (a lot of 1,001 grains beside multiples of 100 takes one
    count in a hundred), or by the partial fills there is room for. Raises ``TooBig`` when the
    table could pass ``SUMS_LIMIT``."""
    a, b = pair
    left = [g for g in range(len(ms)) if g not in pair]
    width = [hi - lo + 1 for lo, hi in ranges]
    lo_all = sum(m * lo for m, (lo, _) in zip(ms, ranges, strict=True))
    hi_all = sum(m * hi for m, (_, hi) in zip(ms, ranges, strict=True))
    order, lo_rest, hi_rest, mods = [], [lo_all], [hi_all], []
    rows, step, budget = 1, 0, SUMS_LIMIT
    while left:
        best = None
        for g in left:
            # the groups after ``g``: the others left and the pair
            lo = lo_rest[-1] - ms[g] * ranges[g][0]
            hi = hi_rest[-1] - ms[g] * ranges[g][1]
            mod = math.gcd(ms[a], ms[b], *(ms[h] for h in left if h != g))
            # per row, the counts that leave a multiple of ``mod`` are one class modulo ``q``
            q = mod // math.gcd(ms[g], mod)
            at_most = min(rows * -(-width[g] // q), (hi - lo) // math.lcm(math.gcd(step, ms[g]), mod) + 1)
            if best is None or (at_most, ms[g]) < best[0]:
                best = ((at_most, ms[g]), g, lo, hi, mod)
        assert best is not None
        (at_most, _), g, lo, hi, mod = best
        budget -= rows * width[g]
        if budget < 0:
            raise TooBig
        order.append(g)
        left.remove(g)
        lo_rest.append(lo)
        hi_rest.append(hi)
        mods.append(mod)
        rows, step = at_most, math.gcd(step, ms[g])
    return order, lo_rest, hi_rest, mods


def _pair_rows(m_a: int, range_a: tuple[int, int], h_a: Callable[[Ints], Floats],
               m_b: int, range_b: tuple[int, int], h_b: Callable[[Ints], Floats], rests: Ints
               ) -> tuple[Ints, Ints, Ints, Floats] | None:
    """For every rest ``R`` at once, the counts with ``m_a y_a + m_b y_b == R`` in their ranges
    and the least ``h_a(y_a) + h_b(y_b)``: the rows that have some, their counts and that sum.
    The solutions are ``y_a = r + q t`` (``q = m_b / gcd``), and the sum is convex in ``t`` (convex
    functions of affine maps of ``t``): a bisection on its slope, all rows in step."""
    d = math.gcd(m_a, m_b)
    q = m_b // d
    if q > 2**31:  # the residue products below must stay within int64
        raise TooBig
    inv = pow(m_a // d, -1, q) if q > 1 else 0
    rows = np.flatnonzero(rests % d == 0)
    rest = rests[rows]
    r = (rest // d % q) * inv % q if q > 1 else np.zeros(len(rest), dtype=np.int64)
    lo = np.maximum(range_a[0], -((m_b * range_b[1] - rest) // m_a))  # y_b at most its top
    hi = np.minimum(range_a[1], (rest - m_b * range_b[0]) // m_a)
    t0 = -((r - lo) // q)
    t1 = (hi - r) // q
    ok = t0 <= t1
    rows, rest, r, t0, t1 = rows[ok], rest[ok], r[ok], t0[ok], t1[ok]
    if not len(rows):
        return None

    open_ = np.flatnonzero(t0 < t1)  # only the rows with a choice left are evaluated
    while len(open_):
        r_o, rest_o = r[open_], rest[open_]
        mid = (t0[open_] + t1[open_]) // 2
        y = np.concatenate((r_o, r_o)) + q * np.concatenate((mid, mid + 1))
        both = h_a(y) + h_b((np.concatenate((rest_o, rest_o)) - m_a * y) // m_b)
        up = both[: len(mid)] <= both[len(mid):]  # the minimum is at mid or below
        t1[open_[up]] = mid[up]
        t0[open_[~up]] = mid[~up] + 1
        open_ = open_[t0[open_] < t1[open_]]
    y_a = r + q * t0
    y_b = (rest - m_a * y_a) // m_b
    return rows, y_a, y_b, h_a(y_a) + h_b(y_b)
