"""Leverage brackets (Binance) / risk-limit tiers (Bybit): how big a position may be at a leverage,
and where it is liquidated.

A tier covers position notionals in ``(floor, cap]`` and allows at most ``max_leverage``; its
maintenance margin is ``notional x mmr - maint_amount`` (Binance's ``cum``: it keeps maintenance
continuous across tiers; 0 on venues that do not publish one).

Liquidation price (isolated margin, the position's own margin ``notional / leverage``), Binance's
published formula with the wallet balance equal to that margin:
  long:  LP = (entry x (1 - 1/L) - maint_amount / size) / (1 - mmr)
  short: LP = (entry x (1 + 1/L) + maint_amount / size) / (1 + mmr)
Cross margin liquidates later (the whole balance backs the position), so this estimate is the
conservative one. Its distance from the mark is what the minimum-liquidation-distance setting caps.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sor_desktop.core.orders import Side


class BracketError(ValueError):
    """Brackets that cannot be used (unsorted, negative, missing fields)."""


@dataclass(frozen=True, slots=True)
class Bracket:
    cap: float  # largest position notional of the tier (quote units)
    max_leverage: float
    mmr: float  # maintenance margin rate
    maint_amount: float = 0.0
    floor: float = 0.0

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Bracket:
        try:
            b = cls(float(data["cap"]), float(data["max_leverage"]), float(data["mmr"]),
                    float(data.get("maint_amount") or 0.0), float(data.get("floor") or 0.0))
        except (KeyError, TypeError, ValueError) as exc:
            raise BracketError(f"a bracket needs numbers cap, max_leverage and mmr, got {dict(data)!r}") from exc
        if not (b.cap > 0 and b.max_leverage > 0 and 0 <= b.mmr < 1 and b.floor >= 0
                and all(math.isfinite(x) for x in (b.cap, b.max_leverage, b.mmr, b.maint_amount, b.floor))):
            raise BracketError(f"bracket values out of range: {dict(data)!r}")
        return b

    def to_json(self) -> dict[str, float]:
        return {"floor": self.floor, "cap": self.cap, "max_leverage": self.max_leverage, "mmr": self.mmr,
                "maint_amount": self.maint_amount}


def checked(brackets: Sequence[Bracket]) -> tuple[Bracket, ...]:
    """The tiers sorted by cap; overlapping or empty lists are refused."""
    tiers = tuple(sorted(brackets, key=lambda b: b.cap))
    if not tiers:
        raise BracketError("brackets are empty")
    for a, b in zip(tiers, tiers[1:], strict=False):
        if b.cap <= a.cap:
            raise BracketError(f"two brackets share the cap {b.cap:g}")
    return tiers


def tier_for(brackets: Sequence[Bracket], notional: float) -> Bracket:
    """The tier a position of ``notional`` is in (the last one beyond every cap)."""
    for b in brackets:
        if notional <= b.cap:
            return b
    return brackets[-1]


def max_notional_at_leverage(brackets: Sequence[Bracket], leverage: float) -> float:
    """Largest position notional the tiers allow at ``leverage`` (0: not even the first tier)."""
    best = 0.0
    for b in brackets:
        if b.max_leverage + 1e-12 >= leverage:
            best = max(best, b.cap)
        else:
            break  # leverage only falls with the tier: a later tier allowing it again would be odd data
    return best


def liquidation_price(side: Side, entry: float, size_base: float, leverage: float,
                      brackets: Sequence[Bracket], mark: float | None = None) -> float:
    """Isolated-margin liquidation price of a ``size_base`` position opened at ``entry``; its tier
    is that of the notional at the mark (as the venues count it), at the entry without one."""
    b = tier_for(brackets, (mark or entry) * size_base)
    per_unit = b.maint_amount / size_base if size_base > 0 else 0.0
    if side is Side.BUY:
        return max(0.0, (entry * (1 - 1 / leverage) - per_unit) / (1 - b.mmr))
    return (entry * (1 + 1 / leverage) + per_unit) / (1 + b.mmr)


def inverse_liquidation_price(side: Side, entry: float, notional_usd: float, leverage: float,
                              brackets: Sequence[Bracket]) -> float:
    """Isolated liquidation price of an inverse (coin-margined) position opened at ``entry``: the
    margin is ``n / (entry x L)`` coins, the loss at ``P`` is ``n (1/entry - 1/P)``, and the
    maintenance ``mmr x n / entry`` (Bybit's inverse formula, maintenance on the entry value), so
    ``P = entry L / (L + 1 - mmr L)`` for a long and ``entry L / (L - 1 + mmr L)`` for a short."""
    mmr = tier_for(brackets, notional_usd).mmr
    if side is Side.BUY:
        return entry * leverage / (leverage + 1 - mmr * leverage)
    below = leverage - 1 + mmr * leverage
    return entry * leverage / below if below > 0 else math.inf


def max_notional_for_distance(brackets: Sequence[Bracket], leverage: float, side: Side, distance: float) -> float:
    """Largest position notional whose liquidation price (entry at the mark) stays at least
    ``distance`` (a fraction of the mark) away.

    Distance only shrinks as the position grows (within a tier ``maint_amount / notional`` falls;
    the next tier's rate is higher), so the answer is where it first fails. With the entry at the
    mark the condition is ``maint_amount / N >= k``, ``k = 1 - 1/L - (1 - d)(1 - mmr)`` for a long
    and ``(1 + d)(1 + mmr) - 1 - 1/L`` for a short.
    """
    for b in brackets:
        if side is Side.BUY:
            k = 1 - 1 / leverage - (1 - distance) * (1 - b.mmr)
        else:
            k = (1 + distance) * (1 + b.mmr) - 1 - 1 / leverage
        if k <= 0:
            continue  # every notional of the tier keeps the distance
        bound = b.maint_amount / k
        if bound < b.cap:
            return max(b.floor, bound) if bound > b.floor else b.floor
    return math.inf
