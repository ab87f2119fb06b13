"""The generic (ccxt unified) path of the terms fetch for venues without their own module (any
other ccxt venue): what ccxt's unified answers give, and what is named missing. A stand-in for the
ccxt client answers in ccxt's unified shapes. The five venues themselves are checked through real
ccxt on loopback servers (``test_account_costs_venues.py``)."""

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


async def test_weex_has_no_tiers_and_says_so():
    ex = FakeCcxt({"fetchTradingFee": True, "fetchFundingRate": True, "fetchLeverageTiers": False,
                   "fetchMarketLeverageTiers": False})
    t = await fetch_terms(ex, "weex", _instrument("weex"), has_keys=True, guard=_guard)
    assert t.fee.own and t.brackets is None
    assert any("no leverage tiers" in m for m in t.missing)


async def test_no_interval_means_no_funding_never_8h():
    ex = FakeCcxt({"fetchFundingRate": True}, interval=None)
    t = await fetch_terms(ex, "somevenue", _instrument("somevenue"), has_keys=False, guard=_guard)
    assert t.funding is None and any("does not say its interval" in m for m in t.missing)
    assert t.mark_price == 60000.0
