"""Fault injection for one simulated venue, for executor and feed tests.

Every hook is one-shot or a switch, set on ``SimVenue.faults``:

==========================================  ==================================================
hook                                        effect
==========================================  ==================================================
``reject_next(reason, count=1)``            the next ``count`` submits raise ``OrderRejected``
                                            with ``reason``; nothing is placed
``rate_limit_next(count=1)``                the next submits raise ``RateLimited``; nothing placed
``timeout_next(count=1)``                   the next submits are *placed* (and matched), then
                                            raise ``OutcomeUnknown``: ``fetch_order`` finds them
``lose_next(count=1)``                      the next submits raise ``OutcomeUnknown`` and are
                                            *not* placed: ``fetch_order`` returns None
``set_down(True/False)``                    every call raises ``VenueUnavailable`` while down
``stall_books(symbol=None)``                the book stream stops (``watch_order_book`` waits)
                                            for that symbol or all, so the feed goes stale
``resume_books(symbol=None)``               undo ``stall_books``
``fail_next_watch(exc=None, symbol=None)``  the next ``watch_order_book`` raises ``exc``
                                            (default ``VenueUnavailable``, e.g. ``BookGap``)
``extra_latency_ms``                        added to the order latency, both ways
==========================================  ==================================================
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from sor_desktop.venues.errors import VenueError, VenueUnavailable


@dataclass(slots=True)
class VenueFaults:
    venue: str
    reject: list[str] = field(default_factory=list)
    rate_limited: int = 0
    timeouts: int = 0
    losses: int = 0
    down: bool = False
    extra_latency_ms: float = 0.0
    _watch_errors: list[tuple[str | None, VenueError]] = field(default_factory=list)
    _stalled: set[str | None] = field(default_factory=set)
    _resumed: asyncio.Event | None = None

    def reject_next(self, reason: str = "rejected by fault injection", count: int = 1) -> None:
        self.reject.extend([reason] * count)

    def rate_limit_next(self, count: int = 1) -> None:
        self.rate_limited += count

    def timeout_next(self, count: int = 1) -> None:
        self.timeouts += count

    def lose_next(self, count: int = 1) -> None:
        self.losses += count

    def set_down(self, down: bool = True) -> None:
        self.down = down

    def stall_books(self, symbol: str | None = None) -> None:
        self._stalled.add(symbol)

    def resume_books(self, symbol: str | None = None) -> None:
        self._stalled.discard(symbol)
        if symbol is None:
            self._stalled.clear()
        if self._resumed is not None:
            self._resumed.set()
            self._resumed = None

    def fail_next_watch(self, exc: VenueError | None = None, symbol: str | None = None) -> None:
        self._watch_errors.append((symbol, exc or VenueUnavailable(self.venue, "book stream dropped (fault injection)")))

    # -- used by SimVenue ------------------------------------------------------------------------
    def check_up(self) -> None:
        if self.down:
            raise VenueUnavailable(self.venue, "venue is down (fault injection)")

    def take_watch_error(self, symbol: str) -> VenueError | None:
        for i, (sym, exc) in enumerate(self._watch_errors):
            if sym is None or sym == symbol:
                del self._watch_errors[i]
                return exc
        return None

    def stalled(self, symbol: str) -> bool:
        return None in self._stalled or symbol in self._stalled

    async def wait_resumed(self) -> None:
        if self._resumed is None:
            self._resumed = asyncio.Event()
        await self._resumed.wait()
