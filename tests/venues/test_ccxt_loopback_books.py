"""Books through the real ccxt.pro client against every loopback venue (``fixtures.SERVERS``):
in sync with the server, a killed connection and a silent peer recovered by the FeedSupervisor
with a fresh book, a dropped diff detected and resynced (ccxt's own check where it has one,
ours elsewhere; where every frame is a whole book, shown to need none), and a subscription the
venue silently dropped restarted."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import pytest

from sor_desktop.core.book import BookSnapshot
from sor_desktop.engine.feed import FeedConfig, FeedHealth, FeedState, FeedSupervisor
from sor_desktop.venues.ccxt_venue import CcxtVenue
from tests.venues.loopback.fixtures import case_venue
from tests.venues.loopback.suite import Loopback


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


def supervise(lb: Loopback, venue: CcxtVenue, rec: Recorder, **config: Any) -> FeedSupervisor:
    cfg = FeedConfig(**{"stale_after_s": 10.0, "health_interval_s": 0.1, "backoff_initial_s": 0.05, **config})
    return FeedSupervisor([(venue, lb.case.symbol)], on_book=rec.on_book, on_health=rec.on_health, config=cfg)


@pytest.mark.asyncio
async def test_book_stays_in_sync_with_the_server(loopback: Loopback) -> None:
    venue = case_venue(loopback.case, loopback.server, keys=False)
    try:
        books = [await venue.watch_order_book(loopback.case.symbol) for _ in range(15)]
    finally:
        await venue.close()
    sequences = [loopback.book_key(b) for b in books]
    assert sequences == sorted(sequences) and len(set(sequences)) > 5  # the book moved
    for book in books:
        assert book.problem() is None
        loopback.assert_matches_server(book)


@pytest.mark.asyncio
async def test_killed_connection_recovers_with_a_fresh_book(loopback: Loopback) -> None:
    server, market_id = loopback.server, loopback.case.market_id
    rec = Recorder()
    sup = supervise(loopback, case_venue(loopback.case, server, keys=False), rec)
    sup.start()
    try:
        await rec.wait(lambda: rec.state is FeedState.LIVE and len(rec.books) > 3)
        before, served = len(rec.books), server.snapshots[market_id]
        await server.drop_websockets()
        await rec.wait(lambda: any(h.state is not FeedState.LIVE for h in rec.health))
        await rec.wait(lambda: server.ws_connections >= 2 and rec.state is FeedState.LIVE
                       and len(rec.books) > before + 3)
    finally:
        await sup.stop()
    assert sup.health()[0].reconnects >= 1
    assert served >= 1 and server.snapshots[market_id] > served  # a fresh book after the reconnect
    if not loopback.case.full_snapshots:
        assert server.snapshots[market_id] == served + server.ws_connections - 1  # one per new connection
    for book in rec.books[before:]:
        loopback.assert_matches_server(book)


@pytest.mark.asyncio
async def test_dropped_diff_is_detected_and_resynced(loopback: Loopback) -> None:
    server, market_id = loopback.server, loopback.case.market_id
    rec = Recorder()
    sup = supervise(loopback, case_venue(loopback.case, server, keys=False), rec)
    sup.start()
    try:
        await rec.wait(lambda: rec.state is FeedState.LIVE and len(rec.books) > 3)
        served = server.snapshots[market_id]
        server.faults.drop_next_diffs = 1
        if loopback.case.full_snapshots:
            # every frame is a whole book: the next one replaces what the lost one would have
            await rec.wait(lambda: server.faults.drop_next_diffs == 0)
            dropped_at = len(rec.books)
            await rec.wait(lambda: len(rec.books) > dropped_at + 5)
        else:
            await rec.wait(lambda: any(h.gaps >= 1 for h in rec.health))
            gap_at = len(rec.books)
            await rec.wait(lambda: rec.state is FeedState.LIVE and len(rec.books) > gap_at + 5)
    finally:
        await sup.stop()
    if loopback.case.full_snapshots:
        assert all(h.gaps == 0 and h.state is not FeedState.STALE for h in rec.health)
    else:
        stale = [h for h in rec.health if h.state is FeedState.STALE]
        assert stale and "sequence gap" in (stale[0].reason or "")
        assert server.snapshots[market_id] == served + 1  # one fresh book
    assert server.ws_connections == 1  # on the same connection
    for book in rec.books:  # never a wrong book, before or after the gap
        loopback.assert_matches_server(book)


@pytest.mark.asyncio
async def test_silent_dead_peer_is_found_within_seconds(loopback: Loopback) -> None:
    rec = Recorder()
    # stale_after_s is long: the keep-alive (ping every 0.3 s, 2 misses) must find the dead peer
    venue = case_venue(loopback.case, loopback.server, keys=False, keepalive_ms=300)
    sup = supervise(loopback, venue, rec, stale_after_s=30.0)
    sup.start()
    try:
        await rec.wait(lambda: rec.state is FeedState.LIVE and len(rec.books) > 3)
        loopback.server.silence()
        detected = await rec.wait(lambda: sup.health()[0].reconnects >= 1, timeout=10.0)
        await rec.wait(lambda: loopback.server.ws_connections >= 2 and rec.state is FeedState.LIVE)
        rtt = sup.health()[0].rtt_ms
    finally:
        await sup.stop()
    assert detected < 3.0, f"dead peer found after {detected:.1f}s"
    assert rtt is not None and 0 < rtt < 1000


@pytest.mark.asyncio
async def test_silent_subscription_is_restarted_with_a_fresh_stream(loopback: Loopback) -> None:
    rec = Recorder()
    venue = case_venue(loopback.case, loopback.server, keys=False, keepalive_ms=300)
    sup = supervise(loopback, venue, rec, stale_after_s=0.3, restart_after_s=1.5)
    sup.start()
    try:
        await rec.wait(lambda: rec.state is FeedState.LIVE and len(rec.books) > 3)
        loopback.server.mute_books()  # pings still answered: the keep-alive sees nothing wrong
        await rec.wait(lambda: rec.state is FeedState.STALE)
        muted_at = len(rec.books)
        await rec.wait(lambda: loopback.server.ws_connections >= 2 and rec.state is FeedState.LIVE
                       and len(rec.books) > muted_at + 3)
    finally:
        await sup.stop()
    assert any("restarting the stream" in (h.reason or "") for h in rec.health)
    for book in rec.books[muted_at:]:
        loopback.assert_matches_server(book)
