"""Book feeds for the session: one supervised watch loop per venue, writing into the store.

Uses ``engine.feed.FeedSupervisor`` when it is present (the feed issue owns backoff, sequence and
keep-alive policy); until then a small loop of its own re-calls ``watch_order_book`` with backoff
and reports the link state to the store.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from sor_desktop.core.book import BookSnapshot
from sor_desktop.engine.store import LinkState, Store, VenueHealth
from sor_desktop.venues.base import Venue
from sor_desktop.venues.errors import VenueError

log = logging.getLogger(__name__)

Spawn = Callable[[Coroutine[Any, Any, Any], str], "asyncio.Task[Any]"]


class FeedSet:
    def __init__(self, venues: Sequence[Venue], symbol: str, store: Store, spawn: Spawn) -> None:
        self.venues = list(venues)
        self.symbol = symbol
        self.store = store
        self.spawn = spawn
        self._tasks: list[asyncio.Task[Any]] = []
        self._supervisors: list[Any] = []

    def start(self) -> None:
        for v in self.venues:
            self._tasks.append(self.spawn(self._watch(v), f"feed:{v.id}"))

    async def stop(self, timeout: float = 3.0) -> None:
        for t in self._tasks:
            t.cancel()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=timeout)
        self._tasks.clear()

    async def _watch(self, venue: Venue) -> None:
        backoff = 0.25
        view_only = not venue.capabilities.trading_allowed
        reason = venue.capabilities.view_only_reason
        while True:
            try:
                sent = time.monotonic()
                book = await venue.watch_order_book(self.symbol)
                self._on_book(book, sent)
                backoff = 0.25
            except asyncio.CancelledError:
                raise
            except VenueError as exc:
                log.warning("%s: book stream broke: %s", venue.id, exc)
                self.store.set_health(VenueHealth(venue.id, LinkState.STALE, view_only=view_only,
                                                  reason=exc.message[:120]))
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)
            except Exception as exc:  # a bug in one venue's parsing must not kill its feed for good
                log.exception("%s: unexpected feed error", venue.id)
                self.store.set_health(VenueHealth(venue.id, LinkState.DOWN, view_only=view_only,
                                                  reason=f"{type(exc).__name__}: {exc}"[:120]))
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)
            else:
                h = self.store.health(venue.id)
                if h.view_only != view_only:
                    self.store.set_health(VenueHealth(venue.id, h.state, view_only=view_only, reason=reason))

    def _on_book(self, book: BookSnapshot, sent: float) -> None:
        self.store.put_book(book)
