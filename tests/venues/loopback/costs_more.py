"""Loopback BingX, WEEX and MEXC servers that also serve an account's futures terms, in the shapes
the venues document (as ccxt 4.5.90 quotes them beside its parsers):

- BingX: signed ``GET /openApi/swap/v2/user/commissionRate`` (``data.commission``), public
  ``GET /openApi/swap/v2/quote/premiumIndex`` (``lastFundingRate``, ``nextFundingTime``,
  ``fundingIntervalHours``), signed ``GET /openApi/swap/v1/maintMarginRatio`` (tiers with
  ``maintAmount``, no leverage), signed ``GET /openApi/swap/v2/trade/leverage`` (the account's
  long and short leverage).
- WEEX: signed ``GET /capi/v3/account/commissionRate``, public ``GET /capi/v3/market/premiumIndex``
  (a list; ``lastFundingRate`` the last settled, ``forecastFundingRate`` the next, ``collectCycle``
  in minutes, ``time`` the answer's own time), signed ``GET /capi/v3/account/symbolConfig`` (margin
  type and leverages). No tiers endpoint.
- MEXC: public ``GET /api/v1/contract/funding_rate/{symbol}`` (``collectCycle`` in hours,
  ``nextSettleTime``, no mark), ``GET /api/v1/contract/fair_price/{symbol}`` and
  ``GET /api/v1/contract/detail?symbol=`` (one object; risk tiers in contracts), signed
  ``GET /api/v1/private/position/leverage`` (a row per position type).
"""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from tests.venues.loopback.bingx import BingxServer
from tests.venues.loopback.bingx import _ok as bingx_ok
from tests.venues.loopback.costs import commission_rate
from tests.venues.loopback.mexc import SYMBOLS as MEXC_SYMBOLS
from tests.venues.loopback.mexc import MexcServer, _contract
from tests.venues.loopback.mexc import _ok as mexc_ok
from tests.venues.loopback.weex import WeexServer

HOUR_MS = 3_600_000


def _next(hours: int) -> int:
    return (int(time.time() * 1000) // (hours * HOUR_MS) + 1) * hours * HOUR_MS


class BingxCostsServer(BingxServer):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.taker, self.maker = 0.0004, 0.00018
        self.funding_rate = "0.00012"
        self.interval_hours: int | None = 4  # None: the answer leaves fundingIntervalHours out
        self.next_funding = _next(4)
        self.mark = "60002.7"
        # (tier, floor, cap, mmr, maintenance amount): BingX's tiers carry an amount like Binance's cum
        self.tiers = [("Tier 1", "0", "300000", "0.004000", "0.000000"),
                      ("Tier 2", "300000", "800000", "0.005000", "300.000000"),
                      ("Tier 3", "800000", "3000000", "0.010000", "4300.000000")]
        r = self.app.router
        r.add_get("/openApi/swap/v2/user/commissionRate", self.commission_rate)
        r.add_get("/openApi/swap/v2/quote/premiumIndex", self.premium_index)
        r.add_get("/openApi/swap/v1/maintMarginRatio", self.maint_margin_ratio)
        r.add_get("/openApi/swap/v2/trade/leverage", self.leverage)
        self.long_leverage, self.short_leverage = 6, 4  # hedge mode: set per side

    async def commission_rate(self, request: web.Request) -> web.Response:
        _, error = await self._signed(request)
        return error or bingx_ok({"commission": {"takerCommissionRate": self.taker,
                                                 "makerCommissionRate": self.maker}})

    async def premium_index(self, request: web.Request) -> web.Response:
        self.requests.append(("GET", request.path))
        row: dict[str, Any] = {"symbol": request.query.get("symbol", "BTC-USDT"), "markPrice": self.mark,
                               "indexPrice": "60001.0", "lastFundingRate": self.funding_rate,
                               "nextFundingTime": self.next_funding, "updateTime": int(time.time() * 1000)}
        if self.interval_hours is not None:
            row["fundingIntervalHours"] = self.interval_hours
        return bingx_ok(row)

    async def leverage(self, request: web.Request) -> web.Response:
        _, error = await self._signed(request)
        return error or bingx_ok({"longLeverage": self.long_leverage, "shortLeverage": self.short_leverage,
                                  "maxLongLeverage": 125, "maxShortLeverage": 125, "availableLongVol": "0.0000",
                                  "availableShortVol": "0.0000", "availableLongVal": "0.0",
                                  "availableShortVal": "0.0", "maxPositionLongVal": "0.0",
                                  "maxPositionShortVal": "0.0"})

    async def maint_margin_ratio(self, request: web.Request) -> web.Response:
        params, error = await self._signed(request)
        if error is not None:
            return error
        return bingx_ok([{"tier": t, "symbol": params.get("symbol"), "minPositionVal": lo, "maxPositionVal": hi,
                          "maintMarginRatio": mmr, "maintAmount": amount} for t, lo, hi, mmr, amount in self.tiers])


class WeexCostsServer(WeexServer):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.taker, self.maker = "0.00055", "0.0001"
        self.last_rate, self.forecast_rate = "0.00001031", "0.00005618"
        self.collect_cycle = 480
        self.next_funding = _next(8)
        self.mark = "60003.1"
        r = self.app.router
        r.add_get("/capi/v3/account/commissionRate", self.commission_rate)
        r.add_get("/capi/v3/market/premiumIndex", self.premium_index)
        r.add_get("/capi/v3/account/symbolConfig", self.symbol_config)
        self.account_leverage = "9"

    async def commission_rate(self, request: web.Request) -> web.Response:
        return await commission_rate(self, request)

    async def symbol_config(self, request: web.Request) -> web.Response:
        """WEEX "Get Symbol Config" (V3): margin type and leverages per symbol."""
        params, error = await self._signed(request)
        if error is not None:
            return error
        return web.json_response([{"symbol": params.get("symbol", "BTCUSDT"), "marginType": "CROSSED",
                                   "separatedType": "COMBINED", "crossLeverage": self.account_leverage,
                                   "isolatedLongLeverage": "20", "isolatedShortLeverage": "20"}])

    async def premium_index(self, request: web.Request) -> web.Response:
        self.requests.append(("GET", request.path))
        return web.json_response([{
            "symbol": request.query.get("symbol", "BTCUSDT"), "markPrice": self.mark, "indexPrice": "60002.0",
            "forecastFundingRate": self.forecast_rate, "lastFundingRate": self.last_rate, "interestRate": "0.001",
            "nextFundingTime": self.next_funding, "time": int(time.time() * 1000), "collectCycle": self.collect_cycle}])


class MexcCostsServer(MexcServer):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.funding_rate = -0.000021
        self.collect_cycle = 1  # MEXC lists 1 h, 4 h and 8 h cycles
        self.next_funding = _next(1)
        self.fair_price = 60004.2
        # five tiers of 100,000 contracts (10 BTC) after a first of 50,000 (5 BTC)
        self.risk = {"maintenanceMarginRate": 0.004, "initialMarginRate": 0.008, "riskBaseVol": 50000,
                     "riskIncrVol": 100000, "riskIncrMmr": 0.002, "riskIncrImr": 0.004, "riskLevelLimit": 5,
                     "maxVol": 1000000}
        r = self.app.router
        r.add_get("/api/v1/contract/funding_rate/{symbol}", self.funding)
        r.add_get("/api/v1/contract/fair_price/{symbol}", self.fair)
        self.long_leverage, self.short_leverage = 12, 15  # served by MexcServer's position/leverage

    async def detail(self, request: web.Request) -> web.Response:
        symbol = request.query.get("symbol")
        if symbol is None:
            return await super().detail(request)
        self.requests.append(("GET", request.path))
        base, _, tick, size = MEXC_SYMBOLS[symbol]
        return mexc_ok({**_contract(symbol, base, tick, size), **self.risk})

    async def funding(self, request: web.Request) -> web.Response:
        self.requests.append(("GET", request.path))
        return mexc_ok({"symbol": request.match_info["symbol"], "fundingRate": self.funding_rate,
                        "maxFundingRate": 0.003, "minFundingRate": -0.003, "collectCycle": self.collect_cycle,
                        "nextSettleTime": self.next_funding, "timestamp": int(time.time() * 1000)})

    async def fair(self, request: web.Request) -> web.Response:
        self.requests.append(("GET", request.path))
        return mexc_ok({"symbol": request.match_info["symbol"], "fairPrice": self.fair_price,
                        "timestamp": int(time.time() * 1000)})
