"""``lot_branch.search`` and ``lot_groups.min_cost`` against brute force on small boxes: lot sizes
as chains, coprime, near-equal (2,000 / 2,002 scaled down), large beside small, each group one or
two venues with convex per-lot costs (ties included) and minimums."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sor_desktop.core import lot_branch, lot_groups
from sor_desktop.core.lot_groups import Group, min_cost
from tests.core.lot_search_cases import enumerated_min_cost

LOTS = [
    [1, 2, 10], [1, 5, 10, 50], [2, 4, 8, 16, 32], [3, 5, 7], [3, 5, 7, 11], [20, 22, 1],
    [20, 22, 7, 100], [6, 10, 15], [1, 17, 100, 1000], [100, 1667, 20000], [4, 6, 9, 1],
    [10, 12, 15, 100, 7],
]


class _Curve:
    """A venue's cost: non-decreasing per-lot costs in runs (what ``Group`` reads of a LotCurve)."""

    def __init__(self, runs: list[tuple[int, float]]) -> None:
        self.per_lot = [s for n, s in runs for _ in range(n)]
        self.hi = len(self.per_lot)

    def cost(self, x: int) -> float:
        return float(sum(self.per_lot[:x]))

    def segments(self, a: int, b: int) -> tuple[np.ndarray, np.ndarray]:
        slopes = np.array(self.per_lot[a:b], dtype=np.float64)
        return np.ones(len(slopes), dtype=np.int64), slopes


@st.composite
def boxes(draw: st.DrawFn) -> tuple[list[Group], int]:
    lots = draw(st.sampled_from(LOTS))
    k = draw(st.integers(3, len(lots)))
    lots = lots[:k]
    curves, lows, ups, members = [], [], [], []
    for m in lots:
        ids = []
        for _ in range(draw(st.integers(1, 2))):
            # coarse prices make exact ties between lot sizes common (per grain: slope / m)
            runs = draw(st.lists(st.tuples(st.integers(1, 4), st.integers(-20, 60)), min_size=1, max_size=3))
            slopes = sorted(float(s * m) / 4 for _, s in runs)
            c = _Curve([(n, s) for (n, _), s in zip(runs, slopes, strict=True)])
            lo = draw(st.integers(0, min(2, c.hi)))
            ids.append(len(curves))
            curves.append(c)
            lows.append(lo)
            ups.append(draw(st.integers(lo, c.hi)))
        members.append(ids)
    groups = [Group(m, ids, curves, lows, ups) for m, ids in zip(lots, members, strict=True)]
    if draw(st.booleans()):  # a fill some plan makes
        fill = sum(g.m * draw(st.integers(g.low, g.high)) for g in groups)
    else:
        fill = draw(st.integers(sum(g.m * g.low for g in groups), sum(g.m * g.high for g in groups)))
    return groups, fill


def _check(groups: list[Group], fill: int, found: tuple[float, list[int]] | None, want: float | None) -> None:
    assert (found is None) == (want is None)
    if found is None or want is None:
        return
    cost, ys = found
    assert sum(g.m * y for g, y in zip(groups, ys, strict=True)) == fill
    assert all(g.low <= y <= g.high for g, y in zip(groups, ys, strict=True))
    assert math.isclose(cost, sum(g.cost(y) for g, y in zip(groups, ys, strict=True)), rel_tol=1e-12, abs_tol=1e-9)
    assert cost <= want + 1e-9 * (1 + abs(want))


@settings(max_examples=400, deadline=None)
@given(boxes())
def test_search_is_the_brute_force_optimum(case: tuple[list[Group], int]) -> None:
    groups, fill = case
    lot_branch._SEARCHES.clear()
    _check(groups, fill, lot_branch.search(groups, fill), enumerated_min_cost(groups, fill))


@settings(max_examples=150, deadline=None)
@given(boxes(), st.floats(-1.0, 1.0))
def test_search_under_a_cap(case: tuple[list[Group], int], shift: float) -> None:
    """Under ``cap``: the optimum when it costs less, else None (within a rounding tie either)."""
    groups, fill = case
    want = enumerated_min_cost(groups, fill)
    cap = (want if want is not None else 0.0) + shift
    found = lot_branch.search(groups, fill, cap)
    if want is None or want >= cap:
        assert found is None
    elif want < cap - 1e-9 * (1 + abs(cap)):
        _check(groups, fill, found, want)
    elif found is not None:
        _check(groups, fill, found, want)


@settings(max_examples=150, deadline=None)
@given(boxes())
def test_min_cost_is_proven_optimal(case: tuple[list[Group], int]) -> None:
    groups, fill = case
    lot_groups._SOLVED.clear()
    lot_groups._PROVEN.clear()
    found = min_cost(groups, fill)
    want = enumerated_min_cost(groups, fill)
    if found is not None:
        assert found[2]
    _check(groups, fill, None if found is None else (found[0], found[1]), want)


@settings(max_examples=60, deadline=None)
@given(boxes())
def test_min_cost_past_the_branch_limit(case: tuple[list[Group], int]) -> None:
    """A search that gives up leaves the box to the window search, still right."""
    groups, fill = case
    lot_groups._SOLVED.clear()
    lot_groups._PROVEN.clear()
    lot_branch._SEARCHES.clear()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(lot_branch, "ELEMENT_LIMIT", 0)
        found = min_cost(groups, fill)
    want = enumerated_min_cost(groups, fill)
    if found is None:
        return  # the window search may find no plan; the caller then keeps the node open
    assert want is not None
    cost, ys, proven = found
    assert sum(g.m * y for g, y in zip(groups, ys, strict=True)) == fill
    assert cost >= want - 1e-9 * (1 + abs(want))
    if proven:
        assert cost <= want + 1e-9 * (1 + abs(want))


def test_chain_windows_are_a_count_or_two() -> None:
    """Largest lot first on a divisibility chain: each level's window is its number of smaller lots
    either side."""
    c = _Curve([(50, 1.0)])
    groups = [Group(m, [i], [c] * 4, [0] * 4, [5000] * 4) for i, m in enumerate([1, 10, 100, 1000])]
    s = lot_branch._Search(groups)
    assert [groups[g].m for g in s.order[:2]] == [1000, 100]
    assert s.w[:2] == [3, 2]


@settings(max_examples=300, deadline=None)
@given(boxes(), st.sampled_from([0, 1, 3]), st.sampled_from([1e-6, 1.0, 1e12]))
def test_the_proof_pass_bisecting_every_node_finds_the_optimum(case: tuple[list[Group], int], wide: int,
                                                              over: float) -> None:
    """With every node past ``_WIDE``, each one's children under the limit come from the gallop and
    bisection around its continuous count (a foreign lot's window of 110,001 counts does this): the
    proof pass alone, under a limit just above the optimum or far above it, finds the optimum."""
    groups, fill = case
    want = enumerated_min_cost(groups, fill)
    s = lot_branch._Search(groups)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(lot_branch, "_WIDE", wide)
        limit = (0.0 if want is None else want) + over * (1.0 + abs(want or 0.0))
        found = s.below(fill, limit)
    if want is None:
        assert found is None
        return
    assert found is not None
    cost, ys = found
    order = [0] * len(groups)
    for g, y in zip(s.order, ys, strict=True):
        order[g] = y
    _check(groups, fill, (sum(g.cost(y) for g, y in zip(groups, order, strict=True)), order), want)


@settings(max_examples=300, deadline=None)
@given(boxes(), st.integers(-3, 10**6))
def test_the_root_share_is_the_sorted_optimum(case: tuple[list[Group], int], shift: int) -> None:
    """``_Root`` places the first group's pieces among the next suffix's instead of sorting every
    group's: its share of the continuous optimum is the stable sort's, at fills in reach and past
    either end."""
    groups, fill = case
    s = lot_branch._Search(groups)
    ordered = s.groups
    per_grain = np.concatenate([g.slopes / g.m for g in ordered])
    grains = np.concatenate([np.diff(g.cc) * g.m for g in ordered])
    cost = np.concatenate([np.diff(g.cc) * g.slopes for g in ordered])
    owner = np.concatenate([np.full(len(g.slopes), d) for d, g in enumerate(ordered)])
    by = np.argsort(per_grain, kind="stable")
    whole = lot_branch._Suffix(ordered, per_grain[by], grains[by], cost[by], owner[by], None, 0)
    for f in (fill, fill + shift, whole.floor + shift % (whole.room + 2), whole.floor - 1 - shift % 3):
        _, own, ok = whole.at(np.array([f], dtype=np.int64))
        assert s.root.one(f) == ((int(own[0]), True) if ok[0] else (0, False))
        for suffix in s.suffix.values():  # and a level of one node in scalars as in a vector
            rest = f - ordered[0].m * (ordered[0].low + shift % 3)
            _, own, ok = suffix.at(np.array([rest], dtype=np.int64))
            assert suffix.one(rest) == ((int(own[0]), True) if ok[0] else (0, False))


@settings(max_examples=300, deadline=None)
@given(boxes(), st.sampled_from([0, 1, 10**6]), st.sampled_from([1, 4]))
def test_pairs_solved_at_once_or_best_first(case: tuple[list[Group], int], pair_all: int, beam: int) -> None:
    """The last level's pairs in one vector (up to ``_PAIR_ALL`` children) or the best ``_BEAM``
    first, the rest pruned by their plan: the optimum either way."""
    groups, fill = case
    lot_branch._SEARCHES.clear()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(lot_branch, "_PAIR_ALL", pair_all)
        mp.setattr(lot_branch, "_BEAM", beam)
        found = lot_branch.search(groups, fill)
    _check(groups, fill, found, enumerated_min_cost(groups, fill))
