"""The real ccxt.pro client against the loopback Binance USDⓈ-M and Bybit v5 servers: books in
sync with the server, a killed connection and a silent peer recovered by the FeedSupervisor
with a fresh book, and a dropped diff detected (Binance: ccxt's ``pu`` check; Bybit: ours)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import numpy as np
import pytest
import pytest_asyncio

from sor_desktop.core.book import BookSnapshot
from sor_desktop.engine.feed import FeedConfig, FeedHealth, FeedState, FeedSupervisor
from sor_desktop.venues.ccxt_venue import CcxtVenue
from tests.venues.loopback.binance import BinanceUsdmServer
from tests.venues.loopback.fixtures import SERVERS, loopback_venue, serving

SYMBOL = "BTC/USDT:USDT"
MARKET_ID = "BTCUSDT"


def assert_matches_server(book: BookSnapshot, server: Any) -> None:
    """The client's book equals the server's at the book's sequence, level by level."""
    assert book.sequence is not None
    bids, asks = server.book_at(MARKET_ID, book.sequence)
    np.testing.assert_array_equal(book.bids, np.array([[float(p), float(q)] for p, q in bids]))
    np.testing.assert_array_equal(book.asks, np.array([[float(p), float(q)] for p, q in asks]))


@pytest_asyncio.fixture(params=list(SERVERS))
async def loopback(request: pytest.FixtureRequest) -> AsyncIterator[tuple[str, Any]]:
    async with serving(request.param) as server:
        yield request.param, server


class Recorder:
    def __init__(self) -> None:
        self.books: list[BookSnapshot] = []
        self.health: list[FeedHealth] = []

    def on_book(self, book: BookSnapshot) -> None:
        self.books.append(book)

    def on_health(self, h: FeedHealth) -> None:
        self.health.append(h)

    async def wait(self, cond: Callable[[], bool], timeout: float = 8.0) -> float:
        start = time.monotonic()
        while not cond():
            if time.monotonic() - start > timeout:
                raise AssertionError(f"condition not met in {timeout}s; health: {self.health[-3:]}")
            await asyncio.sleep(0.02)
        return time.monotonic() - start

    @property
    def state(self) -> FeedState | None:
        return self.health[-1].state if self.health else None


def supervise(venue: CcxtVenue, rec: Recorder, **config: Any) -> FeedSupervisor:
    cfg = FeedConfig(**{"stale_after_s": 10.0, "health_interval_s": 0.1, "backoff_initial_s": 0.05, **config})
    return FeedSupervisor([(venue, SYMBOL)], on_book=rec.on_book, on_health=rec.on_health, config=cfg)


@pytest.mark.asyncio
async def test_book_stays_in_sync_with_the_server(loopback: tuple[str, Any]) -> None:
    venue_id, server = loopback
    venue = loopback_venue(server, venue_id, keys=False)
    try:
        books = [await venue.watch_order_book(SYMBOL) for _ in range(15)]
    finally:
        await venue.close()
    sequences = [b.sequence for b in books]
    assert sequences == sorted(sequences) and len(set(sequences)) > 5  # the book moved
    for book in books:
        assert book.problem() is None
        assert_matches_server(book, server)


@pytest.mark.asyncio
async def test_killed_connection_recovers_with_a_fresh_book(loopback: tuple[str, Any]) -> None:
    venue_id, server = loopback
    rec = Recorder()
    sup = supervise(loopback_venue(server, venue_id, keys=False), rec)
    sup.start()
    try:
        await rec.wait(lambda: rec.state is FeedState.LIVE and len(rec.books) > 3)
        before = len(rec.books)
        await server.drop_websockets()
        await rec.wait(lambda: any(h.state is not FeedState.LIVE for h in rec.health))
        await rec.wait(lambda: server.ws_connections == 2 and rec.state is FeedState.LIVE
                       and len(rec.books) > before + 3)
    finally:
        await sup.stop()
    assert sup.health()[0].reconnects >= 1
    for book in rec.books[before:]:
        assert_matches_server(book, server)
    if isinstance(server, BinanceUsdmServer):  # a fresh REST snapshot after the reconnect
        assert sum(1 for _, path in server.requests if path == "/fapi/v1/depth") == 2


@pytest.mark.asyncio
async def test_dropped_diff_is_detected_and_resynced(loopback: tuple[str, Any]) -> None:
    venue_id, server = loopback
    rec = Recorder()
    sup = supervise(loopback_venue(server, venue_id, keys=False), rec)
    sup.start()
    try:
        await rec.wait(lambda: rec.state is FeedState.LIVE and len(rec.books) > 3)
        server.faults.drop_next_diffs = 1
        await rec.wait(lambda: any(h.gaps >= 1 for h in rec.health))
        gap_at = len(rec.books)
        await rec.wait(lambda: rec.state is FeedState.LIVE and len(rec.books) > gap_at + 5)
    finally:
        await sup.stop()
    stale = [h for h in rec.health if h.state is FeedState.STALE]
    assert stale and "sequence gap" in (stale[0].reason or "")
    assert server.ws_connections == 1  # resynced on the same connection
    if venue_id == "bybit":
        assert server.unsubscribes == 1
    else:
        assert sum(1 for _, path in server.requests if path == "/fapi/v1/depth") == 2
    for book in rec.books:  # never a wrong book, before or after the gap
        assert_matches_server(book, server)


@pytest.mark.asyncio
async def test_silent_dead_peer_is_found_within_seconds(loopback: tuple[str, Any]) -> None:
    venue_id, server = loopback
    rec = Recorder()
    # stale_after_s is long: the keep-alive (ping every 0.3 s, 2 misses) must find the dead peer
    sup = supervise(loopback_venue(server, venue_id, keys=False, keepalive_ms=300), rec, stale_after_s=30.0)
    sup.start()
    try:
        await rec.wait(lambda: rec.state is FeedState.LIVE and len(rec.books) > 3)
        server.silence()
        detected = await rec.wait(lambda: sup.health()[0].reconnects >= 1, timeout=10.0)
        await rec.wait(lambda: server.ws_connections == 2 and rec.state is FeedState.LIVE)
        rtt = sup.health()[0].rtt_ms
    finally:
        await sup.stop()
    assert detected < 3.0, f"dead peer found after {detected:.1f}s"
    assert rtt is not None and 0 < rtt < 1000


@pytest.mark.asyncio
async def test_silent_subscription_is_restarted_with_a_fresh_stream(loopback: tuple[str, Any]) -> None:
    venue_id, server = loopback
    rec = Recorder()
    # restart_after_s must leave room for a resubscribe: ccxt's rate limiter spaces Binance's
    # depth snapshots by their weight (limit 100: 5 x 50 ms)
    venue = loopback_venue(server, venue_id, keys=False, keepalive_ms=300, book_limit=100 if venue_id == "binanceusdm" else None)
    sup = supervise(venue, rec, stale_after_s=0.3, restart_after_s=1.5)
    sup.start()
    try:
        await rec.wait(lambda: rec.state is FeedState.LIVE and len(rec.books) > 3)
        server.mute_books()  # pings still answered: the keep-alive sees nothing wrong
        await rec.wait(lambda: rec.state is FeedState.STALE)
        muted_at = len(rec.books)
        await rec.wait(lambda: server.ws_connections == 2 and rec.state is FeedState.LIVE
                       and len(rec.books) > muted_at + 3)
    finally:
        await sup.stop()
    assert any("restarting the stream" in (h.reason or "") for h in rec.health)
    for book in rec.books[muted_at:]:
        assert_matches_server(book, server)
