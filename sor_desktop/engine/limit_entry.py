"""The limit price typed in the Route panel (or written there by a sweep on the depth chart): read as
strictly as the amount (``core.number_text``) and put on the symbol's tick.

A price on any venue's tick is taken as typed: each leg's IOC limit is then put on its own venue's
tick toward the safe side by the router (``core.price_limit.clamp_ioc``). A price off every venue's
tick (60012.37 where all say 0.1) is moved onto the finest tick toward the safe side, a buy's down and
a sell's up, so the limit the router gets is never past what was typed, and the panel says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from sor_desktop.core.number_text import TypedNumberError, read_typed
from sor_desktop.core.orders import Side

WHAT = "limit price"


class LimitError(ValueError):
    """A typed limit that cannot be routed; the message goes under the limit field."""


@dataclass(frozen=True, slots=True)
class TypedLimit:
    typed: Decimal  # as the trader wrote it
    price: Decimal  # the router's hard limit: ``typed``, or moved onto ``tick`` toward the safe side
    tick: Decimal | None = None  # the tick ``typed`` was moved onto; None when it was on a venue's tick

    def note(self, side: Side) -> str | None:
        """What the panel says under the field when the price was moved onto the tick (one line: at
        1280x720 each line under the ticket is a leg of the split less in view)."""
        if self.tick is None:
            return None
        return (f"{limit_text(self.typed)} is off the tick {limit_text(self.tick)}: limit {limit_text(self.price)} "
                f"(rounded {'down' if side is Side.BUY else 'up'})")


def read_limit(text: str, side: Side, ticks: Iterable[Decimal]) -> TypedLimit | None:
    """``text`` as a ``side`` order's limit on the venues' ``ticks``; None when the field is empty.
    Raises ``LimitError`` with what is wrong."""
    if not text.strip():
        return None
    try:
        typed = read_typed(text, WHAT)
    except TypedNumberError as exc:
        raise LimitError(str(exc) if WHAT in str(exc) else f"{WHAT} {exc}") from None
    known = [t for t in ticks if t > 0]
    if not known or any(typed % t == 0 for t in known):
        return TypedLimit(typed, typed)
    tick = min(known)
    price = on_tick(typed, side, tick)
    if price <= 0:
        raise LimitError(f"{WHAT} {limit_text(typed)} is below one tick ({limit_text(tick)})")
    return TypedLimit(typed, price, tick)


def on_tick(price: Decimal, side: Side, tick: Decimal) -> Decimal:
    """``price`` on ``tick``, never past it for a ``side`` order: a buy's down, a sell's up."""
    steps = (price / tick).to_integral_value(rounding=ROUND_FLOOR if side is Side.BUY else ROUND_CEILING)
    return steps * tick


def limit_text(price: Decimal) -> str:
    """A price as the field and its note write it: plain digits, no exponent, no trailing zeros."""
    return format(price.normalize(), "f")
