"""The simulated instruments carry the venues' real specs and fees (checked against ../shared)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sor_desktop.venues.instruments import instrument_from_market
from sor_desktop.venues.sim import SimConfig, SimMarket
from sor_desktop.venues.sim.specs import SPECS, market_dict
from tests.shared_data import FIVE_VENUES, load_markets

FIELDS = ("symbol", "venue_symbol", "linear", "contract_size", "price_tick", "amount_step", "min_amount",
          "max_amount", "min_notional", "taker_fee", "maker_fee")


@pytest.mark.parametrize("venue", FIVE_VENUES)
def test_sim_markets_match_the_recorded_markets(venue: str) -> None:
    recorded = load_markets(venue)
    compared = 0
    for symbol, market in recorded.items():
        # both as the venue builds them: what ccxt's limits leave in ``info`` (Bybit's and BingX's
        # minimum order value) counts
        real = instrument_from_market(market, venue)
        sim_market = market_dict(venue, symbol)
        sim = instrument_from_market(sim_market, venue)
        for f in FIELDS:
            assert getattr(sim, f) == getattr(real, f), (venue, symbol, f)
        for key in ("linear", "inverse", "subType", "quote", "settle"):
            if key in market:  # the legacy recordings (binanceusdm, bingx) carry no subType
                assert sim_market[key] == market[key], (venue, symbol, key)
        assert SPECS[(venue, symbol)].recorded
        compared += 1
    assert compared >= 3


def test_bybit_lists_the_recorded_inverse_market_beside_the_linear_ones() -> None:
    recorded = load_markets("bybit")
    assert recorded["BTC/USD:BTC"]["inverse"]  # the recorded row the simulated one is checked against
    assert SPECS[("bybit", "BTC/USD:BTC")].inverse
    assert "BTC/USD:BTC" in SimMarket(SimConfig()).symbols("bybit")


def test_rows_not_in_the_recording_are_marked() -> None:
    for (venue, symbol), spec in SPECS.items():
        if not spec.recorded:
            assert symbol == "SOL/USDT:USDT" and venue in {"binanceusdm", "bybit", "weex"}


def test_quantity_units_follow_the_quirks() -> None:
    market = SimMarket(SimConfig())
    weex = market.instrument("weex", "BTC/USDT:USDT")
    mexc = market.instrument("mexc", "BTC/USDT:USDT")
    assert market.market("weex", "BTC/USDT:USDT")["contractSize"] == 0.0001  # as ccxt advertises it
    assert weex.contract_size == Decimal(1)  # but books and orders are in coins
    assert mexc.contract_size == Decimal("0.0001") and mexc.amount_step == Decimal(1)
    assert market.instrument("bingx", "BTC/USDT:USDT").taker_fee == Decimal("0.0005")


def test_every_venue_lists_btc_eth_sol() -> None:
    market = SimMarket(SimConfig())
    for venue in FIVE_VENUES:
        assert {"BTC/USDT:USDT", "ETH/USDT:USDT", "SOL/USDT:USDT"} <= set(market.symbols(venue))
