"""The router with futures costs: the account's fee, funding over a hold, bracket and
liquidation-distance caps. Exactness against the oracles, with every futures term computed here
by hand (not by core.futures_costs)."""

from __future__ import annotations

import random
from dataclasses import replace
from decimal import Decimal

import pytest

from sor_desktop.core.brackets import Bracket, checked, liquidation_price
from sor_desktop.core.funding import HOUR_MS, Funding
from sor_desktop.core.orders import Side
from sor_desktop.core.plan import AmountUnit, PlanRequest
from sor_desktop.core.router import RouteError, plan_route
from tests.core.oracle import brute_force, enumeration_size, grain_of, milp_optimum, usable_inputs
from tests.core.router_cases import assert_lot_exact, internal_cost, plan_legs, request, tolerance, venue

NOW = 1_700_000_000_000
ASKS = [[100.0, 0.5], [100.2, 0.5], [100.5, 1.0]]
BIDS = [[99.9, 0.5], [99.7, 0.5], [99.4, 1.0]]


def _req(side=Side.BUY, amount=1.0, **kw):
    return PlanRequest(side=side, amount=amount, leg_cost=0.0, slippage_bps=0.0, now_ms=NOW, **kw)


def test_24h_long_goes_to_the_cheaper_funding_venue_and_splits_without_a_hold():
    """The issue's test: identical books, +0.05 % and -0.05 % per 8 h."""
    pay = replace(venue("payer", ASKS, BIDS, fee="0.0004"), funding=Funding(0.0005, 8, NOW + HOUR_MS))
    get = replace(venue("getter", ASKS, BIDS, fee="0.0004"), funding=Funding(-0.0005, 8, NOW + HOUR_MS))
    held = plan_route(_req(amount=1.0, hold_hours=24), [pay, get])
    assert [lg.venue for lg in held.legs] == ["getter"]
    assert held.filled == pytest.approx(1.0)
    # the long receives 0.05 % x mid 99.95 x 3 settlements per BTC
    assert held.legs[0].funding == pytest.approx(-0.0005 * 99.95 * 3 * 1.0)
    assert held.funding == pytest.approx(held.legs[0].funding)
    free = plan_route(_req(amount=1.0), [pay, get])
    assert sorted(lg.venue for lg in free.legs) == ["getter", "payer"]
    assert all(lg.funding is None for lg in free.legs) and free.funding is None
    # a short goes the other way: it receives the positive rate
    short = plan_route(_req(Side.SELL, 1.0, hold_hours=24), [pay, get])
    assert [lg.venue for lg in short.legs] == ["payer"]


def test_a_leg_whose_funding_is_not_known_is_named_not_counted_as_zero():
    """`plan --hold-hours 8` on recorded books said "funding over 8 h: +0.00 USDT": the snapshots
    carried no funding, and nothing told the trader it was unknown rather than nil."""
    known = replace(venue("known", ASKS, BIDS, fee="0.0004"), funding=Funding(0.0001, 8, NOW + HOUR_MS))
    blind = venue("blind", [[100.0, 1.0]], [[99.9, 1.0]], fee="0.0004")
    plan = plan_route(_req(amount=2.0, hold_hours=8), [known, blind])
    assert {lg.venue for lg in plan.legs} == {"known", "blind"}
    assert plan.funding_unknown == ("blind",)
    assert plan.to_json()["funding_unknown"] == ["blind"]
    assert plan_route(_req(amount=0.3, hold_hours=8), [known]).funding_unknown == ()
    assert plan_route(_req(amount=2.0), [known, blind]).funding_unknown == ()  # no hold: no funding asked


def test_funding_beats_a_better_price_only_when_the_hold_is_long_enough():
    cheap = replace(venue("cheap", [[100.0, 5]], [[99.9, 5]], fee="0.0004"),
                    funding=Funding(0.0003, 8, NOW + HOUR_MS))  # 0.03 % per 8 h
    dear = replace(venue("dear", [[100.05, 5]], [[99.95, 5]], fee="0.0004"),
                   funding=Funding(0.0, 4, NOW + HOUR_MS))
    # price gap 5 bps; funding 3 bps per settlement: one settlement keeps the cheap book, two do not
    assert [lg.venue for lg in plan_route(_req(amount=1, hold_hours=8), [cheap, dear]).legs] == ["cheap"]
    assert [lg.venue for lg in plan_route(_req(amount=1, hold_hours=16), [cheap, dear]).legs] == ["dear"]


def test_account_fee_overrides_the_market_default():
    a = venue("a", ASKS, BIDS, fee="0.0005")
    b = venue("b", [[100.03, 5]], [[99.87, 5]], fee="0.0005")
    # default fees: a's cheaper book wins the first 0.5
    assert plan_route(_req(amount=0.5), [a, b]).legs[0].venue == "a"
    vip = replace(b, fee=0.0001)  # the account pays 1 bp on b: 100.03 x 1.0001 < 100 x 1.0005
    plan = plan_route(_req(amount=0.5), [a, vip])
    assert [lg.venue for lg in plan.legs] == ["b"]
    assert plan.legs[0].fee == pytest.approx(0.5 * 100.03 * 0.0001)
    assert plan.savings_parts is None or "fee" in plan.savings_parts


def test_savings_split_into_price_fee_and_funding():
    a = replace(venue("a", [[100.0, 0.6], [101.0, 5]], [[99.9, 5]], fee="0.0004"),
                funding=Funding(0.0001, 8, NOW + HOUR_MS))
    b = replace(venue("b", [[100.0, 0.6], [101.0, 5]], [[99.9, 5]], fee="0.0002"),
                funding=Funding(-0.0001, 8, NOW + HOUR_MS))
    plan = plan_route(_req(amount=1.0, hold_hours=8), [a, b])
    assert len(plan.legs) == 2 and plan.best_single is not None
    parts = plan.savings_parts
    assert parts is not None
    assert sum(parts.values()) == pytest.approx(plan.savings_quote)
    assert parts["price"] > 0  # the split avoids b's 101 level
    single = plan.best_single
    assert parts["fee"] == pytest.approx(single.fee - plan.fees)
    assert parts["funding"] == pytest.approx((single.funding or 0) - (plan.funding or 0))


BRACKETS = checked([Bracket(100.0, 50, 0.01, 0.0), Bracket(300.0, 20, 0.02, 1.0, 100.0),
                    Bracket(1_000.0, 10, 0.05, 10.0, 300.0)])


def test_bracket_caps_the_position_after_the_fill():
    a = replace(venue("a", ASKS, BIDS, fee="0.0004"), brackets=BRACKETS, leverage=20, mark_price=100.0)
    b = venue("b", [[101.0, 10]], [[99.0, 10]], fee="0.0004")
    req = _req(amount=2.0, min_liq_distance=None)
    plan = plan_route(req, [a, b])
    by = {lg.venue: lg for lg in plan.legs}
    # 20x is allowed up to 300 notional: 3 BTC at the mark 100; a has 2 BTC of asks, so all of it
    assert by["a"].amount_base == pytest.approx(2.0)
    # a long of 1.5 BTC already held: only 1.5 more fit under 300
    held = plan_route(req, [replace(a, position_base=1.5), b])
    assert {lg.venue: lg.amount_base for lg in held.legs} == pytest.approx({"a": 1.5, "b": 0.5})
    # a short of 1 BTC held: a buy first closes it, so up to 4 BTC fit (a's depth binds)
    assert plan_route(req, [replace(a, position_base=-1.0), b]).legs[0].amount_base == pytest.approx(2.0)
    # at 50x only the first tier (100 notional): 1 BTC
    hi_lev = plan_route(req, [replace(a, leverage=50), b])
    assert {lg.venue: lg.amount_base for lg in hi_lev.legs} == pytest.approx({"a": 1.0, "b": 1.0})


def test_liquidation_distance_caps_legs_and_legs_carry_the_price():
    a = replace(venue("a", ASKS, BIDS, fee="0.0004"), brackets=BRACKETS, leverage=10, mark_price=100.0)
    b = venue("b", [[101.0, 10]], [[99.0, 10]], fee="0.0004")
    # at 10x: tier 1 distance 1 - 0.9/0.99 = 9.1 %, tier 2 1 - (0.9 - 1/N)/0.98 ... fine at 5 %
    plan = plan_route(_req(amount=2.5), [a, b])
    leg = next(lg for lg in plan.legs if lg.venue == "a")
    assert leg.amount_base == pytest.approx(2.0)
    assert leg.liquidation_price == pytest.approx(
        liquidation_price(Side.BUY, leg.avg_price, leg.amount_base, 10, BRACKETS))
    assert leg.liquidation_price == pytest.approx((leg.avg_price * 0.9 - 1.0 / 2.0) / 0.98)
    assert next(lg for lg in plan.legs if lg.venue == "b").liquidation_price is None  # no brackets
    # 9 % minimum: tier 2 needs (0.9 - 1/N)/0.98 <= 0.91, i.e. N <= 1 / (0.9 - 0.91 x 0.98) = 121.95
    capped = plan_route(_req(amount=2.0, min_liq_distance=0.09), [a, b])
    cap_notional = 1.0 / (0.9 - 0.91 * 0.98)
    assert {lg.venue: lg.amount_base for lg in capped.legs}["a"] == pytest.approx(
        min(2.0, int(cap_notional / 100.0 / 0.001) * 0.001))
    off = plan_route(_req(amount=2.0, min_liq_distance=0.0), [replace(a, leverage=20), b])
    assert {lg.venue: lg.amount_base for lg in off.legs}["a"] == pytest.approx(2.0)
    on = plan_route(_req(amount=2.0, min_liq_distance=0.05), [replace(a, leverage=20), b])
    assert [lg.venue for lg in on.legs] == ["b"]  # 20x is within 5 % of liquidation on every tier
    assert dict(on.excluded)["a"] == "no room under the liquidation distance 5 %"  # not "no margin"


@pytest.mark.parametrize("bad", [dict(hold_hours=-1), dict(hold_hours=float("nan")),
                                 dict(min_liq_distance=1.5)])
def test_bad_futures_terms_are_route_errors(bad):
    with pytest.raises(RouteError):
        plan_route(_req(**bad), [venue("a", ASKS, BIDS)])
    with pytest.raises(RouteError):
        plan_route(_req(), [replace(venue("a", ASKS, BIDS), fee=float("nan"))])


# -- exactness ----------------------------------------------------------------------------------

LOTS = [("0.001", "1"), ("1", "0.0001"), ("0.002", "1"), ("5", "0.0001")]


def _random_instance(rng: random.Random):
    venues, per_base, oracle_venues = [], {}, []
    side = rng.choice([Side.BUY, Side.SELL])
    hold = rng.choice([8.0, 24.0, 72.0])
    for i in range(rng.choice([2, 3])):
        step, size = rng.choice(LOTS)
        lot = float(Decimal(step) * Decimal(size))
        price = 100.0 + rng.choice([0.0, 0.1, 0.3])
        asks, bids = [], []
        for k in range(rng.randint(1, 4)):
            amount = float(Decimal(step) * rng.randint(1, 24) / 4)
            asks.append([round(price + 0.1 * k * rng.randint(1, 3), 1), amount])
            bids.append([round(price - 0.5 - 0.1 * k * rng.randint(1, 3), 1), amount])
        v = venue(f"v{i}", asks, bids, step=step, size=size, fee="0.0005",
                  min_amount=rng.choice([None, str(Decimal(step) * 2)]))
        fee = rng.choice([None, 0.0001, 0.0002, 0.0007])
        rate = rng.choice([-0.0005, -0.0001, 0.0, 0.0001, 0.0003])
        interval = rng.choice([1, 4, 8])
        nxt = NOW + rng.randint(1, interval * 60) * 60_000
        mark = price
        brackets = checked([Bracket(lot * mark * rng.randint(3, 20), 20, 0.01),
                            Bracket(lot * mark * 1000, 5, 0.05, 0.5, 1.0)]) if rng.random() < 0.5 else None
        fut = replace(v, fee=fee, funding=Funding(rate, interval, nxt), mark_price=mark,
                      brackets=brackets, leverage=10.0 if brackets else None)
        venues.append(fut)
        # the oracle's own view: the instrument at the account's fee, funding per base by hand
        crossed = sum(1 for t in range(nxt, NOW + int(hold * HOUR_MS) + 1, interval * HOUR_MS))
        per_base[v.instrument.venue] = (1 if side is Side.BUY else -1) * rate * mark * crossed
        ins = v.instrument if fee is None else replace(v.instrument, taker_fee=Decimal(repr(fee)))
        # 10x is only in the first tier: the position may not pass its cap (0.01 mmr, 10x: 9 % distance)
        cap = None if brackets is None else brackets[0].cap / mark
        oracle_venues.append(replace(v, instrument=ins, cap_base=cap))
    depth = sum(float(sum(a for _, a in (v.book.asks if side is Side.BUY else v.book.bids)))
                * float(v.instrument.contract_size) for v in venues)  # base units
    unit = rng.choice([AmountUnit.BASE, AmountUnit.BASE, AmountUnit.QUOTE])
    frac = rng.uniform(0.1, 1.2)
    amount = round(depth * frac, 6) if unit is AmountUnit.BASE else round(depth * frac * 100, 2)
    req = replace(request(side, max(amount, 1e-4), unit, rng.choice([None, 1, 2]), 0.0,
                          leg_cost=rng.choice([0.0, 0.01])),
                  hold_hours=hold, now_ms=NOW, min_liq_distance=0.05)
    return req, venues, oracle_venues, per_base


def _check_exact(plan, req, venues, opt):
    grain = float(grain_of(usable_inputs(req, venues)))
    assert abs(plan.filled - opt.fill_base) < grain / 2, (plan.to_json(), opt)
    got = internal_cost(plan) + (plan.funding or 0.0) + plan_legs(plan, venues)
    assert abs(got - opt.cost) <= tolerance(plan.notional), (got, opt.cost, plan.to_json(), opt)


@pytest.mark.parametrize("seed", range(60))
def test_exact_with_fees_funding_and_brackets_brute_force(seed):
    rng = random.Random(seed)
    req, venues, oracle_venues, per_base = _random_instance(rng)
    if enumeration_size(req, oracle_venues) > 60_000:
        pytest.skip("too large to enumerate")
    plan = plan_route(req, venues)
    opt = brute_force(req, oracle_venues, per_base)
    _check_exact(plan, req, oracle_venues, opt)
    assert_lot_exact(plan, req, oracle_venues)


@pytest.mark.parametrize("seed", range(20))
def test_exact_with_fees_funding_and_brackets_milp(seed):
    pytest.importorskip("scipy.optimize")
    rng = random.Random(1000 + seed)
    req, venues, oracle_venues, per_base = _random_instance(rng)
    req = replace(req, unit=AmountUnit.BASE)
    plan = plan_route(req, venues)
    opt = milp_optimum(req, oracle_venues, per_base)
    _check_exact(plan, req, oracle_venues, opt)
