"""WEEX books through the real ccxt.pro client against the loopback WEEX server, whose frames
chain as the live venue's do (``U`` = previous ``u``; see ``venues/weex/books.py``)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from sor_desktop.engine.feed import FeedState
from sor_desktop.venues.errors import VenueError
from tests.venues.loopback.fixtures import SERVERS, loopback_venue
from tests.venues.loopback.suite import Loopback
from tests.venues.loopback.weex import WeexServer
from tests.venues.test_ccxt_loopback_books import Recorder, supervise

DEPTH = "/capi/v3/market/depth"
SYMBOL = SERVERS["weex"].symbol


@pytest_asyncio.fixture
async def server() -> AsyncIterator[WeexServer]:
    s = WeexServer()
    await s.start()
    try:
        yield s
    finally:
        await s.stop()


def assert_matches_server(book: Any, server: WeexServer) -> None:
    Loopback(SERVERS["weex"], server).assert_matches_server(book)


def rest_books(server: WeexServer) -> int:
    return sum(1 for _, path in server.requests if path == DEPTH)


@pytest.mark.asyncio
async def test_first_delta_overlapping_the_snapshot_is_no_gap(server: WeexServer) -> None:
    venue = loopback_venue(server, "weex", keys=False)
    try:
        books = [await venue.watch_order_book(SYMBOL) for _ in range(25)]
    finally:
        await venue.close()
    assert server.subscribes == 1 and server.unsubscribes == 0  # no resubscribe loop
    assert len({b.sequence for b in books}) > 5
    for book in books:
        assert_matches_server(book, server)
    assert rest_books(server) == 0  # the stream's snapshot was used


@pytest.mark.asyncio
async def test_subscribe_without_snapshot_takes_the_rest_book(server: WeexServer) -> None:
    server.snapshot_on_subscribe = False
    venue = loopback_venue(server, "weex", keys=False)
    try:
        books = [await asyncio.wait_for(venue.watch_order_book(SYMBOL), 5) for _ in range(10)]
    finally:
        await venue.close()
    assert rest_books(server) == 1
    for book in books:  # the kept deltas were replayed on the REST book: nothing lost
        assert_matches_server(book, server)


@pytest.mark.asyncio
@pytest.mark.parametrize("snapshot_after_resubscribe", [True, False])
async def test_gap_greys_the_book_and_resyncs_on_the_same_connection(
        server: WeexServer, snapshot_after_resubscribe: bool) -> None:
    rec = Recorder()
    sup = supervise(Loopback(SERVERS["weex"], server), loopback_venue(server, "weex", keys=False), rec)
    sup.start()
    try:
        await rec.wait(lambda: rec.state is FeedState.LIVE and len(rec.books) > 3)
        server.snapshot_on_subscribe = snapshot_after_resubscribe
        server.faults.drop_next_diffs = 1
        await rec.wait(lambda: any(h.gaps >= 1 for h in rec.health))
        gap_at = len(rec.books)
        await rec.wait(lambda: rec.state is FeedState.LIVE and len(rec.books) > gap_at + 5)
    finally:
        await sup.stop()
    stale = [h for h in rec.health if h.state is FeedState.STALE]
    assert stale and "sequence gap" in (stale[0].reason or "")
    assert server.ws_connections == 1 and server.unsubscribes == 1 and server.subscribes == 2
    assert rest_books(server) == (0 if snapshot_after_resubscribe else 1)
    for book in rec.books:  # never a wrong book, before or after the gap
        assert_matches_server(book, server)


@pytest.mark.asyncio
async def test_server_pings_are_answered_and_keep_the_connection(server: WeexServer) -> None:
    server.ping_interval = 0.1  # the server drops a connection after 5 unanswered pings
    venue = loopback_venue(server, "weex", keys=False)
    try:
        await venue.watch_order_book(SYMBOL)
        await asyncio.sleep(1.2)
        book = await venue.watch_order_book(SYMBOL)
    finally:
        await venue.close()
    assert server.pongs >= 5 and server.ws_connections == 1
    assert_matches_server(book, server)


@pytest.mark.asyncio
async def test_a_refused_subscription_reaches_the_caller_with_the_venues_reason(server: WeexServer) -> None:
    server.refuse_subscribe = True
    venue = loopback_venue(server, "weex", keys=False)
    try:
        with pytest.raises(VenueError) as info:
            await asyncio.wait_for(venue.watch_order_book(SYMBOL), 5)
    finally:
        await venue.close()
    assert "INVALID_ARGUMENT" in info.value.message and "BTCUSDT@depth200" in info.value.message
