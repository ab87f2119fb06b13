"""The generic (ccxt unified) path of the terms fetch for the venues without their own module:
what each venue's ccxt answers give, and what is named missing. A stand-in for the ccxt client
answers in ccxt's unified shapes (the structures ccxt 4.5.90 documents for these calls)."""

from __future__ import annotations

from typing import Any

import pytest

from sor_desktop.core.instrument import Instrument
from sor_desktop.venues.account_costs import fetch_terms
from tests.core.router_cases import market

pytestmark = pytest.mark.asyncio
SYMBOL = "BTC/USDT:USDT"


class FakeCcxt:
    def __init__(self, has: dict[str, Any], interval: str | None = "4h") -> None:
        self.has = has
        self.interval = interval
        self.calls: list[str] = []

    async def fetch_trading_fee(self, symbol: str) -> dict[str, Any]:
        self.calls.append("fee")
        return {"symbol": symbol, "maker": 0.0001, "taker": 0.0003}

    async def fetch_funding_rate(self, symbol: str) -> dict[str, Any]:
        self.calls.append("funding")
        return {"symbol": symbol, "fundingRate": 0.0002, "fundingTimestamp": 1_700_003_600_000,
                "markPrice": 60000.0, "interval": self.interval}

    async def fetch_market_leverage_tiers(self, symbol: str) -> list[dict[str, Any]]:
        self.calls.append("market tiers")
        return [{"minNotional": 0, "maxNotional": 100000, "maintenanceMarginRate": 0.004, "maxLeverage": 125},
                {"minNotional": 100000, "maxNotional": 1000000, "maintenanceMarginRate": 0.01, "maxLeverage": 50}]

    async def fetch_leverage_tiers(self, symbols: list[str]) -> dict[str, Any]:
        self.calls.append("tiers")
        return {symbols[0]: await self.fetch_market_leverage_tiers(symbols[0])}


async def _guard(request):
    return await request


def _instrument(venue: str) -> Instrument:
    return Instrument.from_market(market(fee="0.0006"), venue)


async def test_bingx_fee_funding_and_one_markets_tiers():
    ex = FakeCcxt({"fetchTradingFee": True, "fetchFundingRate": True, "fetchMarketLeverageTiers": True})
    t = await fetch_terms(ex, "bingx", _instrument("bingx"), has_keys=True, guard=_guard)
    assert t.fee.own and t.fee.taker == 0.0003
    assert t.funding is not None and t.funding.interval_hours == 4 and t.funding.next_time == 1_700_003_600_000
    assert t.brackets is not None and [b.max_leverage for b in t.brackets] == [125, 50]
    assert "market tiers" in ex.calls and "tiers" not in ex.calls and t.missing == ()


async def test_weex_has_no_tiers_and_says_so():
    ex = FakeCcxt({"fetchTradingFee": True, "fetchFundingRate": True, "fetchLeverageTiers": False,
                   "fetchMarketLeverageTiers": False})
    t = await fetch_terms(ex, "weex", _instrument("weex"), has_keys=True, guard=_guard)
    assert t.fee.own and t.brackets is None
    assert any("no leverage tiers" in m for m in t.missing)


async def test_mexc_fee_is_the_default_and_named_missing():
    ex = FakeCcxt({"fetchTradingFee": True, "fetchFundingRate": True, "fetchLeverageTiers": True,
                   "fetchMarketLeverageTiers": "emulated"})
    t = await fetch_terms(ex, "mexc", _instrument("mexc"), has_keys=True, guard=_guard)
    assert not t.fee.own and t.fee.taker == 0.0006 and "fee" not in ex.calls
    assert any("spot" in m for m in t.missing)
    assert "tiers" in ex.calls and t.brackets is not None


async def test_no_interval_means_no_funding_never_8h():
    ex = FakeCcxt({"fetchFundingRate": True}, interval=None)
    t = await fetch_terms(ex, "somevenue", _instrument("somevenue"), has_keys=False, guard=_guard)
    assert t.funding is None and any("does not say its interval" in m for m in t.missing)
    assert t.mark_price == 60000.0
