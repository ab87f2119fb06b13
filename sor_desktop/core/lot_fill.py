"""The largest fill of venues grouped by lot size: ``max_fill``, the largest ``sum m_g y_g <= T``
with each count in its group's range. The box problems of ``lot_solver`` ask it once per node and
a quote-unit plan's bisection once per probe, so nothing here may grow with the number of grains
or with the ratio between lot sizes.

  * one group: a clamp;
  * the fills the groups reach form a comb ``{p z + t : z <= Z, t <= w}`` (or an interval) for
    every mix where each lot is a multiple of the finer groups' period (decimal lots: 1e-8,
    1e-4, 1e-3 BTC; 1, 10, 1000 coins), however few lots the fine venues can take: arithmetic;
  * otherwise, two groups ``a < b``: the fill grows with ``y_b`` while ``a`` is full, and past
    that it is ``T - (T - b y_b) mod a``, whose smallest residue over a range of ``y_b`` Euclid's
    algorithm finds in O(log a) (``_pair_fill``; ``_pair_fills`` for many rooms at once);
  * otherwise, more groups: a bound from the residues the lots can reach (``_ceiling``), then
    counts that reach it, from the coarsest lot down, each count of the residue the finer lots
    can complete (``_witness``), else a certificate (``_reaches``): two groups ``a``, ``b`` with enough
    lots reach every multiple of ``gcd(a, b)`` over a long window, so the bound is reached when
    the other groups can land the rest inside it with the right residue, which a few counts of
    each decide. Real and adversarial mixes alike (1,000 and 1,001 grains beside 3,000 and a thin
    700) end there. When no pair certifies it (thin venues, near-equal lots with few lots each),
    an exact search (``_max_fill_search``): every optimum has each count within one of where the
    others are full, so a small grid of the counts of all groups but two is tried at once, the
    two solved for every point; otherwise one group's counts (of which ``_counts`` keeps one
    period) with the others' own answer for each. That search has a budget (``SEARCH_CALLS``,
    about 10 ms): past it ``max_fill_bounded`` gives the best fill found and a proven bound above
    it, and the plan says its fill is not proven.

``counts_at`` finds counts for a given fill (``lot_groups.min_cost`` starts from them when no
plan lies near the continuous optimum) with ``max_fill`` as the oracle for the groups left.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from typing import Protocol

import numpy as np

from sor_desktop.core.lot_curve import Ints


class Sized(Protocol):
    """A group of venues sharing one lot size ``m`` (``lot_groups.Group``), counts ``low..high``."""

    m: int
    low: int
    high: int


def max_fill(groups: Sequence[Sized], target: int) -> int | None:
    """Largest ``sum m_g y_g <= target`` with each ``y_g`` in its group's range, or None (see
    ``max_fill_bounded``: a search cut by its budget gives a fill that may not be the largest)."""
    found = max_fill_bounded(groups, target)
    return None if found is None else found[0]


def fill_bound(lots: Sequence[tuple[int, int]], target: int) -> int:
    """The largest fill up to ``target`` of venues ``(lot, most lots)`` taking any count from 0
    (no minimum, no venue count): no plan of theirs fills more. A budget cut leaves the bound."""
    spans: dict[int, int] = {}
    for m, up in lots:
        if up > 0:
            spans[m] = spans.get(m, 0) + up
    return _fill_and_bound(sorted(spans.items()), target)[1]


def max_fill_bounded(groups: Sequence[Sized], target: int) -> tuple[int, int] | None:
    """``(fill, upper)``: the largest fill, or None, and a proven bound on it, equal to it unless
    the exact search ran out of ``SEARCH_CALLS`` (then ``fill`` is the best one found)."""
    floor = sum(g.m * g.low for g in groups)
    if floor > target:
        return None
    fill, upper = _fill_and_bound(sorted((g.m, g.high - g.low) for g in groups if g.high > g.low), target - floor)
    return floor + fill, floor + upper


def _fill_and_bound(spans: Sequence[tuple[int, int]], room: int) -> tuple[int, int]:
    """The largest fill of ``spans`` (sorted, each with room) up to ``room`` and a proven bound
    on it: the fill itself, or the residue bound when the search ran out of its budget."""
    if not spans:
        return 0, 0
    work = _Work()
    fill = _max_fill_spans(spans, room, work)
    if not work.cut:
        return fill, fill
    return fill, _ceiling(spans, room - room % math.gcd(*(m for m, _ in spans)))


def counts_at(groups: Sequence[Sized], fill: int, near: Sequence[float]) -> list[int] | None:
    """Counts, one per group and each in its range, whose fill is exactly ``fill``, as near
    ``near`` as the search comes; None when there are none (or ``SEARCH_CALLS`` ran out).
    ``lot_groups.min_cost`` starts from it when no plan lies near the continuous optimum
    (near-equal coprime lots beside thin venues can leave none there): the box problems ask for
    the cheapest plan at a fill ``max_fill`` found, so one exists."""
    floor = sum(g.m * g.low for g in groups)
    spans = [(g.m, g.high - g.low) for g in groups]
    found = _decompose(spans, fill - floor, [y - g.low for g, y in zip(groups, near, strict=True)], _Work())
    if found is None:  # the search near ``near`` ran out: any counts (from the coarsest lot down)
        order = sorted(range(len(spans)), key=lambda j: spans[j][0])
        some = _witness([spans[j] for j in order], fill - floor, _Work())
        if some is not None:
            found = [0] * len(spans)
            for j, z in zip(order, some, strict=True):
                found[j] = z
    return None if found is None else [g.low + z for g, z in zip(groups, found, strict=True)]


def _decompose(spans: Sequence[tuple[int, int]], v: int, near: Sequence[float], work: _Work
               ) -> list[int] | None:
    """Counts with fill exactly ``v``: the group with the fewest counts that fit takes each of
    them from ``near`` outwards until the others' largest fill up to the rest is the rest (then
    they take it, recursively); two groups solve their congruence. Every largest fill asked shares
    ``work`` (a fill it cut short is below the true one: that count is only passed over)."""
    if len(spans) == 1:
        m, r = spans[0]
        return [v // m] if v % m == 0 and 0 <= v // m <= r else None
    if len(spans) == 2:
        return _pair_counts(spans[0], spans[1], v, near[1])
    fits = _fits(spans, v, v)
    if fits is None:
        return None
    k = min(range(len(spans)), key=lambda j: fits[j][1] - fits[j][0])
    (m, _), (zlo, zhi) = spans[k], fits[k]
    others = [sp for j, sp in enumerate(spans) if j != k]
    rest_near = [*near[:k], *near[k + 1:]]
    mid = min(max(round(near[k]), zlo), zhi)
    for step in range(zhi - zlo + 1):
        for z in (mid - step, mid + step) if step else (mid,):
            if not zlo <= z <= zhi:
                continue
            work.calls -= _SEARCH_SETUP
            if work.calls < 0:
                return None
            if _max_fill_spans(others, v - m * z, work) == v - m * z:
                found = _decompose(others, v - m * z, rest_near, work)
                if found is not None:
                    return [*found[:k], z, *found[k:]]
    return None


def _fits(spans: Sequence[tuple[int, int]], lo: int, hi: int) -> list[tuple[int, int]] | None:
    """Per group, the counts that can be part of a fill in ``[lo, hi]`` (the others full or empty
    around them), or None when a group has none."""
    total = sum(m * r for m, r in spans)
    out = []
    for m, r in spans:
        zlo, zhi = max(0, -(-(lo - (total - m * r)) // m)), min(r, hi // m)
        if zlo > zhi:
            return None
        out.append((zlo, zhi))
    return out


def _pair_counts(ga: tuple[int, int], gb: tuple[int, int], v: int, near_b: float) -> list[int] | None:
    """Counts ``(y_a, y_b)`` with ``a y_a + b y_b == v`` within their spans, ``y_b`` the one
    nearest ``near_b`` (the solutions step ``y_b`` by ``a / gcd(a, b)``), or None."""
    (a, ra), (b, rb) = ga, gb
    g = math.gcd(a, b)
    if v % g:
        return None
    q = a // g
    first = (v // g) * pow(b // g, -1, q) % q if q > 1 else 0  # b y_b == v (mod a)
    lo, hi = max(0, -(-(v - a * ra) // b)), min(rb, v // b)
    if lo > hi:
        return None
    yb = min(max(round(near_b), lo), hi)
    yb -= (yb - first) % q  # the solution at or below it, else the next one up
    if yb < lo:
        yb += q
    if yb > hi:
        return None
    return [(v - b * yb) // a, yb]


# Work the exact search of one largest fill may do, in scalar pair fills (about 2 us each; about
# 10 ms in all). Only lot mixes built to defeat ``_reaches`` (near-equal coprime lots of thin
# venues: 12,345, 12,347 and 12,348 grains, a few hundred lots each) come near it; past it the
# fill is reported unproven. A search of three or more groups costs ``_SEARCH_SETUP`` to start.
SEARCH_CALLS = 4_000
_SEARCH_SETUP = 20
# ``_lands`` work one largest fill may spend on certificates (a call, or 1,024 counts vectorised).
LANDINGS = 40


class _Work:
    """What one ``max_fill_bounded`` may still spend, and whether its search was cut."""

    __slots__ = ("calls", "landings", "cut")

    def __init__(self) -> None:
        self.calls = SEARCH_CALLS
        self.landings = LANDINGS
        self.cut = False


def _max_fill_spans(spans: Sequence[tuple[int, int]], room: int, work: _Work | None = None) -> int:
    """Largest ``sum m z <= room`` with ``0 <= z <= span`` for each (m, span), spans sorted by m."""
    if work is None:
        work = _Work()
    work.calls -= 1
    spans = [(m, r) for m, r in spans if r > 0]  # a group that can take nothing changes nothing
    if not spans:
        return 0
    total = sum(m * r for m, r in spans)
    if total <= room:
        return total
    # every fill is a multiple of the lots' gcd: a room between two multiples would keep the
    # search below looking for it through every count of the coarsest lot (0.002,
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
        return _pair_fill(a, ra, b, rb, room)
    if spans[0][0] == 1 and _contiguous(spans):
        return room
    work.calls -= _SEARCH_SETUP
    ceiling = _ceiling(spans, room)
    if _witness(spans, ceiling, work) is not None or _reaches(spans, ceiling, work):
        return ceiling
    return _max_fill_search(spans, room, ceiling, work)


def _pair_fill(a: int, ra: int, b: int, rb: int, room: int) -> int:
    """Largest ``a y_a + b y_b <= room`` (``a < b``, ``0 <= room``, counts within their spans): as
    ``y_b`` grows the fill grows while ``a`` is full (up to ``z1``), and above ``z1`` it is
    ``room - (room - b y_b) mod a``, whose smallest residue ``_min_mod`` finds."""
    if a * ra + b * rb <= room:
        return a * ra + b * rb
    top = min(rb, room // b)
    z1 = (room - a * ra) // b
    best = b * min(z1, top) + a * ra if z1 >= 0 else 0
    first = max(z1 + 1, 0)
    if first <= top:
        best = max(best, room - _min_mod(top - first + 1, a, -b, room - b * first))
    return best


def _min_mod(n: int, m: int, a: int, b: int) -> int:
    """``min((a x + b) mod m for x in range(n))`` in O(log m) steps: Euclid's algorithm on the
    line ``a x + b`` (the values below ``m`` reached as ``x`` grows are those of a smaller
    instance with ``a`` and ``m`` swapped)."""
    best = m
    while n > 0 and m > 0:
        a %= m
        b %= m
        best = min(best, b)
        n = (a * (n - 1) + b) // m
        b -= m * n
        a, m = m, a
    return best


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


def _max_fill_search(spans: Sequence[tuple[int, int]], room: int, ceiling: int, work: _Work) -> int:
    """Three or more lot sizes that leave gaps, exactly.

    With ``reach`` what the other groups can add at most, a count ``z`` of lot ``m`` with
    ``room - m (z + 1) >= reach`` is beaten by ``z + 1`` (the others still fit full), so every
    optimum has each count in ``[zlow - 1, zmax]``. When those ranges of all groups but two
    make a small grid, every point of it is tried with the two left solved at once
    (``_pair_fills``, vectorised). Otherwise one group's counts from the top, the others' own
    answer for each (recursively), stopping at ``ceiling``: of the top ``reach / m + 2`` counts
    ``_counts`` keeps one period, and the group with the fewest counts to try is the one run
    through (the coarsest, or a thin venue with a handful of lots)."""
    best_h, best_counts, best_n = 0, [range(0)], -1
    ranges = []
    for h, (m, span) in enumerate(spans):
        others = [sp for j, sp in enumerate(spans) if j != h]
        reach = sum(mi * ri for mi, ri in others)
        zmax = min(span, room // m)
        zlow = max(0, -(-(room - reach) // m))  # from here down to 0 the others are full
        if zlow > zmax:  # every count leaves the others full
            return m * zmax + reach
        ranges.append((max(0, zlow - 1), zmax))
        counts = _counts(others, m, room, zlow, zmax)
        n = sum(len(c) for c in counts)
        if best_n < 0 or n < best_n:
            best_h, best_counts, best_n = h, counts, n
    grid = _grid_fill(spans, ranges, room, work)
    if grid is not None:
        return grid
    m, _ = spans[best_h]
    others = [sp for j, sp in enumerate(spans) if j != best_h]
    reach = sum(mi * ri for mi, ri in others)
    zlow = max(0, -(-(room - reach) // m))
    best = m * (zlow - 1) + reach if zlow >= 1 else 0
    if len(others) == 2:  # the counts in chunks from the top, the pair solved for a chunk at once
        (a, ra), (b, rb) = others
        for zs in _chunks(best_counts):
            if work.calls <= 0:
                work.cut = True
                break
            work.calls -= _vector_calls(len(zs))
            best = max(best, int(np.max(m * zs + _pair_fills(a, ra, b, rb, room - m * zs))))
            if best >= ceiling:
                break
        return best
    for z in itertools.chain(*best_counts):
        if work.calls <= 0:
            work.cut = True
            break
        best = max(best, m * z + _max_fill_spans(others, room - m * z, work))
        if best >= ceiling:
            break
    return best


# Points of the grid ``_grid_fill`` tries at once, and of a chunk of counts in ``_max_fill_search``.
_GRID, _GRID_CHUNK = 1 << 14, 1 << 12


def _vector_calls(n: int) -> int:
    """What a vectorised pass over ``n`` pairs costs, in search calls (a scalar pair fill is about
    2 us; a pass about 40 us plus 0.1 us a pair)."""
    return 20 + (n >> 4)


def _chunks(counts: Sequence[range]) -> Iterator[Ints]:
    """The counts in order, ``_GRID_CHUNK`` at a time (they can run to millions)."""
    for r in counts:
        for at in range(0, len(r), _GRID_CHUNK):
            part = r[at: at + _GRID_CHUNK]
            yield np.arange(part.start, part.stop, part.step, dtype=np.int64)


def _grid_fill(spans: Sequence[tuple[int, int]], ranges: Sequence[tuple[int, int]], room: int, work: _Work
               ) -> int | None:
    """The largest fill over every combination of counts in ``ranges`` of all groups but the two
    that leave the smallest grid, those two solved at once for each; None when it passes ``_GRID``
    points. Near-equal thin lots (12,347 and 12,348 grains, 90 of one) beside a few other thin
    venues end here in one vectorised pass."""
    k = len(spans)
    sizes = [hi - lo + 1 for lo, hi in ranges]
    size, i, j = min((math.prod(sizes[h] for h in range(k) if h != i and h != j), i, j)
                     for i in range(k) for j in range(i + 1, k))
    if size > _GRID:
        return None
    work.calls -= _vector_calls(size)
    fills = np.zeros(1, dtype=np.int64)
    for h in range(k):
        if h != i and h != j:
            zs = np.arange(ranges[h][0], ranges[h][1] + 1, dtype=np.int64)
            fills = (fills[:, None] + spans[h][0] * zs[None, :]).ravel()
    fills = fills[fills <= room]
    (a, ra), (b, rb) = spans[i], spans[j]
    return int(np.max(fills + _pair_fills(a, ra, b, rb, room - fills)))


def _pair_fills(a: int, ra: int, b: int, rb: int, rooms: Ints) -> Ints:
    """``_pair_fill`` for many rooms at once."""
    top = np.minimum(rb, rooms // b)
    z1 = (rooms - a * ra) // b
    best = np.where(z1 >= 0, b * np.minimum(z1, top) + a * ra, 0)
    first = np.maximum(z1 + 1, 0)
    n = top - first + 1
    best = np.maximum(best, np.where(n > 0, rooms - _min_mods(n, a, -b, rooms - b * first), 0))
    return np.where(rooms >= a * ra + b * rb, a * ra + b * rb, best)


def _min_mods(n: Ints, m: int, a: int, b: Ints) -> Ints:
    """``_min_mod`` for many ``(n, b)`` at once: ``a`` and ``m`` run through the same Euclid steps
    for all, and an entry whose ``n`` reaches 0 stays there."""
    best = np.full(len(n), m, dtype=np.int64)
    while m > 0:
        active = n > 0
        if not active.any():
            break
        a %= m
        b = b % m
        best = np.where(active, np.minimum(best, b), best)
        n = (a * (n - 1) + b) // m
        b = b - m * n
        a, m = m, a
    return best


def _ceiling(spans: Sequence[tuple[int, int]], room: int) -> int:
    """A bound no fill passes: with ``G`` the gcd of every lot but ``(m, r)``'s, a fill is
    ``m z`` mod ``G`` for some ``z <= r``, so it is at most ``room - min_z ((room - m z) mod G)``,
    the smallest residue of a line, which ``_min_mod`` finds in O(log G) however many counts ``r``
    allows. A venue with a lot foreign to the others (1,667 grains beside multiples of 50, 13
    lots of it; or 1,001 beside multiples of 50,000, 22,604 lots) leaves residues out: without
    the bound the search below could only stop at ``room`` itself, which no count reaches. The
    same holds for the finest groups together when they take less than the coarser ones' gcd
    (``spans`` sorted by lot)."""
    top = room
    for h, (mh, rh) in enumerate(spans):
        g = 0
        for j, (mj, _) in enumerate(spans):
            if j != h:
                g = math.gcd(g, mj)
        if g <= 1 or rh + 1 >= g // math.gcd(mh, g):  # it leaves no residue out
            continue
        top = min(top, room - _min_mod(rh + 1, g, -mh, room))
    # the finest groups together may take less than one period of the coarser ones (1, 4 and 20
    # grains, 45 in all, beside multiples of 2,000): a fill's residue is then what they took
    fine = 0
    for j in range(len(spans) - 1):
        fine += spans[j][0] * spans[j][1]
        g = math.gcd(*(m for m, _ in spans[j + 1:]))
        if fine < g and room % g > fine:
            top = min(top, room - room % g + fine)
    return top


def _counts(others: Sequence[tuple[int, int]], m: int, room: int, zlow: int, zmax: int) -> list[range]:
    """The counts of lot ``m`` worth trying, from ``zmax`` down to ``zlow``. Let ``(b, B)`` be the
    other group that can take the most and ``s`` what the rest can take together. For every
    ``r`` in ``[s, b B]`` each plan of the rest fits and ``b`` never runs out, so the other
    groups reach at most ``r - min_plans ((r - their fill) mod b)``: a function of ``r mod b``.
    Over the counts whose remainder ``room - m z`` lies there, their answer repeats every
    ``q = b / gcd(b, m)`` counts, and ``q`` of them stand for all. Without it a thin fine venue
    beside two deep coarse ones (0.0003, 0.003, 0.01 BTC) ran through every count: a second."""
    b, cap = max(((mi, mi * ri) for mi, ri in others), key=lambda t: t[1])
    low, high = sum(mi * ri for mi, ri in others) - cap, cap
    q = b // math.gcd(b, m)
    first = min(zmax, (room - low) // m)  # the largest count whose remainder is at least ``low``
    last = max(zlow, -(-(room - high) // m))  # the smallest whose remainder is at most ``high``
    if first - last + 1 <= q:
        return [range(zmax, zlow - 1, -1)]
    # the remainders below ``low``, then one period, then the remainders above ``high``
    return [range(zmax, first - q, -1), range(last - 1, zlow - 1, -1)]


def _reaches(spans: Sequence[tuple[int, int]], v: int, work: _Work) -> bool:
    """Whether ``v`` is surely a fill (False: not shown, maybe still one). Two groups ``(a, A)``,
    ``(b, B)`` with ``d = gcd(a, b)`` reach every multiple of ``d`` in a window (``_dense``), so
    ``v`` is a fill when the other groups can take some ``s`` with ``v - s`` in it and a multiple
    of ``d``. Every pair is tried: near-equal coprime lots (``d = 1``) are the best pair there
    is, and their window covers almost all of their depth."""
    for i in range(len(spans)):
        for j in range(i + 1, len(spans)):
            (a, ra), (b, rb) = spans[i], spans[j]
            d = math.gcd(a, b)
            others = [s for h, s in enumerate(spans) if h != i and h != j]
            for lo, hi in _dense(a, ra, b, rb):
                if _lands(others, v - hi, v - lo, d, v % d, work):
                    return True
    return False


def _witness(spans: Sequence[tuple[int, int]], v: int, work: _Work) -> list[int] | None:
    """Counts with fill exactly ``v``, one per span, or None (not shown: maybe still a fill),
    by a descent from the coarsest lot: each group takes, of the counts whose fill the finer
    groups can complete (``m z == v (mod G)``, ``G`` the gcd of the finer lots, and what is left
    within their reach), the largest first, then the three leaving the finer groups about half
    their reach, then the next ``_WITNESS_TRIES - 1`` of that residue. The last two groups are exact: the residue and the reach decide. Fills the
    certificates of ``_reaches`` find through many pairs (eight groups, 40 to 1,000,000 grains,
    a foreign 1,001 of one lot) most often end in the first descent; ``work.landings`` bounds
    the whole."""
    gcds, caps = [spans[0][0]], [spans[0][0] * spans[0][1]]
    for m, r in spans[1:]:
        gcds.append(math.gcd(gcds[-1], m))
        caps.append(caps[-1] + m * r)
    counts = [0] * len(spans)

    def descend(k: int, v: int) -> bool:
        m, r = spans[k]
        if k == 0:
            counts[0] = v // m
            return v % m == 0 and 0 <= v // m <= r
        work.landings -= 1
        if work.landings < 0:
            return False
        g = gcds[k - 1]
        d = math.gcd(m, g)
        if v % d:
            return False
        q = g // d
        z0 = (v // d) * pow(m // d, -1, q) % q if q > 1 else 0
        lo, hi = max(0, -(-(v - caps[k - 1]) // m)), min(r, v // m)
        top = hi - (hi - z0) % q
        if top < lo:
            return False
        # the largest count, then those leaving the finer groups about half their reach, where
        # lots foreign to each other reach every residue (1,667 grains beside 10,000 make a
        # residue of 10,000 only past 10 million grains, which the largest counts never leave),
        # then the next largest
        mid = min(max((v - caps[k - 1] // 2) // m, lo), top)
        mid -= (mid - z0) % q
        tried = set()
        for z in [top, mid, mid + q, mid - q] + [top - i * q for i in range(1, _WITNESS_TRIES)]:
            if not lo <= z <= top or z in tried:
                continue
            tried.add(z)
            counts[k] = z
            if descend(k - 1, v - m * z):
                return True
        return False

    return counts if descend(len(spans) - 1, v) else None


# Counts of one residue ``_witness`` tries per group.
_WITNESS_TRIES = 3
# Counts of one group ``_lands`` tries per level when three or more groups are left.
_TRIES = 24


def _dense(a: int, ra: int, b: int, rb: int) -> list[tuple[int, int]]:
    """Windows in which the pair reaches every multiple of ``d = gcd(a, b)``. With ``A >= b/d - 1``
    the count of ``a`` picks the residue of ``v`` mod ``b`` (``y_a <= b/d - 1``) and the count of
    ``b`` the rest, which lies in ``[0, B]`` for ``v`` in ``[a (b/d - 1), b B]``; the fills of the
    pair are symmetric about half their total (``v`` and ``T - v`` together), which gives the
    mirror window. The same with the roles swapped."""
    d = math.gcd(a, b)
    total = a * ra + b * rb
    out = []
    for (p, rp), (q, rq) in (((a, ra), (b, rb)), ((b, rb), (a, ra))):
        if rp >= q // d - 1:
            lo, hi = p * (q // d - 1), q * rq
            if lo <= hi:
                out += [(lo, hi), (total - hi, total - lo)]
    out.sort()
    merged: list[tuple[int, int]] = []
    for lo, hi in out:
        if merged and lo <= merged[-1][1] + d:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _lands(spans: Sequence[tuple[int, int]], lo: int, hi: int, mod: int, res: int, work: _Work) -> bool:
    """Whether the groups surely reach some ``s`` in ``[lo, hi]`` with ``s == res (mod mod)``
    (False: not shown). One or two groups: ``_lands_pair``. More: the group with the
    fewest counts that fit is tried from the top, at most ``_TRIES`` counts, the rest recursively.
    ``work.landings`` bounds the whole."""
    lo = max(lo, 0)
    work.landings -= 1
    if lo > hi or work.landings < 0:
        return False
    if not spans:
        return lo == 0 and res % mod == 0
    if len(spans) <= 2:
        return _lands_pair(spans, lo, hi, mod, res, work)
    fits = _fits(spans, lo, hi)
    if fits is None:
        return False
    k = min(range(len(spans)), key=lambda j: fits[j][1] - fits[j][0])
    m = spans[k][0]
    rest = [sp for j, sp in enumerate(spans) if j != k]
    zlo, zhi = fits[k]
    for z in range(zhi, max(zlo, zhi - _TRIES + 1) - 1, -1):
        if _lands(rest, lo - m * z, hi - m * z, mod, res - m * z, work):
            return True
    return False


def _lands_pair(spans: Sequence[tuple[int, int]], lo: int, hi: int, mod: int, res: int, work: _Work
                ) -> bool:
    """``_lands`` for one or two groups: each count of the group with fewer counts that fit, from
    the top, the other group's count from its congruence (vectorised, in chunks growing from
    ``_CHUNK``: a witness is usually near the top, and each chunk is paid for in landings)."""
    if len(spans) == 1:
        fixed, (m2, r2) = (0, 0), spans[0]
    else:
        fits = [min(r, hi // m) - max(0, -(-(lo - m2 * r2) // m)) for (m, r), (m2, r2) in
                ((spans[0], spans[1]), (spans[1], spans[0]))]
        fixed, (m2, r2) = (spans[0], spans[1]) if fits[0] <= fits[1] else (spans[1], spans[0])
    m1, r1 = fixed
    z1lo = max(0, -(-(lo - m2 * r2) // m1)) if m1 else 0
    z1hi = min(r1, hi // m1) if m1 else 0
    g = math.gcd(m2, mod)
    q = mod // g
    inverse = pow(m2 // g, -1, q) if q > 1 else 0
    size = _CHUNK
    while z1hi >= z1lo and work.landings >= 0:
        z1 = np.arange(max(z1lo, z1hi - size + 1), z1hi + 1, dtype=np.int64)
        z2lo = np.maximum(0, -((m1 * z1 - lo) // m2))  # ceil((lo - m1 z1) / m2)
        z2hi = np.minimum(r2, (hi - m1 * z1) // m2)
        want = (res - m1 * z1) % mod  # m2 z2 == want (mod mod)
        z0 = (want // g % q) * inverse % q
        if np.any((want % g == 0) & (z2lo + (z0 - z2lo) % q <= z2hi)):
            return True
        work.landings -= 1 + (len(z1) >> 10)
        z1hi -= len(z1)
        size = min(8 * size, _CHUNK_MAX)
    return False


_CHUNK, _CHUNK_MAX = 64, 1 << 14
