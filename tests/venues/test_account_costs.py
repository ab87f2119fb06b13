"""Each venue's fee, funding and bracket fetch, through real ccxt against the loopback servers."""

from __future__ import annotations

import pytest

from sor_desktop.core.brackets import Bracket
from tests.venues.loopback.costs import HOUR_MS, BinanceCostsServer, BybitCostsServer
from tests.venues.loopback.fixtures import loopback_venue

SYMBOL = "BTC/USDT:USDT"
pytestmark = pytest.mark.asyncio


async def _terms(server, venue_id: str, *, keys: bool = True, **config):
    await server.start()
    venue = loopback_venue(server, venue_id, keys=keys, **config)
    try:
        await venue.connect()
        return await venue.fetch_terms(SYMBOL)
    finally:
        await venue.close()
        await server.stop()


async def test_binance_account_fee_funding_and_brackets():
    server = BinanceCostsServer()
    terms = await _terms(server, "binanceusdm", book_limit=100)
    assert terms.fee.own and terms.fee.taker == pytest.approx(0.00032) and terms.fee.maker == pytest.approx(0.00016)
    assert terms.fee.label() == "your fee 0.032 %"
    assert terms.fee.source == "GET /fapi/v1/commissionRate"
    f = terms.funding
    assert f is not None and f.rate == pytest.approx(0.0001) and f.interval_hours == 4  # adjusted: fundingInfo
    assert f.next_time == server.next_funding
    assert terms.mark_price == pytest.approx(60010.5)
    assert terms.brackets is not None
    assert terms.brackets[1] == Bracket(500_000, 100, 0.005, 50.0, 50_000)
    assert terms.missing == ()
    assert ("GET", "/fapi/v1/leverageBracket") in server.requests
    assert terms.router_terms()["fee"] == pytest.approx(0.00032)


async def test_binance_interval_read_from_the_settlement_history_when_not_adjusted():
    server = BinanceCostsServer()
    server.adjusted_interval = None
    server.history_interval_ms = 8 * HOUR_MS
    terms = await _terms(server, "binanceusdm", book_limit=100)
    assert terms.funding is not None and terms.funding.interval_hours == 8
    assert ("GET", "/fapi/v1/fundingRate") in server.requests


async def test_binance_without_keys_uses_the_default_fee_and_says_why_brackets_are_missing():
    terms = await _terms(BinanceCostsServer(), "binanceusdm", keys=False, book_limit=100)
    assert not terms.fee.own and terms.fee.label().startswith("default fee")
    assert terms.router_terms()["fee"] is None
    assert terms.funding is not None  # public
    assert terms.brackets is None and any("signed requests only" in m for m in terms.missing)


async def test_binance_fetch_failure_is_named_not_guessed():
    server = BinanceCostsServer()
    server.taker = "not a number"
    terms = await _terms(server, "binanceusdm", book_limit=100)
    assert not terms.fee.own
    assert any(m.startswith("fee:") for m in terms.missing)


async def test_bybit_account_fee_funding_and_risk_limits():
    server = BybitCostsServer()
    terms = await _terms(server, "bybit")
    assert terms.fee.own and terms.fee.taker == pytest.approx(0.00045)
    assert terms.fee.label() == "your fee 0.045 %"
    f = terms.funding
    assert f is not None and f.rate == pytest.approx(-0.00005)
    assert f.interval_hours == 8  # the instrument's fundingInterval 480 minutes
    assert f.next_time == server.next_funding
    assert terms.mark_price == pytest.approx(60001.5)
    assert terms.brackets == (Bracket(2_000_000, 100, 0.005, 0.0, 0.0),
                              Bracket(2_600_000, 86.2, 0.0056, 1200.0, 2_000_000),
                              Bracket(3_200_000, 75.75, 0.0062, 2760.0, 2_600_000))
    assert terms.missing == ()


async def test_bybit_without_keys_still_has_funding_and_public_tiers():
    terms = await _terms(BybitCostsServer(), "bybit", keys=False)
    assert not terms.fee.own and terms.brackets is not None and terms.funding is not None
