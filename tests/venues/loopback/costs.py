"""Loopback Binance USDⓈ-M and Bybit servers that also serve an account's futures terms, in the
venues' documented shapes: fee rates, funding (rate, next time, interval) and leverage brackets /
risk-limit tiers. Subclasses, so the shared servers stay as the suite uses them.

Binance: signed ``GET /fapi/v1/commissionRate`` (``GET /fapi/v1/leverageBracket``, one object
with a symbol, is the base server's: ccxt's ``fetch_positions`` loads it too) and ``GET /fapi/v1/symbolConfig`` (the account's leverage per symbol), public ``GET /fapi/v1/premiumIndex``, ``/fapi/v1/fundingInfo`` (adjusted symbols
only) and ``/fapi/v1/fundingRate`` (settlement history). Bybit: signed ``GET /v5/account/fee-rate`` (and ``/v5/position/list``'s
``leverage``, set on the empty slots too), public ``GET /v5/market/tickers`` and ``GET /v5/market/risk-limit``.
"""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from tests.venues.loopback.binance import BinanceUsdmServer
from tests.venues.loopback.bybit import BybitServer, _ok

HOUR_MS = 3_600_000


async def commission_rate(server: Any, request: web.Request) -> web.Response:
    """Binance's ``commissionRate`` answer, which WEEX's V3 API copies field for field."""
    params, error = await server._signed(request)
    return error or web.json_response({"symbol": params.get("symbol"), "makerCommissionRate": server.maker,
                                       "takerCommissionRate": server.taker})


class BinanceCostsServer(BinanceUsdmServer):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.taker, self.maker = "0.000320", "0.000160"  # a VIP tier, not the 0.05 % default
        self.funding_rate = "0.00010000"
        self.next_funding = (int(time.time() * 1000) // (4 * HOUR_MS) + 1) * 4 * HOUR_MS
        self.adjusted_interval: int | None = 4  # listed in fundingInfo; None: only history tells
        self.history_interval_ms = 8 * HOUR_MS
        self.mark = "60010.50"
        r = self.app.router
        r.add_get("/fapi/v1/commissionRate", self.commission_rate)
        r.add_get("/fapi/v1/premiumIndex", self.premium_index)
        r.add_get("/fapi/v1/fundingInfo", self.funding_info)
        r.add_get("/fapi/v1/fundingRate", self.funding_history)
        r.add_get("/fapi/v1/symbolConfig", self.symbol_config)
        self.account_leverage = 21

    async def commission_rate(self, request: web.Request) -> web.Response:
        return await commission_rate(self, request)

    async def premium_index(self, request: web.Request) -> web.Response:
        self.requests.append(("GET", request.path))
        sym = request.query.get("symbol", "BTCUSDT")
        return web.json_response({"symbol": sym, "markPrice": self.mark, "indexPrice": "60005.1",
                                  "estimatedSettlePrice": "60001.2", "lastFundingRate": self.funding_rate,
                                  "interestRate": "0.00010000", "nextFundingTime": self.next_funding,
                                  "time": int(time.time() * 1000)})

    async def funding_info(self, request: web.Request) -> web.Response:
        self.requests.append(("GET", request.path))
        rows = [{"symbol": "ETHUSDT", "adjustedFundingRateCap": "0.02", "adjustedFundingRateFloor": "-0.02",
                 "fundingIntervalHours": 8, "disclaimer": False}]
        if self.adjusted_interval is not None:
            rows.append({"symbol": "BTCUSDT", "adjustedFundingRateCap": "0.03", "adjustedFundingRateFloor": "-0.03",
                         "fundingIntervalHours": self.adjusted_interval, "disclaimer": False})
        return web.json_response(rows)

    async def funding_history(self, request: web.Request) -> web.Response:
        self.requests.append(("GET", request.path))
        sym = request.query.get("symbol", "BTCUSDT")
        last = self.next_funding - self.history_interval_ms
        return web.json_response([
            {"symbol": sym, "fundingTime": last - self.history_interval_ms + 3, "fundingRate": "0.00008000",
             "markPrice": "59990.1"},
            {"symbol": sym, "fundingTime": last + 1, "fundingRate": "0.00009000", "markPrice": "60001.0"},
        ])

    async def symbol_config(self, request: web.Request) -> web.Response:
        """Binance "Symbol Configuration" (USDⓈ-M): the account's leverage and margin type per
        symbol, with or without a position; one row when ``symbol`` is given."""
        params, error = await self._signed(request)
        if error is not None:
            return error
        return web.json_response([{"symbol": params.get("symbol", "BTCUSDT"), "marginType": "CROSSED",
                                   "isAutoAddMargin": "false", "leverage": self.account_leverage,
                                   "maxNotionalValue": "1000000"}])


class BybitCostsServer(BybitServer):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.taker, self.maker = "0.00045", "0.0002"
        self.funding_rate = "-0.00005"
        self.next_funding = (int(time.time() * 1000) // (8 * HOUR_MS) + 1) * 8 * HOUR_MS
        r = self.app.router
        r.add_get("/v5/account/fee-rate", self.fee_rate)
        r.add_get("/v5/market/tickers", self.tickers)
        r.add_get("/v5/market/risk-limit", self.risk_limit)
        self.account_leverage = "7"

    async def fee_rate(self, request: web.Request) -> web.Response:
        params, error = await self._signed(request)
        return error or _ok({"category": params.get("category"), "list": [
            {"symbol": params.get("symbol"), "takerFeeRate": self.taker, "makerFeeRate": self.maker}]})

    async def tickers(self, request: web.Request) -> web.Response:
        self.requests.append(("GET", request.path))
        sym = request.query.get("symbol", "BTCUSDT")
        return _ok({"category": request.query.get("category"), "list": [{
            "symbol": sym, "bidPrice": "59999.9", "askPrice": "60000", "lastPrice": "60000", "markPrice": "60001.5",
            "indexPrice": "60000.1", "openInterest": "48069.549", "fundingRate": self.funding_rate,
            "nextFundingTime": str(self.next_funding), "predictedDeliveryPrice": "", "basisRate": "",
            "deliveryFeeRate": "", "deliveryTime": "0"}]})

    async def risk_limit(self, request: web.Request) -> web.Response:
        self.requests.append(("GET", request.path))
        sym = request.query.get("symbol", "BTCUSDT")
        rows = [(1, "2000000", "0.005", "0.01", "100.00", ""), (2, "2600000", "0.0056", "0.0116", "86.20", "1200"),
                (3, "3200000", "0.0062", "0.0132", "75.75", "2760")]
        return _ok({"category": request.query.get("category"), "list": [
            {"id": i, "symbol": sym, "riskLimitValue": cap, "maintenanceMargin": mm, "initialMargin": im,
             "isLowestRisk": 1 if i == 1 else 0, "maxLeverage": lev, "mmDeduction": ded}
            for i, cap, mm, im, lev, ded in rows], "nextPageCursor": ""})
