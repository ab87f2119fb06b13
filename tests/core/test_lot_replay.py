"""A search that walks the tree of an earlier one over the same venues (``lot_solver.solve`` with
an incumbent, as a quote-unit plan proves its fill) against enumeration: the earlier search at
another fill, the incumbent a poor plan of the new fill, so only the walk can find the optimum."""

from __future__ import annotations

import itertools

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sor_desktop.core.lot_solver import Allocation, Prepared, solve
from tests.core.lot_search_cases import drawn_curves

STEPS = {1: "0.0001", 2: "0.0002", 5: "0.0005", 10: "0.001"}


@st.composite
def searches(draw: st.DrawFn):
    curves, ms, legs = drawn_curves(draw, steps=STEPS, n=draw(st.integers(2, 4)), prefix="r", max_levels=4,
                                    parts=(4, 16), per_lot=4, offsets=(0.0, 0.2, 0.5), legs=(0.0, 0.0005, 0.002, 0.01))
    k = draw(st.sampled_from([None, 1, 2]))
    top = sum(m * c.hi for m, c in zip(ms, curves, strict=True))
    return curves, ms, legs, k, draw(st.integers(1, top)), draw(st.integers(1, top))


def _plans(curves, ms, legs, k):
    """Every plan: fill, cost with the leg costs, lots."""
    choices = [[0, *range(c.lo, c.hi + 1)] for c in curves]
    for xs in itertools.product(*choices):
        used = [i for i, x in enumerate(xs) if x]
        if k is not None and len(used) > k:
            continue
        fill = sum(m * x for m, x in zip(ms, xs, strict=True))
        money = sum(curves[i].cost(xs[i]) for i in used)
        yield fill, money, money + sum(legs[i] for i in used), xs


@settings(max_examples=300, deadline=None)
@given(searches())
def test_a_search_walking_an_earlier_tree_finds_the_optimum_of_its_fill(case):
    curves, ms, legs, k, first, second = case
    plans = [p for p in _plans(curves, ms, legs, k) if 0 < p[0] <= second]
    assume(plans)
    fill = max(p[0] for p in plans)
    at_fill = sorted((p for p in plans if p[0] == fill), key=lambda p: p[2])
    worst = at_fill[-1]
    prepared = Prepared(curves, ms, legs)
    solve(curves, ms, first, k, legs, prepared)  # the earlier search, at another target
    assert prepared.tree is not None
    incumbent = Allocation(fill, worst[1], worst[3], worst[2], worst[2])
    got = solve(curves, ms, fill, k, legs, prepared, incumbent)
    want = at_fill[0][2]
    assert got.fill == fill
    assert abs(got.total - want) <= 1e-9 * (1 + abs(want))
    assert got.bound <= got.total + 1e-9 * (1 + abs(want))
    assert got.gap == 0
    # the plan it returns is a plan of the fill at the cost it reports
    assert sum(m * x for m, x in zip(ms, got.lots, strict=True)) == fill
    used = [i for i, x in enumerate(got.lots) if x]
    assert k is None or len(used) <= k
    assert all(curves[i].lo <= got.lots[i] <= curves[i].hi for i in used)
    assert abs(sum(curves[i].cost(got.lots[i]) + legs[i] for i in used) - got.total) <= 1e-9 * (1 + abs(want))
