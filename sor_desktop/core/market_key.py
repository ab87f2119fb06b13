"""How a venue's second market of the window's base asset is named beside its first.

The window trades one symbol and keys everything by venue id (books, instruments, health,
margin). A venue may list another market of the same base that routes with it: Bybit's inverse
``BTC/USD:BTC`` beside its ``BTC/USDT:USDT`` (``core/inverse_venue.py``). That market is keyed
``"bybit BTC/USD:BTC"``, so nothing keyed by venue id changes meaning, and a plan's leg finds its
book and instrument by ``leg_key``.
"""

from __future__ import annotations

from sor_desktop.core.plan import Leg


def market_key(venue: str, symbol: str, primary: str) -> str:
    """``venue`` for the window's own symbol, ``"venue symbol"`` for another market on it."""
    return venue if symbol == primary else f"{venue} {symbol}"


def leg_key(leg: Leg, primary: str) -> str:
    return market_key(leg.venue, leg.symbol, primary)


def split_key(key: str) -> tuple[str, str | None]:
    """(venue, symbol) of a key; the symbol is None for the window's own."""
    venue, _, symbol = key.partition(" ")
    return venue, symbol or None
