"""A loopback WEEX exchange: the V3 contract REST and websocket endpoints ccxt's ``weex`` uses
for markets, books, orders, balances, positions and the account's position mode.

Sources: WEEX's V3 API reference (www.weex.com/api-doc/contract/..., as catalogued by
weex-labs/weex-agent-skills ``contract-api-definitions.md``), ccxt 4.5.90 ``weex.py`` /
``pro/weex.py``, the recorded bodies in ``../shared/venue-data/*/weex.json`` and JKorf/Weex.Net
(a client tested against the live venue) where the reference says nothing.

REST. Public: spot ``/api/v3/exchangeInfo`` (ccxt loads spot and contract markets together;
this server lists no spot market), ``/capi/v3/market/exchangeInfo``, ``/capi/v3/market/depth``
(``lastUpdateId``). Signed (``ACCESS-KEY``, ``ACCESS-PASSPHRASE``, ``ACCESS-TIMESTAMP``,
``ACCESS-SIGN`` = base64 HMAC-SHA256 of timestamp + method + path with query + JSON body):
``POST/DELETE/GET /capi/v3/order`` (the GET takes ``orderId`` only, as documented),
``/capi/v3/openOrders``, ``/capi/v3/order/history`` (paged: ``limit`` 1-1000, ``page``), ``DELETE /capi/v3/allOpenOrders`` (symbol
optional), ``/capi/v3/account/balance``, ``.../position/allPosition``,
``.../position/singlePosition``, ``/capi/v3/account/accountConfig`` (``dualSidePosition``) and
``/capi/v3/account/symbolConfig``. Errors are HTTP 400 ``{"code": -1xxx, "msg": ...}``.

Orders carry ``positionSide`` LONG/SHORT (required by WEEX in both modes): BUY+LONG opens a
long, SELL+LONG closes it, SELL+SHORT opens a short, BUY+SHORT closes it. WEEX's place-order has
no reduce-only field: a close is the reduce (``Placement.closes``; ``reduce_only`` records
ccxt's ``reduceOnly`` flag as sent in the body). ``position_mode`` HEDGE (``dualSidePosition``)
keeps a long and a short apart; ONE_WAY nets an opening order against the other side (the
reference does not say how WEEX does; this server nets). A close never opens the other side.
Quantities are in coins although the market's ``contractVal`` is 0.0001 (see
``quirks.quantity_unit``).

Websocket ``/contract/v3/ws/public``: ``SUBSCRIBE``/``UNSUBSCRIBE`` ``<SYM>@depth<n>`` acked with
``{"result": true, "id": ...}``, then a ``depthSnapshot`` (``d: SNAPSHOT``) and ``depth`` frames
(``d: CHANGED``) whose ``U`` is the previous frame's ``u`` (the first one's, the snapshot's
``u``), as Weex.Net's book checks (``U + 1 == last u + 1``). The server
pings with ``{"event": "ping", "time": ...}`` and counts the client's ``{"method": "PONG"}``
answers; websocket ping frames are answered too. A bad channel gets
``{"result": false, "id": ..., "msg": "INVALID_ARGUMENT: ..."}``.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import re
import time
from decimal import Decimal
from typing import Any

from aiohttp import web

from sor_desktop.core.account import PositionMode
from tests.venues.loopback.common import API_KEY, PASSPHRASE, SECRET, BookEngine, LoopbackServer, Placement

# market id: (base, mid, pricePrecision, quantityPrecision) as the recorded contract info has them
SYMBOLS = {"BTCUSDT": ("BTC", 60000.0, 1, 4), "ETHUSDT": ("ETH", 3000.0, 2, 3)}


def weex_sign(payload: str, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest()).decode()


def _contract(symbol: str, base: str, price_precision: int, quantity_precision: int) -> dict[str, Any]:
    # the shape of a real /capi/v3/market/exchangeInfo entry (recorded markets/weex.json "info")
    step = str(Decimal(1).scaleb(-quantity_precision))
    return {
        "symbol": symbol, "baseAsset": base, "quoteAsset": "USDT", "marginAsset": "USDT",
        "pricePrecision": str(price_precision), "quantityPrecision": str(quantity_precision),
        "baseAssetPrecision": "3", "quotePrecision": "8", "contractVal": "0.0001",
        "delivery": ["00:00:00", "08:00:00", "16:00:00"], "forwardContractFlag": True,
        "minLeverage": "1", "maxLeverage": "400", "buyLimitPriceRatio": "0.01", "sellLimitPriceRatio": "0.01",
        "makerFeeRate": "0.0002", "takerFeeRate": "0.0008", "minOrderSize": step, "maxOrderSize": "1200",
        "maxPositionSize": "1000000", "marketOpenLimitSize": "100",
    }


def _error(code: int, msg: str, status: int = 400) -> web.Response:
    return web.json_response({"code": code, "msg": msg}, status=status)


class WeexServer(LoopbackServer):
    """See the module docstring. Switches beyond ``LoopbackServer``'s: ``refuse_excess_close``
    (a close beyond the position is refused, as the venue does; off, it closes what there is and
    never opens the other side), ``can_trade`` (``accountConfig``'s account flag),
    ``refuse_subscribe`` (a subscribe gets WEEX's ``result: false`` error frame),
    ``snapshot_on_subscribe`` (False: a subscribe gets deltas only, to prove a client does not
    wait forever), ``ping_interval`` (seconds between server pings)."""

    ORDER_ROUTE = ("POST", "/capi/v3/order")
    # WEEX API FAQ / LIMITS: "If the limit is exceeded, the system will return an HTTP 429 error"
    # ("429: Too many requests"); no error code of its own is documented for it
    # V3 Place Order: newClientOrderId ``^[.A-Z:/a-z0-9_-]{1,36}$``; -1180 CLIENT_OID_LENGTH_ERROR
    # (whose words, in ccxt's table, say 40: the documented pattern is kept)
    CLIENT_ID_MAX = 36
    CLIENT_ID_CHARS = re.compile(r"[.A-Z:/a-z0-9_-]{1,36}")
    CLIENT_ID_ERROR = (400, -1180, "client_oid length must not exceed 40 and must not contain special characters.")
    RATE_LIMIT = (429, None, "Too many requests")

    def __init__(self, *, ping_interval: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.books = {s: BookEngine(mid=mid, tick=str(Decimal(1).scaleb(-pp)), seed=20 + i)
                      for i, (s, (_, mid, pp, _)) in enumerate(SYMBOLS.items())}
        self.refuse_excess_close = False
        self.can_trade = True  # accountConfig canTrade
        self.refuse_subscribe = False  # answer SUBSCRIBE with WEEX's error frame
        self.snapshot_on_subscribe = True
        self.ping_interval = ping_interval
        self.subscribes = 0
        self.unsubscribes = 0
        self.pongs = 0
        self.missed_pongs: dict[Any, int] = {}
        # (market id, "LONG"/"SHORT") -> size in coins; one-way keeps one side per market
        self.positions: dict[tuple[str, str], Decimal] = {}
        r = self.app.router
        r.add_get("/api/v3/exchangeInfo", self.spot_exchange_info)
        r.add_get("/capi/v3/market/exchangeInfo", self.exchange_info)
        r.add_get("/capi/v3/market/depth", self.depth)
        r.add_post("/capi/v3/order", self.new_order)
        r.add_get("/capi/v3/order", self.query_order)
        r.add_delete("/capi/v3/order", self.cancel_order)
        r.add_get("/capi/v3/openOrders", self.open_orders)
        r.add_get("/capi/v3/order/history", self.order_history)
        r.add_get("/capi/v3/userTrades", self.user_trades)
        r.add_delete("/capi/v3/allOpenOrders", self.cancel_all)
        r.add_get("/capi/v3/account/balance", self.account_balance)
        r.add_get("/capi/v3/account/position/allPosition", self.all_positions)
        r.add_get("/capi/v3/account/position/singlePosition", self.single_position)
        r.add_get("/capi/v3/account/accountConfig", self.account_config)
        r.add_get("/capi/v3/account/symbolConfig", self.symbol_config)
        r.add_get("/contract/v3/ws/public", self.websocket)

    @property
    def api_urls(self) -> dict[str, Any]:
        """What to merge into ccxt's ``urls['api']`` (``CcxtConfig.api_urls``)."""
        h = self.http
        return {"public": h, "private": h, "contract": h, "contractPrivate": h,
                "ws": {"contract": f"{self.ws}/contract/v3/ws", "spot": f"{self.ws}/spot/v3/ws"}}

    async def start(self) -> None:
        await super().start()
        self.spawn(self._ping_loop())

    @property
    def hedge(self) -> bool:
        return self.position_mode is PositionMode.HEDGE

    def book_at(self, market_id: str, u: int) -> tuple[list[list[str]], list[list[str]]]:
        """The server's book after update ``u`` (what a client in sync must hold)."""
        return self.books[market_id].history[u]

    # -- public --------------------------------------------------------------------------------
    async def spot_exchange_info(self, request: web.Request) -> web.Response:
        self.requests.append(("GET", request.path))
        return web.json_response({"timezone": "UTC", "serverTime": int(time.time() * 1000), "symbols": []})

    async def exchange_info(self, request: web.Request) -> web.Response:
        self.requests.append(("GET", request.path))
        return web.json_response({
            "assets": [{"asset": "USDT", "marginAvailable": True}], "rateLimits": [],
            "symbols": [_contract(s, base, pp, qp) for s, (base, _, pp, qp) in SYMBOLS.items()],
        })

    async def depth(self, request: web.Request) -> web.Response:
        self.requests.append(("GET", request.path))
        book = self.books.get(request.query.get("symbol", ""))
        if book is None:
            return _error(-1121, "Invalid symbol.")
        limit = int(request.query.get("limit", 15))
        if limit not in (15, 200):  # the documented depths
            return _error(-1140, "limit must be 15 or 200")
        u, bids, asks = book.snapshot(limit)
        self.snapshots[request.query["symbol"]] += 1
        return web.json_response({"bids": bids, "asks": asks, "lastUpdateId": u})

    # -- websocket -----------------------------------------------------------------------------
    async def on_text(self, ws: Any, text: str) -> None:
        msg = json.loads(text)
        method = msg.get("method")
        if method == "PONG" or msg.get("event") == "pong":
            self.pongs += 1
            self.missed_pongs[ws] = 0
            return
        channels = [str(p) for p in msg.get("params") or []]
        ids = [c.split("@")[0] for c in channels]
        bad = [c for c, m in zip(channels, ids, strict=True) if m not in self.books or "@depth" not in c]
        if method == "SUBSCRIBE" and self.refuse_subscribe:
            bad = channels  # the venue's answer to a channel it will not serve
        if method not in ("SUBSCRIBE", "UNSUBSCRIBE") or bad:
            await self.send(ws, {"result": False, "id": msg.get("id"),
                                 "msg": f"INVALID_ARGUMENT: invalid channel : {','.join(bad) or method}"})
            return
        await self.send(ws, {"result": True, "id": msg.get("id")})
        if method == "UNSUBSCRIBE":
            self.unsubscribes += 1
            self.subs.setdefault(ws, set()).difference_update(ids)
            return
        self.subscribes += 1
        self.subs.setdefault(ws, set()).update(ids)
        if self.snapshot_on_subscribe:
            for market_id in ids:
                u, bids, asks = self.books[market_id].snapshot(200)
                self.snapshots[market_id] += 1
                await self.send(ws, self._frame(market_id, "depthSnapshot", u, u, bids, asks))

    def _frame(self, market_id: str, event: str, first: int, last: int,
               bids: list[list[str]], asks: list[list[str]]) -> dict[str, Any]:
        return {"e": event, "E": int(time.time() * 1000), "s": market_id, "U": first, "u": last, "l": 200,
                "d": "SNAPSHOT" if event == "depthSnapshot" else "CHANGED", "b": bids, "a": asks}

    def on_closed(self, ws: Any) -> None:
        self.subs.pop(ws, None)
        self.missed_pongs.pop(ws, None)

    async def emit(self) -> None:
        for market_id, book in self.books.items():
            previous = book.update_id
            _, last, bids, asks = book.step()
            if self.faults.drop_next_diffs > 0:
                self.faults.drop_next_diffs -= 1
                continue
            frame = self._frame(market_id, "depth", previous, last, bids, asks)  # U = previous u
            for ws, ids in list(self.subs.items()):
                if market_id in ids:
                    await self.send(ws, frame)

    async def _ping_loop(self) -> None:
        """WEEX pings every connection and drops one that leaves 5 pings unanswered."""
        while True:
            await asyncio.sleep(self.ping_interval)
            for ws in list(self._sockets):
                missed = self.missed_pongs.get(ws, 0)
                if missed >= 5:
                    await ws.close()
                    continue
                self.missed_pongs[ws] = missed + 1
                await self.send(ws, {"event": "ping", "time": str(int(time.time() * 1000))})

    # -- signed --------------------------------------------------------------------------------
    async def _signed(self, request: web.Request) -> tuple[dict[str, Any], web.Response | None]:
        self.requests.append((request.method, request.path))
        h = request.headers
        body = await request.text() if request.method == "POST" else ""
        params: dict[str, Any] = json.loads(body) if body else dict(request.query)
        if not h.get("ACCESS-KEY"):
            return params, _error(-1040, "ACCESS_KEY header is required.")
        if h.get("ACCESS-KEY") != API_KEY:
            return params, _error(-1044, "Invalid ACCESS_KEY.")
        if h.get("ACCESS-PASSPHRASE") != PASSPHRASE:
            return params, _error(-1049, "API key or passphrase incorrect.")
        stamp = h.get("ACCESS-TIMESTAMP", "")
        if not stamp.isdigit() or abs(int(stamp) - time.time() * 1000) > 30_000:
            return params, _error(-1046, "Request timestamp expired.")
        payload = stamp + request.method + request.raw_path + body
        if not hmac.compare_digest(h.get("ACCESS-SIGN", ""), weex_sign(payload)):
            return params, _error(-1047, "API authentication failed.")
        return params, None

    def _order_json(self, p: Placement) -> dict[str, Any]:
        status = {"filled": "FILLED", "partial_expired": "CANCELED", "expired": "CANCELED", "new": "NEW",
                  "canceled": "CANCELED"}[p.status]
        cum_quote = (p.avg_price or Decimal(0)) * p.filled
        return {
            "avgPrice": str(p.avg_price or "0.0"), "clientOrderId": p.client_id, "cumQuote": str(cum_quote),
            "executedQty": str(p.filled), "orderId": str(p.order_id), "origQty": str(p.qty),
            "price": str(p.price or "0.0"), "reduceOnly": p.closes, "side": p.side.upper(),
            "positionSide": p.position_side, "status": status, "stopPrice": "0", "symbol": p.symbol,
            "time": str(p.created_ms), "timeInForce": p.time_in_force, "type": "LIMIT",
            "updateTime": str(p.created_ms), "workingType": "UNKNOWN_PRICE_TYPE",
        }

    def position(self, market_id: str, side: str) -> Decimal:
        return self.positions.get((market_id, side), Decimal(0))

    def _book_fill(self, market_id: str, side: str, position_side: str, filled: Decimal) -> None:
        closing = (side == "SELL") == (position_side == "LONG")
        held = position_side if closing else ("LONG" if side == "BUY" else "SHORT")
        if closing:  # a close never opens the other side, whatever it asked for
            self.positions[(market_id, held)] = max(self.position(market_id, held) - filled, Decimal(0))
            return
        if not self.hedge:  # one-way: an opening order first eats the other side
            other = "SHORT" if held == "LONG" else "LONG"
            netted = min(self.position(market_id, other), filled)
            self.positions[(market_id, other)] = self.position(market_id, other) - netted
            filled -= netted
        self.positions[(market_id, held)] = self.position(market_id, held) + filled

    async def new_order(self, request: web.Request) -> web.Response:
        params, error = await self._signed(request)
        if error is not None:
            return error
        if self.faults.reject_next is not None:
            (code, msg), self.faults.reject_next = self.faults.reject_next, None
            return _error(code, msg)
        market_id = str(params.get("symbol", ""))
        side, position_side = str(params.get("side", "")), str(params.get("positionSide", ""))
        kind, tif = str(params.get("type", "")), str(params.get("timeInForce", ""))
        client_id = str(params.get("newClientOrderId", ""))
        if market_id not in self.books:
            return _error(-1121, "Invalid symbol.")
        if side not in ("BUY", "SELL"):
            return _error(-1117, "Invalid side.")
        if position_side not in ("LONG", "SHORT"):
            return _error(-1141, "positionSide cannot be empty.")
        if kind != "LIMIT":
            return _error(-1116, "Invalid order type.")  # the loopback matches limit orders only
        if tif not in ("GTC", "IOC", "FOK", "POST_ONLY"):
            return _error(-1115, "Invalid timeInForce.")
        refused = self.client_id_refusal(client_id) if client_id else self.error_response(*self.CLIENT_ID_ERROR)
        if refused is not None:
            return refused
        if self.find(client_id) is not None:
            # WEEX documents no code for a reused client id; -1000 UNKNOWN_ERROR stands for it (a
            # code on the "not placed" list would tell the client a landed order never was)
            return _error(-1000, "An unknown error occurred: newClientOrderId is duplicated.")
        qty, price = Decimal(str(params.get("quantity"))), Decimal(str(params.get("price")))
        step = Decimal(1).scaleb(-SYMBOLS[market_id][3])
        if qty <= 0 or qty % step:
            return _error(-1160, "Decimal precision error.")
        closing = (side == "SELL") == (position_side == "LONG")
        if closing and self.refuse_excess_close and qty > self.position(market_id, position_side):
            # the venue's code for this is not documented: a parameter error stands for it
            return _error(-1142, "Parameter is invalid: close quantity exceeds the position.")
        filled, avg = self.books[market_id].match(side.lower(), qty, price)
        status = "filled" if filled == qty else ("partial_expired" if filled else "expired")
        if tif == "GTC" and filled < qty:
            status = "new"
        # reduce_only is the flag as sent: WEEX documents none (the close side is the reduce), ccxt
        # forwards its unified reduceOnly in the body
        placement = Placement(client_id, self.next_order_id(), market_id, side.lower(), qty, price, tif,
                              params.get("reduceOnly") is True, filled, avg, status,
                              position_side=position_side)
        self.record(placement)
        self._book_fill(market_id, side, position_side, filled)
        held = await self.hold_after_accept()
        if held is not None:
            return held
        return web.json_response({"orderId": str(placement.order_id), "clientOrderId": client_id,
                                  "success": True, "errorCode": "", "errorMessage": ""})

    def _by_order_id(self, order_id: str) -> Placement | None:
        return next((p for p in self.placements if str(p.order_id) == order_id), None)

    def error_response(self, status: int, code: int, message: str) -> web.Response:
        return _error(code, message, status)

    async def query_order(self, request: web.Request) -> web.Response:
        params, error = await self._signed(request)
        if error is not None:
            return error
        if not params.get("orderId"):  # documented: orderId is required, no client-id lookup here
            return _error(-1141, "orderId cannot be empty.")
        p = self._by_order_id(str(params["orderId"]))
        if p is None or not self.visible(p):
            return _error(-3200, "Order does not exist.")
        return web.json_response(self._order_json(p))

    async def cancel_order(self, request: web.Request) -> web.Response:
        params, error = await self._signed(request)
        if error is not None:
            return error
        client_id = params.get("origClientOrderId")
        p = self.find(str(client_id)) if client_id else self._by_order_id(str(params.get("orderId", "")))
        if p is None or p.status != "new":
            return _error(-3200, "Order does not exist.")
        p.status = "canceled"
        return web.json_response({"orderId": str(p.order_id), "origClientOrderId": p.client_id,
                                  "success": True, "errorCode": "", "errorMessage": ""})

    def _mine(self, params: dict[str, Any], open_only: bool) -> list[Placement]:
        symbol = params.get("symbol")
        return [p for p in self.placements if self.visible(p)
                and (symbol is None or p.symbol == symbol) and (p.status == "new") == open_only]

    async def open_orders(self, request: web.Request) -> web.Response:
        params, error = await self._signed(request)
        return error or web.json_response([self._order_json(p) for p in self._mine(params, True)])

    async def order_history(self, request: web.Request) -> web.Response:
        params, error = await self._signed(request)
        if error is not None:
            return error
        # documented: ``limit`` 1-1000 (default 500), ``page`` from 0; newest first (as recorded)
        limit, page = int(params.get("limit", 500)), int(params.get("page", 0))
        if not 1 <= limit <= 1000 or page < 0:
            return _error(-1100, "Illegal characters found in a parameter.")
        done = sorted(self._mine(params, False), key=lambda p: p.created_ms, reverse=True)
        return web.json_response([self._order_json(p) for p in done[page * limit:(page + 1) * limit]])

    async def user_trades(self, request: web.Request) -> web.Response:
        """Trade details: each fill with its ``commission`` (the order answers carry no fee), in
        the recorded shape (venue-data ``fetchMyTrades`` swap); ``orderId`` narrows to one order."""
        params, error = await self._signed(request)
        if error is not None:
            return error
        want, symbol = params.get("orderId"), params.get("symbol")
        trades = [{
            "id": str(p.order_id * 10), "orderId": str(p.order_id), "symbol": p.symbol, "buyer": p.side == "buy",
            "commission": f"{self.charged(p):f}", "commissionAsset": "USDT", "maker": False,
            "price": str(p.avg_price), "qty": str(p.filled), "quoteQty": str(self.fill_value(p)),
            "realizedPnl": "0", "side": p.side.upper(), "positionSide": p.position_side, "time": str(p.created_ms),
        } for p in self.placements
            if p.filled and (symbol is None or p.symbol == symbol) and (want is None or str(p.order_id) == want)]
        return web.json_response([] if self.fee_hidden else trades)

    async def cancel_all(self, request: web.Request) -> web.Response:
        params, error = await self._signed(request)
        if error is not None:
            return error
        out = []
        for p in self._mine(params, True):  # documented: no symbol cancels across symbols
            if self.cancel_refused(p):  # one answer per order: this one says it failed
                out.append({"orderId": str(p.order_id), "success": False, "errorCode": "-1054",
                            "errorMessage": "System error, please retry later."})
                continue
            p.status = "canceled"
            out.append({"orderId": str(p.order_id), "success": True, "errorCode": "", "errorMessage": ""})
        return web.json_response(out)

    async def account_balance(self, request: web.Request) -> web.Response:
        _, error = await self._signed(request)
        if error is not None:
            return error
        total, free = self.balance("USDT")
        return web.json_response([{"asset": "USDT", "balance": str(total), "availableBalance": str(free),
                                   "frozen": str(total - free), "unrealizePnl": "0"}])

    def _position_json(self, market_id: str, side: str, size: Decimal) -> dict[str, Any]:
        mid = Decimal(str(SYMBOLS[market_id][1]))
        now = str(int(time.time() * 1000))
        return {"id": str(abs(hash((market_id, side))) % 10**18), "asset": "USDT", "symbol": market_id, "side": side,
                "marginType": "CROSSED", "separatedMode": "COMBINED", "separatedOpenOrderId": "0",
                "leverage": "10.00", "size": str(size), "openValue": str(size * mid), "openFee": "0",
                "fundingFee": "0", "marginSize": str(size * mid / 10), "isolatedMargin": "0",
                "isAutoAppendIsolatedMargin": False, "cumOpenSize": str(size), "cumOpenValue": str(size * mid),
                "cumOpenFee": "0", "cumCloseSize": "0", "cumCloseValue": "0", "cumCloseFee": "0",
                "cumFundingFee": "0", "cumLiquidateFee": "0", "createdMatchSequenceId": "1",
                "updatedMatchSequenceId": "1", "createdTime": now, "updatedTime": now, "unrealizePnl": "0",
                "liquidatePrice": "0"}

    def _positions(self, market_id: str | None) -> list[dict[str, Any]]:
        return [self._position_json(m, side, size) for (m, side), size in sorted(self.positions.items())
                if size > 0 and (market_id is None or m == market_id)]

    async def all_positions(self, request: web.Request) -> web.Response:
        _, error = await self._signed(request)
        return error or web.json_response(self._positions(None))

    async def single_position(self, request: web.Request) -> web.Response:
        params, error = await self._signed(request)
        return error or web.json_response(self._positions(str(params.get("symbol"))))

    async def account_config(self, request: web.Request) -> web.Response:
        _, error = await self._signed(request)
        return error or web.json_response({"canTrade": self.can_trade, "canDeposit": True, "canWithdraw": False,
                                           "dualSidePosition": self.hedge, "updateTime": int(time.time() * 1000)})

    async def symbol_config(self, request: web.Request) -> web.Response:
        params, error = await self._signed(request)
        if error is not None:
            return error
        wanted = params.get("symbol")
        return web.json_response([{"symbol": s, "marginType": "CROSSED", "separatedType": "COMBINED",
                                   "crossLeverage": "10", "isolatedLongLeverage": "10", "isolatedShortLeverage": "10"}
                                  for s in SYMBOLS if wanted is None or s == wanted])
