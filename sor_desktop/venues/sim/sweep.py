"""Walking an order through book levels: the arithmetic of every local fill (sim, paper, replay).

Book levels are float arrays; what leaves here is exact Decimal quantities on the amount step.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_FLOOR, Decimal

from sor_desktop.core.book import BookSnapshot, Levels
from sor_desktop.core.orders import Side


def to_dec(x: float) -> Decimal:
    """A book float as the decimal it was printed as (61800.2, not its binary expansion)."""
    return Decimal(repr(float(x)))


def opposite_levels(book: BookSnapshot, side: Side) -> Levels:
    """The levels an order of ``side`` takes from: asks for a buy, bids for a sell."""
    return book.asks if side is Side.BUY else book.bids


def crosses(side: Side, level_price: Decimal, limit: Decimal | None) -> bool:
    if limit is None:
        return True
    return level_price <= limit if side is Side.BUY else level_price >= limit


def sweep(
    levels: Levels,
    side: Side,
    contracts: Decimal,
    step: Decimal,
    *,
    limit: Decimal | None = None,
    taken: Mapping[Decimal, Decimal] | None = None,
) -> list[tuple[Decimal, Decimal]]:
    """``(level price, contracts)`` an order of ``side`` gets from ``levels`` (best first), up to
    ``contracts``, only at prices crossing ``limit``, minus what ``taken`` says is already gone."""
    out: list[tuple[Decimal, Decimal]] = []
    left = contracts
    for price_f, amount_f in levels:
        if left <= 0:
            break
        price = to_dec(price_f)
        if not crosses(side, price, limit):
            break
        available = to_dec(amount_f) - (taken.get(price, Decimal(0)) if taken else Decimal(0))
        qty = min(left, floor_to_step(available, step))
        if qty > 0:
            out.append((price, qty))
            left -= qty
    return out


def floor_to_step(x: Decimal, step: Decimal) -> Decimal:
    if x <= 0:
        return Decimal(0)
    return (x / step).to_integral_value(rounding=ROUND_FLOOR) * step
