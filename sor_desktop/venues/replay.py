"""``ReplayVenue``: a recording streamed back through the ``Venue`` interface, at 1x or faster.

``open_replay(path, speed=...)`` gives one venue per venue id in the file, all on one timeline:
the first book of the file is released at the first ``watch_order_book`` call, and each later
book ``(timestamp - first timestamp) / speed`` after it, on the given clock. Every book is
delivered, in order, per (venue, symbol); a consumer slower than the recording falls behind
rather than skipping books. When a symbol's books run out, ``watch_order_book`` raises
``VenueUnavailable("the recording has ended")``.

Orders are matched locally against the replayed books by the simulator's matching engine, as in
paper trading (my choice over ``NotSupported``: a recorded session can then be traded again).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path

from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.instrument import Instrument, InstrumentError
from sor_desktop.core.orders import OrderReport, OrderRequest
from sor_desktop.venues.base import Capabilities, Mode, Venue
from sor_desktop.venues.errors import NotSupported, OrderRejected, VenueUnavailable
from sor_desktop.venues.instruments import recorded_instrument
from sor_desktop.venues.recording import RecordedBook, RecordingError, read_recording
from sor_desktop.venues.sim.accounts import Account
from sor_desktop.venues.sim.clock import Clock, RealClock
from sor_desktop.venues.sim.local_orders import LocalOrders
from sor_desktop.venues.sim.matching import MatchingEngine


class ReplayTimeline:
    """When each recorded book is due, shared by the venues of one recording."""

    def __init__(self, first_timestamp_ms: int, *, speed: float = 1.0, clock: Clock | None = None) -> None:
        if not speed > 0:
            raise ValueError("replay speed must be positive")
        self.clock: Clock = clock or RealClock()
        self.speed = speed
        self._t0 = first_timestamp_ms
        self._started: float | None = None

    def due(self, timestamp_ms: int) -> float:
        """Clock monotonic time at which a book stamped ``timestamp_ms`` is released."""
        if self._started is None:
            self._started = self.clock.monotonic()
        return self._started + (timestamp_ms - self._t0) / 1000.0 / self.speed


class ReplayVenue(LocalOrders, Venue):
    mode = Mode.REPLAY

    def __init__(self, venue_id: str, books: Sequence[RecordedBook], timeline: ReplayTimeline, *,
                 balance: Decimal = Decimal(10_000), leverage: Decimal = Decimal(10)) -> None:
        self.id = venue_id
        self.capabilities = Capabilities(client_id_max_len=64)
        self._timeline = timeline
        self._books: dict[str, list[BookSnapshot]] = {}
        self._instruments: dict[str, Instrument] = {}
        for rec in books:
            self._books.setdefault(rec.book.symbol, []).append(rec.book)
            if rec.market is not None and rec.book.symbol not in self._instruments:
                try:
                    self._instruments[rec.book.symbol] = recorded_instrument(rec.market, venue_id)
                except InstrumentError as exc:
                    raise RecordingError(f"{venue_id} {rec.book.symbol}: {exc}") from exc
        for series in self._books.values():
            series.sort(key=lambda b: b.timestamp)  # stable: file order among equal stamps
        self._next: dict[str, int] = dict.fromkeys(self._books, 0)
        self._engine: MatchingEngine | None = MatchingEngine(venue_id, self._instruments,
                                     Account(venue_id, balance=balance, leverage=leverage),
                                     client_id_max_len=self.capabilities.client_id_max_len)
        self._latest: dict[str, BookSnapshot] = {}

    async def connect(self) -> None:
        """Nothing to open: the books are in memory."""

    def instruments(self) -> Mapping[str, Instrument]:
        return dict(self._instruments)

    def remaining(self, symbol: str) -> int:
        return len(self._books.get(symbol, [])) - self._next.get(symbol, 0)

    async def watch_order_book(self, symbol: str) -> BookSnapshot:
        books = self._books.get(symbol)
        if books is None:
            raise NotSupported(self.id, f"the recording has no {symbol} books for {self.id}")
        index = self._next[symbol]
        if index >= len(books):
            raise VenueUnavailable(self.id, f"the recording has ended ({len(books)} {symbol} books replayed)")
        clock = self._timeline.clock
        await clock.sleep(self._timeline.due(books[index].timestamp) - clock.monotonic())
        if self._next[symbol] == index:  # concurrent watchers of the same book get it once each
            self._next[symbol] = index + 1
        book = dataclasses.replace(books[index], received=clock.monotonic())
        self._latest[symbol] = book
        self.engine.on_book(book, book.timestamp)
        return book

    async def submit_order(self, request: OrderRequest) -> OrderReport:
        self._check_venue(request)
        book = self._latest.get(request.symbol)
        if book is None:
            raise OrderRejected(self.id, f"no {request.symbol} book replayed yet")
        return self.engine.submit(request, book, book.timestamp)

    async def close(self) -> None:
        """Nothing to release; a later watch continues where the replay stood."""


def replay_venues(records: Iterable[RecordedBook], *, speed: float = 1.0, clock: Clock | None = None,
                  balance: Decimal = Decimal(10_000), leverage: Decimal = Decimal(10)) -> dict[str, ReplayVenue]:
    by_venue: dict[str, list[RecordedBook]] = {}
    for rec in records:
        by_venue.setdefault(rec.book.venue, []).append(rec)
    if not by_venue:
        raise RecordingError("the recording holds no books")
    first = min(rec.book.timestamp for recs in by_venue.values() for rec in recs)
    timeline = ReplayTimeline(first, speed=speed, clock=clock)
    return {v: ReplayVenue(v, recs, timeline, balance=balance, leverage=leverage) for v, recs in by_venue.items()}


def open_replay(path: str | Path, *, speed: float = 1.0, clock: Clock | None = None,
                balance: Decimal = Decimal(10_000), leverage: Decimal = Decimal(10)) -> dict[str, ReplayVenue]:
    """One ``ReplayVenue`` per venue in the recording at ``path``, sharing one timeline."""
    return replay_venues(read_recording(path), speed=speed, clock=clock, balance=balance, leverage=leverage)
