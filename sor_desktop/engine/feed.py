"""Supervised book feeds: one loop per (venue, symbol), generic over any ``Venue``.

Each loop calls ``venue.watch_order_book`` forever. ccxt never reconnects by itself and a venue
raises on any broken stream, so after every error the loop waits (exponential backoff with
jitter, capped) and calls again, which reconnects and resubscribes. A monitor task reports
each feed's health once a second and marks a book stale, hence unroutable, when it has not
moved for ``stale_after_s`` or its sequence broke (``BookGap``) until a fresh book arrives.
A book silent for ``restart_after_s`` (the link may still answer pings) is restarted through
``venue.restart_book``.

Books reach ``on_book`` through a one-slot mailbox per feed: a slow consumer only ever gets
the latest book, never a backlog. ``on_book`` and ``on_health`` may be plain functions or
coroutine functions; an exception in them is logged and the feed goes on.

``stop()`` cancels every task (bounded by ``stop_timeout_s``), then closes each venue once.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import random
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sor_desktop.core.book import BookSnapshot
from sor_desktop.venues.base import Venue
from sor_desktop.venues.errors import BookGap, VenueError

log = logging.getLogger(__name__)


class FeedState(StrEnum):
    CONNECTING = "connecting"  # no book yet since the start or a reconnect
    LIVE = "live"  # books arriving and fresh: routable
    STALE = "stale"  # a book is kept but it is old, broken or being resynced: not routable
    DOWN = "down"  # repeated failures, or stopped


@dataclass(frozen=True, slots=True)
class FeedHealth:
    venue: str
    symbol: str
    state: FeedState
    book_age_s: float | None = None  # since the last book arrived (local clock)
    updates_per_s: float = 0.0
    rtt_ms: float | None = None  # the venue's last ping-pong or request round trip
    reason: str | None = None  # why not live, in a trader's words
    reconnects: int = 0  # watch errors recovered from since start
    gaps: int = 0  # sequence breaks seen since start

    @property
    def routable(self) -> bool:
        return self.state is FeedState.LIVE


@dataclass(frozen=True, slots=True)
class FeedConfig:
    stale_after_s: float = 5.0
    restart_after_s: float = 60.0  # no book this long: ask the venue for a fresh stream
    backoff_initial_s: float = 0.25
    backoff_max_s: float = 15.0
    backoff_jitter: float = 0.2  # +-20 % so many feeds do not retry in lockstep
    down_after_failures: int = 3  # consecutive errors with no book in between
    health_interval_s: float = 1.0
    rate_window_s: float = 5.0
    stop_timeout_s: float = 3.0
    close_timeout_s: float = 5.0


BookCallback = Callable[[BookSnapshot], Any]
HealthCallback = Callable[[FeedHealth], Any]


@dataclass(slots=True)
class _Feed:
    venue: Venue
    symbol: str
    state: FeedState = FeedState.CONNECTING
    reason: str | None = None
    last_book_at: float | None = None
    arrivals: deque[float] = field(default_factory=deque)
    failures: int = 0
    reconnects: int = 0
    gaps: int = 0
    latest: BookSnapshot | None = None
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    reported: FeedState | None = None

    @property
    def key(self) -> str:
        return f"{self.venue.id}:{self.symbol}"


def backoff_delay(attempt: int, config: FeedConfig, rng: random.Random) -> float:
    base = min(config.backoff_max_s, config.backoff_initial_s * (2 ** min(attempt, 30)))
    return float(min(config.backoff_max_s, base * (1 + config.backoff_jitter * rng.uniform(-1, 1))))


async def _call(callback: Callable[[Any], Any], value: Any, what: str) -> None:
    try:
        result = callback(value)
        if inspect.isawaitable(result):
            await result
    except asyncio.CancelledError:
        raise
    except Exception:  # a consumer's bug must not stop the feed
        log.exception("feed %s callback failed", what)


class FeedSupervisor:
    def __init__(
        self,
        feeds: Iterable[tuple[Venue, str]],
        *,
        on_book: BookCallback,
        on_health: HealthCallback | None = None,
        config: FeedConfig | None = None,
        close_venues: bool = True,
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config or FeedConfig()
        self._feeds = [_Feed(v, s) for v, s in feeds]
        self._on_book = on_book
        self._on_health = on_health
        self._close_venues = close_venues
        self._rng = rng or random.Random()
        self._clock = clock
        self._tasks: list[asyncio.Task[None]] = []
        self._running = False

    @classmethod
    def for_symbol(cls, venues: Sequence[Venue], symbol: str, **kwargs: Any) -> FeedSupervisor:
        return cls(((v, symbol) for v in venues), **kwargs)

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> None:
        if self._running:
            return
        self._running = True
        for feed in self._feeds:
            self._tasks.append(asyncio.create_task(self._watch(feed), name=f"feed:{feed.key}"))
            self._tasks.append(asyncio.create_task(self._deliver(feed), name=f"deliver:{feed.key}"))
        self._tasks.append(asyncio.create_task(self._monitor(), name="feed-monitor"))

    async def stop(self) -> None:
        if not self._running:
            return
        self._running = False
        for t in self._tasks:
            t.cancel()
        if self._tasks:
            _, pending = await asyncio.wait(self._tasks, timeout=self.config.stop_timeout_s)
            for t in pending:
                log.warning("task %s did not stop within %.1fs", t.get_name(), self.config.stop_timeout_s)
        self._tasks.clear()
        if self._close_venues:
            venues = {id(f.venue): f.venue for f in self._feeds}.values()
            closing = [asyncio.create_task(v.close()) for v in venues]
            done, pending = await asyncio.wait(closing, timeout=self.config.close_timeout_s)
            for t in done:
                if not t.cancelled() and t.exception() is not None:
                    log.warning("venue close failed: %s", t.exception())
            for t in pending:
                t.cancel()
        for feed in self._feeds:
            feed.state, feed.reason = FeedState.DOWN, "stopped"
            await self._report(feed)

    def health(self) -> list[FeedHealth]:
        return [self._health(f) for f in self._feeds]

    # -- loops ---------------------------------------------------------------------------------
    async def _watch(self, feed: _Feed) -> None:
        attempt = 0
        while True:
            try:
                if not feed.venue.instruments():
                    await feed.venue.connect()
                while True:
                    try:
                        # asyncio.timeout, not wait_for: 3.11's wait_for can swallow a cancel
                        # that lands as the watch completes, and stop() would hang
                        async with asyncio.timeout(self.config.restart_after_s):
                            book = await feed.venue.watch_order_book(feed.symbol)
                    except TimeoutError:
                        await feed.venue.restart_book(feed.symbol)
                        raise VenueError(feed.venue.id, f"no book for {self.config.restart_after_s:.0f}s; "
                                         "restarting the stream") from None
                    if self._arrived(feed, book):
                        await self._report(feed)
                    attempt = 0
            except asyncio.CancelledError:
                raise
            except BookGap as exc:
                feed.gaps += 1
                self._failed(feed, FeedState.STALE, f"sequence gap, resyncing: {exc.message}")
                delay = 0.0  # the venue already asked for a fresh snapshot
            except VenueError as exc:
                self._failed(feed, None, exc.message)
                delay = backoff_delay(attempt, self.config, self._rng)
                attempt += 1
            except Exception as exc:  # a parsing bug in one venue must not end its feed for good
                log.exception("%s: unexpected feed error", feed.key)
                self._failed(feed, None, f"{type(exc).__name__}: {exc}")
                delay = backoff_delay(attempt, self.config, self._rng)
                attempt += 1
            await self._report(feed)
            if delay:
                await asyncio.sleep(delay)

    def _arrived(self, feed: _Feed, book: BookSnapshot) -> bool:
        """Take a book; True when the feed's state or reason changed."""
        now = self._clock()
        feed.last_book_at = now
        feed.arrivals.append(now)
        _trim(feed.arrivals, now - self.config.rate_window_s)
        feed.failures = 0
        feed.latest = book
        feed.ready.set()
        problem = book.problem()
        state, reason = (FeedState.STALE, problem) if problem else (FeedState.LIVE, None)
        changed = state is not feed.state or reason != feed.reason
        feed.state, feed.reason = state, reason
        return changed

    def _failed(self, feed: _Feed, state: FeedState | None, reason: str) -> None:
        feed.failures += 1
        feed.reconnects += 1
        if state is None:
            if feed.failures >= self.config.down_after_failures:
                state = FeedState.DOWN
            else:
                state = FeedState.STALE if feed.last_book_at is not None else FeedState.CONNECTING
        log.info("%s: %s (%s)", feed.key, state.value, reason)
        feed.state, feed.reason = state, reason

    async def _deliver(self, feed: _Feed) -> None:
        while True:
            await feed.ready.wait()
            feed.ready.clear()
            book, feed.latest = feed.latest, None
            if book is not None:
                await _call(self._on_book, book, "on_book")

    async def _monitor(self) -> None:
        while True:
            await asyncio.sleep(self.config.health_interval_s)
            now = self._clock()
            for feed in self._feeds:
                age = None if feed.last_book_at is None else now - feed.last_book_at
                if feed.state is FeedState.LIVE and age is not None and age > self.config.stale_after_s:
                    feed.state, feed.reason = FeedState.STALE, f"no book update for {age:.1f}s"
                await self._report(feed, force=True)

    # -- health --------------------------------------------------------------------------------
    def _health(self, feed: _Feed) -> FeedHealth:
        now = self._clock()
        window = self.config.rate_window_s
        _trim(feed.arrivals, now - window)
        rtt = feed.venue.round_trip()
        return FeedHealth(
            venue=feed.venue.id,
            symbol=feed.symbol,
            state=feed.state,
            book_age_s=None if feed.last_book_at is None else now - feed.last_book_at,
            updates_per_s=len(feed.arrivals) / window,
            rtt_ms=None if rtt is None else rtt * 1000.0,
            reason=feed.reason,
            reconnects=feed.reconnects,
            gaps=feed.gaps,
        )

    async def _report(self, feed: _Feed, *, force: bool = False) -> None:
        if self._on_health is None:
            return
        if not force and feed.reported is feed.state and feed.state is FeedState.LIVE:
            return
        feed.reported = feed.state
        await _call(self._on_health, self._health(feed), "on_health")



def _trim(arrivals: deque[float], oldest: float) -> None:
    """Drop arrival times before ``oldest``; done on every arrival so the deque stays bounded
    even when nobody asks for health."""
    while arrivals and arrivals[0] < oldest:
        arrivals.popleft()
