"""Keeps each venue's futures terms (fee rates, funding, brackets: ``core.venue_terms``) for the
session's symbol: fetched when the session starts, again every day (fees change with the
account's 30-day volume, brackets when the venue edits them), and within a minute for a venue or
symbol that has none yet (a venue that connected late, a symbol just switched to). Funding is
also re-read every ``FUNDING_EVERY_S``: rates move between settlements and the next time passes.

A venue that cannot say them (no ``fetch_terms``) is routed on its market's default fee with no
funding or brackets; a fetch that fails is logged and shown once as a notice, and retried.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sor_desktop.core.venue_terms import VenueTerms
from sor_desktop.venues.errors import VenueError

log = logging.getLogger(__name__)

DAILY_S = 24 * 3600.0
FUNDING_EVERY_S = 15 * 60.0
RETRY_S = 60.0


class TermsKeeper:
    def __init__(self, notify: Callable[[str, str], None] | None = None) -> None:
        self.terms: dict[tuple[str, str], VenueTerms] = {}  # (venue, symbol) -> latest
        self._fetched_at: dict[tuple[str, str], float] = {}
        self._told: set[tuple[str, str, str]] = set()
        self._notify = notify or (lambda level, text: None)

    def for_symbol(self, symbol: str) -> dict[str, VenueTerms]:
        return {v: t for (v, s), t in self.terms.items() if s == symbol}

    async def refresh(self, venues: Mapping[str, Any], symbol: str, now: float, *, every_s: float = DAILY_S) -> None:
        """Fetch the terms of every venue listing ``symbol`` whose copy is older than ``every_s``."""
        due = []
        for vid, venue in venues.items():
            key = (vid, symbol)
            fetch = getattr(venue, "fetch_terms", None)
            listed = symbol in (venue.instruments() if hasattr(venue, "instruments") else {})
            if fetch is None or not listed:
                continue
            if key in self.terms and now - self._fetched_at.get(key, 0.0) < every_s:
                continue
            due.append((key, fetch))
        results = await asyncio.gather(*(f(symbol) for _, f in due), return_exceptions=True)
        for (key, _), got in zip(due, results, strict=True):
            if isinstance(got, VenueTerms):
                self.terms[key] = got
                self._fetched_at[key] = now
                for what in got.missing:
                    self._tell("info", key, f"{key[0]}: {what}")
            elif isinstance(got, VenueError | OSError | TimeoutError):
                log.warning("%s %s: terms fetch failed: %s", key[0], key[1], got)
                self._tell("warning", key, f"{key[0]}: fees/funding/brackets not read ({got}); "
                                           "routing uses the market's default fee until they are")
            elif isinstance(got, BaseException):
                raise got

    def _tell(self, level: str, key: tuple[str, str], text: str) -> None:
        if (key[0], key[1], text) not in self._told:
            self._told.add((key[0], key[1], text))
            self._notify(level, text)


async def keep_terms(keeper: TermsKeeper, venues: Mapping[str, Any], symbol: Callable[[], str],
                     clock: Callable[[], float], also: Callable[[], Sequence[str]] = tuple) -> None:
    """The session's loop: everything daily, funding every 15 minutes, missing ones each minute;
    for the window's symbol and ``also`` (the inverse markets routed beside it)."""
    last_funding = -FUNDING_EVERY_S
    while True:
        now = clock()
        funding_due = now - last_funding >= FUNDING_EVERY_S
        for sym in (symbol(), *also()):
            await keeper.refresh(venues, sym, now, every_s=FUNDING_EVERY_S if funding_due else DAILY_S)
        if funding_due:
            last_funding = now
        await asyncio.sleep(RETRY_S)
