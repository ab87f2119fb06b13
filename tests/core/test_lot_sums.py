"""The tie search's parts against enumeration: ``lot_sums.cheapest`` (the table of partial fills
and its pair search) and ``lot_groups._Ends`` (the reduced-cost ranges at many slacks, read off
the groups' breakpoints instead of bisected)."""

from __future__ import annotations

import itertools
from functools import partial

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sor_desktop.core import lot_sums
from sor_desktop.core.lot_curve import build_curve
from sor_desktop.core.lot_groups import (
    Group,
    _Ends,
    _interpolated,
    _narrower,
    _reduced_costs,
    _reduced_range,
    continuous_solution,
    min_cost,
)
from sor_desktop.core.orders import Side
from tests.core.lot_search_cases import enumerated_min_cost
from tests.core.router_cases import venue
from tests.core.test_router_groups import STEPS


@st.composite
def group_sets(draw: st.DrawFn):
    """Three or four lot sizes, each venue a few levels (flat stretches of reduced cost), its
    bounds some of them; a fill between the least and the most they can take."""
    sizes = draw(st.lists(st.sampled_from(sorted(STEPS)), min_size=3, max_size=4, unique=True))
    curves, lows, ups = [], [], []
    for i, m in enumerate(sizes):
        levels = draw(st.lists(st.tuples(st.integers(0, 40), st.integers(1, 24)), min_size=1, max_size=4))
        price, asks = 100.0, []
        for gap, quarters in levels:
            price += gap * 0.1
            asks.append([round(price, 1), float(STEPS[m]) * quarters / 4])
        v = venue(f"g{i}", asks, [[99.0, 1.0]], step=STEPS[m], size=1, fee="0")
        c = build_curve(v.book.asks, v.instrument, Side.BUY)
        lo = draw(st.integers(0, c.hi // 4))
        curves.append(c)
        lows.append(lo)
        ups.append(draw(st.integers(min(lo + 1, c.hi), c.hi)))
    groups = [Group(m, [i], curves, lows, ups) for i, m in enumerate(sizes)]
    low, high = sum(g.m * g.low for g in groups), sum(g.m * g.high for g in groups)
    return groups, draw(st.integers(low, high))


def _setup(case):  # type: ignore[no-untyped-def]
    groups, fill = case
    ybar, lam, lp = continuous_solution(groups, fill)
    bases = [_interpolated(g, yb) for g, yb in zip(groups, ybar, strict=True)]
    return groups, fill, ybar, lam, lp, bases


@settings(max_examples=200, deadline=None)
@given(group_sets(), st.lists(st.floats(0, 1), min_size=1, max_size=4))
def test_ends_at_any_slack_are_the_bisections_ends(case, shares):
    groups, _, ybar, lam, _, bases = _setup(case)
    for g, yb, b in zip(groups, ybar, bases, strict=True):
        top = float(_reduced_costs(g, yb, lam, b, np.arange(g.low, g.high + 1)).max())
        for lo, hi in [(g.low, g.high), (g.low + (g.high - g.low) // 3, g.high - (g.high - g.low) // 4)]:
            ends = _Ends(g, yb, lam, b, lo, hi)
            # the search's slacks carry a rounding margin: at exactly 0 a flat stretch's reduced
            # costs are float noise either side of it, and the two may stop at different ones
            for slack in [1e-9, *(max(top * s, 1e-9) for s in shares)]:
                assert ends.at(slack) == _reduced_range(g, yb, lam, b, slack, lo, hi), (lo, hi, slack)


@settings(max_examples=200, deadline=None)
@given(group_sets(), st.floats(0, 1))
def test_cheapest_within_a_slack_is_the_enumerated_least(case, share):
    groups, fill, ybar, lam, _, bases = _setup(case)
    reduced = [partial(_reduced_costs, g, yb, lam, b) for g, yb, b in zip(groups, ybar, bases, strict=True)]
    ranges = [(g.low, g.high) for g in groups]
    tables = [r(np.arange(lo, hi + 1)) for r, (lo, hi) in zip(reduced, ranges, strict=True)]
    # with the search's rounding margin (at exactly 0 a flat stretch's sums are float noise)
    slack = share * sum(float(t.max()) for t in tables) + 1e-9
    best = np.inf
    for ys in itertools.product(*(range(lo, hi + 1) for lo, hi in ranges)):
        if sum(g.m * y for g, y in zip(groups, ys, strict=True)) == fill:
            h = sum(float(t[y - lo]) for t, y, (lo, _) in zip(tables, ys, ranges, strict=True))
            if h <= slack:
                best = min(best, h)
    for pair in [(0, 1), (len(groups) - 1, 0)]:
        found = lot_sums.cheapest([g.m for g in groups], fill, ranges, reduced, slack, pair)
        if not np.isfinite(best):
            assert found is None
            continue
        assert found is not None
        assert abs(found[0] - best) <= 1e-9
        ys = found[1]
        assert sum(g.m * y for g, y in zip(groups, ys, strict=True)) == fill
        assert all(lo <= y <= hi for y, (lo, hi) in zip(ys, ranges, strict=True))


@settings(max_examples=150, deadline=None)
@given(group_sets(), st.data())
def test_a_narrower_box_of_the_same_curves_gets_its_own_optimum(case, data):
    """``min_cost`` hands a narrower box the wider one's proven plan when that plan fits it (a
    branch's child, whose costs may be its parent's plus a leg cost): a plan outside the narrower
    ranges, or another curve, must not be reused."""
    groups, fill = case
    min_cost(groups, fill)  # the wider box's answer, proven, is kept for the narrower one
    g = data.draw(st.integers(0, len(groups) - 1))
    old = groups[g]
    low = data.draw(st.integers(old.low, old.high))
    up = data.draw(st.integers(low, old.high))
    narrow = list(groups)
    narrow[g] = Group(old.m, [0], [old.parts[0]], [low], [up])
    narrow[g].base += data.draw(st.sampled_from([0.0, 1.0]))  # a leg cost once the venue is on
    best = enumerated_min_cost(narrow, fill)
    got = min_cost(narrow, fill)
    if best is None:
        assert got is None
    else:
        assert got is not None and abs(got[0] - best) <= 1e-9 * (1 + abs(best))
        assert sum(h.m * y for h, y in zip(narrow, got[1], strict=True)) == fill


def test_a_box_is_narrower_only_at_the_same_costs_up_to_a_constant_and_holding_the_plan():
    v = venue("a", [[100.0, 0.004], [100.5, 0.004], [101.0, 0.004]], [[99.0, 1.0]], step="0.001", size=1, fee="0")
    curve = build_curve(v.book.asks, v.instrument, Side.BUY)
    wide = Group(10, [0], [curve], [0], [12])
    narrow = Group(10, [0], [curve], [2], [10])
    assert _narrower(narrow, wide, 5)
    narrow.base += 1.0  # the leg cost of a venue that is on
    assert _narrower(narrow, wide, 5)
    assert not _narrower(narrow, wide, 11)  # the wider box's plan is not one of this box
    assert not _narrower(wide, narrow, 5)  # wider than the box it would take the plan of
    narrow.slopes = narrow.slopes * np.linspace(1.0, 2.0, len(narrow.slopes))  # other prices
    narrow.ck = np.concatenate(([0.0], np.cumsum(np.diff(narrow.cc) * narrow.slopes)))
    assert not _narrower(narrow, wide, 5)


def test_the_proven_answers_kept_per_fill_stay_few_when_the_same_order_is_planned_again():
    from sor_desktop.core import lot_groups

    lot_groups._PROVEN.clear()
    v = venue("a", [[100.0, 0.004], [100.5, 0.004]], [[99.0, 1.0]], step="0.001", size=1, fee="0")
    for _ in range(30):  # each plan builds its own curves and groups
        curve = build_curve(v.book.asks, v.instrument, Side.BUY)
        groups = [Group(m, [0], [curve], [0], [8]) for m in (10, 7, 3)]
        assert min_cost(groups, 100) is not None
    assert sum(len(kept) for kept in lot_groups._PROVEN.values()) <= 10  # a few, not one per plan
