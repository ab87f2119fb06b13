"""A loopback MEXC futures (contract v1) exchange: the REST and websocket endpoints ccxt's
``mexc`` uses for swap markets, books and orders, with the real protocol.

Written from MEXC's contract API documentation (mexcdevelop/apidocs ``contract_v1_en``, and
www.mexc.com/api-docs/futures) and ccxt 4.5.90's ``mexc.py`` / ``pro/mexc.py``:

REST public (``/api/v1/contract``): ``detail`` (the contract list, with ``contractSize``
0.0001 BTC: books and orders count contracts), ``depth/{symbol}`` (``version``). Signed
(``/api/v1/private``): headers ``ApiKey``, ``Request-Time``, ``Signature`` = HMAC-SHA256 of
accessKey + Request-Time + (the JSON body for POST, else the query sorted by key); a bad one
gets code 602. Errors are HTTP 200 ``{"success": false, "code", "message"}``. Orders:
``order/create`` (type 3 = IOC, ``externalOid``, ``side`` 1 open long / 2 close short /
3 open short / 4 close long, ``positionMode`` 1 hedge / 2 one-way), ``order/external/{symbol}/
{external_oid}``, ``order/get/{id}``, ``order/cancel_with_external``, ``order/cancel_all``,
``order/list/open_orders[/{symbol}]``, ``account/assets``, ``position/open_positions``,
``position/position_mode``, ``position/change_position_mode``.

Websocket ``/edge``: ``{"method": "ping"}`` answered ``{"channel": "pong", "data": ts}``;
``sub.depth`` / ``unsub.depth`` acked ``rs.sub.depth`` / ``rs.unsub.depth`` (``rs.error`` for an
unknown contract); no snapshot on the stream (clients take the REST one), then ``push.depth``
frames. With merging on (MEXC's default since 2025-04-09, ``compress``) a frame carries
``begin``..``end`` and ``version`` = ``end``; each frame's first version is the previous
frame's ``version`` + 1, as the docs require of a gap-free stream.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from sor_desktop.core.account import PositionMode
from tests.venues.loopback.common import API_KEY, SECRET, BookEngine, LoopbackServer, Placement, sign

# market id: (base, mid, price tick, contract size)
SYMBOLS = {"BTC_USDT": ("BTC", 60000.0, "0.1", "0.0001"), "ETH_USDT": ("ETH", 3000.0, "0.01", "0.01")}
TAKER_FEE = Decimal("0.0002")
LEVERAGE = 10  # resting orders freeze price x contracts x contract size / 10


class ContractBook(BookEngine):
    """A book whose sizes are whole contracts (MEXC's ``vol``)."""

    def _size(self) -> Decimal:
        return Decimal(self.rng.randint(1, 50_000))


def _contract(symbol: str, base: str, tick: str, size: str) -> dict[str, Any]:
    # the shape of a real contract/detail entry (../shared/venue-data/markets/mexc.json, 'info')
    return {
        "symbol": symbol, "displayName": f"{symbol}永续", "displayNameEn": f"{symbol} PERPETUAL",
        "positionOpenType": 3, "baseCoin": base, "quoteCoin": "USDT", "baseCoinName": base, "quoteCoinName": "USDT",
        "futureType": 1, "settleCoin": "USDT", "contractSize": float(size), "minLeverage": 1, "maxLeverage": 200,
        "priceScale": len(tick.split(".")[1]), "volScale": 0, "amountScale": 4, "priceUnit": float(tick),
        "volUnit": 1, "minVol": 1, "maxVol": 530000, "bidLimitPriceRate": 0.1, "askLimitPriceRate": 0.1,
        "takerFeeRate": float(TAKER_FEE), "makerFeeRate": 0, "maintenanceMarginRate": 0.004,
        "initialMarginRate": 0.005, "riskBaseVol": 530000, "riskIncrVol": 530000, "riskIncrMmr": 0.004,
        "riskIncrImr": 0.004, "riskLevelLimit": 1, "priceCoefficientVariation": 0.004,
        "indexOrigin": ["BINANCE", "MEXC"], "state": 0, "isNew": False, "isHot": False, "isHidden": False,
        "apiAllowed": False, "maxNumOrders": [200, 50],
    }


def _ok(data: Any = None) -> web.Response:
    body: dict[str, Any] = {"success": True, "code": 0}
    if data is not None:
        body["data"] = data
    return web.json_response(body)


def _err(code: int, message: str) -> web.Response:
    return web.json_response({"success": False, "code": code, "message": message})


# order side codes (MEXC contract docs, "order direction")
OPEN_LONG, CLOSE_SHORT, OPEN_SHORT, CLOSE_LONG = 1, 2, 3, 4
HEDGE, ONE_WAY = 1, 2
MODE_CODE = {PositionMode.HEDGE: HEDGE, PositionMode.ONE_WAY: ONE_WAY}
# order states: 1 uninformed, 2 uncompleted, 3 completed, 4 cancelled, 5 invalid
STATE = {"new": 2, "filled": 3, "partial_expired": 4, "expired": 4, "canceled": 4}


class MexcServer(LoopbackServer):
    """``api_trading``: False makes every order answer 1002 "Contract not allow place order!", what
    MEXC answers accounts whose futures API trading is switched off (ccxt issues #14474, #15055).
    ``position_mode`` (a ``PositionMode``): what ``position/position_mode`` reports (1 hedge,
    2 one-way); an order whose ``positionMode`` differs is refused with 7002 "Position mode mis
    match" (ccxt issue #12458). In hedge mode a placement's ``position_side`` is the side its code
    names (1/4 LONG, 2/3 SHORT). ``bodies``: every order/create body as sent.
    ``zero_volume_rests``: a venue that let an order of ``vol`` 0 through (never seen; what the
    order probe must survive): it is accepted and rests. ``on_create``: called with each
    order/create body as it arrives (a test looks at its own state at that moment)."""

    ORDER_ROUTE = ("POST", "/api/v1/private/order/create")
    # contract error codes: 510 "Excessive frequency of requests" (ccxt: RateLimitExceeded)
    # contract error codes: 2030 "External order ID is too long (Max. 32 bits)"
    CLIENT_ID_MAX = 32
    CLIENT_ID_ERROR = (200, 2030, "External order ID is too long (Max. 32 bits )")
    RATE_LIMIT = (200, {"success": False, "code": 510, "message": "Requests are too frequent, please try again later"},
                  "")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.taker_rate = TAKER_FEE
        self.books = {s: ContractBook(mid=mid, tick=tick, seed=20 + i)
                      for i, (s, (_, mid, tick, _)) in enumerate(SYMBOLS.items())}
        self.unsubscribes = 0
        self.pings = 0
        self.api_trading = True
        self.zero_volume_rests = False
        self.on_create: Callable[[dict[str, Any]], None] | None = None
        self.bodies: list[dict[str, Any]] = []  # every order/create body as sent
        self.sides: dict[str, int] = {}  # client id -> side code sent
        # the account's margin on every symbol: open type (1 isolated, 2 cross) and leverage per
        # position type (1 long, 2 short), as ``position/leverage`` reports them
        self.open_type = 2
        self.long_leverage, self.short_leverage = 20, 20
        r = self.app.router
        r.add_get("/api/v3/exchangeInfo", self.spot_info)
        r.add_get("/api/v1/contract/detail", self.detail)
        r.add_get("/api/v1/contract/depth/{symbol}", self.depth)
        p = "/api/v1/private"
        r.add_post(p + "/order/create", self.create_order)
        r.add_post(p + "/order/submit", self.create_order)
        r.add_get(p + "/order/external/{symbol}/{external_oid}", self.order_by_external)
        r.add_get(p + "/order/get/{order_id}", self.order_by_id)
        r.add_post(p + "/order/cancel_with_external", self.cancel_with_external)
        r.add_post(p + "/order/cancel_all", self.cancel_all)
        r.add_get(p + "/order/list/open_orders", self.open_orders)
        r.add_get(p + "/order/list/open_orders/{symbol}", self.open_orders)
        r.add_get(p + "/account/assets", self.assets)
        r.add_get(p + "/position/open_positions", self.open_positions)
        r.add_get(p + "/position/position_mode", self.get_position_mode)
        r.add_get(p + "/position/leverage", self.leverage)
        r.add_post(p + "/position/change_position_mode", self.change_position_mode)
        r.add_get("/edge", self.websocket)

    @property
    def api_urls(self) -> dict[str, Any]:
        """What to merge into ccxt's ``urls['api']`` (``CcxtConfig.api_urls``)."""
        return {"spot": {"public": self.http, "private": self.http},
                "contract": {"public": f"{self.http}/api/v1/contract", "private": f"{self.http}/api/v1/private"},
                "ws": {"swap": f"{self.ws}/edge"}}

    def book_at(self, symbol: str, version: int) -> tuple[list[list[str]], list[list[str]]]:
        """The server's book at ``version`` (what a client in sync must hold)."""
        return self.books[symbol].history[version]

    # -- public --------------------------------------------------------------------------------
    async def spot_info(self, request: web.Request) -> web.Response:
        """ccxt 4.5.90's ``fetch_markets`` always loads spot markets too (it ignores the
        ``fetchMarkets.types`` option): an exchange with no spot pairs."""
        self.requests.append(("GET", request.path))
        return web.json_response({"timezone": "CST", "serverTime": int(time.time() * 1000), "rateLimits": [],
                                  "exchangeFilters": [], "symbols": []})

    async def detail(self, request: web.Request) -> web.Response:
        self.requests.append(("GET", request.path))
        return _ok([_contract(s, base, tick, size) for s, (base, _, tick, size) in SYMBOLS.items()])

    @staticmethod
    def _levels(levels: list[list[str]]) -> list[list[float | int]]:
        # [price, contracts, order count]; a removed level has 0 contracts and 0 orders
        return [[float(p), int(Decimal(q)), 0 if Decimal(q) == 0 else 1] for p, q in levels]

    async def depth(self, request: web.Request) -> web.Response:
        self.requests.append(("GET", request.path))
        book = self.books.get(request.match_info["symbol"])
        if book is None:
            return _err(1001, "Contract does not exist!")
        limit = int(request.query["limit"]) if "limit" in request.query else None
        version, bids, asks = book.snapshot(limit)
        self.snapshots[request.match_info["symbol"]] += 1
        return _ok({"asks": self._levels(asks), "bids": self._levels(bids), "version": version,
                    "timestamp": int(time.time() * 1000)})

    # -- websocket -----------------------------------------------------------------------------
    async def on_text(self, ws: Any, text: str) -> None:
        ts = int(time.time() * 1000)
        try:
            msg = json.loads(text)
        except ValueError:
            await self.send(ws, {"channel": "rs.error", "data": "Illegal request!", "ts": str(ts)})
            return
        method = msg.get("method")
        if method == "ping":
            self.pings += 1
            await self.send(ws, {"channel": "pong", "data": ts})
            return
        symbol = (msg.get("param") or {}).get("symbol")
        if method in ("sub.depth", "unsub.depth") and symbol not in self.books:
            await self.send(ws, {"channel": "rs.error", "data": "Contract doesn't exist!", "ts": str(ts)})
            return
        if method == "sub.depth":
            self.subs.setdefault(ws, set()).add(symbol)
            await self.send(ws, {"channel": "rs.sub.depth", "data": "success", "ts": str(ts)})
        elif method == "unsub.depth":
            self.unsubscribes += 1
            self.subs.setdefault(ws, set()).discard(symbol)
            await self.send(ws, {"channel": "rs.unsub.depth", "data": "success", "ts": str(ts)})
        else:
            await self.send(ws, {"channel": "rs.error", "data": f"Unsupported method: {method}", "ts": str(ts)})

    def on_closed(self, ws: Any) -> None:
        self.subs.pop(ws, None)

    async def emit(self) -> None:
        for symbol, book in self.books.items():
            first, last, bids, asks = book.step()
            if self.faults.drop_next_diffs > 0:
                self.faults.drop_next_diffs -= 1
                continue
            frame = {"channel": "push.depth", "symbol": symbol, "ts": int(time.time() * 1000),
                     "data": {"asks": self._levels(asks), "bids": self._levels(bids),
                              "begin": first, "end": last, "version": last}}
            for ws, symbols in list(self.subs.items()):
                if symbol in symbols:
                    await self.send(ws, frame)

    # -- signed --------------------------------------------------------------------------------
    async def _signed(self, request: web.Request) -> tuple[dict[str, Any], web.Response | None]:
        self.requests.append((request.method, request.path))
        h = request.headers
        if request.method == "POST":
            payload = await request.text()
            params: dict[str, Any] = json.loads(payload) if payload else {}
        else:
            params = dict(request.query)
            payload = urlencode(sorted(params.items()))
        if h.get("ApiKey") != API_KEY:
            return params, _err(401, "Not logged in or login has expired")
        stamp = h.get("Request-Time", "")
        if not stamp.isdigit() or abs(int(stamp) - time.time() * 1000) > 10_000:
            return params, _err(513, "Invalid request(for open api serves time more or less than 10s)")
        if h.get("Signature") != sign(API_KEY + stamp + payload, SECRET):
            return params, _err(602, "Signature verification failed!")
        return params, None

    async def leverage(self, request: web.Request) -> web.Response:
        """MEXC "Get leverage" (contract API): one row per position type, 1 long and 2 short;
        ``openType`` 1 isolated, 2 cross."""
        _, error = await self._signed(request)
        if error is not None:
            return error
        return _ok([{"level": 1, "maxVol": 463300, "mmr": 0.004, "imr": 1 / lev, "positionType": side,
                     "openType": self.open_type, "leverage": lev, "limitBySys": False, "currentMmr": 0.004}
                    for side, lev in ((1, self.long_leverage), (2, self.short_leverage))])

    def error_response(self, status: int, code: int, message: str) -> web.Response:
        return web.json_response({"success": False, "code": code, "message": message}, status=status)

    def fill_value(self, p: Placement) -> Decimal:
        return super().fill_value(p) * Decimal(SYMBOLS[p.symbol][3])  # contracts of 0.0001 BTC

    def _order_json(self, p: Placement) -> dict[str, Any]:
        size = Decimal(SYMBOLS[p.symbol][3])
        fee = self.charged(p)
        remaining = p.qty - p.filled if p.status == "new" else Decimal(0)
        return {
            "orderId": str(p.order_id), "symbol": p.symbol, "positionId": 0, "price": float(p.price or 0),
            "vol": float(p.qty), "leverage": LEVERAGE, "side": self.sides.get(p.client_id, OPEN_LONG),
            "category": 1, "orderType": 3 if p.time_in_force == "IOC" else 1,
            "dealAvgPrice": float(p.avg_price or 0), "dealVol": float(p.filled),
            "orderMargin": float((p.price or Decimal(0)) * remaining * size / LEVERAGE),
            "takerFee": float(fee), "makerFee": 0, "profit": 0, "openType": 2,
            **({} if self.fee_hidden else {"feeCurrency": "USDT"}),
            "state": STATE[p.status], "externalOid": p.client_id, "errorCode": 0, "usedMargin": 0,
            "createTime": p.created_ms, "updateTime": p.created_ms, "positionMode": MODE_CODE[self.position_mode],
        }

    async def create_order(self, request: web.Request) -> web.Response:
        params, error = await self._signed(request)
        if error is not None:
            return error
        self.bodies.append(params)
        if self.on_create is not None:
            self.on_create(params)
        if not self.api_trading:  # before any field is looked at: the contract refuses API orders
            return _err(1002, "Contract not allow place order!")
        if self.faults.reject_next is not None:
            (code, msg), self.faults.reject_next = self.faults.reject_next, None
            return _err(code, msg)
        symbol = str(params.get("symbol"))
        if symbol not in self.books:
            return _err(1001, "Contract does not exist!")
        client_id = str(params.get("externalOid") or "")
        refused = self.client_id_refusal(client_id)
        if refused is not None:
            return refused
        side, kind, open_type = params.get("side"), params.get("type"), params.get("openType")
        if side not in (1, 2, 3, 4):
            return _err(2001, "Wrong order direction")
        if kind not in (1, 2, 3, 4, 5, 6):
            return _err(2029, "Error order type")
        if open_type not in (1, 2):
            return _err(2002, "Wrong opening type")
        if open_type == 1 and not params.get("leverage"):
            return _err(600, "Param error!")  # "leverage: required on isolated margin"
        mode = params.get("positionMode")
        if mode is not None and mode != MODE_CODE[self.position_mode]:
            return _err(7002, "Position mode mis match")
        hedge = self.position_mode is PositionMode.HEDGE
        if "reduceOnly" in params and hedge:
            return _err(600, "Param error!")  # "two-way positions will not accept this parameter"
        try:
            qty = Decimal(str(params.get("vol")))
        except ArithmeticError:
            return _err(600, "Param error!")
        if qty == 0 and self.zero_volume_rests and client_id:
            placement = Placement(client_id, self.next_order_id(), symbol, "buy", qty, Decimal(str(params["price"])),
                                  "GTC", False, Decimal(0), None, "new")
            self.record(placement)
            return _ok({"orderId": str(placement.order_id), "ts": placement.created_ms})
        if not qty.is_finite() or qty < 1 or qty != qty.to_integral_value():
            return _err(2011, "Order quantity error, please try to modify.")
        if client_id:
            existing = self.find(client_id)
            if existing is not None:  # the docs: "return the existing order ID if it already exists"
                return _ok({"orderId": str(existing.order_id), "ts": existing.created_ms})
        price = Decimal(str(params["price"])) if kind not in (5, 6) and params.get("price") is not None else None
        buy = side in (OPEN_LONG, CLOSE_SHORT)
        filled, avg = self.books[symbol].match("buy" if buy else "sell", qty, price)
        if kind == 4 and filled < qty:  # fill or kill
            filled, avg = Decimal(0), None
        status = "filled" if filled == qty else ("partial_expired" if filled else "expired")
        if kind in (1, 2) and filled < qty:
            status = "new"
        tif = {1: "GTC", 2: "GTC", 3: "IOC", 4: "FOK"}.get(kind, "IOC")
        position_side = ("LONG" if side in (OPEN_LONG, CLOSE_LONG) else "SHORT") if hedge else None
        placement = Placement(client_id, self.next_order_id(), symbol, "buy" if buy else "sell", qty, price, tif,
                              side in (CLOSE_SHORT, CLOSE_LONG), filled, avg, status, position_side=position_side)
        self.record(placement)
        self.sides[client_id] = side
        held = await self.hold_after_accept()
        if held is not None:
            return held
        return _ok({"orderId": str(placement.order_id), "ts": placement.created_ms})

    async def order_by_external(self, request: web.Request) -> web.Response:
        _, error = await self._signed(request)
        if error is not None:
            return error
        p = self.find(request.match_info["external_oid"])
        if p is None or p.symbol != request.match_info["symbol"] or not self.visible(p):
            return _err(2040, "order not exist")
        return _ok(self._order_json(p))

    async def order_by_id(self, request: web.Request) -> web.Response:
        _, error = await self._signed(request)
        if error is not None:
            return error
        p = next((p for p in self.placements
                  if str(p.order_id) == request.match_info["order_id"] and self.visible(p)), None)
        return _ok(self._order_json(p)) if p is not None else _err(2040, "order not exist")

    async def cancel_with_external(self, request: web.Request) -> web.Response:
        params, error = await self._signed(request)
        if error is not None:
            return error
        p = self.find(str(params.get("externalOid", "")))
        if p is None or p.symbol != params.get("symbol"):
            return _err(2040, "order not exist")
        if p.status != "new" or self.cancel_refused(p):
            return _err(2041, "order state cannot be cancelled")
        p.status = "canceled"
        return _ok({"symbol": p.symbol, "externalOid": p.client_id})

    async def cancel_all(self, request: web.Request) -> web.Response:
        params, error = await self._signed(request)
        if error is not None:
            return error
        symbol = params.get("symbol")  # none: every contract
        for p in self.placements:  # the answer names no order: one left open is only seen by listing
            if p.status == "new" and (symbol is None or p.symbol == symbol) and not self.cancel_refused(p):
                p.status = "canceled"
        return _ok()

    async def open_orders(self, request: web.Request) -> web.Response:
        _, error = await self._signed(request)
        if error is not None:
            return error
        symbol = request.match_info.get("symbol")
        return _ok([self._order_json(p) for p in self.placements
                    if p.status == "new" and self.visible(p) and (symbol is None or p.symbol == symbol)])

    def order_margin(self, p: Placement) -> tuple[str, Decimal]:
        """A resting order freezes 1/``LEVERAGE`` of its notional: contracts x contract size x price."""
        return "USDT", (p.price or Decimal(0)) * (p.qty - p.filled) * Decimal(SYMBOLS[p.symbol][3]) / LEVERAGE

    async def assets(self, request: web.Request) -> web.Response:
        _, error = await self._signed(request)
        if error is not None:
            return error
        out = []
        for currency in sorted(self.wallet):
            total, free = self.balance(currency)
            out.append({"currency": currency, "positionMargin": 0, "availableBalance": float(free),
                        "cashBalance": float(free), "frozenBalance": float(total - free), "equity": float(total),
                        "unrealized": 0, "bonus": 0})
        return _ok(out)

    def positions(self) -> dict[tuple[str, int], tuple[Decimal, Decimal]]:
        """(symbol, positionType 1 long / 2 short) -> (contracts, average open price) from the fills;
        one-way nets buys and sells, hedge keeps the sides apart (closes reduce their side)."""
        out: dict[tuple[str, int], tuple[Decimal, Decimal]] = {}
        for p in self.placements:
            if not p.filled or p.avg_price is None:
                continue
            side = self.sides.get(p.client_id, OPEN_LONG)
            long_side = side in (OPEN_LONG, CLOSE_LONG)
            key = (p.symbol, 1 if long_side else 2)
            held, avg = out.get(key, (Decimal(0), Decimal(0)))
            opening = side in (OPEN_LONG, OPEN_SHORT)
            if self.position_mode is PositionMode.ONE_WAY:
                signed = {k[1]: v[0] for k, v in out.items() if k[0] == p.symbol}
                net = signed.get(1, Decimal(0)) - signed.get(2, Decimal(0))
                net += p.filled if p.side == "buy" else -p.filled
                out.pop((p.symbol, 1), None)
                out.pop((p.symbol, 2), None)
                if net:
                    out[(p.symbol, 1 if net > 0 else 2)] = (abs(net), p.avg_price)
                continue
            if opening:
                total = held + p.filled
                out[key] = (total, (held * avg + p.filled * p.avg_price) / total)
            elif held > p.filled:
                out[key] = (held - p.filled, avg)
            else:
                out.pop(key, None)
        return out

    async def open_positions(self, request: web.Request) -> web.Response:
        params, error = await self._signed(request)
        if error is not None:
            return error
        now = int(time.time() * 1000)
        return _ok([{"positionId": 1000 + i, "symbol": symbol, "positionType": kind, "openType": 2, "state": 1,
                     "holdVol": float(vol), "frozenVol": 0, "closeVol": 0, "holdAvgPrice": float(avg),
                     "openAvgPrice": float(avg), "closeAvgPrice": 0, "liquidatePrice": 0, "oim": 0, "im": 0,
                     "holdFee": 0, "realised": 0, "leverage": LEVERAGE, "createTime": now, "updateTime": now,
                     "autoAddIm": False}
                    for i, ((symbol, kind), (vol, avg)) in enumerate(sorted(self.positions().items()))
                    if params.get("symbol") in (None, symbol)])

    async def get_position_mode(self, request: web.Request) -> web.Response:
        _, error = await self._signed(request)
        return error or _ok(MODE_CODE[self.position_mode])

    async def change_position_mode(self, request: web.Request) -> web.Response:
        params, error = await self._signed(request)
        if error is not None:
            return error
        if params.get("positionMode") not in (HEDGE, ONE_WAY):
            return _err(600, "Param error!")
        self.position_mode = PositionMode.HEDGE if params["positionMode"] == HEDGE else PositionMode.ONE_WAY
        return _ok()
