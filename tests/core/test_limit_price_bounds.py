"""A slippage tolerance of 100 % or more would put a sell's IOC limit at zero or below (an order
with no price protection at all): the router refuses it instead of planning such a leg."""

from __future__ import annotations

import pytest

from sor_desktop.core.orders import Side
from sor_desktop.core.router import RouteError, plan_route
from tests.core.router_cases import request, venue


@pytest.mark.parametrize("slip", [10_000.0, 20_000.0, 1e6])
def test_slippage_of_100_percent_or_more_is_refused(slip: float) -> None:
    v = venue("a", [[100.0, 1.0]], [[99.0, 1.0]], tick="0.1")
    for side in (Side.SELL, Side.BUY):
        with pytest.raises(RouteError, match="slippage"):
            plan_route(request(side, 1, slippage_bps=slip), [v])


def test_a_large_but_valid_slippage_keeps_the_sell_limit_positive() -> None:
    v = venue("a", [[100.0, 1.0]], [[99.0, 1.0]], tick="0.1")
    plan = plan_route(request(Side.SELL, 1, slippage_bps=9_000.0), [v])
    assert plan.legs[0].limit_price == "9.9"  # 99 x (1 - 0.9) = 9.9, on the tick
