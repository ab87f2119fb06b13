"""A loopback BingX exchange: the USDⓈ-M perpetual swap REST and websocket endpoints ccxt's
``bingx`` uses for markets, books, orders and the account, with the real protocol.

Written from BingX's API documentation (bingx-api.github.io/docs-v3, the bundle of
github.com/BingX-API/docs-v3 as of 2025-10) and ccxt 4.5.90's ``bingx.py`` / ``pro/bingx.py``:

REST (``/openApi``): ``swap/v2/quote/contracts``, ``swap/v2/quote/depth`` (no update id: BingX's
swap depth has none), ``cswap/v1/market/contracts`` and ``spot/v1/common/symbols`` (empty: ccxt
loads all three), signed ``swap/v2/trade/order`` POST/GET/DELETE, ``swap/v2/trade/openOrders``,
``swap/v2/trade/allOpenOrders`` (DELETE; without ``symbol`` every swap order), ``swap/v3/user/
balance``, ``swap/v2/user/positions``, ``swap/v1/positionSide/dual`` GET/POST,
``swap/v2/trade/cancelAllAfter``, ``v1/account/apiPermissions``, and the spot ``trade/openOrders``
/ ``trade/cancelOpenOrders`` so a test can see a cancel-all that strays onto spot.

Signing: the ``X-BX-APIKEY`` header and ``signature`` = HMAC-SHA256 (hex) of the parameter string
as sent (ccxt sorts it and signs it unquoted), the query string before ``&signature=`` followed by
any form body; ``timestamp`` within 5 s. Errors are HTTP 200 with ``{"code", "msg"}``: 100413
wrong key, 100001 bad signature, 100421 timestamp; order errors as the place-order page lists them
(101481 duplicate clientOrderID, 101290 reduce-only would open, 109400 positionSide against the
account's mode, 80016 order does not exist, 80018 already filled/does not exist on cancel).
BingX lower-cases client order ids ("The system will convert this field to lowercase"): stored and
looked up lower-cased here too. The parameter is ``clientOrderId`` in the docs and
``clientOrderID`` in ccxt's create/cancel requests; BingX takes both (ccxt's and JKorf's BingX.Net
clients both work in production), so the name is matched case-insensitively.

Websocket ``/swap-market``: every frame the server sends is GZIP-compressed (binary); the
heartbeat is the text ``Ping`` every few seconds (5 s on BingX; ``ping_interval`` here), answered
by the text ``Pong``. A connection that leaves ``pong_misses`` Pings in a row unanswered is closed
(BingX's FAQ: a websocket that does not answer Ping is disconnected; its threshold is not
documented). BingX documents no answer to websocket ping *frames*: ``answers_ping_frames`` is
False by default, so only the text heartbeat shows the link alive. ``{"id", "reqType": "sub",
"dataType": "BTC-USDT@depth100"}`` is acked with ``{"id", "code": 0, "msg": "", "dataType": "",
"data": null}``; then every depth frame is a FULL snapshot of the top ``level`` levels (asks listed
high to low, as BingX's example frame does), with ``ts`` and no update id.

The suite contract (``common.py``): ``book_at(market_id, ts)`` is keyed by the frame's ``ts``
(what ``BookSnapshot.timestamp`` carries; unique per market here), ``snapshots`` counts every
depth frame and REST depth (each is a whole book), ``position_mode`` answers ``positionSide/dual``
and decides which ``positionSide`` an order may carry (109400 otherwise), ``Placement.position_side``
is LONG/SHORT in hedge mode and None for BingX's ``BOTH``. Beyond it: ``positions`` (filled orders
move them, one-way nets), ``enforce_reduce_only`` (101290 when a reduce-only order has nothing to
reduce; off by default, the shared suite sends one with no position), ``permissions`` /
``ip_addresses`` (the key probe), ``spot_orders`` (a spot order a stray cancel-all would hit),
``ping_interval`` / ``pong_misses`` / ``answers_ping_frames`` (the heartbeat).
"""

from __future__ import annotations

import asyncio
import gzip
import json
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, unquote

from aiohttp import web

from sor_desktop.core.account import PositionMode
from tests.venues.loopback.common import API_KEY, SECRET, BookEngine, LoopbackServer, Placement, sign

SYMBOLS = {"BTC-USDT": ("BTC", 60000.0, "0.1", 3, 1), "ETH-USDT": ("ETH", 3000.0, "0.01", 2, 2)}
LEVERAGE = 10  # resting orders freeze price x remaining / 10, positions use entry x size / 10
RECV_WINDOW_MS = 5000


def _contract(symbol: str, base: str, qty_precision: int, price_precision: int, contract_id: int) -> dict[str, Any]:
    # the shape of the docs' USDT-M Perp Futures symbols answer
    return {
        "contractId": str(contract_id), "symbol": symbol, "size": "0", "quantityPrecision": qty_precision,
        "pricePrecision": price_precision, "feeRate": 0.0005, "makerFeeRate": 0.0002, "takerFeeRate": 0.0005,
        "tradeMinLimit": 0, "tradeMinQuantity": float(Decimal(1).scaleb(-qty_precision)), "tradeMinUSDT": 2,
        "maxLongLeverage": 125, "maxShortLeverage": 125, "currency": "USDT", "asset": base, "status": 1,
        "apiStateOpen": "true", "apiStateClose": "true", "brokerState": "true", "launchTime": 1586275200000,
        "maintainTime": 0, "offTime": 0,
    }


def _ok(data: Any, **extra: Any) -> web.Response:
    return web.json_response({"code": 0, "msg": "", "timestamp": int(time.time() * 1000), "data": data, **extra})


def _err(code: int, msg: str, status: int = 200) -> web.Response:
    # BingX answers business errors with HTTP 200 and a non-zero code
    return web.json_response({"code": code, "msg": msg, "timestamp": int(time.time() * 1000), "data": {}},
                             status=status)


@dataclass
class BingxPlacement(Placement):
    order_type: str = "LIMIT"

    @property
    def wire_position_side(self) -> str:
        return self.position_side or "BOTH"


@dataclass
class SpotOrder:
    """A spot order of the same account (only to see that nothing cancels it by mistake)."""

    symbol: str
    order_id: int
    status: str = "NEW"


class BingxServer(LoopbackServer):
    ORDER_ROUTE = ("POST", "/openApi/swap/v2/trade/order")
    # 100410 with the words ccxt's bingx table records for it (BingX's "Common Error Codes" page
    # also documents HTTP 429 for a broken rate limit: both are not-a-proof answers)
    # swap v2 Place order: clientOrderID "1-40 characters" (lower-cased by BingX); refused as a
    # parameter validation error, 80014 in the body shape ccxt's bingx table records
    CLIENT_ID_MAX = 40
    CLIENT_ID_ERROR = (200, 80014, "Invalid parameters, err:Key: 'ClientOrderID' Error:Field validation for "
                                   "'ClientOrderID' failed on the 'max' tag")
    RATE_LIMIT = (200, {"code": 100410, "msg": "The current system is busy, please try again later"}, "")

    answers_ping_frames = False

    def __init__(self, *, ping_interval: float = 0.15, pong_misses: int = 10, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.books = {s: BookEngine(mid=mid, tick=tick, seed=20 + i)
                      for i, (s, (_, mid, tick, _, _)) in enumerate(SYMBOLS.items())}
        # BingX's swap depth frames carry no update id: a client's book is identified by the
        # frame's ``ts``, unique per symbol here, mapped to the server's book at that moment
        self.ts_to_update: dict[str, dict[int, int]] = {s: {} for s in SYMBOLS}
        self._last_ts: dict[str, int] = {s: 0 for s in SYMBOLS}
        self.data_types: dict[Any, dict[str, str]] = {}  # ws -> {market id: dataType as subscribed}
        self.ping_interval = ping_interval
        self.pong_misses = pong_misses
        self.pings_sent = 0
        self.pongs = 0
        self.ping_frames = 0  # websocket ping frames received (unanswered unless answers_ping_frames)
        self._heartbeats: dict[Any, tuple[asyncio.Task[Any], dict[str, int]]] = {}  # ws -> (pinger, state)
        self.unsubscribes = 0
        self.positions: dict[tuple[str, str], tuple[Decimal, Decimal]] = {}  # (symbol, LONG/SHORT) -> (qty, entry)
        # refuse a reduce-only order with nothing to reduce (101290), as BingX does; off by default
        # because the shared suite sends a reduce-only order with no position open
        self.enforce_reduce_only = False
        self.permissions: list[int] = [2, 3]  # read + perpetual futures trading
        self.ip_addresses: list[str] = ["203.0.113.7"]
        self.spot_orders: list[SpotOrder] = []
        self.cancel_all_after: dict[str, Any] | None = None
        r = self.app.router
        r.add_get("/openApi/swap/v2/quote/contracts", self.contracts)
        r.add_get("/openApi/cswap/v1/market/contracts", self.empty_list)
        r.add_get("/openApi/spot/v1/common/symbols", self.spot_symbols)
        r.add_get("/openApi/swap/v2/quote/depth", self.depth)
        r.add_post("/openApi/swap/v2/trade/order", self.new_order)
        r.add_get("/openApi/swap/v2/trade/order", self.query_order)
        r.add_delete("/openApi/swap/v2/trade/order", self.cancel_order)
        r.add_get("/openApi/swap/v2/trade/openOrders", self.open_orders)
        r.add_delete("/openApi/swap/v2/trade/allOpenOrders", self.cancel_all)
        r.add_post("/openApi/swap/v2/trade/cancelAllAfter", self.cancel_all_after_endpoint)
        r.add_get("/openApi/swap/v3/user/balance", self.user_balance)
        r.add_get("/openApi/swap/v2/user/positions", self.user_positions)
        r.add_get("/openApi/swap/v1/positionSide/dual", self.position_side_dual)
        r.add_post("/openApi/swap/v1/positionSide/dual", self.set_position_side_dual)
        r.add_get("/openApi/v1/account/apiPermissions", self.api_permissions)
        r.add_get("/openApi/spot/v1/trade/openOrders", self.spot_open_orders)
        r.add_post("/openApi/spot/v1/trade/cancelOpenOrders", self.spot_cancel_open_orders)
        r.add_get("/swap-market", self.websocket)

    @property
    def api_urls(self) -> dict[str, Any]:
        """What to merge into ccxt's ``urls['api']`` (``CcxtConfig.api_urls``)."""
        base = f"{self.http}/openApi"
        sections = ("fund", "spot", "swap", "contract", "wallets", "user", "subAccount", "account",
                    "copyTrading", "cswap", "api", "agent", "wealth")
        return {**dict.fromkeys(sections, base), "ws": {"linear": f"{self.ws}/swap-market"}}

    @property
    def hedge(self) -> bool:
        return self.position_mode is PositionMode.HEDGE

    def book_at(self, market_id: str, ts: int) -> tuple[list[list[str]], list[list[str]]]:
        """The server's book when the frame with ``ts`` was sent (a BingX book has no sequence:
        its frame time is the key; ``BookSnapshot.timestamp``)."""
        return self.books[market_id].history[self.ts_to_update[market_id][ts]]

    def position(self, market_id: str, side: str = "BOTH") -> Decimal:
        """Signed position: one-way ``BOTH`` (long > 0), hedge ``LONG``/``SHORT`` (>= 0)."""
        if side == "BOTH":
            return self.positions.get((market_id, "LONG"), (Decimal(0), Decimal(0)))[0] - \
                self.positions.get((market_id, "SHORT"), (Decimal(0), Decimal(0)))[0]
        return self.positions.get((market_id, side), (Decimal(0), Decimal(0)))[0]

    # -- public --------------------------------------------------------------------------------
    async def contracts(self, request: web.Request) -> web.Response:
        self.requests.append(("GET", request.path))
        return _ok([_contract(s, base, qp, pp, 100 + i)
                    for i, (s, (base, _, _, qp, pp)) in enumerate(SYMBOLS.items())])

    async def empty_list(self, request: web.Request) -> web.Response:
        self.requests.append(("GET", request.path))
        return _ok([])

    async def spot_symbols(self, request: web.Request) -> web.Response:
        self.requests.append(("GET", request.path))
        return _ok({"symbols": []})

    async def depth(self, request: web.Request) -> web.Response:
        self.requests.append(("GET", request.path))
        book = self.books.get(request.query.get("symbol", ""))
        if book is None:
            return _err(109425, f"{request.query.get('symbol')} not exist, please verify it")
        _, bids, asks = book.snapshot(int(request.query.get("limit", 20)))
        self.snapshots[request.query["symbol"]] += 1
        return _ok({"T": int(time.time() * 1000), "bids": bids, "asks": asks[::-1]})

    # -- websocket -----------------------------------------------------------------------------
    def on_open(self, ws: Any) -> None:
        state = {"unanswered": 0}
        self._heartbeats[ws] = (self.spawn(self._ping_loop(ws, state)), state)

    async def on_ping_frame(self, ws: Any, data: bytes) -> None:
        self.ping_frames += 1
        if self.answers_ping_frames:
            await ws.pong(data)

    async def _ping_loop(self, ws: web.WebSocketResponse, state: dict[str, int]) -> None:
        """BingX's heartbeat: ``Ping`` every ``ping_interval``; close after ``pong_misses``."""
        while not ws.closed:
            await asyncio.sleep(self.ping_interval)
            if ws in self._silenced:
                continue
            if state["unanswered"] >= self.pong_misses:
                await ws.close(code=1000, message=b"no Pong")
                return
            state["unanswered"] += 1
            self.pings_sent += 1
            await self._send_raw(ws, "Ping")

    async def send(self, ws: web.WebSocketResponse, payload: Any) -> None:
        await self._send_raw(ws, json.dumps(payload))

    async def _send_raw(self, ws: web.WebSocketResponse, text: str) -> None:
        if ws in self._silenced or ws.closed:
            return
        try:
            await ws.send_bytes(gzip.compress(text.encode()))
        except (ConnectionError, RuntimeError):
            self._sockets.discard(ws)

    async def on_text(self, ws: Any, text: str) -> None:
        if text == "Pong":
            self.pongs += 1
            self._heartbeats[ws][1]["unanswered"] = 0
            return
        try:
            msg = json.loads(text)
        except ValueError:
            return  # BingX ignores what it cannot parse
        req_id, req_type, data_type = msg.get("id"), msg.get("reqType"), str(msg.get("dataType", ""))
        market_id, _, _ = data_type.partition("@")
        if "@depth" not in data_type or market_id not in self.books:
            await self.send(ws, {"id": req_id, "code": 100400, "msg": f"invalid dataType {data_type}",
                                 "dataType": "", "data": None})
            return
        subs, types = self.subs.setdefault(ws, set()), self.data_types.setdefault(ws, {})
        if req_type == "sub":
            subs.add(market_id)
            # pushed with the interval BingX applies (ccxt's sample frame for a depth100
            # subscription reads "BTC-USDT@depth100@500ms")
            types[market_id] = data_type if data_type.count("@") > 1 else f"{data_type}@500ms"
        elif req_type == "unsub":
            self.unsubscribes += 1
            subs.discard(market_id)
        await self.send(ws, {"id": req_id, "code": 0, "msg": "", "dataType": "", "data": None})

    def on_closed(self, ws: Any) -> None:
        self.subs.pop(ws, None)
        self.data_types.pop(ws, None)
        task, _ = self._heartbeats.pop(ws, (None, None))
        if task is not None:
            task.cancel()

    def _next_ts(self, market_id: str) -> int:
        ts = max(int(time.time() * 1000), self._last_ts[market_id] + 1)
        self._last_ts[market_id] = ts
        return ts

    async def emit(self) -> None:
        for market_id, book in self.books.items():
            book.step()
            if self.faults.drop_next_diffs > 0:
                self.faults.drop_next_diffs -= 1
                continue
            ts = self._next_ts(market_id)
            self.ts_to_update[market_id][ts] = book.update_id
            if len(self.ts_to_update[market_id]) > 2000:
                del self.ts_to_update[market_id][next(iter(self.ts_to_update[market_id]))]
            for ws, subs in list(self.subs.items()):
                if market_id not in subs or ws in self._silenced:
                    continue
                data_type = self.data_types[ws][market_id]
                level = int(data_type.split("@")[1].removeprefix("depth") or 20)
                _, bids, asks = book.snapshot(level)
                self.snapshots[market_id] += 1  # every BingX depth frame is a whole book
                await self.send(ws, {"code": 0, "dataType": data_type, "ts": ts,
                                     "data": {"bids": bids, "asks": asks[::-1]}})

    # -- signed --------------------------------------------------------------------------------
    async def _signed(self, request: web.Request) -> tuple[dict[str, str], web.Response | None]:
        self.requests.append((request.method, request.path))
        query = request.query_string
        body = await request.text() if request.can_read_body else ""
        payload, _, signature = query.rpartition("&signature=") if "&signature=" in query else (query, "", "")
        if not signature and "signature=" in body:
            body, _, signature = body.rpartition("signature=")
            body = body.rstrip("&")
        params = dict(parse_qsl(payload, keep_blank_values=True))
        params.update(parse_qsl(body, keep_blank_values=True))
        if request.headers.get("X-BX-APIKEY") != API_KEY:
            return params, _err(100413, "Incorrect apiKey")
        if not signature:
            return params, _err(100412, "Null signature")
        if sign(unquote(payload) + unquote(body), SECRET) != signature:
            return params, _err(100001, "Signature verification failed due to signature mismatch")
        ts = params.get("timestamp")
        if ts is None or abs(int(ts) - time.time() * 1000) > int(params.get("recvWindow", RECV_WINDOW_MS)):
            return params, _err(100421, "Null timestamp or timestamp mismatch")
        return params, None

    @staticmethod
    def _client_id(params: dict[str, str]) -> str | None:
        for key, value in params.items():
            if key.lower() == "clientorderid" and value:
                return value.lower()
        return None

    def _find(self, client_id: str | None, order_id: str | None, *, hidden: bool = False) -> BingxPlacement | None:
        """The order by client id or order id; ``hidden``: also one lookups do not see yet."""
        for p in self.placements:
            if not hidden and not self.visible(p):
                continue
            if (client_id is not None and p.client_id == client_id) or \
                    (order_id is not None and str(p.order_id) == order_id):
                return p  # type: ignore[return-value]
        return None

    def find(self, client_id: str) -> Placement | None:
        return self._find(client_id.lower(), None, hidden=True)

    def _order_json(self, p: BingxPlacement) -> dict[str, Any]:
        status = {"filled": "FILLED", "partial_expired": "EXPIRED", "expired": "EXPIRED", "new": "PENDING",
                  "canceled": "CANCELLED"}[p.status]
        quote = (p.avg_price or Decimal(0)) * p.filled
        return {
            "symbol": p.symbol, "orderId": p.order_id, "side": p.side.upper(), "positionSide": p.wire_position_side,
            "type": p.order_type, "origQty": str(p.qty), "price": str(p.price or 0),
            "executedQty": str(p.filled), "avgPrice": str(p.avg_price or "0.0"), "cumQuote": str(quote),
            "stopPrice": "", "profit": "0.0000", "commission": "" if self.fee_hidden else str(-self.charged(p)),
            "status": status, "time": p.created_ms, "updateTime": p.created_ms, "clientOrderId": p.client_id,
            "leverage": f"{LEVERAGE}X",
            "takeProfit": {"type": "", "quantity": 0, "stopPrice": 0, "price": 0, "workingType": ""},
            "stopLoss": {"type": "", "quantity": 0, "stopPrice": 0, "price": 0, "workingType": ""},
            "advanceAttr": 0, "positionID": 0, "takeProfitEntrustPrice": 0, "stopLossEntrustPrice": 0,
            "orderType": "", "workingType": "MARK_PRICE", "reduceOnly": p.reduce_only,
            "timeInForce": p.time_in_force,
        }

    def error_response(self, status: int, code: int, message: str) -> web.Response:
        """BingX's error body (``{"code", "msg"}``), with ``status`` (200 for business errors)."""
        return _err(code, message, status)

    def _position_side_error(self, position_side: str) -> web.Response | None:
        if self.hedge and position_side not in ("LONG", "SHORT"):
            return _err(109400, "In the Hedge mode, the 'PositionSide' field can only be set to LONG or SHORT.")
        if not self.hedge and position_side != "BOTH":
            return _err(109400, "In the One-way mode, the 'PositionSide' field can only be set to BOTH.")
        return None

    def _closable(self, symbol: str, side: str, position_side: str, reduce_only: bool) -> Decimal | None:
        """How much this order may trade when it can only close (None: it may open)."""
        if self.hedge:
            closing = (side == "sell") == (position_side == "LONG")
            return self.position(symbol, position_side) if closing else None
        if not reduce_only:
            return None
        net = self.position(symbol)
        return max(net, Decimal(0)) if side == "sell" else max(-net, Decimal(0))

    def _apply_fill(self, symbol: str, side: str, position_side: str, qty: Decimal, price: Decimal) -> None:
        if not qty:
            return
        if self.hedge:
            opening = (side == "buy") == (position_side == "LONG")
            self._move(symbol, position_side, qty if opening else -qty, price)
            return
        long_, short = self.position(symbol, "LONG"), self.position(symbol, "SHORT")
        if side == "buy":
            closed = min(short, qty)
            self._move(symbol, "SHORT", -closed, price)
            self._move(symbol, "LONG", qty - closed, price)
        else:
            closed = min(long_, qty)
            self._move(symbol, "LONG", -closed, price)
            self._move(symbol, "SHORT", qty - closed, price)

    def _move(self, symbol: str, side: str, delta: Decimal, price: Decimal) -> None:
        if not delta:
            return
        qty, entry = self.positions.get((symbol, side), (Decimal(0), Decimal(0)))
        new = qty + delta
        if new <= 0:
            self.positions.pop((symbol, side), None)
            return
        self.positions[(symbol, side)] = (new, (qty * entry + delta * price) / new if delta > 0 else entry)

    async def new_order(self, request: web.Request) -> web.Response:
        params, error = await self._signed(request)
        if error is not None:
            return error
        if self.faults.reject_next is not None:
            (code, msg), self.faults.reject_next = self.faults.reject_next, None
            return _err(code, msg)
        symbol = params.get("symbol", "")
        if symbol not in self.books:
            return _err(109425, f"{symbol} not exist, please verify it")
        if "positionSide" not in params:
            return _err(80014, "Invalid parameters,positionSide: This field is required.")
        position_side = params["positionSide"]
        wrong_side = self._position_side_error(position_side)
        if wrong_side is not None:
            return wrong_side
        if self.hedge and "reduceOnly" in params:
            return _err(109400, "reduceOnly is not accepted in the Hedge mode")  # the docs: "not accepted"
        if "quantity" not in params:
            return _err(80014, "parameter quantity is must")
        refused = self.client_id_refusal(next((v for k, v in params.items() if k.lower() == "clientorderid"), ""))
        if refused is not None:
            return refused
        client_id = self._client_id(params)
        if client_id is not None and self._find(client_id, None, hidden=True) is not None:
            return _err(101481, "clientOrderID cannot be repeated")
        side = params.get("side", "").lower()
        qty = Decimal(params["quantity"])
        order_type = params.get("type", "LIMIT").upper()
        price = Decimal(params["price"]) if order_type == "LIMIT" and "price" in params else None
        reduce_only = params.get("reduceOnly") == "true"
        closable = self._closable(symbol, side, position_side, reduce_only)
        if closable is not None and self.enforce_reduce_only and closable <= 0:
            if self.hedge:
                return _err(101205, "No position to close")
            return _err(101290, "The Reduce Only order can only decrease the position and not be used to "
                                "open a position. Please check your positions and open orders.")
        tif = params.get("timeInForce", "GTC").upper()
        fillable = qty if closable is None or not self.enforce_reduce_only else min(qty, closable)
        filled, avg = self.books[symbol].match(side, fillable, price)
        status = "filled" if filled == qty else ("partial_expired" if filled else "expired")
        if tif == "GTC" and filled < qty:
            status = "new"
        placement = BingxPlacement(client_id or "", self.next_order_id(), symbol, side, qty, price, tif,
                                   reduce_only, filled, avg, status,
                                   position_side=position_side if position_side != "BOTH" else None,
                                   order_type=order_type)
        self.record(placement)  # Faults.hide_for_s: lookups may not see it yet
        if avg is not None:
            self._apply_fill(symbol, side, position_side, filled, avg)
        held = await self.hold_after_accept()
        if held is not None:
            return held
        # the place-order answer echoes the request (ccxt's demo in PR 20661), no status
        return _ok({"order": {
            "orderId": placement.order_id, "symbol": symbol, "positionSide": position_side, "side": side.upper(),
            "type": order_type, "price": float(price or 0), "quantity": float(qty), "stopPrice": 0,
            "workingType": "MARK_PRICE", "clientOrderID": placement.client_id, "timeInForce": tif,
            "priceRate": 0, "stopLoss": "", "takeProfit": "", "reduceOnly": reduce_only}})

    async def query_order(self, request: web.Request) -> web.Response:
        params, error = await self._signed(request)
        if error is not None:
            return error
        p = self._find(self._client_id(params), params.get("orderId"))
        if p is None or p.symbol != params.get("symbol"):
            return _err(80016, "order does not exist")
        return _ok({"order": self._order_json(p)})

    async def cancel_order(self, request: web.Request) -> web.Response:
        params, error = await self._signed(request)
        if error is not None:
            return error
        p = self._find(self._client_id(params), params.get("orderId"))
        if p is None or p.symbol != params.get("symbol"):
            return _err(109414, "order not exist")
        if p.status != "new":
            return _err(80018, "order is already filled, The order doesn't exist")
        p.status = "canceled"
        return _ok({"order": self._order_json(p)})

    async def open_orders(self, request: web.Request) -> web.Response:
        params, error = await self._signed(request)
        if error is not None:
            return error
        sym = params.get("symbol")
        return _ok({"orders": [self._order_json(p) for p in self.placements  # type: ignore[arg-type]
                               if p.status == "new" and (sym is None or p.symbol == sym)]})

    async def cancel_all(self, request: web.Request) -> web.Response:
        params, error = await self._signed(request)
        if error is not None:
            return error
        sym = params.get("symbol")  # the docs: without a symbol, every open swap order
        done, failed = [], []
        for p in self.placements:  # the answer splits them: cancelled ("success") and not ("failed")
            if p.status == "new" and (sym is None or p.symbol == sym):
                if self.cancel_refused(p):
                    failed.append({"orderId": str(p.order_id), "clientOrderId": p.client_id, "errorCode": 109500,
                                   "errorMessage": "The current system is busy, please try again later"})
                    continue
                p.status = "canceled"
                done.append(self._order_json(p))  # type: ignore[arg-type]
        return _ok({"success": done, "failed": failed or None})

    async def cancel_all_after_endpoint(self, request: web.Request) -> web.Response:
        params, error = await self._signed(request)
        if error is not None:
            return error
        kind, timeout = params.get("type"), int(params.get("timeOut", 0))
        if kind == "ACTIVATE" and not 10 <= timeout <= 120:
            return _err(80014, "Invalid parameters,timeOut: range 10s-120s")
        trigger = int(time.time()) + timeout if kind == "ACTIVATE" else 0
        self.cancel_all_after = {"type": kind, "timeOut": timeout, "triggerTime": trigger}
        status = "ACTIVATED" if kind == "ACTIVATE" else "CLOSED"
        return web.json_response({"code": 0, "msg": "", "debugMsg": "",
                                  "data": {"triggerTime": trigger, "status": status, "note": ""}})

    def _position_margin(self) -> Decimal:
        return sum((qty * entry for qty, entry in self.positions.values()), Decimal(0)) / LEVERAGE

    async def user_balance(self, request: web.Request) -> web.Response:
        _, error = await self._signed(request)
        if error is not None:
            return error
        frozen, used = self.locked("USDT"), self._position_margin()
        # the docs' example: balance = availableMargin + usedMargin (+ freezedMargin for orders)
        usdt = {"userId": "116***295", "asset": "USDT", "balance": str(self.usdt), "equity": str(self.usdt),
                "unrealizedProfit": "0.0000", "realisedProfit": "0", "availableMargin": str(self.usdt - used - frozen),
                "usedMargin": str(used), "freezedMargin": str(frozen), "shortUid": "12851936"}
        usdc = {**usdt, "asset": "USDC", "balance": "0.0000", "equity": "0.0000", "availableMargin": "0.0000",
                "usedMargin": "0.0000", "freezedMargin": "0.0000"}
        return _ok([usdt, usdc])

    async def user_positions(self, request: web.Request) -> web.Response:
        params, error = await self._signed(request)
        if error is not None:
            return error
        sym = params.get("symbol")
        out = []
        for (symbol, side), (qty, entry) in self.positions.items():
            if sym is not None and symbol != sym:
                continue
            out.append({"positionId": str(abs(hash((symbol, side))) % 10**12), "symbol": symbol, "currency": "USDT",
                        "positionAmt": str(qty), "availableAmt": str(qty), "positionSide": side,
                        "isolated": False, "avgPrice": str(entry), "initialMargin": str(qty * entry / LEVERAGE),
                        "leverage": LEVERAGE, "unrealizedProfit": "0.0000", "realisedProfit": "0.0000",
                        "liquidationPrice": 0, "markPrice": str(entry), "positionValue": str(qty * entry)})
        return _ok(out)

    async def position_side_dual(self, request: web.Request) -> web.Response:
        _, error = await self._signed(request)
        return error or _ok({"dualSidePosition": "true" if self.hedge else "false"})

    async def set_position_side_dual(self, request: web.Request) -> web.Response:
        params, error = await self._signed(request)
        if error is not None:
            return error
        if self.positions or any(p.status == "new" for p in self.placements):
            return _err(109401, "user has pending orders or position")
        self.position_mode = PositionMode.HEDGE if params.get("dualSidePosition") == "true" else PositionMode.ONE_WAY
        return _ok({"dualSidePosition": "true" if self.hedge else "false"})

    async def api_permissions(self, request: web.Request) -> web.Response:
        _, error = await self._signed(request)
        # the docs' answer is the bare object, not wrapped in code/data
        return error or web.json_response({"apiKey": API_KEY, "permissions": self.permissions,
                                           "ipAddresses": self.ip_addresses, "note": "loopback"})

    async def spot_open_orders(self, request: web.Request) -> web.Response:
        _, error = await self._signed(request)
        orders = [{"symbol": o.symbol, "orderId": o.order_id, "status": o.status, "type": "LIMIT", "side": "BUY",
                   "price": "1", "origQty": "1", "executedQty": "0"} for o in self.spot_orders if o.status == "NEW"]
        return error or _ok({"orders": orders})

    async def spot_cancel_open_orders(self, request: web.Request) -> web.Response:
        params, error = await self._signed(request)
        if error is not None:
            return error
        done = []
        for o in self.spot_orders:
            if o.status == "NEW" and params.get("symbol") in (None, o.symbol):
                o.status = "CANCELED"
                done.append({"symbol": o.symbol, "orderId": o.order_id, "status": "CANCELED"})
        return _ok({"orders": done})
