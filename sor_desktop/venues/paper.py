"""``PaperVenue``: trading on a venue's real public books with orders matched on this machine.

It wraps any ``Venue`` as its book source (the live ccxt venue in the app; a simulated or replay
venue in tests): books pass straight through, and every order is matched by the simulator's
``MatchingEngine`` against the latest book the feed delivered. Nothing but public book requests
ever reaches the venue; no keys are needed. Balances start from ``balance`` (USDT), and one coin in
each coin an inverse market settles in.

An order needs a book no older than ``max_book_age_s`` for its symbol, so the symbol's feed must
be running; otherwise it is rejected with the reason. View-only venues (MEXC) can paper trade:
no order leaves the machine.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.orders import OrderReport, OrderRequest
from sor_desktop.core.venue_terms import VenueTerms
from sor_desktop.venues.base import Mode, Venue
from sor_desktop.venues.errors import NotSupported, OrderRejected
from sor_desktop.venues.sim.accounts import Account
from sor_desktop.venues.sim.clock import Clock, RealClock
from sor_desktop.venues.sim.local_orders import LocalOrders
from sor_desktop.venues.sim.matching import MatchingEngine

PAPER_COIN_BALANCE = Decimal(1)


class PaperVenue(LocalOrders, Venue):
    mode = Mode.PAPER

    def __init__(self, source: Venue, *, balance: Decimal = Decimal(10_000), leverage: Decimal = Decimal(10),
                 latency_s: float = 0.0, max_book_age_s: float = 5.0, clock: Clock | None = None) -> None:
        self.id = source.id
        self.source = source
        self.capabilities = dataclasses.replace(source.capabilities, trading_allowed=True, view_only_reason=None)
        self._balance = balance
        self._leverage = leverage
        self._latency = latency_s
        self._max_age = max_book_age_s
        self._clock: Clock = clock or RealClock()
        self._engine: MatchingEngine | None = None
        self._latest: dict[str, tuple[BookSnapshot, float]] = {}

    @classmethod
    def public(cls, venue_id: str, **kwargs: Any) -> PaperVenue:
        """Paper trading on ``venue_id``'s live public books (the ccxt venue, without keys)."""
        from sor_desktop.venues.ccxt_venue import CcxtVenue

        return cls(CcxtVenue(venue_id), **kwargs)

    async def connect(self) -> None:
        await self.source.connect()
        if self._engine is None:
            insts = self.source.instruments()
            # an inverse market (Bybit BTC/USD:BTC) is margined in its coin: a wallet of one coin, as
            # the simulator starts with, or every inverse leg would be refused for margin
            coins = {i.settle: PAPER_COIN_BALANCE for i in insts.values() if not i.linear and i.settle}
            self._engine = MatchingEngine(
                self.id, insts,
                Account(self.id, balance=self._balance, leverage=self._leverage, coins=coins),
                client_id_max_len=self.capabilities.client_id_max_len,
            )

    def instruments(self) -> Mapping[str, Instrument]:
        return self.source.instruments()

    def round_trip(self) -> float | None:
        return self.source.round_trip()

    async def fetch_terms(self, symbol: str) -> VenueTerms:
        """The live venue's terms (public funding and tiers; the default fee without keys): paper
        routing pays what the live market would, as far as the venue says it without an account."""
        fetch = getattr(self.source, "fetch_terms", None)
        if fetch is None:
            raise NotSupported(self.id, "this venue gives no fee, funding or bracket terms")
        terms: VenueTerms = await fetch(symbol)
        return terms

    async def watch_order_book(self, symbol: str) -> BookSnapshot:
        book = await self.source.watch_order_book(symbol)
        self._latest[symbol] = (book, self._clock.monotonic())
        if self._engine is not None:
            self._engine.on_book(book, book.timestamp)
        return book

    async def submit_order(self, request: OrderRequest) -> OrderReport:
        engine = self.engine
        self._check_venue(request)
        await self._clock.sleep(self._latency)
        seen = self._latest.get(request.symbol)
        if seen is None:
            raise OrderRejected(self.id, f"no {request.symbol} book yet: paper orders fill against the live "
                                         "book, so its feed must be running")
        book, at = seen
        age = self._clock.monotonic() - at
        if age > self._max_age:
            raise OrderRejected(self.id, f"the {request.symbol} book is stale ({age:.1f} s old)")
        report = engine.submit(request, book, int(self._clock.time() * 1000))
        await self._clock.sleep(self._latency)
        return report

    async def close(self) -> None:
        await self.source.close()
