"""What the loopback exchanges share: the aiohttp server on 127.0.0.1, the fault switches,
the record of accepted orders, and a deterministic order book that emits numbered diffs.

The server contract
===================

Every venue's loopback server subclasses ``LoopbackServer`` and provides what the parametrised
suite (``tests/venues/test_ccxt_loopback_*.py``, cases in ``fixtures.SERVERS``) uses. The base
class implements the rows marked *base*; a venue server implements the others and must speak
the venue's real protocol for them (the real ccxt client runs against it).

================================  ====  =========================================================
member                            who   meaning
================================  ====  =========================================================
``api_urls``                      venue what to merge into ccxt's ``urls['api']`` (REST and ws)
``books[market_id]``              venue a ``BookEngine`` per market; ``emit()`` steps them and
                                        sends each change to the subscribed websockets
``subs[ws]``                      venue market ids each open websocket is subscribed to
                                        (``mute_books`` empties them)
``book_at(market_id, sequence)``  venue the server's (bids, asks) after the update the client's
                                        ``BookSnapshot.sequence`` names: what a client in sync
                                        holds at that sequence
``snapshots[market_id]``          both  full books served for that market (REST depth or a ws
                                        snapshot frame): the venue server adds 1 per book sent;
                                        proves a fresh book after a reconnect or a resync
``ws_connections``                base  websocket connections accepted so far
``placements`` / ``find(cid)``    base  every accepted order (``Placement``); by our client id.
                                        The venue's order endpoints append to ``placements``
                                        (matching with ``BookEngine.match``) and answer lookups,
                                        cancels and cancel-all (with and without a symbol) from it
``faults``                        both  ``Faults``; the venue's order endpoints honour
                                        ``reject_next`` (answer with the venue's own error shape),
                                        and call ``hold_after_accept()`` after recording a
                                        placement; ``emit()`` honours ``drop_next_diffs`` through
                                        ``take_drop()`` (frames not sent, update ids used)
``drop_websockets()``             base  abort every websocket (no close frame)
``silence()``                     base  open websockets stop answering pings and sending
``mute_books()``                  base  open websockets answer pings but get no book frames
``paused``                        base  True: ``emit()`` is not called (the books stand still)
``wallet[currency]``              both  wallet balance per settle currency (set in ``__init__``)
``balance(currency)``             base  (total, free) the venue's balance endpoint must report:
                                        free = total - ``order_margin`` of resting orders
``order_margin(p)``               base  (currency, margin) a resting order locks: notional/10
                                        in the quote (override for inverse: contracts x size /
                                        price / 10 in the base coin)
``position_mode``                 both  ``PositionMode`` the account is in (tests flip it); the
                                        venue answers its position-mode endpoint from it and
                                        refuses an order whose position fields do not fit it,
                                        with the venue's own error, as the venue does
``charged(p)`` / ``taker_rate``   both  the fee ``p``'s fill was charged: ``taker_rate`` x
                                        ``fill_value(p)`` (override for contracts of another
                                        size or coin); the venue reports it where it really does
                                        (order answer or its trades, each venue's own field)
``fee_hidden``                    both  True: those answers leave the fee out (empty field, no
                                        trades listed yet)
``Placement.position_side``       venue "LONG"/"SHORT" when the order named a side (hedge mode;
                                        WEEX always), else None (one-way BOTH / positionIdx 0)
``Placement.reduce_only``         venue the order's reduce-only flag as sent
``signature check``               venue every signed request checked against ``API_KEY`` /
                                        ``SECRET`` with the venue's scheme; a bad one gets the
                                        venue's signature error
================================  ====  =========================================================
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from aiohttp import WSMsgType, web

from sor_desktop.core.account import PositionMode

API_KEY = "loopback-api-key-0001"
SECRET = "loopback-secret-0001"
PASSPHRASE = "loopback-passphrase-0001"  # for venues whose keys carry one (WEEX)


def sign(payload: str, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()


@dataclass
class Faults:
    """Switches a test flips to make the next request or the streams misbehave.

    ``reject_next``: (code, message) the next order placement is refused with.
    ``delay_after_accept``: seconds the next placement's answer is held *after* the order was
    accepted (longer than the client's timeout gives a timeout on an order that exists).
    ``status_after_accept``: HTTP status (e.g. 502) the next placement answers *after* accepting.
    ``drop_next_diffs``: how many rounds of book diffs to skip: each ``emit()`` round while it
    is positive sends no diff of ANY market (their update ids are used: a gap) and counts it down
    by one (``take_drop()`` does both).
    ``error_after_accept``: (HTTP status, venue code, message) the next placement answers *after*
    accepting: a system error or server timeout inside the venue's own error body (Binance -1001
    / -1007, Bybit 10016 / 10000), or a duplicate-client-id answer to an order that did land.
    ``hide_for_s``: lookups do not see the next placement for this long (eventual consistency).
    ``cancel_refused``: client ids (or their beginnings) whose cancel the venue refuses: the order
    stays open, and a cancel-all answers as the venue does for an order it could not cancel.
    """

    reject_next: tuple[int, str] | None = None
    delay_after_accept: float | None = None
    status_after_accept: int | None = None
    drop_next_diffs: int = 0
    error_after_accept: tuple[int, int, str] | None = None
    hide_for_s: float | None = None
    # the venue's rate limiter answers the next N order placements / N other signed or public GETs
    # before they reach the exchange (nothing recorded): ``LoopbackServer.RATE_LIMIT``
    rate_limit_orders: int = 0
    rate_limit_reads: int = 0
    cancel_refused: tuple[str, ...] = ()


@dataclass
class Placement:
    client_id: str
    order_id: int
    symbol: str
    side: str  # "buy" / "sell"
    qty: Decimal
    price: Decimal | None
    time_in_force: str
    reduce_only: bool
    filled: Decimal
    avg_price: Decimal | None
    status: str  # "filled", "partial_expired", "expired", "new", "canceled"
    created_ms: int = field(default_factory=lambda: int(time.time() * 1000))
    position_side: str | None = None  # "LONG"/"SHORT" when the order named one, else None

    @property
    def closes(self) -> bool:
        """The order can only reduce a position: reduce-only, or (hedge mode) a sell of the
        long side / a buy of the short side."""
        if self.position_side is not None:
            return (self.position_side, self.side) in (("LONG", "sell"), ("SHORT", "buy"))
        return self.reduce_only
    visible_at: float = 0.0  # monotonic time from which lookups see it (``Faults.hide_for_s``)


class PositionBook:
    """Positions kept from fills, as a futures venue keeps them.

    A slot is (market id, ``BOTH``) in one-way mode, its size signed (long > 0), or (market id,
    ``LONG``/``SHORT``) in hedge mode, its size >= 0; each with its average entry price. A fill
    that adds to a slot moves the average; one that reduces it keeps it; a one-way fill through
    zero opens the other way at the fill's price. A reduce-only fill never opens or flips (the
    venues refuse or trim the excess; the shared suite sends reduce-only orders with nothing open).
    """

    def __init__(self) -> None:
        self.slots: dict[tuple[str, str], tuple[Decimal, Decimal]] = {}

    def get(self, market_id: str, slot: str = "BOTH") -> tuple[Decimal, Decimal]:
        """(size, entry price) of the slot; (0, 0) when flat."""
        return self.slots.get((market_id, slot), (Decimal(0), Decimal(0)))

    def set(self, market_id: str, slot: str, size: Decimal, entry: Decimal) -> None:
        if size:
            self.slots[(market_id, slot)] = (size, entry)
        else:
            self.slots.pop((market_id, slot), None)

    def fill(self, market_id: str, side: str, qty: Decimal, price: Decimal | None, *,
             position_side: str | None = None, reduce_only: bool = False) -> None:
        """A fill of ``qty`` at ``price``: ``side`` "buy"/"sell"; ``position_side`` LONG/SHORT in
        hedge mode (a buy opens LONG and closes SHORT), None for one-way (``BOTH``)."""
        if not qty or price is None:
            return
        if position_side in ("LONG", "SHORT"):
            held, entry = self.get(market_id, position_side)
            if (side == "buy") == (position_side == "LONG"):  # opening
                if not reduce_only:
                    self.set(market_id, position_side, held + qty, (held * entry + qty * price) / (held + qty))
            else:
                self.set(market_id, position_side, max(held - qty, Decimal(0)), entry)
            return
        held, entry = self.get(market_id)
        delta = qty if side == "buy" else -qty
        new = held + delta
        if held == 0 or (held > 0) == (delta > 0):  # opening or adding
            if not reduce_only:
                self.set(market_id, "BOTH", new, (abs(held) * entry + qty * price) / abs(new))
        elif new == 0 or (new > 0) == (held > 0):  # reducing
            self.set(market_id, "BOTH", new, entry)
        else:  # through zero: the rest opens the other way at this price
            self.set(market_id, "BOTH", Decimal(0) if reduce_only else new, price)

    def open_slots(self) -> list[tuple[str, str, Decimal, Decimal]]:
        """(market id, slot, size, entry) of every open position, sorted."""
        return [(m, slot, size, entry) for (m, slot), (size, entry) in sorted(self.slots.items())]


class BookEngine:
    """A book of ``levels`` per side around ``mid``; ``step()`` changes a few levels with
    absolute sizes and returns them with the next update id, like an exchange diff stream."""

    def __init__(self, mid: float = 60000.0, tick: str = "0.1", levels: int = 20, seed: int = 7,
                 lot: str | None = None) -> None:
        self.rng = random.Random(seed)
        self.tick = Decimal(tick)
        self.lot = Decimal(lot) if lot is not None else None  # sizes in whole lots; None: 0.001..5
        self.mid = Decimal(str(mid))
        self.update_id = 1_000_000
        self.bids: dict[Decimal, Decimal] = {}
        self.asks: dict[Decimal, Decimal] = {}
        for i in range(1, levels + 1):
            self.bids[self.mid - i * self.tick] = self._size()
            self.asks[self.mid + i * self.tick] = self._size()
        self.levels = levels
        # the book after each update id, so a test can check a client's book at its sequence
        self.history: dict[int, tuple[list[list[str]], list[list[str]]]] = {}
        self._record()

    def _record(self) -> None:
        _, bids, asks = self.snapshot()
        self.history[self.update_id] = (bids, asks)
        if len(self.history) > 2000:
            del self.history[next(iter(self.history))]

    def _size(self) -> Decimal:
        n = self.rng.randint(1, 5000)
        return n * self.lot if self.lot is not None else Decimal(n) / 1000

    def step(self) -> tuple[int, int, list[list[str]], list[list[str]]]:
        """(first id, last id, bid changes, ask changes); a size of "0" removes a level."""
        first = self.update_id + 1
        n = self.rng.randint(1, 3)
        bids: list[list[str]] = []
        asks: list[list[str]] = []
        for _ in range(n):
            side, out = (self.bids, bids) if self.rng.random() < 0.5 else (self.asks, asks)
            sign_ = -1 if side is self.bids else 1
            price = self.mid + sign_ * self.rng.randint(1, self.levels) * self.tick
            size = self._size() if self.rng.random() < 0.85 or len(side) < 5 else Decimal(0)
            if size:
                side[price] = size
            else:
                side.pop(price, None)
            out.append([str(price), str(size)])
        self.update_id = first + n - 1
        self._record()
        return first, self.update_id, bids, asks

    def snapshot(self, limit: int | None = None) -> tuple[int, list[list[str]], list[list[str]]]:
        bids = [[str(p), str(q)] for p, q in sorted(self.bids.items(), reverse=True)][:limit]
        asks = [[str(p), str(q)] for p, q in sorted(self.asks.items())][:limit]
        return self.update_id, bids, asks

    def match(self, side: str, qty: Decimal, limit: Decimal | None) -> tuple[Decimal, Decimal | None]:
        """(filled, average price) of an IOC against the book, which it does not change."""
        levels = sorted(self.asks.items()) if side == "buy" else sorted(self.bids.items(), reverse=True)
        filled = Decimal(0)
        cost = Decimal(0)
        for price, size in levels:
            if limit is not None and (price > limit if side == "buy" else price < limit):
                break
            take = min(size, qty - filled)
            filled += take
            cost += take * price
            if filled >= qty:
                break
        return filled, (cost / filled if filled else None)


class LoopbackServer:
    """An aiohttp app on 127.0.0.1 with a random port; subclasses add the venue's routes.

    ``silence()`` makes every open websocket stop answering pings and stop sending (a dead
    peer that keeps the TCP connection); ``drop_websockets()`` aborts every open websocket.
    New connections after either are healthy again.
    """

    books: dict[str, BookEngine]
    # the venue's order placement route, and its rate limiter's answer: (HTTP status, JSON body or
    # None for a plain-text one, text); each venue server sets them from the venue's docs
    ORDER_ROUTE: tuple[str, str] = ("POST", "")
    RATE_LIMIT: tuple[int, dict[str, Any] | None, str] = (429, None, "Too Many Requests")
    # the venue's client order id: its longest, the characters it takes, and its refusal of any
    # other (HTTP status, code, message) through ``error_response``
    CLIENT_ID_MAX = 36
    CLIENT_ID_CHARS = re.compile(r"[A-Za-z0-9_-]+")
    CLIENT_ID_ERROR: tuple[int, int, str] = (400, 0, "")

    def __init__(self, *, diff_interval: float = 0.02) -> None:
        self.app = web.Application(middlewares=[self._rate_limiter])
        self.faults = Faults()
        self.subs: dict[Any, set[str]] = {}  # ws -> market ids
        self.snapshots: Counter[str] = Counter()  # full books served per market id
        self.wallet: dict[str, Decimal] = {"USDT": Decimal("10000")}
        self.position_mode = PositionMode.ONE_WAY
        self.placements: list[Placement] = []
        self.requests: list[tuple[str, str]] = []  # (method, path) of every REST request
        self.diff_interval = diff_interval
        self.paused = False
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._sockets: set[web.WebSocketResponse] = set()
        self._silenced: set[web.WebSocketResponse] = set()
        self._requests: dict[web.WebSocketResponse, web.Request] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._next_order_id = 5_000_000
        self.ws_connections = 0
        # what a fill is charged: this rate of its value in the settle coin (0: a fee-free
        # promotion); ``fee_hidden``: the venue's answers leave the fee out (an order answer with
        # no fee field, trades not listed yet), so a client can only estimate it
        self.taker_rate = Decimal("0.0005")
        self.fee_hidden = False

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    async def start(self) -> None:
        # the fake exchange's own access log would put signed URLs into the captured app logs
        self._runner = web.AppRunner(self.app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.spawn(self._emit_loop())

    async def stop(self) -> None:
        for t in list(self._tasks):
            t.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def spawn(self, coro: Any) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def fill_value(self, p: Placement) -> Decimal:
        """What ``p``'s fill is worth in the settle coin (a venue with other contracts overrides)."""
        return (p.avg_price or Decimal(0)) * p.filled

    def charged(self, p: Placement) -> Decimal:
        """The fee ``p``'s fill was charged, in the settle coin (what the venue reports)."""
        return self.fill_value(p) * self.taker_rate if p.filled else Decimal(0)

    def next_order_id(self) -> int:
        self._next_order_id += 1
        return self._next_order_id

    def find(self, client_id: str) -> Placement | None:
        return next((p for p in self.placements if p.client_id == client_id), None)

    @property
    def api_urls(self) -> dict[str, Any]:
        """What to merge into ccxt's ``urls['api']`` (``CcxtConfig.api_urls``)."""
        raise NotImplementedError

    def book_at(self, market_id: str, sequence: int) -> tuple[list[list[str]], list[list[str]]]:
        """The server's book at the client's ``BookSnapshot.sequence``."""
        raise NotImplementedError

    def order_margin(self, p: Placement) -> tuple[str, Decimal]:
        """(currency, margin) a resting order locks: its remaining notional at 10x in USDT."""
        return "USDT", (p.price or Decimal(0)) * (p.qty - p.filled) / 10

    def locked(self, currency: str) -> Decimal:
        total = Decimal(0)
        for p in self.placements:
            if p.status == "new":
                cur, margin = self.order_margin(p)
                if cur == currency:
                    total += margin
        return total

    def balance(self, currency: str) -> tuple[Decimal, Decimal]:
        """(total, free) of ``currency``: what the balance endpoint must report."""
        total = self.wallet.get(currency, Decimal(0))
        return total, total - self.locked(currency)

    @property
    def usdt(self) -> Decimal:
        return self.wallet["USDT"]
    def cancel_refused(self, p: Placement) -> bool:
        """Whether the venue refuses to cancel ``p`` (``Faults.cancel_refused``)."""
        return p.client_id.startswith(self.faults.cancel_refused) if self.faults.cancel_refused else False

    def visible(self, p: Placement) -> bool:
        """Whether order lookups see ``p`` yet (``Faults.hide_for_s``)."""
        return time.monotonic() >= p.visible_at

    def record(self, placement: Placement) -> None:
        """Keep an accepted order; ``hide_for_s`` applies to it."""
        hide, self.faults.hide_for_s = self.faults.hide_for_s, None
        if hide:
            placement.visible_at = time.monotonic() + hide
        self.placements.append(placement)

    # -- fault switches ------------------------------------------------------------------------
    @web.middleware
    async def _rate_limiter(self, request: web.Request, handler: Any) -> web.StreamResponse:
        """``Faults.rate_limit_orders`` / ``rate_limit_reads``: the venue's limiter refuses the
        request before the exchange sees it (``requests`` still records it: it was sent)."""
        is_order = (request.method, request.path) == self.ORDER_ROUTE
        if is_order and self.faults.rate_limit_orders > 0:
            self.faults.rate_limit_orders -= 1
        elif not is_order and request.method == "GET" and self.faults.rate_limit_reads > 0 \
                and request.headers.get("Upgrade", "").lower() != "websocket":
            self.faults.rate_limit_reads -= 1
        else:
            return await handler(request)  # type: ignore[no-any-return]
        self.requests.append((request.method, request.path))
        status, body, text = self.RATE_LIMIT
        if body is None:
            return web.Response(status=status, text=text, content_type="text/plain")
        return web.json_response(body, status=status)

    def silence(self) -> None:
        self._silenced.update(self._sockets)

    def mute_books(self) -> None:
        """Open websockets keep answering pings but get no more book frames (a subscription
        the venue dropped silently)."""
        for symbols in self.subs.values():
            symbols.clear()

    async def drop_websockets(self) -> None:
        for ws in list(self._sockets):
            req = self._requests.get(ws)
            transport = req.transport if req is not None else None
            if transport is not None:
                transport.abort()  # no close frame: the peer just vanishes
            self._sockets.discard(ws)

    # -- websocket plumbing --------------------------------------------------------------------
    async def websocket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=False)
        await ws.prepare(request)
        self.ws_connections += 1
        self._sockets.add(ws)
        self._requests[ws] = request
        self.on_open(ws)
        try:
            async for msg in ws:
                if ws in self._silenced:
                    continue
                if msg.type == WSMsgType.PING:
                    await self.on_ping_frame(ws, msg.data)
                elif msg.type == WSMsgType.TEXT:
                    await self.on_text(ws, msg.data)
        finally:
            self._sockets.discard(ws)
            self._silenced.discard(ws)
            self._requests.pop(ws, None)
            self.on_closed(ws)
        return ws

    async def on_ping_frame(self, ws: web.WebSocketResponse, data: bytes) -> None:
        """A websocket ping frame: answered, unless the venue's protocol does not (override)."""
        await ws.pong(data)

    async def send(self, ws: web.WebSocketResponse, payload: Any) -> None:
        if ws in self._silenced or ws.closed:
            return
        try:
            await ws.send_json(payload)
        except (ConnectionError, RuntimeError):
            self._sockets.discard(ws)

    async def _emit_loop(self) -> None:
        while True:
            await asyncio.sleep(self.diff_interval)
            if not self.paused:
                await self.emit()

    # -- for subclasses ------------------------------------------------------------------------
    async def on_text(self, ws: web.WebSocketResponse, text: str) -> None:
        raise NotImplementedError

    def on_open(self, ws: web.WebSocketResponse) -> None:
        """A websocket was accepted (e.g. start the venue's own heartbeat)."""

    def on_closed(self, ws: web.WebSocketResponse) -> None:
        pass

    async def emit(self) -> None:
        raise NotImplementedError

    def take_drop(self) -> bool:
        """Call once per ``emit()`` round: True when this round's diffs must not be sent."""
        if self.faults.drop_next_diffs > 0:
            self.faults.drop_next_diffs -= 1
            return True
        return False

    def client_id_refusal(self, client_id: str) -> web.Response | None:
        """The venue's answer to a client order id it does not take, or None (an empty one is the
        venue's own: most generate an id)."""
        if not client_id or (len(client_id) <= self.CLIENT_ID_MAX and self.CLIENT_ID_CHARS.fullmatch(client_id)):
            return None
        return self.error_response(*self.CLIENT_ID_ERROR)

    def error_response(self, status: int, code: int, message: str) -> web.Response:
        """The venue's own error body (subclasses: Binance ``code``/``msg``, Bybit ``retCode``)."""
        raise NotImplementedError

    async def hold_after_accept(self) -> web.Response | None:
        """Apply ``delay_after_accept`` / ``status_after_accept`` / ``error_after_accept`` to a
        placement just recorded."""
        delay, self.faults.delay_after_accept = self.faults.delay_after_accept, None
        if delay:
            await asyncio.sleep(delay)
        status, self.faults.status_after_accept = self.faults.status_after_accept, None
        if status:
            return web.Response(status=status, text="<html>Bad Gateway</html>", content_type="text/html")
        error, self.faults.error_after_accept = self.faults.error_after_accept, None
        if error:
            return self.error_response(*error)
        return None
