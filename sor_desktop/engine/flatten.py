"""Flatten and close: reduce-only plans that take a symbol's positions to zero.

A close is one venue's position; a flatten is every venue's position in the symbol. Each venue's
leg is planned by the router on that venue's book alone (a position can only be reduced where it
is held), capped at the position, then every venue's leg becomes one plan: one confirmation, one
route in the blotter, sent reduce-only through the executor like any other route. Longs and shorts
held at once (hedged across venues) close on opposite sides: the plan's legs then carry their own
side (``Leg.side``, ``Plan.mixed``), a sell leg per long and a buy leg per short, in one route.

Margin caps do not apply: a reduce-only order frees margin, and a venue whose free margin is
negative is the one a trader most needs to close."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from sor_desktop.core.account import Position
from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.inverse_venue import InverseVenue
from sor_desktop.core.orders import Side
from sor_desktop.core.plan import AmountUnit, Leg, Plan, PlanRequest, VenueInput
from sor_desktop.core.router import plan_route
from sor_desktop.engine.preview import PreviewRequest, venue_inputs
from sor_desktop.engine.store import VenueHealth

FILL_TOLERANCE = 1e-9  # base units: a close short of this is a close in full


@dataclass(frozen=True, slots=True)
class Flatten:
    symbol: str
    plan: Plan | None  # every closing leg, sells of the longs and buys of the shorts; None: nothing to close
    problems: tuple[tuple[str, str], ...] = ()  # (venue, why its position cannot be closed now)

    @property
    def legs(self) -> tuple[Leg, ...]:
        return self.plan.legs if self.plan is not None else ()

    def side_legs(self, side: Side) -> tuple[Leg, ...]:
        return self.plan.side_legs(side) if self.plan is not None else ()


def open_positions(positions: Mapping[str, Sequence[Position]], symbol: str,
                   venues: Collection[str] | None = None) -> dict[tuple[str, Side], float]:
    """Base amount to close per (venue, closing side): a long closes with a sell, a short with a buy."""
    out: dict[tuple[str, Side], float] = {}
    for venue, held in positions.items():
        if venues is not None and venue not in venues:
            continue
        for p in held:
            if p.symbol != symbol or not p.contracts:
                continue
            key = (venue, Side.SELL if p.side is Side.BUY else Side.BUY)
            out[key] = out.get(key, 0.0) + float(p.base_amount)
    return out


def plan_flatten(symbol: str, positions: Mapping[str, Sequence[Position]], instruments: Mapping[str, Instrument],
                 books: Mapping[str, BookSnapshot], health: Mapping[str, VenueHealth], *,
                 slippage_bps: float = 5.0, venues: Collection[str] | None = None,
                 fees: Mapping[str, float] | None = None) -> Flatten:
    """The reduce-only plan closing ``symbol``'s positions on ``venues`` (all venues when None).
    ``fees``: each venue's own taker rate where its account says it (``Session.own_fees``), as
    the preview charges it: the instrument's default overstated a VIP account's close by 25 %."""
    fees = fees or {}
    legs: dict[Side, list[Leg]] = {}
    problems: list[tuple[str, str]] = []
    for (venue, side), base in sorted(open_positions(positions, symbol, venues).items()):
        inst, book = instruments.get(venue), books.get(venue)
        if inst is None or book is None:
            problems.append((venue, "no book yet to price the close"))
            continue
        req = PreviewRequest(symbol, side, "0", reduce_only=True, slippage_bps=slippage_bps)
        held = {v: list(ps) for v, ps in positions.items()}
        (vi,) = venue_inputs(req, {venue: inst}, {venue: book}, health, held) or (None,)
        if vi is None or vi.excluded:
            problems.append((venue, vi.excluded or "cannot be priced" if vi is not None
                             else "no book yet to price the close"))
            continue
        if not inst.linear:  # an inverse position is whole contracts: closed as held, not via base
            held_contracts = sum((p.contracts for p in positions.get(venue, ()) if p.symbol == symbol
                                  and (p.side is Side.BUY) == (side is Side.SELL)), Decimal(0))
            leg = inverse_close_leg(inst, book, side, held_contracts, slippage_bps, fees.get(venue))
            if leg is None:
                problems.append((venue, "not enough depth to close the position now"))
            else:
                legs.setdefault(side, []).append(leg)
            continue
        # a close is taken under the minimum order value where the venue says so (Binance, Bybit)
        closing = inst if inst.min_notional_on_close else replace(inst, min_notional=None)
        one = plan_route(PlanRequest(side, base, AmountUnit.BASE, slippage_bps=slippage_bps, leg_cost=0.0),
                         [VenueInput(vi.book, closing, cap_base=base, fee=fees.get(venue))])
        if one.unfilled > FILL_TOLERANCE:
            # the venue's own reason when it was left out (its minimum order value, say), not the
            # router's "no venue can take the order"
            why = (one.excluded[0][1] if one.excluded and not one.legs else one.unfilled_reason) or "not enough depth"
            problems.append((venue, f"only {one.filled:g} of {base:g} can be closed now: {why}"))
        legs.setdefault(side, []).extend(one.legs)
    return Flatten(symbol, _merge(symbol, legs, slippage_bps), tuple(problems))


def inverse_close_leg(inst: Instrument, book: BookSnapshot, side: Side, contracts: Decimal,
                      slippage_bps: float, fee_rate: float | None = None) -> Leg | None:
    """The reduce-only leg closing ``contracts`` of an inverse position, walked on its book (the
    router's rounding to whole contracts would leave a contract or take one too many)."""
    levels = book.asks if side is Side.BUY else book.bids
    walk = InverseVenue(inst, inst.amount_step).walk(levels, contracts)
    if contracts <= 0 or float(levels[:, 1].sum()) < float(contracts) - 1e-9 or walk.base <= 0:
        return None
    move = Decimal(repr(float(slippage_bps))) / Decimal(10_000)
    raw = Decimal(repr(walk.worst_price)) * (1 + move if side is Side.BUY else 1 - move)
    limit = inst.round_price(raw, up=side is Side.BUY)
    fee = walk.notional * (float(inst.taker_fee) if fee_rate is None else fee_rate)
    return Leg(venue=inst.venue, symbol=inst.symbol, contracts=inst.format_amount(contracts), amount_base=walk.base,
               avg_price=walk.notional / walk.base, worst_price=walk.worst_price, limit_price=inst.format_price(limit),
               notional=walk.notional, fee=fee, cost=walk.notional + fee if side is Side.BUY else walk.notional - fee,
               tick=inst.format_price(inst.price_tick))


def plan_flatten_underlying(symbol: str, companions: Mapping[str, tuple[str, str]],
                            positions: Mapping[str, Sequence[Position]], instruments: Mapping[str, Instrument],
                            books: Mapping[str, BookSnapshot], health: Mapping[str, VenueHealth], *,
                            slippage_bps: float = 5.0, keys: Collection[str] | None = None,
                            fees: Mapping[str, float] | None = None) -> Flatten:
    """``plan_flatten`` for the window's ``symbol`` and its companion inverse markets
    (``Session.companions``, keyed by ``core.market_key``): every closing leg, linear and inverse,
    sell and buy, is in one plan named by ``symbol``. ``keys``: venues and companion keys (None: all);
    ``fees``: taker rates by the same keys."""
    fees = fees or {}
    venues = None if keys is None else {k for k in keys if k not in companions}
    parts = [plan_flatten(symbol, positions, instruments, books, health, slippage_bps=slippage_bps, venues=venues,
                          fees=fees)]
    for key, (venue, other) in companions.items():
        if keys is not None and key not in keys:
            continue
        inst, book = instruments.get(key), books.get(key)
        got = plan_flatten(other, positions, {venue: inst} if inst else {}, {venue: book} if book else {},
                           {venue: health[key]} if key in health else {}, slippage_bps=slippage_bps, venues={venue},
                           fees={venue: fees[key]} if key in fees else None)
        parts.append(replace(got, problems=tuple((key, why) for _, why in got.problems)))
    legs: dict[Side, list[Leg]] = {}
    for part in parts:
        if part.plan is not None:
            for lg in part.plan.legs:
                legs.setdefault(part.plan.side_of(lg), []).append(replace(lg, side=None))
    return Flatten(symbol, _merge(symbol, legs, slippage_bps), tuple(p for part in parts for p in part.problems))


def _merge(symbol: str, legs: Mapping[Side, Sequence[Leg]], slippage_bps: float) -> Plan | None:
    """One plan of every venue's closing leg (sells first, then buys). On one side it is a plain
    one-sided plan; on both, each leg carries its side and the totals are gross over both."""
    by_side = [(side, list(legs[side])) for side in (Side.SELL, Side.BUY) if legs.get(side)]
    if not by_side:
        return None
    both = len(by_side) > 1
    flat = [replace(lg, side=side if both else None) for side, lgs in by_side for lg in lgs]
    filled = sum(lg.amount_base for lg in flat)
    notional = sum(lg.notional for lg in flat)
    flat = [replace(lg, share=lg.amount_base / filled if filled else 0.0) for lg in flat]
    return Plan(side=by_side[0][0], unit=AmountUnit.BASE, symbol=symbol, requested=filled, filled=filled,
                avg_price=notional / filled if filled else 0.0, notional=notional,
                fees=sum(lg.fee for lg in flat), total_cost=sum(lg.cost for lg in flat), legs=tuple(flat),
                best_single=None, savings_bps=0.0, savings_quote=0.0, unfilled=0.0, unfilled_reason=None,
                slippage_bps=slippage_bps, leg_cost=0.0, meta={"intent": "flatten"})
