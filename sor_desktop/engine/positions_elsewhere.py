"""Every venue's positions in the symbols the window does not show.

The account loop reads the window's symbol (and its companions) every few seconds for the margin
caps; a position opened in another symbol then left the Positions panel at the next switch, as if
flat. This reads each venue's positions in every symbol, less often, and reports the others.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection, Mapping

from sor_desktop.engine.session_events import ElsewhereUpdate
from sor_desktop.venues.base import Venue

log = logging.getLogger(__name__)

EVERY_S = 30.0  # a position elsewhere does not move the window's routing: no need to ask often


async def read_elsewhere(venues: Mapping[str, Venue], shown: Callable[[], Collection[str]],
                         emit: Callable[[ElsewhereUpdate], None], errors: dict[str, str]) -> None:
    """One ``ElsewhereUpdate`` per venue: its open positions outside the symbols ``shown()`` when
    the answers land (a read in flight across a symbol switch lands after it), or why they could
    not be read (logged once per new reason in ``errors``)."""
    ids = sorted(venues)
    results = await asyncio.gather(*(venues[v].fetch_positions(None) for v in ids), return_exceptions=True)
    now_shown = shown()
    for vid, r in zip(ids, results, strict=True):
        if isinstance(r, asyncio.CancelledError):
            raise r
        if isinstance(r, BaseException):
            why = (str(r) or type(r).__name__).splitlines()[0][:200]
            if errors.get(vid) != why:
                errors[vid] = why
                log.warning("%s: positions in other symbols not read: %s", vid, why)
            emit(ElsewhereUpdate(vid, (), why))
            continue
        errors.pop(vid, None)
        emit(ElsewhereUpdate(vid, tuple(p for p in r if p.contracts and p.symbol not in now_shown)))
