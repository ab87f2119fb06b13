"""Small lot-search instances drawn by hypothesis for the searches of ``lot_solver`` (checked
against enumeration): venues of a few lot sizes, short ask books, minimums and leg costs; and the
enumerated cheapest plan of a box of lot-size groups at a fill (``min_cost``'s brute force)."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Protocol

from hypothesis import strategies as st

from sor_desktop.core.lot_curve import LotCurve, build_curve
from sor_desktop.core.lot_fill import Sized
from sor_desktop.core.orders import Side
from tests.core.router_cases import venue


def drawn_curves(draw: st.DrawFn, *, steps: Mapping[int, str], n: int, prefix: str, max_levels: int,
                 parts: tuple[int, int], per_lot: int, offsets: Sequence[float], legs: Sequence[float]
                 ) -> tuple[list[LotCurve], list[int], list[float]]:
    """``n`` buy curves: each a lot size of ``steps`` (grains -> lot), up to ``max_levels`` levels
    of ``parts`` lots / ``per_lot`` each (a level may hold part of a lot) above 100 + one of
    ``offsets``, a minimum drawn within its depth; with each venue's lot in grains and its leg cost
    (one of ``legs``)."""
    curves, ms, costs = [], [], []
    for i in range(n):
        m = draw(st.sampled_from(sorted(steps)))
        step = float(steps[m])
        levels = draw(st.lists(st.tuples(st.integers(1, 40), st.integers(*parts)), min_size=1,
                               max_size=max_levels))
        price, asks = 100.0 + draw(st.sampled_from(list(offsets))), []
        for gap, q in levels:
            price += gap * 0.1
            asks.append([round(price, 1), step * q / per_lot])
        v = venue(f"{prefix}{i}", asks, [[99.0, 1.0]], step=steps[m], size=1,
                  fee=draw(st.sampled_from(["0", "0.0004", "0.001"])))
        c = build_curve(v.book.asks, v.instrument, Side.BUY)
        curves.append(replace(c, lo=draw(st.integers(1, c.hi))))
        ms.append(m)
        costs.append(draw(st.sampled_from(list(legs))))
    return curves, ms, costs


class CostGroup(Sized, Protocol):
    """A lot-size group as the box searches see it: its count range and ``cost(y)``."""

    def cost(self, y: int) -> float: ...


def enumerated_min_cost(groups: Sequence[CostGroup], fill: int) -> float | None:
    """The least cost of counts within the groups' ranges filling exactly ``fill``, every count
    tried (None: no counts fill it)."""
    best = None
    for ys in itertools.product(*(range(g.low, g.high + 1) for g in groups)):
        if sum(g.m * y for g, y in zip(groups, ys, strict=True)) == fill:
            cost = sum(g.cost(y) for g, y in zip(groups, ys, strict=True))
            best = cost if best is None else min(best, cost)
    return best
