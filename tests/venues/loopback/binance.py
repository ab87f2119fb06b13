"""A loopback Binance USDⓈ-M futures exchange: the REST and websocket endpoints ccxt's
``binanceusdm`` uses for markets, books and orders, with the real protocol.

REST (``/fapi/v1``): ``exchangeInfo``, ``depth`` (``lastUpdateId``), signed ``order`` POST/GET/
DELETE, ``openOrders``, ``allOpenOrders``, ``positionSide/dual`` (``dualSidePosition`` from
``position_mode``; in hedge mode an order must name ``positionSide`` LONG/SHORT and must not
carry ``reduceOnly``, in one-way mode ``positionSide`` is BOTH or absent, refused with -4061 /
-1106 as Binance does); signed requests carry ``timestamp`` and an HMAC-SHA256
``signature`` of the query (or form body) and the ``X-MBX-APIKEY`` header; a bad one gets
``-1022``. Positions are kept from fills (``positions``, a ``PositionBook``: one-way ``BOTH``,
hedge ``LONG``/``SHORT``) and reported where ccxt 4.5.90's ``fetch_positions`` reads them by
default, ``GET /fapi/v3/positionRisk`` (Binance USDⓈ-M "Position Information V3": ``symbol``
optional, "only symbol that has position or open orders will be returned"; a SHORT's
``positionAmt`` and ``notional`` negative), after the ``GET /fapi/v1/leverageBracket`` ccxt loads
first (no ``symbol``: every symbol's brackets in a list; with one: that symbol's object), and in
``GET /fapi/v3/account``'s ``positions``. Websocket (``/public/ws/<n>``, the path ccxt builds from ``.../ws``): ``SUBSCRIBE``
to ``<sym>@depth@100ms`` is acked with ``{"result": null, "id": ...}``, then ``depthUpdate``
events with ``U``/``u``/``pu`` chained like the real stream (``pu`` = previous event's ``u``).
"""

from __future__ import annotations

import re
import time
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from sor_desktop.core.account import PositionMode
from tests.venues.loopback.common import (
    API_KEY,
    SECRET,
    BookEngine,
    LoopbackServer,
    Placement,
    PositionBook,
    sign,
)

SYMBOLS = {"BTCUSDT": ("BTC", 60000.0, "0.10", "0.001"), "ETHUSDT": ("ETH", 3000.0, "0.01", "0.001")}


def _market(symbol: str, base: str, tick: str, step: str) -> dict[str, Any]:
    # the shape of a real exchangeInfo entry (trimmed to the fields ccxt reads)
    return {
        "symbol": symbol, "pair": symbol, "contractType": "PERPETUAL", "deliveryDate": 4133404800000,
        "onboardDate": 1569398400000, "status": "TRADING", "maintMarginPercent": "2.5000",
        "requiredMarginPercent": "5.0000", "baseAsset": base, "quoteAsset": "USDT", "marginAsset": "USDT",
        "pricePrecision": 2, "quantityPrecision": 3, "baseAssetPrecision": 8, "quotePrecision": 8,
        "underlyingType": "COIN", "settlePlan": 0, "triggerProtect": "0.0500",
        "filters": [
            {"filterType": "PRICE_FILTER", "tickSize": tick, "minPrice": "1", "maxPrice": "4529764"},
            {"filterType": "LOT_SIZE", "stepSize": step, "minQty": step, "maxQty": "1000"},
            {"filterType": "MARKET_LOT_SIZE", "stepSize": step, "minQty": step, "maxQty": "120"},
            {"filterType": "MAX_NUM_ORDERS", "limit": 200},
            {"filterType": "MIN_NOTIONAL", "notional": "5"},
            {"filterType": "PERCENT_PRICE", "multiplierUp": "1.0500", "multiplierDown": "0.9500",
             "multiplierDecimal": "4"},
        ],
        "orderTypes": ["LIMIT", "MARKET"], "timeInForce": ["GTC", "IOC", "FOK", "GTX"],
    }


class BinanceUsdmServer(LoopbackServer):
    ORDER_ROUTE = ("POST", "/fapi/v1/order")
    # USDⓈ-M "General Info": HTTP 429 when a request rate limit is broken; -1003 TOO_MANY_REQUESTS
    # USDⓈ-M error codes, -1100 ILLEGAL_CHARS, with newClientOrderId's documented pattern
    CLIENT_ID_MAX = 36
    CLIENT_ID_CHARS = re.compile(r"[.A-Z:/a-z0-9_-]{1,36}")
    CLIENT_ID_ERROR = (400, -1100, "Illegal characters found in parameter 'newClientOrderId'; legal range is "
                                   "'^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.")
    RATE_LIMIT = (429, {"code": -1003, "msg": "Too many requests; current limit is 2400 requests per minute. "
                                               "Please use the websocket for live updates to avoid polling the API."}, "")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.books = {s: BookEngine(mid=mid, tick=tick, seed=i) for i, (s, (_, mid, tick, _)) in enumerate(SYMBOLS.items())}
        self.last_u = {s: b.update_id for s, b in self.books.items()}
        self.countdowns: dict[str, list[int]] = {}  # symbol -> every countdownTime (ms) received
        self.positions = PositionBook()  # from fills; /fapi/v3/positionRisk and /fapi/v3/account report it
        r = self.app.router
        r.add_get("/fapi/v1/exchangeInfo", self.exchange_info)
        r.add_get("/fapi/v1/depth", self.depth)
        r.add_post("/fapi/v1/order", self.new_order)
        r.add_get("/fapi/v1/order", self.query_order)
        r.add_delete("/fapi/v1/order", self.cancel_order)
        r.add_get("/fapi/v1/openOrders", self.open_orders)
        r.add_get("/fapi/v1/userTrades", self.user_trades)
        r.add_delete("/fapi/v1/allOpenOrders", self.cancel_all)
        r.add_get("/fapi/v3/account", self.account)
        r.add_get("/fapi/v1/positionSide/dual", self.position_side_dual)
        r.add_get("/fapi/v3/positionRisk", self.position_risk)
        r.add_get("/fapi/v1/leverageBracket", self.leverage_bracket)
        r.add_post("/fapi/v1/countdownCancelAll", self.countdown_cancel_all)
        r.add_get("/public/ws/{n}", self.websocket)
        r.add_get("/ws/{n}", self.websocket)

    @property
    def api_urls(self) -> dict[str, Any]:
        """What to merge into ccxt's ``urls['api']`` (``CcxtConfig.api_urls``)."""
        h = self.http
        return {
            "fapiPublic": f"{h}/fapi/v1", "fapiPublicV2": f"{h}/fapi/v2", "fapiPublicV3": f"{h}/fapi/v3",
            "fapiPrivate": f"{h}/fapi/v1", "fapiPrivateV2": f"{h}/fapi/v2", "fapiPrivateV3": f"{h}/fapi/v3",
            "fapiData": f"{h}/futures/data",
            "ws": {"linear": f"{self.ws}/ws"},
        }

    def book_at(self, symbol: str, u: int) -> tuple[list[list[str]], list[list[str]]]:
        """The server's book after update ``u`` (what a client in sync must hold)."""
        return self.books[symbol].history[u]

    # -- public --------------------------------------------------------------------------------
    async def exchange_info(self, request: web.Request) -> web.Response:
        self.requests.append(("GET", request.path))
        return web.json_response({
            "timezone": "UTC", "serverTime": int(time.time() * 1000), "futuresType": "U_MARGINED",
            "rateLimits": [], "exchangeFilters": [], "assets": [],
            "symbols": [_market(s, base, tick, step) for s, (base, _, tick, step) in SYMBOLS.items()],
        })

    async def depth(self, request: web.Request) -> web.Response:
        self.requests.append(("GET", request.path))
        book = self.books.get(request.query.get("symbol", ""))
        if book is None:
            return web.json_response({"code": -1121, "msg": "Invalid symbol."}, status=400)
        u, bids, asks = book.snapshot(int(request.query.get("limit", 1000)))
        self.snapshots[request.query["symbol"]] += 1
        now = int(time.time() * 1000)
        return web.json_response({"lastUpdateId": u, "E": now, "T": now, "bids": bids, "asks": asks})

    # -- websocket -----------------------------------------------------------------------------
    async def on_text(self, ws: Any, text: str) -> None:
        import json

        msg = json.loads(text)
        method = msg.get("method")
        streams = [p.split("@")[0].upper() for p in msg.get("params", [])]
        if method == "SUBSCRIBE":
            self.subs.setdefault(ws, set()).update(streams)
        elif method == "UNSUBSCRIBE":
            self.subs.setdefault(ws, set()).difference_update(streams)
        await self.send(ws, {"result": None, "id": msg.get("id")})

    def on_closed(self, ws: Any) -> None:
        self.subs.pop(ws, None)

    async def emit(self) -> None:
        drop = self.take_drop()
        for symbol, book in self.books.items():
            first, last, bids, asks = book.step()
            prev, self.last_u[symbol] = self.last_u[symbol], last
            if drop:
                continue
            now = int(time.time() * 1000)
            event = {"e": "depthUpdate", "E": now, "T": now, "s": symbol, "U": first, "u": last, "pu": prev,
                     "b": bids, "a": asks}
            for ws, symbols in list(self.subs.items()):
                if symbol in symbols:
                    await self.send(ws, event)

    def error_response(self, status: int, code: int, message: str) -> web.Response:
        return web.json_response({"code": code, "msg": message}, status=status)

    # -- signed --------------------------------------------------------------------------------
    async def _signed(self, request: web.Request) -> tuple[dict[str, str], web.Response | None]:
        self.requests.append((request.method, request.path))
        raw = (await request.text()) if request.method == "POST" else request.query_string
        payload, _, signature = raw.rpartition("&signature=")
        params = dict(parse_qsl(payload, keep_blank_values=True))
        if request.headers.get("X-MBX-APIKEY") != API_KEY:
            return params, web.json_response({"code": -2015, "msg": "Invalid API-key, IP, or permissions for action."}, status=401)
        if not signature or sign(payload, SECRET) != signature:
            return params, web.json_response({"code": -1022, "msg": "Signature for this request is not valid."}, status=400)
        if "timestamp" not in params:
            return params, web.json_response({"code": -1102, "msg": "Mandatory parameter 'timestamp' was not sent."}, status=400)
        return params, None

    def _order_json(self, p: Placement) -> dict[str, Any]:
        status = {"filled": "FILLED", "partial_expired": "EXPIRED", "expired": "EXPIRED", "new": "NEW",
                  "canceled": "CANCELED"}[p.status]
        return {
            "orderId": p.order_id, "symbol": p.symbol, "status": status, "clientOrderId": p.client_id,
            "price": str(p.price or 0), "avgPrice": str(p.avg_price or 0), "origQty": str(p.qty),
            "executedQty": str(p.filled), "cumQty": str(p.filled),
            "cumQuote": str((p.avg_price or 0) * p.filled), "timeInForce": p.time_in_force, "type": "LIMIT",
            "reduceOnly": p.reduce_only, "closePosition": False, "side": p.side.upper(), "positionSide": p.position_side or "BOTH",
            "stopPrice": "0", "workingType": "CONTRACT_PRICE", "priceProtect": False, "origType": "LIMIT",
            "priceMatch": "NONE", "selfTradePreventionMode": "NONE", "goodTillDate": 0,
            "time": p.created_ms, "updateTime": p.created_ms,
        }

    async def new_order(self, request: web.Request) -> web.Response:
        params, error = await self._signed(request)
        if error is not None:
            return error
        if self.faults.reject_next is not None:
            (code, msg), self.faults.reject_next = self.faults.reject_next, None
            return web.json_response({"code": code, "msg": msg}, status=400)
        position_side = params.get("positionSide", "BOTH")
        hedge = self.position_mode is PositionMode.HEDGE
        if (position_side in ("LONG", "SHORT")) != hedge:
            return web.json_response({"code": -4061, "msg": "Order's position side does not match user's setting."},
                                     status=400)
        if hedge and "reduceOnly" in params:
            return web.json_response({"code": -1106, "msg": "Parameter 'reduceOnly' sent when not required."},
                                     status=400)
        client_id = params.get("newClientOrderId", "")
        refused = self.client_id_refusal(client_id)
        if refused is not None:
            return refused
        if self.find(client_id) is not None:
            return web.json_response({"code": -4116, "msg": "ClientOrderId is duplicated."}, status=400)
        symbol = params["symbol"]
        qty = Decimal(params["quantity"])
        price = Decimal(params["price"]) if "price" in params else None
        side = params["side"].lower()
        filled, avg = self.books[symbol].match(side, qty, price)
        tif = params.get("timeInForce", "GTC")
        status = "filled" if filled == qty else ("partial_expired" if filled else "expired")
        if tif == "GTC" and filled < qty:
            status = "new"
        placement = Placement(client_id, self.next_order_id(), symbol, side, qty, price, tif,
                              params.get("reduceOnly") == "true", filled, avg, status,
                              position_side=position_side if hedge else None)
        self.record(placement)
        self.positions.fill(symbol, side, filled, avg, position_side=placement.position_side,
                            reduce_only=placement.reduce_only)
        held = await self.hold_after_accept()
        if held is not None:
            return held
        return web.json_response(self._order_json(placement))

    async def query_order(self, request: web.Request) -> web.Response:
        params, error = await self._signed(request)
        if error is not None:
            return error
        p = self.find(params.get("origClientOrderId", ""))
        if p is None or p.symbol != params.get("symbol") or not self.visible(p):
            return web.json_response({"code": -2013, "msg": "Order does not exist."}, status=400)
        return web.json_response(self._order_json(p))

    async def cancel_order(self, request: web.Request) -> web.Response:
        params, error = await self._signed(request)
        if error is not None:
            return error
        p = self.find(params.get("origClientOrderId", ""))
        if p is None:
            return web.json_response({"code": -2011, "msg": "Unknown order sent."}, status=400)
        if p.status == "new":
            p.status = "canceled"
        return web.json_response(self._order_json(p))

    async def user_trades(self, request: web.Request) -> web.Response:
        """"Account Trade List": the order's fill as one trade with its ``commission`` (the order
        query itself carries no fee); ``orderId`` only with ``symbol``, as Binance requires."""
        params, error = await self._signed(request)
        if error is not None:
            return error
        if "orderId" in params and "symbol" not in params:
            return web.json_response({"code": -1102, "msg": "Mandatory parameter 'symbol' was not sent."}, status=400)
        want = params.get("orderId")
        trades = [{
            "symbol": p.symbol, "id": p.order_id * 10, "orderId": p.order_id, "side": p.side.upper(),
            "price": str(p.avg_price), "qty": str(p.filled), "realizedPnl": "0", "marginAsset": "USDT",
            "quoteQty": str(self.fill_value(p)), "commission": str(self.charged(p)), "commissionAsset": "USDT",
            "time": p.created_ms, "positionSide": p.position_side or "BOTH", "maker": False,
            "buyer": p.side == "buy",
        } for p in self.placements
            if p.filled and p.symbol == params.get("symbol") and (want is None or str(p.order_id) == want)]
        return web.json_response([] if self.fee_hidden else trades)

    async def open_orders(self, request: web.Request) -> web.Response:
        params, error = await self._signed(request)
        if error is not None:
            return error
        sym = params.get("symbol")
        return web.json_response([self._order_json(p) for p in self.placements
                                  if p.status == "new" and (sym is None or p.symbol == sym)])

    async def cancel_all(self, request: web.Request) -> web.Response:
        params, error = await self._signed(request)
        if error is not None:
            return error
        for p in self.placements:  # the answer names no order: one left open is only seen by listing
            if p.status == "new" and p.symbol == params.get("symbol") and not self.cancel_refused(p):
                p.status = "canceled"
        return web.json_response({"code": 200, "msg": "The operation of cancel all open order is done."})

    async def position_side_dual(self, request: web.Request) -> web.Response:
        _, error = await self._signed(request)
        return error or web.json_response({"dualSidePosition": self.position_mode is PositionMode.HEDGE})

    async def countdown_cancel_all(self, request: web.Request) -> web.Response:
        params, error = await self._signed(request)
        if error is not None:
            return error
        symbol = params.get("symbol", "")
        if symbol not in self.books:
            return web.json_response({"code": -1121, "msg": "Invalid symbol."}, status=400)
        self.countdowns.setdefault(symbol, []).append(int(params["countdownTime"]))
        return web.json_response({"symbol": symbol, "countdownTime": params["countdownTime"]})

    async def account(self, request: web.Request) -> web.Response:
        _, error = await self._signed(request)
        if error is not None:
            return error
        im = self.locked("USDT")
        w = str(self.usdt)
        asset = {"asset": "USDT", "walletBalance": w, "unrealizedProfit": "0", "marginBalance": w,
                 "maintMargin": "0", "initialMargin": str(im), "positionInitialMargin": "0",
                 "openOrderInitialMargin": str(im), "crossWalletBalance": w, "crossUnPnl": "0",
                 "availableBalance": str(self.usdt - im), "maxWithdrawAmount": str(self.usdt - im),
                 "updateTime": int(time.time() * 1000)}
        return web.json_response({"totalInitialMargin": str(im), "totalMaintMargin": "0", "totalWalletBalance": w,
                                  "totalUnrealizedProfit": "0", "totalMarginBalance": w,
                                  "availableBalance": str(self.usdt - im), "maxWithdrawAmount": str(self.usdt - im),
                                  "assets": [asset], "positions": [
                                      {k: row[k] for k in ("symbol", "positionSide", "positionAmt", "isolatedMargin",
                                                           "notional", "isolatedWallet", "initialMargin",
                                                           "maintMargin", "updateTime")}
                                      | {"unrealizedProfit": row["unRealizedProfit"]}
                                      for row in self._position_rows(None)]})

    # -- positions -----------------------------------------------------------------------------
    def _position_rows(self, symbol: str | None) -> list[dict[str, Any]]:
        """Binance's rows for every symbol with a position or an open order (or only ``symbol``):
        ``BOTH`` in one-way mode, ``LONG`` and ``SHORT`` in hedge mode."""
        hedge = self.position_mode is PositionMode.HEDGE
        busy = {m for m, _, _, _ in self.positions.open_slots()} | {p.symbol for p in self.placements if p.status == "new"}
        rows = []
        for market_id in sorted(busy):
            if symbol is not None and market_id != symbol:
                continue
            mark = self.books[market_id].mid
            for slot in (("LONG", "SHORT") if hedge else ("BOTH",)):
                size, entry = self.positions.get(market_id, slot)
                amt = -size if slot == "SHORT" else size
                margin = abs(amt) * mark / 10
                rows.append({
                    "symbol": market_id, "positionSide": slot, "positionAmt": str(amt), "entryPrice": str(entry),
                    "breakEvenPrice": str(entry), "markPrice": str(mark), "unRealizedProfit": str((mark - entry) * amt),
                    "liquidationPrice": "0", "isolatedMargin": "0", "notional": str(amt * mark), "marginAsset": "USDT",
                    "isolatedWallet": "0", "initialMargin": str(margin), "maintMargin": str(margin / 25),
                    "positionInitialMargin": str(margin), "openOrderInitialMargin": "0", "adl": 0,
                    "bidNotional": "0", "askNotional": "0", "updateTime": int(time.time() * 1000)})
        return rows

    async def position_risk(self, request: web.Request) -> web.Response:
        params, error = await self._signed(request)
        if error is not None:
            return error
        symbol = params.get("symbol")
        if symbol is not None and symbol not in self.books:
            return web.json_response({"code": -1121, "msg": "Invalid symbol."}, status=400)
        return web.json_response(self._position_rows(symbol))

    BRACKETS = [(1, 125, 50_000, 0, "0.004", "0.0"), (2, 100, 500_000, 50_000, "0.005", "50.0"),
                (3, 50, 8_000_000, 500_000, "0.01", "2550.0")]

    async def leverage_bracket(self, request: web.Request) -> web.Response:
        """Binance "Notional and Leverage Brackets": a list of every symbol's, or with ``symbol``
        that symbol's object."""
        params, error = await self._signed(request)
        if error is not None:
            return error

        def entry(symbol: str) -> dict[str, Any]:
            return {"symbol": symbol, "notionalCoef": 1.0, "brackets": [
                {"bracket": b, "initialLeverage": lev, "notionalCap": cap, "notionalFloor": floor,
                 "maintMarginRatio": float(mmr), "cum": float(cum)} for b, lev, cap, floor, mmr, cum in self.BRACKETS]}

        symbol = params.get("symbol")
        if symbol is None:
            return web.json_response([entry(s) for s in self.books])
        if symbol not in self.books:
            return web.json_response({"code": -1121, "msg": "Invalid symbol."}, status=400)
        return web.json_response(entry(symbol))
