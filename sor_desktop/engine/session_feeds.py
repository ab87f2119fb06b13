"""Book feeds for the session: ``engine.feed.FeedSupervisor`` (backoff, staleness, sequence gaps,
one-slot delivery) writing books and link health into the store. The session closes the venues
itself, after the executor's tasks, so the supervisor is told not to."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Sequence
from functools import partial
from typing import Any

from sor_desktop.engine.feed import FeedConfig, FeedHealth, FeedState, FeedSupervisor
from sor_desktop.engine.store import LinkState, Store, VenueHealth
from sor_desktop.venues.base import Venue

Spawn = Callable[[Coroutine[Any, Any, Any], str], "asyncio.Task[Any]"]

_STATE = {
    FeedState.CONNECTING: LinkState.CONNECTING,
    FeedState.LIVE: LinkState.CONNECTED,
    FeedState.STALE: LinkState.STALE,
    FeedState.DOWN: LinkState.DOWN,
}


class FeedSet:
    chips = True  # see __init__
    def __init__(self, venues: Sequence[Venue], symbol: str, store: Store, spawn: Spawn,
                 config: FeedConfig | None = None, *, chips: bool = True) -> None:
        self.venues = {v.id: v for v in venues}
        self.symbol = symbol
        self.store = store
        # a venue's second market (its inverse one, core.market_key) feeds books only: the venue's
        # chip follows the window's symbol; the second market's age is read with Store.book_age
        self.chips = chips
        self.supervisor = FeedSupervisor.for_symbol(
            list(venues), symbol, on_book=store.put_book if chips else partial(store.put_book, chip=False),
            on_health=self._on_health,
            config=config or FeedConfig(stale_after_s=store.stale_after_s), close_venues=False,
        )

    def start(self) -> None:
        self.supervisor.start()

    async def stop(self, timeout: float = 3.0) -> None:
        await asyncio.wait_for(self.supervisor.stop(), timeout + 1.0)

    def _on_health(self, h: FeedHealth) -> None:
        if h.symbol != self.symbol or not self.chips:
            return
        venue = self.venues.get(h.venue)
        caps = venue.capabilities if venue is not None else None
        view_only = caps is not None and not caps.trading_allowed
        state = _STATE.get(h.state, LinkState.DOWN)
        # connected: why the venue is view-only, or why it trades where view-only is the default
        reason = h.reason if state is not LinkState.CONNECTED else \
            ((caps.view_only_reason or caps.trading_note) if caps else None)
        self.store.set_health(VenueHealth(h.venue, state, h.book_age_s, h.updates_per_s, h.rtt_ms, view_only, reason))
