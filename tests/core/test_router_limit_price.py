"""A hard price limit (sweep to here, ``plan --limit-price``): a buy takes no level above it, a sell
none below it, every IOC limit stays inside it on the tick, and the plan is the exact optimum of the
books cut at the limit (issue 10, "Sweep to here sets a price limit")."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.orders import Side
from sor_desktop.core.plan import AmountUnit, VenueInput
from sor_desktop.core.router import RouteError, plan_route
from tests.core.oracle import brute_force, enumeration_size, grain_of, usable_inputs
from tests.core.router_cases import assert_lot_exact, assert_matches, request, venue
from tests.core.test_router_bruteforce import instances

BIDS = [[90.0, 50.0]]


def legs(plan):
    return {lg.venue: lg.contracts for lg in plan.legs}


def test_a_buy_takes_no_level_above_the_limit_and_its_ioc_stops_there():
    a = venue("a", [[100.0, 1.0], [100.2, 1.0], [100.5, 5.0]], BIDS, tick="0.1", fee="0")
    b = venue("b", [[100.1, 1.0], [100.4, 5.0]], BIDS, tick="0.1", fee="0")
    plan = plan_route(request(Side.BUY, 10, slippage_bps=50, limit_price=100.2), [a, b])
    assert legs(plan) == {"a": "2", "b": "1"}  # 100.0, 100.1, 100.2: nothing at 100.4 or 100.5
    assert {lg.venue: lg.limit_price for lg in plan.legs} == {"a": "100.2", "b": "100.2"}
    assert plan.filled == pytest.approx(3.0) and plan.unfilled == pytest.approx(7.0)
    assert "limit price 100.2" in (plan.unfilled_reason or "")
    assert plan.limit_price == 100.2 and plan.to_json()["limit_price"] == 100.2


def test_a_sell_takes_no_level_below_the_limit():
    a = venue("a", [[200.0, 1.0]], [[100.0, 1.0], [99.8, 1.0], [99.5, 5.0]], tick="0.1", fee="0")
    plan = plan_route(request(Side.SELL, 5, slippage_bps=100, limit_price=99.75), [a])
    assert legs(plan) == {"a": "2"}
    assert plan.legs[0].limit_price == "99.8"  # 99.8 x 0.99 = 98.8, clamped up to the tick above 99.75


def test_the_clamp_rounds_inside_the_limit_on_the_tick():
    a = venue("a", [[100.0, 5.0]], BIDS, tick="0.5", fee="0")
    plan = plan_route(request(Side.BUY, 1, slippage_bps=20, limit_price=100.45), [a])
    assert plan.legs[0].limit_price == "100"  # 100.2 -> 100.5 on the tick would pass 100.45


def test_a_fee_adjusted_limit_compares_the_all_in_price():
    # all-in: a 100.0 x 1.001 = 100.1, b 100.05 x 1.0002 = 100.07001
    a = venue("a", [[100.0, 1.0], [100.1, 1.0]], BIDS, tick="0.01", fee="0.001")
    b = venue("b", [[100.05, 1.0], [100.2, 1.0]], BIDS, tick="0.01", fee="0.0002")
    plan = plan_route(request(Side.BUY, 4, slippage_bps=30, limit_price=100.1, fee_adjusted=True), [a, b])
    assert legs(plan) == {"a": "1", "b": "1"}
    limits = {lg.venue: Decimal(lg.limit_price) for lg in plan.legs}
    assert limits["a"] == Decimal("100")  # 100.1 / 1.001 = 100 exactly: the level at the limit is in
    assert limits["b"] == Decimal("100.07")  # 100.1 / 1.0002 = 100.07998...: down to the tick
    assert limits["b"] * Decimal("1.0002") <= Decimal("100.1")


def test_no_level_within_the_limit_excludes_the_venue_and_says_why():
    a = venue("a", [[100.0, 1.0]], BIDS)
    b = venue("b", [[101.0, 1.0]], BIDS)
    plan = plan_route(request(Side.BUY, 1, limit_price=100.5), [a, b])
    assert legs(plan) == {"a": "1"}
    assert "above the limit price 100.5" in dict(plan.excluded)["b"]


@pytest.mark.parametrize("limit", [0.0, -1.0, float("nan"), float("inf")])
def test_a_bad_limit_is_refused(limit):
    with pytest.raises(RouteError, match="limit price"):
        plan_route(request(Side.BUY, 1, limit_price=limit), [venue("a", [[100.0, 1]], BIDS)])


def _cut(v: VenueInput, side: Side, limit: float, fee_adjusted: bool) -> VenueInput:
    """The venue with its book cut at the limit, written independently of the router."""
    fee = v.instrument.taker_fee if fee_adjusted else Decimal(0)
    lim = Decimal(repr(limit))

    def ok(p: float) -> bool:
        if side is Side.BUY:
            return Decimal(repr(p)) * (1 + fee) <= lim
        return Decimal(repr(p)) * (1 - fee) >= lim

    asks = [[p, a] for p, a in v.book.asks.tolist() if side is Side.SELL or ok(p)]
    bids = [[p, a] for p, a in v.book.bids.tolist() if side is Side.BUY or ok(p)]
    book = BookSnapshot.from_lists(v.book.venue, v.book.symbol, v.book.timestamp, bids, asks)
    return replace(v, book=book)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.floats(-0.3, 2.0), st.booleans())
def test_plan_under_a_limit_is_the_exact_optimum_of_the_cut_books(case, offset, fee_adjusted):
    req, venues = case
    assume(req.unit is AmountUnit.BASE)
    side = req.side
    top = [float((v.book.asks if side is Side.BUY else v.book.bids)[0, 0]) for v in venues]
    ref = min(top) if side is Side.BUY else max(top)
    limit = round(ref + offset if side is Side.BUY else ref - offset, 3)
    limited = replace(req, limit_price=limit, limit_on_fee_adjusted=fee_adjusted)
    cut = [_cut(v, side, limit, fee_adjusted) for v in venues]
    cut = [c for c in cut if len(c.book.asks if side is Side.BUY else c.book.bids)]
    assume(enumeration_size(limited, cut) <= 40_000)
    plan = plan_route(limited, venues)
    assert_lot_exact(plan, limited, venues)  # includes: no leg's worst or IOC limit past the limit
    if not cut:
        assert not plan.legs
        return
    opt = brute_force(limited, cut)
    usable = usable_inputs(limited, cut)
    grain = float(grain_of(usable)) if usable else 1.0
    assert_matches(plan, opt, grain, venues)


@pytest.mark.parametrize("limit, asks, tick, written", [
    (100000.1, [[100000.0, 1.0], [100000.2, 5.0]], "0.1", "100000.1"),  # ':g' wrote "100000": BTC above 100k
    (0.00001234, [[0.00001233, 1.0], [0.00001235, 5.0]], "0.00000001", "0.00001234"),  # ':g': "1.234e-05"
])
def test_the_reasons_write_the_limit_as_given(limit, asks, tick, written):
    bids = [[asks[0][0] / 2, 1.0]]
    a = venue("a", asks, bids, tick=tick, fee="0")  # cut at the limit: its depth within it is short
    b = venue("b", asks[1:], bids, tick=tick, fee="0")
    plan = plan_route(request(Side.BUY, 3, limit_price=limit), [a, b])
    assert f"above the limit price {written}" in dict(plan.excluded)["b"]
    assert f"within the limit price {written}" in (plan.unfilled_reason or "")
