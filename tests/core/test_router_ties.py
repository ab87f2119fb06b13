"""Venues quoting the same prices at the same fee (price ties across lot sizes), found by fuzzing
random lot mixes: near-equal coprime lots (0.012345-0.012348 BTC) and 0.1667 BTC beside decimal
ones. The reduced costs are flat over whole levels there, so the window search around the
continuous optimum was narrowed and returned a plan up to 0.011 bps above the MILP optimum, with a
gap of 0.0155 bps. Each plan must be the MILP optimum, and its ``gap_bps`` at most 0.01."""

from __future__ import annotations

import numpy as np
import pytest

from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.orders import Side
from sor_desktop.core.plan import PlanRequest, VenueInput
from sor_desktop.core.router import plan_route
from tests.core.oracle import grain_of, milp_optimum, usable_inputs
from tests.core.router_cases import assert_matches

pytest.importorskip("scipy.optimize")
pytestmark = pytest.mark.timeout(120)


def _venue(name: str, lot: float, depth: float, levels: int, seed: int) -> VenueInput:
    """``levels`` half-dollar levels a side around 60,000 holding ``depth`` BTC, lots of ``lot``
    BTC, taker 0.04 %: every venue's n-th level has the same price (benchmarks/bench_router.py)."""
    rng = np.random.default_rng(seed)
    market = {"symbol": "BTC/USDT:USDT", "base": "BTC", "quote": "USDT", "settle": "USDT", "linear": True,
              "inverse": False, "contractSize": 1, "precision": {"amount": lot, "price": 0.1},
              "limits": {"amount": {"min": None}, "cost": {"min": None}}, "taker": 0.0004}
    ins = Instrument.from_market(market, name)
    w = rng.uniform(0.5, 1.5, levels)
    lots = np.maximum(np.floor(w / w.sum() * depth / lot), 1)
    asks = np.column_stack([60_000 + np.arange(1, levels + 1) * 0.5, lots * lot])
    bids = np.column_stack([60_000 - np.arange(1, levels + 1) * 0.5, lots * lot])
    return VenueInput(BookSnapshot.from_lists(name, ins.symbol, 0, bids, asks), ins)


CASES = [  # side, amount, max venues, venues (name, lot, depth, levels, seed): the fuzz's plans above 0.01 bps
    (Side.BUY, 58.3675, None, [("v0", 0.0003, 0.0443652337047056, 5, 65), ("v1", 0.001, 6.623006435487939, 5, 7),
                         ("v2", 0.0001, 0.035429573773257284, 5, 19), ("v3", 0.012346, 114.41790184434424, 1, 29)]),
    (Side.SELL, 228.8025, 3, [("v0", 0.01, 56.85435345435929, 1, 84), ("v1", 0.012345, 289.028996698742, 50, 51),
                           ("v2", 0.1667, 17.248126123355952, 50, 92), ("v3", 0.012348, 103.63889489015294, 5, 7)]),
    (Side.SELL, 153.0465, None, [("v0", 0.1667, 197.12007472252083, 1, 21), ("v1", 0.012347, 21.4927725371664, 50, 60),
                           ("v2", 0.01, 12.068717998848252, 50, 32), ("v3", 0.012345, 0.03603031065585843, 5, 89),
                           ("v4", 0.012346, 0.040039729539003734, 1, 88)]),
]


@pytest.mark.parametrize("side, amount, max_venues, spec", CASES)
def test_plans_over_tied_prices_are_the_milp_optimum_with_a_small_gap(side, amount, max_venues, spec):
    venues = [_venue(*s) for s in spec]
    req = PlanRequest(side, amount, max_venues=max_venues)
    plan = plan_route(req, venues)
    opt = milp_optimum(req, venues)
    assert_matches(plan, opt, float(grain_of(usable_inputs(req, venues))), venues)
