"""core.funding and core.brackets on hand-worked numbers."""

from __future__ import annotations

import math

import pytest

from sor_desktop.core.brackets import (
    Bracket,
    BracketError,
    checked,
    liquidation_price,
    max_notional_at_leverage,
    max_notional_for_distance,
)
from sor_desktop.core.funding import HOUR_MS, Funding, FundingError, funding_per_base, settlements_in_hold
from sor_desktop.core.orders import Side

NOW = 1_700_000_000_000


def test_settlements_counted_from_the_next_time_on_the_venue_interval():
    eight = Funding(0.0001, 8, NOW + 2 * HOUR_MS)
    assert settlements_in_hold(eight, 24, NOW) == 3  # +2 h, +10 h, +18 h
    assert settlements_in_hold(eight, 1, NOW) == 0  # the next one is after the hold
    assert settlements_in_hold(eight, 2, NOW) == 1  # exactly at the end counts
    four = Funding(0.0001, 4, NOW + 2 * HOUR_MS)
    assert settlements_in_hold(four, 24, NOW) == 6  # a 4 h venue crosses twice as many
    one = Funding(0.0001, 1, NOW + HOUR_MS // 2)
    assert settlements_in_hold(one, 3, NOW) == 3
    # no clock or no next time: the expected count
    assert settlements_in_hold(Funding(0.0001, 8), 12, NOW) == 1.5
    assert settlements_in_hold(eight, 12, None) == 1.5
    # a next time already past: settlements since then are over, the next is one interval on
    stale = Funding(0.0001, 8, NOW - HOUR_MS)
    assert settlements_in_hold(stale, 8, NOW) == 1  # at +7 h
    assert settlements_in_hold(stale, 6, NOW) == 0


def test_funding_sign_by_side_and_rate():
    f = Funding(0.0005, 8, NOW + HOUR_MS)
    # long pays a positive rate: 0.05 % x 50,000 x 3 settlements = 75 per BTC
    assert funding_per_base(f, Side.BUY, 50_000, 24, NOW) == pytest.approx(75.0)
    assert funding_per_base(f, Side.SELL, 50_000, 24, NOW) == pytest.approx(-75.0)  # short receives
    neg = Funding(-0.0005, 8, NOW + HOUR_MS)
    assert funding_per_base(neg, Side.BUY, 50_000, 24, NOW) == pytest.approx(-75.0)
    assert funding_per_base(f, Side.BUY, 50_000, 0, NOW) == 0.0


@pytest.mark.parametrize("bad", [{"rate": 0.1}, {"rate": "x", "interval_hours": 8},
                                 {"rate": 0.0001, "interval_hours": 0}, {"rate": 2, "interval_hours": 8},
                                 {"rate": 0.0001, "interval_hours": 8, "next_time": -5}, [1, 2]])
def test_bad_funding_is_a_clear_error(bad):
    with pytest.raises(FundingError):
        Funding.from_json(bad)


# Binance BTCUSDT's first tiers (fapi/v1/leverageBracket, shape of the published table)
BTC = checked([
    Bracket(50_000, 125, 0.004, 0.0),
    Bracket(500_000, 100, 0.005, 50.0, 50_000),
    Bracket(8_000_000, 50, 0.01, 2_550.0, 500_000),
    Bracket(50_000_000, 20, 0.025, 122_550.0, 8_000_000),
])


def test_max_notional_for_leverage():
    assert max_notional_at_leverage(BTC, 125) == 50_000
    assert max_notional_at_leverage(BTC, 100) == 500_000
    assert max_notional_at_leverage(BTC, 20) == 50_000_000
    assert max_notional_at_leverage(BTC, 10) == 50_000_000
    assert max_notional_at_leverage(BTC, 150) == 0.0


def test_liquidation_price_matches_binance_isolated_formula():
    # long 1 BTC at 60,000, 20x: tier 3 (60k notional is in 50k..500k: mmr 0.5 %, cum 50)
    lp = liquidation_price(Side.BUY, 60_000, 1.0, 20, BTC)
    assert lp == pytest.approx((60_000 * 0.95 - 50) / 0.995)
    sp = liquidation_price(Side.SELL, 60_000, 1.0, 20, BTC)
    assert sp == pytest.approx((60_000 * 1.05 + 50) / 1.005)
    assert lp < 60_000 < sp


def test_liquidation_distance_cap():
    # at 20x a long's distance at the mark is about 1/L - mmr: 4.5 % in the 0.5 % tier, below 5 %
    cap = max_notional_for_distance(BTC, 20, Side.BUY, 0.05)
    # first tier (mmr 0.4 %, cum 0): 1 - 0.95/0.996 = 4.6 % < 5 %: not even the first unit
    assert cap == 0.0
    # at 10x: distances ~9.6 % (tier 1), so a 5 % minimum allows all tiers up to 2.5 % mmr
    assert math.isinf(max_notional_for_distance(BTC, 10, Side.BUY, 0.05))
    # at 10x with 9.5 %: tiers 1 and 2 keep it (0.9 <= 0.905 x 0.995), tier 3 (1 %, cum 2,550)
    # needs 2550 / N >= k, k = 0.9 - 0.905 x 0.99
    k = 1 - 0.1 - 0.905 * 0.99
    cap = max_notional_for_distance(BTC, 10, Side.BUY, 0.095)
    assert cap == pytest.approx(2550 / k)
    assert 500_000 < cap < 8_000_000
    lp = liquidation_price(Side.BUY, 100.0, cap / 100.0, 10, BTC)
    assert 1 - lp / 100.0 == pytest.approx(0.095)  # exactly at the distance at the cap


def test_bad_brackets_refused():
    with pytest.raises(BracketError):
        Bracket.from_json({"cap": 10, "max_leverage": 5})
    with pytest.raises(BracketError):
        checked([Bracket(10, 5, 0.01), Bracket(10, 4, 0.02)])
    with pytest.raises(BracketError):
        checked([])
