"""Hand-worked router cases: fees, splits, exclusions, limit prices, reasons, units."""

from __future__ import annotations

import numpy as np
import pytest

from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.depth import fill_cost, fill_curve, price_impact_bps
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.orders import Side
from sor_desktop.core.plan import AmountUnit, VenueInput
from sor_desktop.core.router import RouteError, plan_route
from tests.core.router_cases import SYMBOL, market, request, venue

BIDS = [[90.0, 50.0]]


def legs(plan):
    return {lg.venue: lg.contracts for lg in plan.legs}


def test_fees_decide_between_close_prices():
    # A: 100.00 * 1.0010 = 100.100 all-in; B: 100.05 * 1.0002 = 100.070 all-in
    a = venue("a", [[100.0, 5]], BIDS, fee="0.001")
    b = venue("b", [[100.05, 5]], BIDS, fee="0.0002")
    plan = plan_route(request(Side.BUY, 1), [a, b])
    assert legs(plan) == {"b": "1"}
    assert plan.total_cost == pytest.approx(100.05 * 1.0002)
    assert plan.single_venue_is_best and plan.savings_quote == 0


def test_split_beats_the_best_single_venue_and_says_by_how_much():
    a = venue("a", [[100.0, 1], [102.0, 5]], BIDS, fee="0")
    b = venue("b", [[101.0, 5]], BIDS, fee="0")
    plan = plan_route(request(Side.BUY, 2), [a, b])
    assert legs(plan) == {"a": "1", "b": "1"}
    assert plan.total_cost == pytest.approx(201.0)
    assert plan.best_single is not None and plan.best_single.total_cost == pytest.approx(202.0)
    assert plan.savings_quote == pytest.approx(1.0)
    assert plan.savings_bps == pytest.approx(1.0 / 201.0 * 1e4)
    assert not plan.single_venue_is_best
    assert sorted(lg.share for lg in plan.legs) == pytest.approx([0.5, 0.5])


def test_sell_maximises_proceeds_after_fees():
    a = venue("a", [[200.0, 1]], [[100.0, 1], [98.0, 5]], fee="0")
    b = venue("b", [[200.0, 1]], [[99.0, 5]], fee="0.001")
    plan = plan_route(request(Side.SELL, 2), [a, b])
    # second unit: a at 98 vs b at 99 * 0.999 = 98.901
    assert legs(plan) == {"a": "1", "b": "1"}
    assert plan.total_cost == pytest.approx(100.0 + 99.0 * 0.999)


def test_unusable_venues_are_excluded_with_their_reason():
    good = venue("good", [[100.0, 5]], BIDS)
    stale = venue("stale", [[90.0, 5]], [[80.0, 1]], excluded="stale book (12 s old)")
    crossed = VenueInput(BookSnapshot.from_lists("crossed", SYMBOL, 0, [[101.0, 1]], [[100.0, 1]]),
                         Instrument.from_market(market(), "crossed"))
    empty = VenueInput(BookSnapshot.from_lists("empty", SYMBOL, 0, [], []),
                       Instrument.from_market(market(), "empty"))
    no_margin = venue("broke", [[95.0, 5]], BIDS, cap_base=0.0)
    plan = plan_route(request(Side.BUY, 1), [good, stale, crossed, empty, no_margin])
    assert legs(plan) == {"good": "1"}
    reasons = dict(plan.excluded)
    assert reasons["stale"] == "stale book (12 s old)"
    assert "crossed" in reasons["crossed"] and reasons["empty"] == "book is empty"
    assert "cap" in reasons["broke"]


@pytest.mark.parametrize("side, worst, slip, expected", [
    (Side.BUY, 100.3, 5.0, "100.4"),  # 100.3 * 1.0005 = 100.35015 -> up to 100.4
    (Side.SELL, 99.7, 5.0, "99.6"),  # 99.7 * 0.9995 = 99.65015 -> down to 99.6
    (Side.BUY, 100.0, 0.0, "100"),  # already on the tick: not moved
    (Side.BUY, 100.0, 10.0, "100.1"),  # 100.1 exactly: not rounded further
])
def test_limit_price_moves_against_the_trader_and_rounds_away(side, worst, slip, expected):
    v = venue("a", [[worst, 1]] if side is Side.BUY else [[150.0, 1]],
              [[worst, 1]] if side is Side.SELL else [[50.0, 1]], tick="0.1")
    plan = plan_route(request(side, 1, slippage_bps=slip), [v])
    assert plan.legs[0].limit_price == expected
    assert plan.legs[0].worst_price == worst


def test_minimum_notional_is_semi_continuous():
    a = venue("a", [[100.0, 1.0]], BIDS, fee="0")
    b = venue("b", [[99.0, 10.0]], BIDS, fee="0", min_notional=200)  # needs >= 2.021 BTC
    small = plan_route(request(Side.BUY, 1.5), [a, b])
    assert legs(small) == {"a": "1"} and small.filled == pytest.approx(1.0)
    assert small.unfilled == pytest.approx(0.5) and "minimums" in (small.unfilled_reason or "")
    big = plan_route(request(Side.BUY, 3), [a, b])
    assert legs(big) == {"b": "3"}


def test_unfilled_reasons():
    a = venue("a", [[100.0, 1.0]], BIDS)
    b = venue("b", [[101.0, 1.0]], BIDS)
    assert plan_route(request(Side.BUY, 5), [a, b]).unfilled_reason == "not enough depth"
    capped = venue("c", [[100.0, 9.0]], BIDS, cap_base=0.5)
    plan = plan_route(request(Side.BUY, 1), [capped])
    assert plan.filled == pytest.approx(0.5) and "cap" in (plan.unfilled_reason or "")
    one = plan_route(request(Side.BUY, 2, max_venues=1), [a, b])
    assert one.filled == pytest.approx(1.0) and one.unfilled_reason == "max venues (1) limits the fill"
    grid = plan_route(request(Side.BUY, 1.0005), [a, b])
    assert grid.filled == pytest.approx(1.0) and "lot" in (grid.unfilled_reason or "")
    assert grid.unfilled == pytest.approx(0.0005)


def test_contracts_of_a_fraction_of_a_coin_are_exact_strings():
    mexc = venue("mexc", [[100.0, 90000]], BIDS, step="1", size="0.0001", fee="0.0002", min_amount="1")
    plan = plan_route(request(Side.BUY, 0.7345), [mexc])
    assert plan.legs[0].contracts == "7345"
    assert plan.legs[0].amount_base == pytest.approx(0.7345)


def test_quote_unit_fills_the_largest_notional_not_above_the_target():
    v = venue("a", [[100.0, 10.0]], BIDS, fee="0")
    plan = plan_route(request(Side.BUY, 250.05, AmountUnit.QUOTE), [v])
    assert plan.filled == pytest.approx(2.5) and plan.notional == pytest.approx(250.0)
    assert plan.unfilled == pytest.approx(0.05)


def test_quote_unit_with_max_venues_stays_within_the_notional():
    # the walk would use all three venues; with one venue the plan goes deeper and must shrink
    vs = [venue(n, [[100.0 + i, 1.0], [110.0 + i, 50.0]], BIDS, fee="0") for i, n in enumerate("abc")]
    plan = plan_route(request(Side.BUY, 301.0, AmountUnit.QUOTE, max_venues=1), vs)
    assert len(plan.legs) == 1 and plan.notional <= 301.0
    # a: 1 @ 100 then 110 each: 100 + 110 * 1.827 = 300.97 <= 301 < 100 + 110 * 1.828 = 301.08
    assert legs(plan) == {"a": "2.827"}


@pytest.mark.parametrize("amount", [0, -1, float("nan"), float("inf")])
def test_bad_amounts_are_refused(amount):
    with pytest.raises(RouteError):
        plan_route(request(Side.BUY, amount), [venue("a", [[100.0, 1]], BIDS)])


def test_fill_cost_walks_the_book():
    ins = Instrument.from_market(market(fee="0.001"), "a")
    asks = np.array([[100.0, 1.0], [101.0, 2.0]])
    fc = fill_cost(asks, ins, Side.BUY, 2.0)
    assert (fc.base, fc.notional, fc.avg_price, fc.worst_price) == pytest.approx((2.0, 201.0, 100.5, 101.0))
    assert fc.fee == pytest.approx(0.201) and fc.cost == pytest.approx(201.201)
    base, avg, cost = fill_curve(asks, ins, Side.BUY, [0.5, 3.0, 5.0])
    assert base.tolist() == pytest.approx([0.5, 3.0, 3.0])
    assert avg.tolist() == pytest.approx([100.0, 302.0 / 3, 302.0 / 3])
    assert cost[0] == pytest.approx(50.05)
    assert price_impact_bps(asks, ins, Side.BUY, [3.0])[0] == pytest.approx((302 / 3 - 100) / 100 * 1e4)
