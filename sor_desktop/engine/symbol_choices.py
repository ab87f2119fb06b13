"""Which symbols the window offers: every one at least two venues list, for a route across them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sor_desktop.core.instrument import Instrument


@dataclass(frozen=True, slots=True)
class SymbolChoice:
    symbol: str
    venues: tuple[str, ...]  # the venues that list it, sorted


def symbol_choices(instruments: Mapping[str, Mapping[str, Instrument]], current: str) -> list[SymbolChoice]:
    """``current`` first (listed or not: the window trades it), then every symbol two or more
    venues list, the most widely listed first, then by name. With one venue loaded, its symbols.

    Only what all venues listed was offered before: a memecoin four of the five list, or DOGE on
    the simulated market (no mexc), could be opened only from the command line."""
    listed: dict[str, list[str]] = {}
    for venue, insts in sorted(instruments.items()):
        for symbol in insts:
            listed.setdefault(symbol, []).append(venue)
    loaded = sum(1 for insts in instruments.values() if insts)
    least = 2 if loaded >= 2 else 1
    out = [SymbolChoice(current, tuple(listed.get(current, ())))]
    out += sorted((SymbolChoice(s, tuple(v)) for s, v in listed.items() if s != current and len(v) >= least),
                  key=lambda c: (-len(c.venues), c.symbol))
    return out
