"""The cross-group box solver (three or more lot sizes included) against enumeration."""

from __future__ import annotations

import itertools

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sor_desktop.core.lot_curve import build_curve
from sor_desktop.core.lot_fill import max_fill
from sor_desktop.core.lot_groups import Group, min_cost
from sor_desktop.core.orders import Side
from tests.core.router_cases import venue

# lot sizes in grains of 0.0001: 1, 2, 3, 5, 7, 10 (7 breaks every divisibility chain)
STEPS = {1: "0.0001", 2: "0.0002", 3: "0.0003", 5: "0.0005", 7: "0.0007", 10: "0.001"}


@st.composite
def group_sets(draw: st.DrawFn):
    sizes = draw(st.lists(st.sampled_from(sorted(STEPS)), min_size=2, max_size=4, unique=True))
    curves, ms, lows, ups = [], [], [], []
    for i, m in enumerate(sizes):
        step = float(STEPS[m])
        levels = draw(st.lists(st.tuples(st.integers(1, 40), st.integers(1, 12)), min_size=1, max_size=4))
        price, asks = 100.0, []
        for gap, quarters in levels:
            price += gap * 0.1
            asks.append([round(price, 1), step * quarters / 4])
        v = venue(f"g{i}", asks, [[99.0, 1.0]], step=STEPS[m], size=1,
                  fee=draw(st.sampled_from(["0", "0.0003", "0.001"])))
        c = build_curve(v.book.asks, v.instrument, Side.BUY)
        lo = draw(st.integers(0, c.hi))
        curves.append(c)
        ms.append(m)
        lows.append(lo)
        ups.append(draw(st.integers(lo, c.hi)))
    target = draw(st.integers(0, sum(m * u for m, u in zip(ms, ups, strict=True)) + 5))
    return curves, ms, lows, ups, target


@settings(max_examples=300, deadline=None)
@given(group_sets())
def test_box_solver_matches_enumeration(case):
    curves, ms, lows, ups, target = case
    keep = [i for i in range(len(ms)) if ups[i] > 0]  # as lot_solver._groups: an empty venue is no group
    assume(len(keep) >= 2)
    curves, ms, lows, ups = ([seq[i] for i in keep] for seq in (curves, ms, lows, ups))
    groups = [Group(m, [i], curves, lows, ups) for i, m in enumerate(ms)]
    best: dict[int, float] = {}
    for xs in itertools.product(*(range(lo, up + 1) for lo, up in zip(lows, ups, strict=True))):
        fill = sum(m * x for m, x in zip(ms, xs, strict=True))
        cost = sum(c.cost(x) for c, x in zip(curves, xs, strict=True))
        if fill <= target and cost < best.get(fill, float("inf")):
            best[fill] = cost
    got = max_fill(groups, target)
    if not best:
        assert got is None
        return
    top = max(best)
    assert got == top
    found = min_cost(groups, top)
    assert found is not None
    assert abs(found[0] - best[top]) <= 1e-9 * (1 + abs(best[top]))
    assert sum(g.m * y for g, y in zip(groups, found[1], strict=True)) == top
    # every other reachable fill is solved exactly too (the window DP, not only the top)
    for fill, cost in best.items():
        f = min_cost(groups, fill)
        assert f is not None and abs(f[0] - cost) <= 1e-9 * (1 + abs(cost))


def test_a_decided_box_reused_at_another_target_keeps_that_targets_fill_bound(monkeypatch):
    """The decided boxes keep each fill's cheapest plan; the bound on the largest fill belongs to
    the target asked (a cut search at a larger target can leave a larger fill open)."""
    from sor_desktop.core import lot_solver

    asks = []
    a = venue("a", [[100.0, 1.0]], [[99.0, 1.0]], step="0.0003", size=1)
    b = venue("b", [[100.1, 1.0]], [[99.0, 1.0]], step="0.0005", size=1)
    c = venue("c", [[100.2, 1.0]], [[99.0, 1.0]], step="0.0007", size=1)
    curves = [build_curve(v.book.asks, v.instrument, Side.BUY) for v in (a, b, c)]
    answers = iter([(30, 30), (30, 37)])  # proven at the first target, cut at the second

    def bounded(groups, target):  # type: ignore[no-untyped-def]
        asks.append(target)
        return next(answers)

    monkeypatch.setattr(lot_solver, "max_fill_bounded", bounded)
    boxes = lot_solver._DecidedBoxes(curves, [3, 5, 7])
    low, up = [0, 0, 0], [c.hi for c in curves]
    first = boxes.solve(low, up, 31)
    again = boxes.solve(low, up, 40)
    assert asks == [31, 40] and first is not None and again is not None
    assert (first.fill, first.upper) == (30, 30)
    assert (again.fill, again.upper) == (30, 37) and again.lots == first.lots  # the plan is reused
