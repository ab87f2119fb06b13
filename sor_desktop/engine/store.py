"""Latest-state store: the newest book per (venue, symbol), each venue's link health, and the set
of keys that changed since the UI last drew.

Feed loops write here at whatever rate books arrive; the window's frame timer takes the dirty keys
about 30 times a second and redraws once. No Qt, no signals: high-rate data never becomes one
event per message.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from sor_desktop.core.book import BookSnapshot

Key = tuple[str, str]  # (venue, symbol)


class LinkState(StrEnum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    STALE = "stale"
    DOWN = "down"


@dataclass(frozen=True, slots=True)
class VenueHealth:
    """What a venue's status chip shows. ``view_only`` is about trading, not the link."""

    venue: str
    state: LinkState = LinkState.CONNECTING
    book_age_s: float | None = None
    updates_per_s: float = 0.0
    rtt_ms: float | None = None
    view_only: bool = False
    reason: str | None = None  # why stale/down/view-only, in the trader's words
    key_note: str | None = None  # what the API key check found (no IP whitelist, expiry, ...)

    @property
    def routable(self) -> bool:
        return self.state is LinkState.CONNECTED


class _Rate:
    """Arrivals per second over the last ``WINDOW_S`` seconds (a silent feed falls to zero)."""

    WINDOW_S = 2.0
    __slots__ = ("times",)

    def __init__(self) -> None:
        self.times: deque[float] = deque()

    def tick(self, now: float) -> None:
        self.times.append(now)
        self._trim(now)

    def _trim(self, now: float) -> None:
        while self.times and self.times[0] < now - self.WINDOW_S:
            self.times.popleft()

    def current(self, now: float) -> float:
        self._trim(now)
        if len(self.times) < 2:
            return len(self.times) / self.WINDOW_S
        span = max(now - self.times[0], self.times[-1] - self.times[0])
        return (len(self.times) - 1) / span if span > 0 else 0.0


class Store:
    """Single-threaded (the asyncio/Qt thread): plain dicts, no locks."""

    def __init__(self, *, stale_after_s: float = 3.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.stale_after_s = stale_after_s
        self.clock = clock
        self._books: dict[Key, BookSnapshot] = {}
        self._arrived: dict[Key, float] = {}
        self._rates: dict[Key, _Rate] = {}
        self._health: dict[str, VenueHealth] = {}
        self._key_notes: dict[str, str] = {}
        self._dirty: dict[Key, float] = {}  # key -> arrival time of the oldest undrawn update
        self._health_dirty = False
        self.updates = 0

    # -- writers (feed loops) ------------------------------------------------------------------
    def put_book(self, book: BookSnapshot, *, chip: bool = True) -> None:
        """Keep ``book``; with ``chip`` a book also brings its venue's link back to connected
        (not a second market's book: ``session_feeds.FeedSet(chips=False)``)."""
        now = self.clock()
        key = (book.venue, book.symbol)
        self._books[key] = book
        self._arrived[key] = now
        self._rates.setdefault(key, _Rate()).tick(now)
        self._dirty.setdefault(key, book.received or now)
        self.updates += 1
        h = self._health.get(book.venue)
        if not chip:
            return
        if h is None or h.state in (LinkState.CONNECTING, LinkState.DOWN) or (
            h.state is LinkState.STALE and h.reason == _AGE_REASON
        ):
            self.set_health(replace(h or VenueHealth(book.venue), state=LinkState.CONNECTED, reason=None))

    def set_health(self, health: VenueHealth) -> None:
        note = self._key_notes.get(health.venue)
        if note is not None and health.key_note is None:  # the feed's updates never drop the key's warning
            health = replace(health, key_note=note)
        self._health[health.venue] = health
        self._health_dirty = True

    def set_key_note(self, venue: str, note: str | None) -> None:
        """A warning about ``venue``'s API key that stays on its chip for the session."""
        if note is None:
            self._key_notes.pop(venue, None)
        else:
            self._key_notes[venue] = note
        self.set_health(replace(self._health.get(venue) or VenueHealth(venue), key_note=note))

    def drop(self, venue: str, symbol: str) -> None:
        key = (venue, symbol)
        self._books.pop(key, None)
        self._arrived.pop(key, None)
        self._rates.pop(key, None)
        self._dirty.pop(key, None)

    # -- readers (the window) ------------------------------------------------------------------
    def book(self, venue: str, symbol: str) -> BookSnapshot | None:
        return self._books.get((venue, symbol))

    def books(self, symbol: str, venues: Iterable[str] | None = None) -> dict[str, BookSnapshot]:
        wanted = None if venues is None else set(venues)
        return {
            v: b for (v, s), b in self._books.items() if s == symbol and (wanted is None or v in wanted)
        }

    def book_age(self, venue: str, symbol: str) -> float | None:
        """Seconds since ``symbol``'s last book on ``venue`` arrived (None: none yet), read without
        touching the venue's health (a second market's feed must not turn the venue's chip)."""
        arrived = self._arrived.get((venue, symbol))
        return None if arrived is None else self.clock() - arrived

    def take_dirty(self) -> dict[Key, float]:
        """Keys changed since the last call, each with the arrival time of its oldest undrawn update."""
        out, self._dirty = self._dirty, {}
        return out

    def take_health_dirty(self) -> bool:
        out, self._health_dirty = self._health_dirty, False
        return out

    def health(self, venue: str, symbol: str | None = None) -> VenueHealth:
        """Health with the book age and rate filled in now; an old book turns the venue stale."""
        h = self._health.get(venue) or VenueHealth(venue)
        if symbol is None:
            return h
        key = (venue, symbol)
        now = self.clock()
        arrived = self._arrived.get(key)
        age = None if arrived is None else now - arrived
        rate = self._rates[key].current(now) if key in self._rates else 0.0
        h = replace(h, book_age_s=age, updates_per_s=rate)
        if h.state is LinkState.CONNECTED and age is not None and age > self.stale_after_s:
            h = replace(h, state=LinkState.STALE, reason=_AGE_REASON)
            self._health[venue] = replace(self._health.get(venue) or h, state=LinkState.STALE, reason=_AGE_REASON)
            self._health_dirty = True
        return h


_AGE_REASON = "book stopped updating"
