"""Every trade key is asked what it may do before it trades in a live session.

Practice says: no withdrawal right, an IP whitelist, a key that is still valid. What a venue was told
when the key was added may have changed since (the trader edited the key on the venue), so it is
asked again at every live start:

- the key can withdraw, or cannot trade futures: the venue stays view-only, the reason on its chip;
- no IP whitelist, an expiry the venue announces, or a venue with no way to ask ("cannot be checked
  on this venue"): it trades, with a warning kept on its chip for the session.

Each finding is also a notice (status bar, log panel, log file).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from sor_desktop.engine.session_events import Notice
from sor_desktop.engine.store import Store
from sor_desktop.security.permissions import KeyPermissions, unchecked
from sor_desktop.venues.base import Venue

log = logging.getLogger(__name__)

Probe = Callable[[Any], Awaitable[KeyPermissions]]
PROBE_TIMEOUT_S = 15.0


def _block_reason(p: KeyPermissions) -> str | None:
    if p.can_withdraw:
        return "this API key can WITHDRAW: replace it with a key without that permission"
    if p.checked and p.can_trade is False:
        return "this API key cannot trade perpetual futures"
    return None


async def _probe(venue: str, entry: Any, probe: Probe) -> KeyPermissions:
    try:
        return await asyncio.wait_for(probe(entry), PROBE_TIMEOUT_S)
    except TimeoutError:
        return unchecked(venue, f"no answer to the permission query in {PROBE_TIMEOUT_S:.0f} s")


async def check_trade_keys(venues: Mapping[str, Venue], entries: Mapping[str, Any], probe: Probe,
                           store: Store, emit: Callable[[Notice], None]) -> dict[str, KeyPermissions]:
    """Probe each venue's trade key (``entries``: venue -> key), apply the findings, return them."""
    wanted = [v for v in entries if v in venues]
    results = await asyncio.gather(*(_probe(v, entries[v], probe) for v in wanted))
    found: dict[str, KeyPermissions] = {}
    for venue_id, perms in zip(wanted, results, strict=True):
        found[venue_id] = perms
        venue = venues[venue_id]
        blocked = _block_reason(perms)
        if blocked is not None and not venue.capabilities.trading_allowed and not perms.can_withdraw:
            blocked = None  # already view-only for its own, more precise reason (MEXC's order probe)
        if blocked is not None:
            venue.capabilities = dataclasses.replace(venue.capabilities, trading_allowed=False,
                                                     view_only_reason=blocked)
            log.error("%s: view-only for this session: %s", venue_id, blocked)
            emit(Notice("error", f"{venue_id}: view-only: {blocked}"))
        note = perms.chip_note()
        store.set_key_note(venue_id, note)
        if note is not None:
            log.warning("%s API key: %s", venue_id, note)
            emit(Notice("warning", f"{venue_id} API key: {note}"))
    return found


async def check_read_keys(venues: Mapping[str, Venue], entries: Mapping[str, Any], probe: Probe,
                          emit: Callable[[Notice], None]) -> dict[str, KeyPermissions]:
    """Probe each venue's read-only key (``entries``: venue -> key): one that can withdraw is not
    used this session (the venue reads with its trade key, if any); one that can place orders is
    said, since a data key that leaks must not trade. A key the venue cannot be asked about says
    nothing more: its trade key's check already says so."""
    wanted = [v for v in entries if v in venues]
    results = await asyncio.gather(*(_probe(v, entries[v], probe) for v in wanted))
    found: dict[str, KeyPermissions] = {}
    for venue_id, perms in zip(wanted, results, strict=True):
        found[venue_id] = perms
        if perms.can_withdraw:
            drop = getattr(venues[venue_id], "drop_read_key", None)
            if drop is not None:
                drop()
            text = (f"{venue_id} read-only key can WITHDRAW: not used this session; replace it with a key "
                    "without that permission")
            log.error("%s", text)
            emit(Notice("error", text))
        elif perms.checked and perms.can_trade:
            text = f"{venue_id} read-only key can place orders: make it read-only on the venue"
            log.warning("%s", text)
            emit(Notice("warning", text))
    return found
