"""The shape of a book snapshot's levels and market, checked before they are read.

``BookSnapshot`` and ``Instrument`` take what a live venue gives them (ccxt has already shaped
it); a book file is hand-written or edited, so its levels and market are checked here first and a
bad one is a one-line ``CliError`` naming the file, where it would be a ``KeyError`` or an
``AttributeError`` further in, or a boolean read as the number 1.
"""

from __future__ import annotations

import json
from typing import Any

from sor_desktop.cli.book_terms import fee_rate
from sor_desktop.cli.errors import CliError


def _short(value: Any) -> str:
    text = json.dumps(value)  # as the file spells it: true, not True
    return text if len(text) <= 40 else text[:37] + "..."


def _numeric(value: Any) -> bool:
    # bool is an int to Python, and float(True) is 1.0: a price of 1
    return not isinstance(value, bool) and isinstance(value, int | float | str)


def checked_levels(raw: Any, side: str, where: str) -> list[Any]:
    """``raw`` (a snapshot's ``bids`` or ``asks``) as a list of levels whose first two items are
    numbers; numeric strings stay for ``BookSnapshot`` to read, as they always have."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise CliError(f"{where}: {side} must be a list of [price, amount] pairs, got {type(raw).__name__}")
    for level in raw:
        if not isinstance(level, list) or len(level) < 2 or not all(_numeric(v) for v in level[:2]):
            raise CliError(f"{where}: {side} levels must be [price, amount] pairs of numbers, got {_short(level)}")
    return raw


def check_market(market: dict[str, Any], where: str) -> None:
    """The parts of a ccxt market that ``Instrument.from_market`` reads as objects, and its fees."""
    for key in ("precision", "limits"):
        if market.get(key) is not None and not isinstance(market[key], dict):
            raise CliError(f"{where}: market {key} must be an object, got {_short(market[key])}")
    limits = market.get("limits") or {}
    for group in ("amount", "cost"):
        if limits.get(group) is not None and not isinstance(limits[group], dict):
            raise CliError(f"{where}: market limits.{group} must be an object, got {_short(limits[group])}")
    for key in ("taker", "maker"):
        fee_rate(market, key, where, name=f"market {key}")
