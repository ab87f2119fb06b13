"""The book stream of one simulated venue and symbol.

Updates come on the venue's own timeline (its update rate, jittered) and reach us after its
data latency. Nothing runs while nobody watches: the first waiting watcher starts the task that
makes the next update and every concurrent watcher gets that same book, as with ccxt.pro. A
watcher that comes back late gets the freshest update, not a backlog (as a slow websocket
consumer would after conflation).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import numpy as np

from sor_desktop.core.book import BookSnapshot
from sor_desktop.venues.sim.faults import VenueFaults
from sor_desktop.venues.sim.market import SimMarket, _key


class BookStream:
    def __init__(self, market: SimMarket, venue: str, symbol: str, faults: VenueFaults,
                 on_book: Callable[[BookSnapshot], None]) -> None:
        self._market = market
        self._venue = venue
        self._symbol = symbol
        self._faults = faults
        self._on_book = on_book
        seed = np.random.SeedSequence(market.config.seed, spawn_key=(_key("stream"), _key(venue), _key(symbol)))
        self._rng = np.random.default_rng(seed)
        self._last_tick: float | None = None
        self._pending: asyncio.Task[BookSnapshot] | None = None
        self.sequence = 0
        self.last: BookSnapshot | None = None

    async def next(self) -> BookSnapshot:
        if self._pending is None or self._pending.done():
            self._pending = asyncio.ensure_future(self._produce())
        return await asyncio.shield(self._pending)

    def close(self) -> None:
        if self._pending is not None and not self._pending.done():
            self._pending.cancel()
        self._pending = None

    async def _produce(self) -> BookSnapshot:
        clock = self._market.clock
        while self._faults.stalled(self._symbol):
            await self._faults.wait_resumed()
        profile = self._market.profile(self._venue)
        latency = profile.data_latency_ms / 1000.0
        now = clock.time()
        freshest = now - latency
        if self._last_tick is None:
            tick = freshest
        else:
            tick = self._last_tick + (0.75 + 0.5 * float(self._rng.random())) / profile.update_hz
            tick = max(tick, freshest)
        await clock.sleep(tick + latency - now)
        self._last_tick = tick
        self.sequence += 1
        book = self._market.book_at(self._venue, self._symbol, tick, sequence=self.sequence)
        self.last = book
        self._on_book(book)
        return book
