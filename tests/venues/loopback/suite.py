"""Fixtures of the parametrised loopback suite: every test function under ``tests/venues`` that
takes ``loopback`` or ``trading`` (``tests/venues/conftest.py`` provides them) runs once per
case of ``fixtures.SERVERS``, the case id in the test id
(``test_book_stays_in_sync_with_the_server[bybit-inverse]``). Type hints: ``Loopback``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pytest
import pytest_asyncio

from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.orders import OrderRequest, Side, TimeInForce
from sor_desktop.venues.ccxt_venue import CcxtVenue
from tests.venues.loopback.common import LoopbackServer
from tests.venues.loopback.fixtures import SERVERS, VenueCase, case_venue, serving


@dataclass
class Loopback:
    """A started server and the case it serves; ``venue`` is set by ``trading``."""

    case: VenueCase
    server: LoopbackServer
    venue: CcxtVenue | None = None

    @property
    def v(self) -> CcxtVenue:
        assert self.venue is not None, "use the 'trading' fixture for a connected venue"
        return self.venue

    def order(self, client_id: str, lots: int | str, price: Decimal, side: Side = Side.BUY, *,
              reduce_only: bool = False, tif: TimeInForce = TimeInForce.IOC) -> OrderRequest:
        return OrderRequest(self.case.venue_id, self.case.symbol, side, self.case.lots(lots), client_id,
                            limit_price=price, reduce_only=reduce_only, time_in_force=tif)

    def book_key(self, book: BookSnapshot) -> int:
        """What names the server's book a client book shows: its sequence, or where the venue's
        whole-book frames carry none (BingX) the frame's time, ``BookSnapshot.timestamp``."""
        if book.sequence is None and self.case.full_snapshots:
            return book.timestamp
        assert book.sequence is not None
        return book.sequence

    def assert_matches_server(self, book: BookSnapshot) -> None:
        """The client's book equals the server's at the book's key (``book_key``), level by level
        (the server's ``book_at`` gives the depth the venue streams)."""
        bids, asks = self.server.book_at(self.case.market_id, self.book_key(book))
        np.testing.assert_array_equal(book.bids, np.array([[float(p), float(q)] for p, q in bids]))
        np.testing.assert_array_equal(book.asks, np.array([[float(p), float(q)] for p, q in asks]))


@pytest_asyncio.fixture(params=list(SERVERS))
async def loopback(request: pytest.FixtureRequest) -> AsyncIterator[Loopback]:
    """A started server of each case (no venue: the test builds the one it needs)."""
    async with serving(request.param) as server:
        yield Loopback(SERVERS[request.param], server)


@pytest_asyncio.fixture(params=list(SERVERS))
async def trading(request: pytest.FixtureRequest) -> AsyncIterator[Loopback]:
    """A started server of each case and a connected venue with keys (0.7 s request timeout).
    The book is paused: a price read from it is still there when the order arrives."""
    case = SERVERS[request.param]
    async with serving(request.param) as server:
        server.paused = True
        venue = case_venue(case, server, request_timeout_ms=700)
        await venue.connect()
        try:
            yield Loopback(case, server, venue)
        finally:
            await venue.close()
