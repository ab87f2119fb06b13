"""BingX books through the real ccxt.pro client on the loopback BingX server.

BingX's swap depth stream has no update ids: every ``<symbol>@depth<level>`` frame is the whole
top of the book, which ccxt puts in place with ``orderbook.reset`` (``pro/bingx.py``
``handle_order_book``). So there is no sequence to break: a lost frame is replaced by the next
one, and the book is never a merge of old and new levels. Shown here against the server's own
book at each frame's ``ts`` (the only key a BingX frame carries). The shared suite's
``test_dropped_diff_is_detected_and_resynced[bingx]`` runs the same through the feed supervisor;
this one also shows the lost frames carried changes (else it would prove nothing)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from sor_desktop.core.book import BookSnapshot
from tests.venues.loopback.bingx import BingxServer
from tests.venues.loopback.fixtures import loopback_venue, serving

SYMBOL, MARKET_ID = "BTC/USDT:USDT", "BTC-USDT"


def levels(rows: list[list[str]]) -> np.ndarray:
    return np.array([[float(p), float(q)] for p, q in rows])


def assert_is_servers_book(book: BookSnapshot, server: BingxServer) -> None:
    bids, asks = server.book_at(MARKET_ID, book.timestamp)
    np.testing.assert_array_equal(book.bids, levels(bids))
    np.testing.assert_array_equal(book.asks, levels(asks))


async def _books(venue: Any, n: int) -> list[BookSnapshot]:
    return [await venue.watch_order_book(SYMBOL) for _ in range(n)]


@pytest.mark.asyncio
async def test_lost_frames_leave_no_wrong_book_and_need_no_resync() -> None:
    async with serving("bingx") as server:
        assert isinstance(server, BingxServer)
        venue = loopback_venue(server, "bingx", keys=False)
        try:
            before = await _books(venue, 5)
            updates_before = server.books[MARKET_ID].update_id
            server.faults.drop_next_diffs = 6  # three frames of each symbol never sent
            after = await _books(venue, 10)
        finally:
            await venue.close()
    assert {b.sequence for b in before + after} == {None}  # BingX sends no update id to chain
    first_after = server.ts_to_update[MARKET_ID][after[0].timestamp]
    assert first_after - updates_before >= 3, "the lost frames carried changes"
    for book in before + after:  # a merge would keep removed levels; a reset cannot
        assert_is_servers_book(book, server)
    assert (server.ws_connections, server.unsubscribes) == (1, 0)  # nothing to resync
