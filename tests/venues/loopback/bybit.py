"""A loopback Bybit v5 exchange: the REST and websocket endpoints ccxt's ``bybit`` uses for
linear (USDT) and inverse (coin-margined) perpetuals, books and orders, with the real protocol.

Categories: ``linear`` BTCUSDT, ETHUSDT (settle USDT) and BTCPERP (settle USDC, one-way only); ``inverse`` BTCUSD (settle BTC, one
contract = 1 USD, quantities in whole contracts, tick 0.10: the real instrument's filters as
recorded in ccxt's fixtures). Every category-scoped request must name the symbol's own category
(else ``retCode`` 10001, as Bybit answers); the wallet is one UNIFIED account (UTA 2.0, where
inverse is unified) holding USDT and BTC; an inverse order locks contracts / price / 10 BTC.

REST: ``/v5/market/instruments-info``, signed ``/v5/order/create``, ``/v5/order/realtime``,
``/v5/order/history``, ``/v5/order/cancel``, ``/v5/user/query-api``, ``/v5/account/info``,
``/v5/position/list`` (Bybit v5 "Get Position Info"): positions kept from fills (``positions``,
a ``PositionBook``; ``held[market_id] = (side, size, avg)`` sets a one-way one by hand); with a
``symbol`` its slots whether open or not (``positionIdx`` 0 in one-way mode, 1 and 2 in hedge
mode; ``position_mode`` applies to linear USDT symbols, inverse perpetuals are one-way only),
without one only the open positions: of ``settleCoin`` for ``linear``, where the docs make
"either ``symbol`` or ``settleCoin``" required (else ``retCode`` 10001 "Missing some parameters
that must be filled in, symbol or settleCoin", the answer users report), and every one for
``inverse`` ("You can query all open positions with ``/v5/position/list?category=inverse``"). An order's ``positionIdx`` must fit the mode, else ``retCode`` 10001 "position idx not
match position mode", as Bybit answers.
Signed requests carry ``X-BAPI-API-KEY``/``-TIMESTAMP``/``-RECV-WINDOW``/``-SIGN`` where the
sign is HMAC-SHA256 of timestamp + key + recv window + (JSON body or query string); a bad one
gets ``retCode`` 10004. Errors come back as HTTP 200 with a non-zero ``retCode``, as Bybit does.
Websocket ``/v5/public/linear`` and ``/v5/public/inverse``: ``subscribe``/``unsubscribe`` to ``orderbook.50.<SYM>`` acked
with ``success``; a ``snapshot`` then ``delta`` frames whose ``data.u`` grows by one, ``seq``
growing by more; text ``{"op": "ping"}`` answered with ``ret_msg: "pong"``.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator, MutableMapping
from decimal import Decimal
from typing import Any

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

SYMBOLS = {"BTCUSDT": ("BTC", 60000.0, "0.10", "0.001"), "ETHUSDT": ("ETH", 3000.0, "0.01", "0.01")}
# a USDC perpetual (Bybit names them <BASE>PERP, settle USDC; filters as BTCUSDT's, not a recording)
USDC = {"BTCPERP": ("BTC", 60000.0, "0.10", "0.001")}
INVERSE = {"BTCUSD": ("BTC", 60000.0, "0.10", "1")}  # one contract = 1 USD
CATEGORY = {**{s: "linear" for s in (*SYMBOLS, *USDC)}, **{s: "inverse" for s in INVERSE}}
SETTLE = {**{s: "USDT" for s in SYMBOLS}, **{s: "USDC" for s in USDC}, **{s: v[0] for s, v in INVERSE.items()}}


def _instrument(symbol: str, base: str, tick: str, step: str, *, inverse: bool = False,
                settle: str = "USDT") -> dict[str, Any]:
    # the shape of a real instruments-info entry; inverse: the real BTCUSD one (ccxt's recorded
    # bybit markets), whose minOrderQty ccxt takes as the contract size (1 USD)
    settle, quote = (base, "USD") if inverse else (settle, settle)
    max_qty, max_market = ("25000000", "5000000") if inverse else ("1190.000", "119.000")
    return {
        "symbol": symbol, "contractType": "InversePerpetual" if inverse else "LinearPerpetual",
        "status": "Trading", "baseCoin": base, "quoteCoin": quote, "launchTime": "1584230400000",
        "deliveryTime": "0", "deliveryFeeRate": "", "priceScale": "2",
        "leverageFilter": {"minLeverage": "1", "maxLeverage": "100.00", "leverageStep": "0.01"},
        "priceFilter": {"minPrice": tick, "maxPrice": "1999999.80", "tickSize": tick},
        "lotSizeFilter": {"maxOrderQty": max_qty, "minOrderQty": step, "qtyStep": step, "postOnlyMaxOrderQty": max_qty,
                          "maxMktOrderQty": max_market, "minNotionalValue": "" if inverse else "5"},
        "unifiedMarginTrade": True, "fundingInterval": 480, "settleCoin": settle,
        "copyTrading": "none" if inverse else "both", "upperFundingRate": "0.005", "lowerFundingRate": "-0.005",
        "isPreListing": False, "preListingInfo": None, "displayName": "",
    }


class OneWayHeld(MutableMapping[str, tuple[str, Decimal, Decimal]]):
    """``server.held``: the one-way positions of a ``PositionBook`` as Bybit rows say them,
    market id -> ("Buy"/"Sell", size, average price); a test may set one by hand."""

    def __init__(self, book: PositionBook) -> None:
        self.book = book

    def __getitem__(self, market_id: str) -> tuple[str, Decimal, Decimal]:
        size, entry = self.book.get(market_id)
        if not size:
            raise KeyError(market_id)
        return ("Buy" if size > 0 else "Sell"), abs(size), entry

    def __setitem__(self, market_id: str, value: tuple[str, Decimal, Decimal]) -> None:
        side, size, entry = value
        self.book.set(market_id, "BOTH", size if side == "Buy" else -size, entry)

    def __delitem__(self, market_id: str) -> None:
        self.book.set(market_id, "BOTH", Decimal(0), Decimal(0))

    def __iter__(self) -> Iterator[str]:
        return iter([m for m, slot, _, _ in self.book.open_slots() if slot == "BOTH"])

    def __len__(self) -> int:
        return len(list(iter(self)))


def _ok(result: Any) -> web.Response:
    return web.json_response({"retCode": 0, "retMsg": "OK", "result": result, "retExtInfo": {},
                              "time": int(time.time() * 1000)})


def _err(code: int, msg: str) -> web.Response:
    return web.json_response({"retCode": code, "retMsg": msg, "result": {}, "retExtInfo": {},
                              "time": int(time.time() * 1000)})


class BybitServer(LoopbackServer):
    ORDER_ROUTE = ("POST", "/v5/order/create")
    # v5 "Rate Limit": the per-UID limit answers HTTP 200 with retCode 10006 "Too many visits"
    # v5 Place Order: orderLinkId "max 36 characters ... numbers, letters (upper and lower cases),
    # dashes, and underscores"; refused as a parameter error (10001, the v5 error list)
    CLIENT_ID_MAX = 36
    CLIENT_ID_ERROR = (200, 10001, "Request parameter error.")
    RATE_LIMIT = (200, {"retCode": 10006, "retMsg": "Too many visits. Exceeded the API Rate Limit.", "result": {},
                        "retExtInfo": {}, "time": 0}, "")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.books = {s: BookEngine(mid=mid, tick=tick, seed=10 + i) for i, (s, (_, mid, tick, _)) in enumerate(SYMBOLS.items())}
        self.books.update({s: BookEngine(mid=mid, tick=tick, seed=20 + i) for i, (s, (_, mid, tick, _)) in enumerate(USDC.items())})
        self.books.update({s: BookEngine(mid=mid, tick=tick, seed=30 + i, lot=step)
                           for i, (s, (_, mid, tick, step)) in enumerate(INVERSE.items())})
        self.seq = {s: 7_000_000_000 for s in self.books}
        self.u = {s: 40_000_000 for s in self.books}  # Bybit numbers frames, not changes
        self.account_leverage = "10"  # what every position slot, empty or not, says is set
        self.wallet["BTC"] = Decimal("1.5")
        self.positions = PositionBook()  # from fills; /v5/position/list reports it
        # its one-way positions: market id -> ("Buy"/"Sell", size, avg price), settable by hand
        self.held = OneWayHeld(self.positions)
        self.u_to_update = {s: {self.u[s]: b.update_id} for s, b in self.books.items()}
        self.unsubscribes = 0
        self.pings = 0
        self._authed: set[Any] = set()
        r = self.app.router
        r.add_get("/v5/market/instruments-info", self.instruments_info)
        r.add_post("/v5/order/create", self.create_order)
        r.add_get("/v5/order/realtime", self.order_realtime)
        r.add_get("/v5/order/history", self.order_history)
        r.add_post("/v5/order/cancel", self.cancel_order)
        r.add_post("/v5/order/cancel-all", self.cancel_all)
        r.add_get("/v5/account/wallet-balance", self.wallet_balance)
        r.add_get("/v5/user/query-api", self.query_api)
        r.add_get("/v5/account/info", self.account_info)
        r.add_get("/v5/position/list", self.position_list)
        r.add_get("/v5/public/linear", self.websocket)
        r.add_get("/v5/public/inverse", self.websocket)
        r.add_get("/v5/private", self.websocket)
        r.add_post("/v5/order/disconnected-cancel-all", self.set_dcp)
        # DCP: Bybit switches it on per account; the API sets the window (docs v5/order/dcp)
        self.dcp_allowed = False
        self.dcp_window: int | None = None
        self.dcp_links: set[Any] = set()  # authenticated private websockets subscribed to "dcp"
        self.private_auths = 0

    @property
    def api_urls(self) -> dict[str, Any]:
        return {"public": self.http, "private": self.http,
                "ws": {"public": {"linear": f"{self.ws}/v5/public/linear",
                                  "inverse": f"{self.ws}/v5/public/inverse"},
                       "private": {"contract": f"{self.ws}/v5/private"}}}

    def order_margin(self, p: Placement) -> tuple[str, Decimal]:
        if CATEGORY[p.symbol] == "inverse":  # contracts of 1 USD: margin in the coin
            coin = (p.qty - p.filled) / (p.price or Decimal(1)) / 10
            return SETTLE[p.symbol], coin.quantize(Decimal("0.00000001"))
        return SETTLE[p.symbol], super().order_margin(p)[1]

    @staticmethod
    def _category_error(params: dict[str, Any]) -> web.Response | None:
        """Bybit scopes each call by ``category``; a symbol of another category is unknown there."""
        symbol = params.get("symbol")
        if params.get("category") not in ("linear", "inverse"):
            return _err(10001, "params error: category invalid")
        if symbol is not None and CATEGORY.get(str(symbol)) != params.get("category"):
            return _err(10001, "params error: symbol invalid")
        return None

    # -- public --------------------------------------------------------------------------------
    async def instruments_info(self, request: web.Request) -> web.Response:
        self.requests.append(("GET", request.path))
        category = request.query.get("category")
        if category == "linear":
            items = [_instrument(s, v[0], v[2], v[3]) for s, v in SYMBOLS.items()]
            items += [_instrument(s, v[0], v[2], v[3], settle="USDC") for s, v in USDC.items()]
        elif category == "inverse":
            items = [_instrument(s, v[0], v[2], v[3], inverse=True) for s, v in INVERSE.items()]
        else:
            items = []
        return _ok({"category": category, "list": items, "nextPageCursor": ""})

    # -- websocket -----------------------------------------------------------------------------
    async def on_text(self, ws: Any, text: str) -> None:
        msg = json.loads(text)
        op = msg.get("op")
        ack = {"success": True, "ret_msg": "", "conn_id": "loopback", "req_id": msg.get("req_id"), "op": op}
        if op == "ping":
            self.pings += 1
            await self.send(ws, {**ack, "ret_msg": "pong"})
            return
        if op == "auth":
            key, expires, signature = (msg.get("args") or ["", "", ""])[:3]
            ok = key == API_KEY and signature == sign(f"GET/realtime{expires}", SECRET)
            if ok:
                self.private_auths += 1
                self._authed.add(ws)
            await self.send(ws, {**ack, "success": ok, "ret_msg": "" if ok else "error:USVC1111"})
            return
        if msg.get("args") == ["dcp"]:
            ok = ws in self._authed
            if ok and op == "subscribe":
                self.dcp_links.add(ws)
            await self.send(ws, {**ack, "success": ok, "ret_msg": "" if ok else "error:not authenticated"})
            return
        ids = [a.split(".")[-1] for a in msg.get("args", [])]
        if op == "subscribe":
            await self.send(ws, ack)
            self.subs.setdefault(ws, set()).update(ids)
            for market_id in ids:
                _, bids, asks = self.books[market_id].snapshot(50)
                self.snapshots[market_id] += 1
                await self.send(ws, self._frame(market_id, "snapshot", self.u[market_id], bids, asks))
        elif op == "unsubscribe":
            self.unsubscribes += 1
            self.subs.setdefault(ws, set()).difference_update(ids)
            await self.send(ws, ack)

    def book_at(self, market_id: str, u: int) -> tuple[list[list[str]], list[list[str]]]:
        """The server's book after frame ``u`` (what a client in sync must hold)."""
        return self.books[market_id].history[self.u_to_update[market_id][u]]

    def _frame(self, market_id: str, kind: str, u: int, bids: list[list[str]], asks: list[list[str]]) -> dict[str, Any]:
        now = int(time.time() * 1000)
        return {"topic": f"orderbook.50.{market_id}", "type": kind, "ts": now, "cts": now - 2,
                "data": {"s": market_id, "b": bids, "a": asks, "u": u, "seq": self.seq[market_id]}}

    def on_closed(self, ws: Any) -> None:
        self.subs.pop(ws, None)
        self.dcp_links.discard(ws)
        self._authed.discard(ws)

    async def emit(self) -> None:
        drop = self.take_drop()
        for market_id, book in self.books.items():
            _, _, bids, asks = book.step()
            self.seq[market_id] += 17
            self.u[market_id] += 1
            self.u_to_update[market_id][self.u[market_id]] = book.update_id
            if drop:
                continue
            frame = self._frame(market_id, "delta", self.u[market_id], bids, asks)
            for ws, ids in list(self.subs.items()):
                if market_id in ids:
                    await self.send(ws, frame)

    def error_response(self, status: int, code: int, message: str) -> web.Response:
        return _err(code, message)  # Bybit: HTTP 200 whatever the error

    # -- signed --------------------------------------------------------------------------------
    async def _signed(self, request: web.Request) -> tuple[dict[str, Any], web.Response | None]:
        self.requests.append((request.method, request.path))
        h = request.headers
        body = await request.text() if request.method == "POST" else request.query_string
        params: dict[str, Any] = json.loads(body) if request.method == "POST" and body else dict(request.query)
        if h.get("X-BAPI-API-KEY") != API_KEY:
            return params, _err(10003, "API key is invalid.")
        payload = h.get("X-BAPI-TIMESTAMP", "") + API_KEY + h.get("X-BAPI-RECV-WINDOW", "") + body
        if h.get("X-BAPI-SIGN") != sign(payload, SECRET):
            return params, _err(10004, "error sign! origin_string[...]")
        return params, None

    async def _signed_in_category(self, request: web.Request) -> tuple[dict[str, Any], web.Response | None]:
        """``_signed``, then the ``category`` check every category-scoped endpoint makes."""
        params, error = await self._signed(request)
        return params, error or self._category_error(params)

    async def query_api(self, request: web.Request) -> web.Response:
        _, error = await self._signed(request)
        return error or _ok({"id": "1", "note": "loopback", "apiKey": API_KEY, "readOnly": 0, "unified": 0,
                             "uta": 1, "permissions": {"ContractTrade": ["Order", "Position"]}})

    async def account_info(self, request: web.Request) -> web.Response:
        _, error = await self._signed(request)
        on = self.dcp_allowed and self.dcp_window is not None
        return error or _ok({"unifiedMarginStatus": 5, "marginMode": "REGULAR_MARGIN", "isMasterTrader": False,
                             "spotHedgingStatus": "OFF", "updatedTime": "1697078946000",
                             "dcpStatus": "ON" if on else "OFF", "timeWindow": self.dcp_window or 10, "smpGroup": 0})

    async def set_dcp(self, request: web.Request) -> web.Response:
        params, error = await self._signed(request)
        if error is not None:
            return error
        if not self.dcp_allowed:  # the retCode Bybit uses here is not documented: a stand-in
            return _err(10005, "Permission denied: DCP is not enabled for this account")
        self.dcp_window = int(params["timeWindow"])
        return _ok({})

    def fill_value(self, p: Placement) -> Decimal:
        """An inverse fill's value in the coin: contracts of 1 USD over the price."""
        if CATEGORY[p.symbol] == "inverse":
            return p.filled / p.avg_price if p.avg_price else Decimal(0)
        return super().fill_value(p)

    def _order_json(self, p: Placement) -> dict[str, Any]:
        status = {"filled": "Filled", "partial_expired": "PartiallyFilledCanceled", "expired": "Cancelled",
                  "new": "New", "canceled": "Cancelled"}[p.status]
        value = (p.avg_price or Decimal(0)) * p.filled
        return {
            "orderId": str(uuid.UUID(int=p.order_id)), "orderLinkId": p.client_id, "blockTradeId": "",
            "symbol": p.symbol, "price": str(p.price or 0), "qty": str(p.qty), "side": p.side.capitalize(),
            "isLeverage": "", "positionIdx": {None: 0, "LONG": 1, "SHORT": 2}[p.position_side],
            "orderStatus": status, "cancelType": "UNKNOWN",
            "rejectReason": "EC_NoError", "avgPrice": str(p.avg_price or ""), "leavesQty": "0",
            "leavesValue": "0", "cumExecQty": str(p.filled), "cumExecValue": str(value),
            "cumExecFee": "" if self.fee_hidden else str(self.charged(p)),  # in the settle coin
            "timeInForce": p.time_in_force, "orderType": "Limit", "stopOrderType": "", "orderIv": "",
            "triggerPrice": "", "takeProfit": "", "stopLoss": "", "tpTriggerBy": "", "slTriggerBy": "",
            "triggerDirection": 0, "triggerBy": "", "lastPriceOnCreated": "", "reduceOnly": p.reduce_only,
            "closeOnTrigger": False, "smpType": "None", "smpGroup": 0, "smpOrderId": "", "tpslMode": "",
            "tpLimitPrice": "", "slLimitPrice": "", "placeType": "", "createdTime": str(p.created_ms),
            "updatedTime": str(p.created_ms),
        }

    async def create_order(self, request: web.Request) -> web.Response:
        params, error = await self._signed_in_category(request)
        if error is not None:
            return error
        if self.faults.reject_next is not None:
            (code, msg), self.faults.reject_next = self.faults.reject_next, None
            return _err(code, msg)
        idx = int(params.get("positionIdx", 0))
        if (idx != 0) != (self._mode(str(params["symbol"])) is PositionMode.HEDGE):
            return _err(10001, "position idx not match position mode")
        client_id = str(params.get("orderLinkId", ""))
        refused = self.client_id_refusal(client_id)
        if refused is not None:
            return refused
        if client_id and self.find(client_id) is not None:
            return _err(110072, "OrderLinkedID is duplicate")
        symbol = params["symbol"]
        qty = Decimal(str(params["qty"]))
        price = Decimal(str(params["price"])) if params.get("price") is not None else None
        side = str(params["side"]).lower()
        tif = str(params.get("timeInForce", "GTC"))
        filled, avg = self.books[symbol].match(side, qty, price)
        status = "filled" if filled == qty else ("partial_expired" if filled else "expired")
        if tif == "GTC" and filled < qty:
            status = "new"
        placement = Placement(client_id, self.next_order_id(), symbol, side, qty, price, tif,
                              bool(params.get("reduceOnly")), filled, avg, status,
                              position_side={0: None, 1: "LONG", 2: "SHORT"}[idx])
        self.record(placement)
        self.positions.fill(symbol, side, filled, avg, position_side=placement.position_side,
                            reduce_only=placement.reduce_only)
        held = await self.hold_after_accept()
        if held is not None:
            return held
        return _ok({"orderId": str(uuid.UUID(int=placement.order_id)), "orderLinkId": client_id})

    def _mode(self, market_id: str) -> PositionMode:
        # UTA 2.0: only USDT perpetuals can be hedge (Bybit v5 "Switch Position Mode")
        return self.position_mode if SETTLE.get(market_id) == "USDT" else PositionMode.ONE_WAY

    async def position_list(self, request: web.Request) -> web.Response:
        params, error = await self._signed_in_category(request)
        if error is not None:
            return error
        category, symbol, settle = params["category"], params.get("symbol"), params.get("settleCoin")
        if symbol is None and settle is None and category == "linear":
            return _err(10001, "Missing some parameters that must be filled in, symbol or settleCoin")
        if symbol is not None:  # its slots, open or not
            slots = [(symbol, i) for i in ((1, 2) if self._mode(symbol) is PositionMode.HEDGE else (0,))]
        else:  # the open positions of the category (and settle coin)
            slots = [(m, {"BOTH": 0, "LONG": 1, "SHORT": 2}[slot]) for m, slot, _, _ in self.positions.open_slots()
                     if CATEGORY[m] == category and settle in (None, SETTLE[m])]
        rows = [self._position_json(m, i) for m, i in slots]
        limit = int(params.get("limit", 20))
        return _ok({"category": category, "list": rows[:limit], "nextPageCursor": ""})

    def _position_json(self, market_id: str, idx: int) -> dict[str, Any]:
        size, avg = self.positions.get(market_id, {0: "BOTH", 1: "LONG", 2: "SHORT"}[idx])
        side = ("Buy" if idx == 1 or (idx == 0 and size > 0) else "Sell") if size else ""
        mark = self.books[market_id].mid
        inverse = CATEGORY[market_id] == "inverse"
        qty = abs(size)
        value = (qty / avg if avg else Decimal(0)) if inverse else qty * avg
        signed = qty if side == "Buy" else -qty
        pnl = signed * (1 / avg - 1 / mark) if inverse and avg else signed * (mark - avg)
        return {"positionIdx": idx, "riskId": 1, "riskLimitValue": "2000000", "symbol": market_id, "side": side,
                "size": str(qty), "avgPrice": str(avg), "positionValue": str(value), "tradeMode": 0,
                "autoAddMargin": 0, "positionStatus": "Normal", "leverage": self.account_leverage,
                "markPrice": str(mark), "liqPrice": "", "bustPrice": "", "positionIM": "0", "positionMM": "0",
                "positionBalance": "0", "takeProfit": "0", "stopLoss": "0", "trailingStop": "0",
                "sessionAvgPrice": "", "unrealisedPnl": str(pnl), "curRealisedPnl": "0", "cumRealisedPnl": "0",
                "adlRankIndicator": 0, "createdTime": "1676538056258", "updatedTime": "1697673600012",
                "seq": 0, "isReduceOnly": False, "mmrSysUpdatedTime": "", "leverageSysUpdatedTime": ""}

    async def _query(self, request: web.Request, open_only: bool) -> web.Response:
        params, error = await self._signed_in_category(request)
        if error is not None:
            return error
        link_id, symbol, settle = params.get("orderLinkId"), params.get("symbol"), params.get("settleCoin")
        found = [p for p in self.placements if self.visible(p) and (link_id is None or p.client_id == link_id)
                 and CATEGORY[p.symbol] == params["category"] and (symbol is None or p.symbol == symbol)
                 and (settle is None or SETTLE[p.symbol] == settle) and (p.status == "new") == open_only]
        return _ok({"category": params.get("category"), "nextPageCursor": "",
                    "list": [self._order_json(p) for p in found]})

    async def order_realtime(self, request: web.Request) -> web.Response:
        # openOnly 0 (default): open orders; 1 (2: UTA 1.0 inverse): the recent closed ones
        return await self._query(request, open_only=request.query.get("openOnly", "0") == "0")

    async def order_history(self, request: web.Request) -> web.Response:
        return await self._query(request, open_only=False)

    async def cancel_order(self, request: web.Request) -> web.Response:
        params, error = await self._signed_in_category(request)
        if error is not None:
            return error
        p = self.find(str(params.get("orderLinkId", "")))
        if p is None or p.status != "new" or p.symbol != params.get("symbol"):
            return _err(110001, "order not exists or too late to cancel")
        p.status = "canceled"
        return _ok({"orderId": str(uuid.UUID(int=p.order_id)), "orderLinkId": p.client_id})

    async def cancel_all(self, request: web.Request) -> web.Response:
        params, error = await self._signed_in_category(request)
        if error is not None:
            return error
        done = []
        for p in self.placements:  # the answer lists the orders cancelled
            if p.status == "new" and p.symbol == params.get("symbol") and not self.cancel_refused(p):
                p.status = "canceled"
                done.append({"orderId": str(uuid.UUID(int=p.order_id)), "orderLinkId": p.client_id})
        return _ok({"list": done, "success": "1"})

    async def wallet_balance(self, request: web.Request) -> web.Response:
        _, error = await self._signed(request)
        if error is not None:
            return error
        coins = []
        for coin, wallet in self.wallet.items():
            im = self.locked(coin)
            usd = wallet if coin == "USDT" else wallet * Decimal(60000)
            coins.append({"coin": coin, "equity": str(wallet), "walletBalance": str(wallet), "usdValue": str(usd),
                          "availableToWithdraw": "", "locked": "0", "totalOrderIM": str(im), "totalPositionIM": "0",
                          "totalPositionMM": "0", "unrealisedPnl": "0", "cumRealisedPnl": "0", "borrowAmount": "0",
                          "accruedInterest": "0", "bonus": "0", "collateralSwitch": True, "marginCollateral": True})
        im = self.locked("USDT")
        return _ok({"list": [{"accountType": "UNIFIED", "totalEquity": str(self.usdt),
                              "totalWalletBalance": str(self.usdt), "totalAvailableBalance": str(self.usdt - im),
                              "totalInitialMargin": str(im), "totalMaintenanceMargin": "0",
                              "accountIMRate": "0", "accountMMRate": "0", "coin": coins}]})
