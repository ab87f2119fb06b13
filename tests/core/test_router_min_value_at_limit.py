"""The minimum order value is met at the price the venue checks it at: the order's limit. A sell's
IOC limit sits below its worst level by the slippage tolerance, so a leg whose walked notional
just reached the minimum (34 DOGE at 0.14709: 5.001 USDT) went out with a limit of 0.14701
(4.998 USDT) and was refused before sending: "notional 5.00 is below the minimum 5"."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sor_desktop.core.orders import Side
from sor_desktop.core.plan import PlanRequest
from sor_desktop.core.router import plan_route
from tests.core.router_cases import venue


def _doge(bid: float, ask: float):
    return venue("bybit", [[ask, 1e7]], [[bid, 1e7]], step="1", size="1", tick="0.00001", fee="0.00055",
                 min_notional="5")


@pytest.mark.parametrize("side", [Side.SELL, Side.BUY])
@pytest.mark.parametrize("amount", [33, 34, 35, 36, 40])
@pytest.mark.parametrize("slippage", [0.0, 5.0, 50.0])
def test_every_planned_leg_meets_the_minimum_at_its_limit(side: Side, amount: int, slippage: float) -> None:
    v = _doge(0.14709, 0.14711)
    plan = plan_route(PlanRequest(side, float(amount), slippage_bps=slippage, leg_cost=0.0), [v])
    for lg in plan.legs:
        assert v.instrument.amount_problem(Decimal(lg.contracts), Decimal(lg.limit_price)) is None, lg


def test_the_smallest_sell_is_the_first_that_meets_the_minimum_at_its_limit() -> None:
    v = _doge(0.14709, 0.14711)
    plan = plan_route(PlanRequest(Side.SELL, 40.0, slippage_bps=5.0, leg_cost=0.0), [v])
    assert plan.legs
    small = plan_route(PlanRequest(Side.SELL, 34.0, slippage_bps=5.0, leg_cost=0.0), [v])
    assert not small.legs and "its minimum order (35 contracts)" in small.excluded[0][1]
