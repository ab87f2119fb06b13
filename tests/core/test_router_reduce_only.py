"""Reduce-only legs capped by the position's own contracts (``VenueInput.reduce_contracts``): an
inverse leg that takes all the cap allows is exactly the contracts held, never one more nor one
short, whatever the book; and the unfilled reason names reduce-only and the venue count."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from sor_desktop.core.orders import Side
from sor_desktop.core.plan import PlanRequest
from sor_desktop.core.router import plan_route
from tests.core.real_instances import inverse_venue
from tests.core.router_cases import venue

HELD = Decimal(293_078)


def _inverse(mid: float):
    bids = [(mid - 0.5 * (k + 1), 0.8) for k in range(40)]
    asks = [(mid + 0.5 * (k + 1), 0.8) for k in range(40)]
    return inverse_venue(asks, bids)


@pytest.mark.parametrize("mid", [60_000.0, 60_007.5, 59_993.0, 61_234.5, 58_001.0])
def test_an_inverse_leg_up_to_its_position_closes_exactly_the_contracts_held(mid):
    v = replace(_inverse(mid), reduce_contracts=HELD)
    plan = plan_route(PlanRequest(Side.SELL, 20.0), [v])
    (leg,) = plan.legs
    assert Decimal(leg.contracts) == HELD
    assert plan.filled == leg.amount_base
    assert "reduce-only" in (plan.unfilled_reason or "")


def test_an_inverse_reduce_only_leg_of_less_than_the_position_is_what_was_asked():
    v = replace(_inverse(60_000.0), reduce_contracts=HELD)
    plan = plan_route(PlanRequest(Side.SELL, 2.0), [v])
    (leg,) = plan.legs
    assert Decimal(leg.contracts) < HELD and leg.amount_base <= 2.0
    assert 2.0 - leg.amount_base < 2 / 59_000  # whole contracts: less than one short


def test_the_venue_count_and_reduce_only_are_named_when_they_limit_the_fill():
    asks = [[60_000.5 + k, 2.0] for k in range(20)]
    bids = [[59_999.5 - k, 2.0] for k in range(20)]
    lin = replace(venue("binanceusdm", asks, bids, step="0.001", size="1", tick="0.1", fee="0.0004"),
                  reduce_contracts=Decimal("1.643"))
    mexc = replace(venue("mexc", asks, [[p, q * 10_000] for p, q in bids], step="1", size="0.0001", tick="0.1",
                         fee="0.0002"), reduce_contracts=Decimal(16_421))
    inv = replace(_inverse(60_000.0), reduce_contracts=HELD)
    plan = plan_route(PlanRequest(Side.SELL, 20.0, max_venues=1), [lin, mexc, inv])
    (leg,) = plan.legs
    assert Decimal(leg.contracts) == HELD
    assert plan.unfilled_reason == "not enough position to reduce (reduce-only); max venues (1) limits the fill"
    both = plan_route(PlanRequest(Side.SELL, 20.0), [lin, mexc, inv])
    assert {lg.venue: Decimal(lg.contracts) for lg in both.legs} == {
        "binanceusdm": Decimal("1.643"), "mexc": Decimal(16_421), "bybit": HELD}
    assert both.unfilled_reason == "not enough position to reduce (reduce-only)"


@pytest.mark.parametrize(("on_close", "planned"), [(False, True), (True, False)])
def test_a_close_under_the_minimum_order_value_is_planned_where_the_venue_takes_it(on_close, planned):
    """A 0.0005 BTC (30 USDT) position on a venue with a 100 USDT minimum order value: Binance
    and Bybit take a reduce-only close under it, so the preview plans it; elsewhere it is excluded
    with the minimum named."""
    asks = [[60_000.5 + k, 2.0] for k in range(20)]
    bids = [[59_999.5 - k, 2.0] for k in range(20)]
    v = venue("bybit", asks, bids, step="0.0001", size="1", tick="0.1", fee="0.00055")
    v = replace(v, instrument=replace(v.instrument, min_notional=Decimal(100), min_notional_on_close=on_close),
                reduce_contracts=Decimal("0.0005"))
    plan = plan_route(PlanRequest(Side.SELL, 1.0, leg_cost=0.0), [v])
    assert bool(plan.legs) is planned
    if planned:
        assert Decimal(plan.legs[0].contracts) == Decimal("0.0005")
    else:
        assert "minimum order value (100" in (plan.excluded[0][1] if plan.excluded else plan.unfilled_reason or "")


def test_the_best_single_venue_names_an_inverse_market_as_the_legs_do():
    """"one venue alone is best: bybit" where the only leg was on bybit BTC/USD:BTC, and "saves
    ... against bybit alone" of a plan all on bybit's linear market: the inverse market's name."""
    inv = _inverse(60_000.0)
    plan = plan_route(PlanRequest(Side.SELL, 2.0, leg_cost=0.0), [inv])
    assert plan.best_single is not None and plan.best_single.venue == "bybit BTC/USD:BTC"
