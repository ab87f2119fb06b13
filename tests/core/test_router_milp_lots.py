"""Exactness against scipy's MILP on the lot mixes that stalled the router (issue 11): the recorded
WEEX (1e-8 BTC lot), MEXC and Bybit-inverse-sized lots beside Binance's and Bybit's 0.001, memecoin
lot counts of 1e7 to 1e9, and ten venues with at most three. Leg costs are in the objective on both
sides. No time is asserted (the bench prints it); the generous timeout only turns a stall into a
failure instead of a hang."""

from __future__ import annotations

import math

import pytest

from sor_desktop.core.orders import Side
from sor_desktop.core.plan import AmountUnit
from sor_desktop.core.router import plan_route
from tests.core.oracle import grain_of, milp_optimum, usable_inputs
from tests.core.real_instances import memecoin_instance, recorded_instance, recorded_mix, ten_venues
from tests.core.router_cases import assert_lot_exact, assert_matches, request

pytest.importorskip("scipy.optimize")
pytestmark = [pytest.mark.shared, pytest.mark.timeout(120)]


def _check(req, venues):
    plan = plan_route(req, venues)
    opt = milp_optimum(req, venues)
    grain = float(grain_of(usable_inputs(req, venues)))
    assert_matches(plan, opt, grain, venues)
    assert_lot_exact(plan, req, venues)
    return plan


# the table: no plan after 120 s, 30 s, 30 s; 2.9 s; 10.5 s
STALLS = [
    (Side.BUY, 9.103, ["weex", "bybit", "bingx"], "BTC"),
    (Side.BUY, 85.193, ["mexc", "bybit", "binanceusdm", "weex", "bingx"], "BTC"),
    (Side.BUY, 47.168, ["weex", "mexc", "bybit", "bingx"], "BTC"),
    (Side.SELL, 68.12, ["bybit", "binanceusdm", "weex", "mexc"], "ETH"),
    (Side.SELL, 118.76, ["bybit", "binanceusdm", "weex", "mexc", "bingx"], "ETH"),
]


@pytest.mark.parametrize("side, amount, names, asset", STALLS)
@pytest.mark.parametrize("leg_cost", [0.0, 1.0])
def test_the_stalled_instances_plan_and_are_exact(side, amount, names, asset, leg_cost):
    venues = recorded_instance(1, names, asset)
    _check(request(side, amount, leg_cost=leg_cost), venues)


def _amount(rng, low: float, high: float) -> float:
    return round(math.exp(rng.uniform(math.log(low), math.log(high))), 4)


@pytest.mark.parametrize("seed", range(30))
def test_recorded_lot_mixes_equal_the_milp_optimum(seed):
    venues, rng, asset = recorded_mix(seed)
    scale = 1.0 if asset == "BTC" else 20.0
    req = request(rng.choice([Side.BUY, Side.SELL]), _amount(rng, 0.003 * scale, 150 * scale),
                  max_venues=rng.choice([None, None, 1, 2, 3]), leg_cost=rng.choice([0.0, 1.0, 1.0, 5.0]))
    _check(req, venues)


@pytest.mark.parametrize("seed", range(12))
def test_memecoin_lot_counts_equal_the_milp_optimum(seed):
    venues, rng = memecoin_instance(seed, n_venues=rng_venues(seed))
    # 1e7 to 1e9 coins at 1.2345e-5 USDT: 123 to 12,345 USDT
    req = request(rng.choice([Side.BUY, Side.SELL]), float(round(_amount(rng, 1e7, 1e9))),
                  max_venues=rng.choice([None, None, 2, 3]), leg_cost=rng.choice([0.0, 1.0]))
    _check(req, venues)


def rng_venues(seed: int) -> int:
    return 2 + seed % 4


@pytest.mark.parametrize("seed", range(6))
def test_ten_venues_at_most_three_on_deep_orders(seed):
    venues, rng = ten_venues(seed)
    req = request(rng.choice([Side.BUY, Side.SELL]), _amount(rng, 20, 200), max_venues=3,
                  leg_cost=rng.choice([0.0, 1.0]))
    plan = _check(req, venues)
    assert len(plan.legs) <= 3


def test_quote_unit_plan_on_the_weex_mix_fits_the_notional():
    venues = recorded_instance(2, ["weex", "bybit", "bingx", "mexc"], "BTC")
    plan = plan_route(request(Side.BUY, 250_000.0, AmountUnit.QUOTE, leg_cost=1.0), venues)
    assert 0 < plan.notional <= 250_000.0
    assert plan.gap_bps <= 0.01


def test_a_bybit_inverse_sized_lot_beside_decimal_lots_is_proven_optimal():
    """1,667 grains (Bybit's 1 USD contract at ~60,000) beside 10,000 and 100,000: the fill pins
    that venue's count to one residue class, a handful of counts in its range; the window search
    around the continuous optimum left this plan 0.6 bps unproven."""
    venues, _, asset = recorded_mix(8)
    assert asset == "BTC" and "bybit-inv" in {v.instrument.venue for v in venues}
    plan = _check(request(Side.SELL, 0.58530097, leg_cost=1.0), venues)
    assert plan.gap_bps == 0
    quote = plan_route(request(Side.SELL, 35_118.0, AmountUnit.QUOTE, leg_cost=1.0), venues)
    assert 0 < quote.notional <= 35_118.0
    assert quote.gap_bps == 0


@pytest.mark.parametrize("seed", range(4))
def test_when_no_venue_fills_it_alone_the_saving_is_against_the_optimum_of_what_one_can(seed):
    """The saving of a plan no single venue can fill is the best venue's cost at the most it can
    fill against the router's optimum of that same amount: that optimum must be the MILP's (the
    comparison's search starts from the plan's own legs trimmed to that amount)."""
    from dataclasses import replace

    venues, rng = ten_venues(seed)
    venues = [replace(v, cap_base=round(rng.uniform(3, 30), 3)) for v in venues]
    side = rng.choice([Side.BUY, Side.SELL])
    req = request(side, _amount(rng, 60, 200), max_venues=3, leg_cost=1.0)
    plan = plan_route(req, venues)
    assert plan.best_single is not None and plan.best_single_note is not None, plan.best_single_note
    single = plan.best_single
    opt = milp_optimum(request(side, single.filled, max_venues=3, leg_cost=1.0), venues)
    assert opt.fill_base == pytest.approx(single.filled, rel=1e-12)
    alone = single.total_cost if side is Side.BUY else -single.total_cost
    assert plan.savings_quote == pytest.approx(alone - (opt.cost - opt.legs), abs=1e-6 * single.total_cost)
