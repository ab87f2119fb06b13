"""Each venue's cap for the router: the most base amount whose leg the venue's free margin carries
under ``core.margin`` (the rule the simulated venue checks too), walking the venue's book at the
limit price each size would be sent with. Used by the window's session and by ``route``. And
the check, just before a plan is sent, that each leg still fits its venue's free margin at the
current mark (``plan_margin_problems``)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sor_desktop.core.account import Balance, Position
from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.checks import Problem
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.margin import (
    DEFAULT_HEADROOM,
    NEAR_ZERO_FREE,
    margin_cap_base,
    required_margin,
    rule_for,
)
from sor_desktop.core.market_key import leg_key
from sor_desktop.core.orders import Side
from sor_desktop.core.plan import Plan


@dataclass(frozen=True, slots=True)
class VenueMargin:
    cap_base: float  # most base units, closing an opposite position included
    free: float  # free margin in the settle currency, as last read
    reason: str | None = None  # why the venue cannot open anything (shown as its exclusion)


def reducible_base(side: Side, positions: Sequence[Position], symbol: str) -> float:
    """A buy reduces a short and a sell reduces a long, by at most the position's size."""
    return sum(float(p.base_amount) for p in positions if p.symbol == symbol and p.side is not side)


def reducible_contracts(side: Side, positions: Sequence[Position], symbol: str) -> Decimal:
    """``reducible_base`` in the venue's own contracts, exactly (what a reduce-only leg may close)."""
    return sum((p.contracts for p in positions if p.symbol == symbol and p.side is not side), Decimal(0))


def free_margin(balances: Sequence[Balance], settle: str) -> float:
    return sum(float(b.free) for b in balances if b.currency == settle)


def venue_margin(side: Side, book: BookSnapshot, inst: Instrument, balances: Sequence[Balance],
                 positions: Sequence[Position], *, leverage: float, slippage_bps: float = 5.0,
                 headroom: float = DEFAULT_HEADROOM, hedge: bool = False,
                 taker_fee: float | None = None) -> VenueMargin | None:
    """None when the book has no mid (nothing to price the margin at). ``hedge``: the account
    keeps long and short apart, so an order that is not reduce-only closes nothing (a sell
    while long opens a short): nothing is reducible (a reduce-only order is capped by the
    position it closes in ``preview.venue_inputs``). ``taker_fee``: the account's own rate (the
    instrument's default when None), as ``leg_margin`` charges it before the send."""
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
                          leverage=lev, taker_fee=float(inst.taker_fee) if taker_fee is None else taker_fee,
                          rule=rule_for(inst.venue),
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


@dataclass(frozen=True, slots=True)
class LegMargin:
    """What one leg of a plan, as it would be sent, asks of its venue's free margin now."""

    venue: str  # the venue id (a venue's inverse market has its own settle currency)
    settle: str
    required: float  # settle units, by the venue's rule at the leg's limit and the current mark
    free: float  # settle units, as last read


def leg_margin(side: Side, contracts: Decimal, limit: Decimal, book: BookSnapshot, inst: Instrument,
               balances: Sequence[Balance], positions: Sequence[Position], *, leverage: float,
               hedge: bool = False, taker_fee: float | None = None) -> LegMargin | None:
    """The margin a leg of ``contracts`` at ``limit`` needs at the book's mid as the mark, by the
    rule the preview caps with (``core.margin``), without the preview's headroom: whether the
    venue would take it now. None when the book has no mid. The preview's caps were priced at
    the mark of their own time; a buy limit left above a mark that fell since pays the larger
    open loss (seen: a 2.46 BTC MEXC leg confirmed 5 s after its preview needed 15,017.41 USDT
    with 15,000 free, and was rejected after the Binance leg had filled). ``taker_fee``: the
    account's own rate when the venue said it (``VenueTerms``), else the market's default."""
    mark = book.mid
    if not mark:
        return None
    mine = [p for p in positions if p.symbol == inst.symbol]
    lev = next((float(p.leverage) for p in mine if p.leverage), leverage)
    est = limit
    if not inst.linear and side is Side.BUY and len(book.asks):
        # an inverse contract is the most coin at the lowest price it fills at: a buy's best fill
        # (a sell's is its limit), as the simulated venue values it
        est = min(limit, Decimal(repr(float(book.asks[0, 0]))))
    base = float(inst.contracts_to_base(contracts, est))
    reducing = 0.0 if hedge else min(base, reducible_base(side, mine, inst.symbol))
    price = float(est)
    if base - reducing <= 0:  # closing only: venues take it whatever the free margin
        return LegMargin(inst.venue, inst.settle, 0.0, free_margin(balances, inst.settle))
    fee = float(inst.taker_fee) if taker_fee is None else taker_fee
    required = required_margin(side, base - reducing, reducing, price, mark, lev, fee, rule_for(inst.venue))
    if not inst.linear:  # an inverse leg's margin is in its coin
        required /= price
    return LegMargin(inst.venue, inst.settle, required, free_margin(balances, inst.settle))


def plan_margin_problems(plan: Plan, books: Mapping[str, BookSnapshot], instruments: Mapping[str, Instrument],
                         balances: Mapping[str, Sequence[Balance]], positions: Mapping[str, Sequence[Position]], *,
                         leverage: float, hedged: Collection[str] = (), rereading: Collection[str] = (),
                         fees: Mapping[str, float] | None = None,
                         leverages: Mapping[str, float] | None = None) -> list[Problem]:
    """The legs of ``plan`` their venues' free margin no longer carries (``leg_margin``), checked
    just before anything is sent: one leg short would otherwise be rejected after the others
    filled, leaving a part of the order. Legs of one venue and settle currency add up. A venue
    whose balance is not known is the venue's to refuse (as in the preview); one whose balance
    is being re-read after a fill (``rereading``) carries only what it closes. ``instruments``
    and ``books`` by the leg's market key (``core.market_key``), ``hedged``: venue ids whose
    account keeps long and short apart (nothing a leg sells closes a long); ``fees``: the
    account's own taker rate by market key, where the venue said it; ``leverages``: the account's
    leverage set on the symbol by market key, where the venue said it (else ``leverage``; a
    position's own wins over both)."""
    need: dict[tuple[str, str], list[LegMargin]] = {}
    out: list[Problem] = []
    for lg in plan.legs:
        key = leg_key(lg, plan.symbol)
        inst, book = instruments.get(key), books.get(key)
        if inst is None or book is None or lg.venue not in balances:
            continue
        hedge = key == lg.venue and lg.venue in hedged
        got = leg_margin(plan.side_of(lg), lg.contracts_dec, lg.limit_price_dec, book, inst, balances[lg.venue],
                         positions.get(lg.venue, ()), leverage=(leverages or {}).get(key, leverage), hedge=hedge,
                         taker_fee=(fees or {}).get(key))
        if got is None:
            continue
        if lg.venue in rereading and got.required > 0:
            out.append(Problem("margin", "its free margin is being re-read after a fill: preview again in a "
                                         "moment", lg.venue))
            continue
        need.setdefault((lg.venue, got.settle), []).append(got)
    for (venue, settle), legs in sorted(need.items()):
        required, free = sum(m.required for m in legs), legs[0].free
        if required > free:
            digits = 2 if settle in ("USDT", "USDC", "USD") else 8
            what = "the leg needs" if len(legs) == 1 else f"its {len(legs)} legs need"
            out.append(Problem("margin", f"{what} {required:,.{digits}f} {settle} of margin at the current "
                                         f"mark and {free:,.{digits}f} is free: preview again", venue))
    return out
