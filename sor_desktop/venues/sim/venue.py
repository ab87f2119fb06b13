"""``SimVenue``: one venue of the simulated market behind the ``Venue`` interface.

Books come from the shared ``SimMarket``; orders go through a ``MatchingEngine`` with this
venue's instruments, fees and account, after the venue's order latency each way. Fault hooks
are on ``self.faults`` (see ``sim.faults``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sor_desktop.core.account import Balance, Position
from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.orders import Fill, OrderReport, OrderRequest
from sor_desktop.core.venue_terms import VenueTerms
from sor_desktop.venues.base import Capabilities, Mode, Venue
from sor_desktop.venues.errors import (
    NotSupported,
    OrderRejected,
    OutcomeUnknown,
    RateLimited,
)
from sor_desktop.venues.quirks import quirks_for
from sor_desktop.venues.sim import terms as sim_terms
from sor_desktop.venues.sim.accounts import Account
from sor_desktop.venues.sim.faults import VenueFaults
from sor_desktop.venues.sim.market import SimMarket
from sor_desktop.venues.sim.matching import MatchingEngine, PnL
from sor_desktop.venues.sim.stream import BookStream


class SimVenue(Venue):
    mode = Mode.SIMULATED

    def __init__(self, market: SimMarket, venue_id: str) -> None:
        self.id = venue_id
        self._market = market
        q = quirks_for(venue_id)
        view_only = venue_id in market.config.view_only
        self.capabilities = Capabilities(
            ioc=True,
            reduce_only=True,
            trading_allowed=not view_only,
            view_only_reason=(q.view_only_reason or "view-only in this simulation") if view_only else None,
            client_id_field=q.client_id_param,
            client_id_max_len=q.client_id_max_len,
            server_dead_man_switch=q.server_dead_man_switch,
        )
        self.faults = VenueFaults(venue_id)
        self._instruments = {s: market.instrument(venue_id, s) for s in market.symbols(venue_id)}
        # a wallet in each coin the listed inverse markets settle in (Bybit BTC/USD:BTC: BTC)
        coins = dict.fromkeys((i.settle for i in self._instruments.values() if not i.linear),
                              market.config.coin_balance_of(venue_id))
        self.engine = MatchingEngine(
            venue_id,
            sim_terms.account_instruments(venue_id, self._instruments),  # charged at the account's tier
            Account(venue_id, balance=market.config.balance_of(venue_id), leverage=market.config.leverage,
                    coins=coins),
            on_take=lambda sym, side, price, qty: market.take(venue_id, sym, side, price, qty),
            client_id_max_len=q.client_id_max_len,
        )
        self._streams: dict[str, BookStream] = {}

    # -- session ---------------------------------------------------------------------------------
    async def connect(self) -> None:
        self.faults.check_up()

    def instruments(self) -> Mapping[str, Instrument]:
        return dict(self._instruments)

    def market(self, symbol: str) -> dict[str, object]:
        """The ccxt unified market dict of ``symbol`` (as ``load_markets`` gives it)."""
        return self._market.market(self.id, symbol)

    async def close(self) -> None:
        """Stop the book streams. As with ccxt, a later call simply opens them again."""
        for stream in self._streams.values():
            stream.close()

    # -- books -----------------------------------------------------------------------------------
    async def watch_order_book(self, symbol: str) -> BookSnapshot:
        self._check_open()
        self._check_symbol(symbol)
        exc = self.faults.take_watch_error(symbol)
        if exc is not None:
            raise exc
        stream = self._streams.get(symbol)
        if stream is None:
            stream = BookStream(self._market, self.id, symbol, self.faults, self._on_book)
            self._streams[symbol] = stream
        return await stream.next()

    def _on_book(self, book: BookSnapshot) -> None:
        self.engine.on_book(book, book.timestamp)

    def last_book(self, symbol: str) -> BookSnapshot | None:
        """The last book this venue's stream delivered for ``symbol``."""
        stream = self._streams.get(symbol)
        return stream.last if stream else None

    def updates_made(self, symbol: str) -> int:
        """How many book updates the stream of ``symbol`` has made so far."""
        stream = self._streams.get(symbol)
        return stream.sequence if stream else 0

    def book_now(self, symbol: str) -> BookSnapshot:
        """The venue's book at this instant: what an order arriving now would meet."""
        self._check_symbol(symbol)
        return self._book_now(symbol)

    def _book_now(self, symbol: str) -> BookSnapshot:
        stream = self._streams.get(symbol)
        seq = stream.sequence if stream else 0
        book = self._market.book_at(self.id, symbol, self._market.clock.time(), sequence=seq)
        self.engine.on_book(book, book.timestamp)
        return book

    def _sync(self, symbols: Sequence[str]) -> None:
        """Bring books to now for symbols with positions or resting orders: marks and resting fills."""
        for symbol in symbols:
            if symbol in self._instruments:
                self._book_now(symbol)

    # -- account ---------------------------------------------------------------------------------
    async def fetch_balance(self) -> list[Balance]:
        await self._rest()
        self._sync(self._active_symbols())
        return self.engine.balances()  # USDT, then each coin wallet (Bybit: BTC for BTC/USD:BTC)

    async def fetch_positions(self, symbols: Sequence[str] | None = None) -> list[Position]:
        await self._rest()
        self._sync(self._active_symbols())
        return self.engine.positions(symbols)

    def pnl(self, currency: str | None = None) -> PnL:
        """Realised, unrealised (at the last marks) and fees of this venue since the start, of the
        positions settled in ``currency`` (USDT by default; "BTC" for the inverse market)."""
        return self.engine.pnl(currency)

    def fills(self) -> list[Fill]:
        """Every fill of this run, oldest first (bounded history)."""
        return list(self.engine.fills)

    def _active_symbols(self) -> list[str]:
        held = [s for s, p in self.engine.account.positions.items() if p.contracts]
        resting = [r.symbol for r in self.engine.open_orders()]
        return sorted(set(held) | set(resting))

    async def fetch_terms(self, symbol: str) -> VenueTerms:
        """The simulated account's fee tier, funding now and brackets (``sim.terms``)."""
        await self._rest()
        self._check_symbol(symbol)
        t = self._market.clock.time()
        return sim_terms.terms(self.id, self._instruments[symbol], int(t * 1000), self._market.fair(symbol).at(t))

    # -- orders ----------------------------------------------------------------------------------
    async def submit_order(self, request: OrderRequest) -> OrderReport:
        self._check_open()
        if request.venue != self.id:
            raise OrderRejected(self.id, f"order for {request.venue} sent to {self.id}")
        if not self.capabilities.trading_allowed:
            raise NotSupported(self.id, self.capabilities.view_only_reason or "view-only")
        if self.faults.rate_limited:
            self.faults.rate_limited -= 1
            raise RateLimited(self.id, "too many requests (fault injection)")
        if self.faults.reject:
            raise OrderRejected(self.id, self.faults.reject.pop(0))
        latency = self._order_latency()
        await self._market.clock.sleep(latency)
        if self.faults.losses:
            self.faults.losses -= 1
            raise OutcomeUnknown(self.id, "request timed out (fault injection: not placed)")
        self.faults.check_up()
        try:
            book = self._book_now(request.symbol) if request.symbol in self._instruments else None
            report = self.engine.submit(request, book, int(self._market.clock.time() * 1000))
        except OrderRejected:
            await self._market.clock.sleep(latency)
            raise
        if self.faults.timeouts:
            self.faults.timeouts -= 1
            raise OutcomeUnknown(self.id, "request timed out after the venue accepted it (fault injection)")
        await self._market.clock.sleep(latency)
        return report

    async def fetch_order(self, client_order_id: str, symbol: str) -> OrderReport | None:
        await self._rest()
        self._sync([symbol])
        return self.engine.report(client_order_id)

    async def cancel_order(self, client_order_id: str, symbol: str) -> OrderReport:
        await self._rest()
        self._sync([symbol])
        return self.engine.cancel(client_order_id, symbol)

    async def cancel_all(self, symbol: str | None = None) -> int:
        await self._rest()
        return self.engine.cancel_all(symbol)

    async def open_orders(self, symbol: str | None = None) -> list[OrderReport]:
        await self._rest()
        return self.engine.open_orders(symbol)

    def round_trip(self) -> float:
        """Seconds of a request round trip (the feed supervisor shows it as RTT)."""
        return 2 * self._order_latency()

    # -- helpers ---------------------------------------------------------------------------------
    def _order_latency(self) -> float:
        return (self._market.profile(self.id).order_latency_ms + self.faults.extra_latency_ms) / 1000.0

    async def _rest(self) -> None:
        """A REST round trip: faults first, then the latency both ways."""
        self._check_open()
        await self._market.clock.sleep(2 * self._order_latency())
        self.faults.check_up()

    def _check_open(self) -> None:
        self.faults.check_up()

    def _check_symbol(self, symbol: str) -> None:
        if symbol not in self._instruments:
            raise NotSupported(self.id, f"no market {symbol} (simulated symbols: {', '.join(self._instruments)})")


__all__ = ["SimVenue"]
