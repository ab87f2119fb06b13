"""The optional futures terms of a book snapshot for ``plan --books``.

Beside the book and market a snapshot may carry what the account pays and risks on that venue:

- ``"fee"``: the account's taker rate (0.00032 = 0.032 %), overriding the market's default taker;
- ``"funding"``: ``{"rate": 0.0001, "interval_hours": 8, "next_time": <ms>}`` (next_time optional),
  used with ``plan --hold-hours``;
- ``"brackets"``: ``[{"cap": 50000, "max_leverage": 125, "mmr": 0.004, "maint_amount": 0}, ...]``,
  position notional tiers (``floor`` optional), used with a leverage;
- ``"leverage"``: the leverage legs open at on that venue (``plan --leverage`` fills it in where a
  snapshot has none);
- ``"mark_price"``: funding, bracket notionals and liquidation distance use it (else the book's mid).
Each is checked here, and a bad one is a one-line error naming the file.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sor_desktop.cli.errors import CliError
from sor_desktop.core.brackets import Bracket, BracketError, checked
from sor_desktop.core.funding import Funding, FundingError


@dataclass(frozen=True, slots=True)
class BookTerms:
    fee: float | None = None
    funding: Funding | None = None
    brackets: tuple[Bracket, ...] | None = None
    leverage: float | None = None
    mark_price: float | None = None


def _number(raw: dict[str, Any], key: str, where: str, *, low: float, high: float,
            name: str | None = None) -> float | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
            or not low < value < high:
        raise CliError(f"{where}: {name or key} must be a number between {low:g} and {high:g}, got {value!r}")
    return float(value)


def fee_rate(raw: dict[str, Any], key: str, where: str, *, name: str | None = None) -> float | None:
    """A fee rate read from ``raw[key]``: a rebate down to -1 %, a charge below 10 %. The market's
    own taker and maker get the same range as the account's ``fee`` (``cli/book_files.py``)."""
    return _number(raw, key, where, low=-0.01, high=0.1, name=name)


def book_terms(raw: dict[str, Any], where: str) -> BookTerms:
    fee = fee_rate(raw, "fee", where)
    leverage = _number(raw, "leverage", where, low=0, high=1001)
    mark = _number(raw, "mark_price", where, low=0, high=math.inf)
    funding = brackets = None
    try:
        if raw.get("funding") is not None:
            funding = Funding.from_json(raw["funding"])
        if raw.get("brackets") is not None:
            tiers = raw["brackets"]
            if not isinstance(tiers, list) or not all(isinstance(t, dict) for t in tiers):
                raise BracketError("brackets must be a list of objects")
            brackets = checked([Bracket.from_json(t) for t in tiers])
    except (FundingError, BracketError) as exc:
        raise CliError(f"{where}: {exc}") from None
    return BookTerms(fee, funding, brackets, leverage, mark)
