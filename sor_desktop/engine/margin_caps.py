"""Each venue's cap for the router: the most base amount whose leg the venue's free margin carries
under ``core.margin`` (the rule the simulated venue checks too), walking the venue's book at the
limit price each size would be sent with. Used by the window's session and by ``route``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sor_desktop.core.account import Balance, Position
from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.margin import DEFAULT_HEADROOM, NEAR_ZERO_FREE, margin_cap_base, rule_for
from sor_desktop.core.orders import Side


@dataclass(frozen=True, slots=True)
class VenueMargin:
    cap_base: float  # most base units, closing an opposite position included
    free: float  # free margin in the settle currency, as last read
    reason: str | None = None  # why the venue cannot open anything (shown as its exclusion)


def reducible_base(side: Side, positions: Sequence[Position], symbol: str) -> float:
    """A buy reduces a short and a sell reduces a long, by at most the position's size."""
    return sum(float(p.base_amount) for p in positions if p.symbol == symbol and p.side is not side)


def free_margin(balances: Sequence[Balance], settle: str) -> float:
    return sum(float(b.free) for b in balances if b.currency == settle)


def venue_margin(side: Side, book: BookSnapshot, inst: Instrument, balances: Sequence[Balance],
                 positions: Sequence[Position], *, leverage: float, slippage_bps: float = 5.0,
                 headroom: float = DEFAULT_HEADROOM, hedge: bool = False) -> VenueMargin | None:
    """None when the book has no mid (nothing to price the margin at). ``hedge``: the account
    keeps long and short apart, so an order that is not reduce-only closes nothing (a sell
    while long opens a short): nothing is reducible (a reduce-only order is capped by the
    position it closes in ``preview.venue_inputs``)."""
    mark = book.mid
    if not mark:
        return None
    free = free_margin(balances, inst.settle)
    mine = [p for p in positions if p.symbol == inst.symbol]
    lev = next((float(p.leverage) for p in mine if p.leverage), leverage)
    reducible = 0.0 if hedge else reducible_base(side, mine, inst.symbol)
    exposure = sum(float(p.base_amount) * mark for p in mine)
    move = Decimal(repr(float(slippage_bps))) / Decimal(10_000)
    buy = side is Side.BUY

    def limit_of(price: float) -> float:
        # the router's leg limit when this level is the leg's worst: slippage, then the tick (safe side)
        raw = Decimal(repr(price)) * (1 + move if buy else 1 - move)
        return float(inst.round_price(raw, up=buy))

    size = float(inst.contract_size)
    levels = book.asks if buy else book.bids
    if inst.linear:
        in_base = ((float(p), float(q) * size) for p, q in levels)
        free_quote = free
    else:  # an inverse market's margin is in the coin: priced at the mark, the USD rule applies
        in_base = ((float(p), float(q) * size / float(p)) for p, q in levels)
        free_quote = free * mark
    cap = margin_cap_base(side, in_base, free=free_quote, mark=mark,
                          leverage=lev, taker_fee=float(inst.taker_fee), rule=rule_for(inst.venue),
                          headroom=headroom, limit_of=limit_of, reducible=reducible, position_notional=exposure)
    reason = None
    shown = f"{free:,.2f}" if inst.linear else f"{free:,.8g}"
    if reducible <= 0 and (free_quote < NEAR_ZERO_FREE or cap <= 0):
        if free < 0:
            reason = f"free margin {shown} {inst.settle}: negative"
        elif free_quote < NEAR_ZERO_FREE:
            reason = f"free margin {shown} {inst.settle}: nothing to open with"
        else:  # what is left is the reserve held against the open positions' next move
            reason = (f"free margin {shown} {inst.settle} is held back against the open position "
                      f"({headroom:.1%} of its notional)")
    return VenueMargin(cap, free, reason)
