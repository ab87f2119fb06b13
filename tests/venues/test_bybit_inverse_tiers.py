"""Bybit's inverse risk limits are counted in the coin: the tiers the router uses are USD notionals."""

from __future__ import annotations

from typing import Any

import pytest

from sor_desktop.venues.bybit import costs


class _Exchange:
    def __init__(self, linear: bool, mark: float | None) -> None:
        self._linear, self._mark = linear, mark
        self.asked: list[dict[str, Any]] = []

    def market(self, symbol: str) -> dict[str, Any]:
        return {"linear": self._linear, "inverse": not self._linear, "id": "BTCUSD" if not self._linear else "BTCUSDT"}

    async def publicGetV5MarketRiskLimit(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802 (ccxt name)
        self.asked.append(params)
        sym = params["symbol"]
        return {"result": {"list": [
            {"symbol": sym, "riskLimitValue": "150", "maintenanceMargin": "0.005", "maxLeverage": "100"},
            {"symbol": sym, "riskLimitValue": "300", "maintenanceMargin": "0.01", "maxLeverage": "50"}]}}

    async def fetch_ticker(self, symbol: str) -> dict[str, Any]:
        return {"mark": self._mark, "last": self._mark}


async def _guard(coro: Any) -> Any:
    return await coro


@pytest.mark.asyncio
async def test_inverse_tiers_in_btc_become_usd_at_the_mark() -> None:
    ex = _Exchange(linear=False, mark=60_000.0)
    tiers = await costs.brackets(ex, "BTC/USD:BTC", _guard)
    assert ex.asked[0]["category"] == "inverse"
    assert tiers is not None and [b.cap for b in tiers] == [150 * 60_000.0, 300 * 60_000.0]
    assert [b.floor for b in tiers] == [0.0, 150 * 60_000.0]


@pytest.mark.asyncio
async def test_linear_tiers_are_usd_already_and_an_unpriced_inverse_gives_none() -> None:
    linear = await costs.brackets(_Exchange(linear=True, mark=None), "BTC/USDT:USDT", _guard)
    assert linear is not None and [b.cap for b in linear] == [150.0, 300.0]
    assert await costs.brackets(_Exchange(linear=False, mark=None), "BTC/USD:BTC", _guard) is None


@pytest.mark.parametrize(("row", "rate"), [
    # Bybit v5 "Get Risk Limit", its inverse BTCUSD example: percents (1 % initial at 100x)
    ({"riskLimitValue": "150", "maintenanceMargin": "0.5", "initialMargin": "1", "maxLeverage": "100.00"}, 0.005),
    # a linear tier: fractions
    ({"riskLimitValue": "2000000", "maintenanceMargin": "0.005", "initialMargin": "0.01", "maxLeverage": "100.00"},
     0.005),
    ({"riskLimitValue": "2600000", "maintenanceMargin": "0.0056", "maxLeverage": "86.20"}, 0.0056),
    ({"riskLimitValue": "300", "maintenanceMargin": "1", "initialMargin": "2", "maxLeverage": "50"}, 0.01),
])
def test_maintenance_rate_is_a_fraction_whether_bybit_writes_a_percent_or_not(row, rate) -> None:
    assert costs.maintenance_rate(row) == pytest.approx(rate)


@pytest.mark.asyncio
async def test_the_docs_inverse_example_gives_a_half_percent_tier_not_fifty() -> None:
    class DocsExample(_Exchange):
        async def publicGetV5MarketRiskLimit(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
            return {"result": {"category": "inverse", "list": [
                {"id": 1, "symbol": "BTCUSD", "riskLimitValue": "150", "maintenanceMargin": "0.5",
                 "initialMargin": "1", "isLowestRisk": 1, "maxLeverage": "100.00"}]}}

    tiers = await costs.brackets(DocsExample(linear=False, mark=60_000.0), "BTC/USD:BTC", _guard)
    assert tiers is not None and tiers[0].mmr == pytest.approx(0.005) and tiers[0].max_leverage == 100
