"""What the routing panel asks for, checked and turned into router inputs. No Qt, no I/O."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

from sor_desktop.core import futures_costs
from sor_desktop.core.account import Position
from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.instrument import Instrument, base_and_quote
from sor_desktop.core.inverse_venue import as_linear, contracts_base
from sor_desktop.core.lot_curve import build_curve
from sor_desktop.core.market_key import split_key
from sor_desktop.core.number_text import TypedNumberError, read_typed
from sor_desktop.core.orders import Side
from sor_desktop.core.plan import (
    DEFAULT_LEG_COST,
    DEFAULT_MIN_LIQ_DISTANCE,
    AmountUnit,
    Plan,
    PlanRequest,
    VenueInput,
)
from sor_desktop.core.price_limit import levels_within
from sor_desktop.core.venue_terms import VenueTerms
from sor_desktop.engine.limit_entry import TypedLimit, read_limit
from sor_desktop.engine.margin_caps import reducible_contracts
from sor_desktop.engine.store import VenueHealth

BASE = "base"
QUOTE = "quote"
CONTRACTS = "contracts:"  # followed by the venue id whose contract is the unit


class AmountError(ValueError):
    """An amount the trader typed that cannot be routed; the message goes next to the field."""


@dataclass(frozen=True, slots=True)
class PreviewRequest:
    symbol: str
    side: Side
    amount_text: str
    unit: str = BASE  # BASE, QUOTE, or CONTRACTS + venue id
    slippage_bps: float = 5.0
    max_venues: int | None = None
    included: frozenset[str] | None = None  # None: every venue
    # companion markets switched off on their own (a venue's inverse market, core.market_key)
    switched_off: frozenset[str] = frozenset()
    reduce_only: bool = False
    max_notional: float = 5_000_000.0  # the panel refuses anything larger outright
    hold_hours: float | None = None  # intended holding time: funding joins each venue's cost (off: None)
    min_liq_distance: float | None = DEFAULT_MIN_LIQ_DISTANCE  # legs keep liquidation this far (0/None: off)
    # the limit price field as typed (or written by "sweep to here"): a hard limit no leg passes,
    # on the all-in price when fee-adjusted (``engine.limit_entry`` reads it); empty: no limit
    limit_text: str = ""
    limit_on_fee_adjusted: bool = False
    leg_cost: float = DEFAULT_LEG_COST  # quote units per leg (routing panel, advanced options)


@dataclass(frozen=True, slots=True)
class Preview:
    request: PreviewRequest
    plan: Plan | None
    error: str | None = None  # the amount's problem (shown at the field); nothing may be sent
    excluded: Mapping[str, str] = field(default_factory=dict)
    limit_error: str | None = None  # the limit's problem (shown under its field); nothing may be sent
    limit: TypedLimit | None = None  # the limit as read, when it could be


@dataclass(frozen=True, slots=True)
class PreviewJob:
    """A preview's planning apart from the session: the request checked and the venues' inputs
    read on the session's thread, then ``run`` on any thread (its inputs are immutable snapshots:
    books are replaced in the store, never changed in place)."""

    request: PreviewRequest
    plan_request: PlanRequest | None  # None: nothing to plan (``error``, or no venue has a book)
    inputs: tuple[VenueInput, ...] = ()
    excluded: Mapping[str, str] = field(default_factory=dict)
    error: str | None = None
    limit_error: str | None = None
    limit: TypedLimit | None = None

    def run(self, planner: Callable[[PlanRequest, Sequence[VenueInput]], Plan]) -> Preview:
        if self.plan_request is None:
            return Preview(self.request, None, self.error, self.excluded, self.limit_error, self.limit)
        return Preview(self.request, planner(self.plan_request, self.inputs), None, self.excluded, None, self.limit)


def parse_amount(text: str) -> Decimal:
    if not text.strip():
        raise AmountError("enter an amount")
    try:
        return read_typed(text, "amount")
    except TypedNumberError as exc:
        raise AmountError(str(exc)) from None


def reference_mid(books: Mapping[str, BookSnapshot]) -> float | None:
    mids = sorted(m for b in books.values() if (m := b.mid) is not None)
    if not mids:
        return None
    return mids[len(mids) // 2]


def to_plan_request(
    req: PreviewRequest,
    instruments: Mapping[str, Instrument],
    books: Mapping[str, BookSnapshot],
) -> PlanRequest:
    """Check the amount (format and range) and express it in a unit the router takes, with the
    typed limit on the venues' tick (``AmountError``, ``LimitError``: what is wrong with which)."""
    amount = parse_amount(req.amount_text)
    limit = typed_limit(req, instruments)
    mid = reference_mid(books)
    unit = AmountUnit.BASE
    base: float | None
    if req.unit == QUOTE:
        unit = AmountUnit.QUOTE
        notional = float(amount)
        base = notional / mid if mid else None
    elif req.unit.startswith(CONTRACTS):
        venue = req.unit[len(CONTRACTS):]
        inst = instruments.get(venue)
        if inst is None:
            raise AmountError(f"no {venue} contract for {req.symbol}")
        if not inst.linear and not mid:
            raise AmountError("no price yet to convert contracts")
        base = float(inst.contracts_to_base(amount, Decimal(str(mid)) if mid else None))
        notional = base * mid if mid else 0.0
    else:
        base = float(amount)
        notional = base * mid if mid else 0.0
    if not notional <= req.max_notional:  # written so that a NaN limit refuses rather than lets through
        raise AmountError(f"notional {notional:,.0f} USDT is above the panel's limit of {req.max_notional:,.0f}")
    smallest = _smallest_order_base(instruments, mid)
    if base is not None and smallest is not None and base < smallest:
        what = base_and_quote(req.symbol)[0] or "base"  # "1 DOGE", "0.0001 BTC", where ':g base' said "1e-05 base"
        raise AmountError(f"below the smallest order any venue accepts ({_at_least(smallest)} {what})")
    amount_out = float(amount) if unit is AmountUnit.QUOTE else float(base or 0.0)
    return PlanRequest(
        side=req.side,
        amount=amount_out,
        unit=unit,
        max_venues=req.max_venues,
        slippage_bps=req.slippage_bps,
        hold_hours=req.hold_hours or None,
        now_ms=int(time.time() * 1000),  # funding settlements are counted from now
        min_liq_distance=req.min_liq_distance or None,
        limit_price=float(limit.price) if limit is not None else None,
        limit_on_fee_adjusted=limit is not None and req.limit_on_fee_adjusted,
        leg_cost=req.leg_cost,
    )


def typed_limit(req: PreviewRequest, instruments: Mapping[str, Instrument]) -> TypedLimit | None:
    """The ticket's limit price on the ticks of the venues it routes to (``engine.limit_entry``)."""
    return read_limit(req.limit_text, req.side, (i.price_tick for i in instruments.values()))


def _at_least(x: float, figures: int = 3) -> str:
    """``x`` in plain grouped digits to ``figures`` significant figures, rounded up: a minimum
    written so that typing what it says is enough (1.66377e-05 -> 0.0000167)."""
    d = Decimal(f"{x:.12g}")  # float noise (0.1 + 0.2) is not a figure to round up
    if not d.is_finite() or d <= 0:
        return f"{x:g}"
    step = Decimal(1).scaleb(d.adjusted() - figures + 1)
    up = (d / step).to_integral_value(rounding=ROUND_CEILING) * step
    return f"{up.normalize():,f}"


def _smallest_order_base(instruments: Mapping[str, Instrument], mid: float | None) -> float | None:
    out: list[float] = []
    for inst in instruments.values():
        step = inst.min_amount if inst.min_amount is not None else inst.amount_step
        try:
            out.append(float(inst.contracts_to_base(step, Decimal(str(mid)) if mid else None)))
        except ValueError:
            continue
    return min(out) if out else None


def venue_inputs(
    req: PreviewRequest,
    instruments: Mapping[str, Instrument],
    books: Mapping[str, BookSnapshot],
    health: Mapping[str, VenueHealth],
    positions: Mapping[str, list[Position]] | None = None,
    margin_caps: Mapping[str, float] | None = None,
    margin_reasons: Mapping[str, str] | None = None,
    *,
    terms: Mapping[str, VenueTerms] | None = None,
    leverage: float | None = None,
) -> list[VenueInput]:
    """One input per venue that has a book; venues the router must skip carry the reason.

    ``margin_caps``: the most each venue may take, closing an opposite position included
    (``Session.margin_caps``, by the rule in ``core.margin``); ``margin_reasons``: venues that
    cannot open anything, with why (negative free margin, a fill whose balance is not read yet).
    ``terms``: each venue's fee, funding and brackets (``engine.venue_terms``); with ``leverage``
    (a venue's position's own leverage wins) brackets cap the legs and give liquidation prices."""
    out: list[VenueInput] = []
    for venue, book in sorted(books.items()):
        inst = instruments.get(venue)
        if inst is None:
            continue
        venue_id = split_key(venue)[0]  # a venue's inverse market (core.market_key) follows its venue
        h = health.get(venue)
        reason: str | None = None
        cap: float | None = None
        reducing: Decimal | None = None
        if (req.included is not None and venue_id not in req.included) or venue in req.switched_off:
            reason = "switched off in the panel"
        elif h is not None and not h.routable:
            reason = f"{h.state}: {h.reason}" if h.reason else str(h.state)
        elif h is not None and h.view_only:
            reason = f"view-only: {h.reason}" if h.reason else "view-only"
        elif book.problem():
            reason = book.problem()
        if reason is None and margin_caps and venue in margin_caps:
            cap = margin_caps[venue]
            if cap <= 0:
                reason = (margin_reasons or {}).get(venue) or "no free margin"
        if req.reduce_only and reason is None:
            # the position's own contracts: an inverse position's base moves with the price, and a
            # cap in base missed it on every tick (the router closes exactly these: core.plan)
            reducing = reducible_contracts(req.side, (positions or {}).get(venue_id, []), inst.symbol)
            cap = contracts_base(inst, book.asks if req.side is Side.BUY else book.bids, reducing)
            if reducing <= 0:
                reason = "reduce-only: no position to reduce"
        held = [p for p in (positions or {}).get(venue_id, []) if p.symbol == inst.symbol]
        own = terms[venue].leverage if terms and venue in terms else None  # the account's, where said
        lev = next((float(p.leverage) for p in held if p.leverage), own or leverage)
        net = sum(float(p.base_amount) * (1 if p.side is Side.BUY else -1) for p in held)
        extra = terms[venue].router_terms() if terms and venue in terms else {}
        out.append(VenueInput(book=book, instrument=inst, cap_base=cap, excluded=reason, leverage=lev,
                              position_base=net, reduce_contracts=reducing if reason is None else None, **extra))
    return out


@dataclass(frozen=True, slots=True)
class SweepVenue:
    venue: str
    base: Decimal  # whole lots, within the venue's cap, minimum and maximum order
    notional: float  # quote units of those lots, walking the book
    excluded: str | None = None  # why the venue takes nothing (switched off, stale, margin, ...)


@dataclass(frozen=True, slots=True)
class Sweep:
    """"Sweep to here": what the routable venues can take at or better than ``price``."""

    side: Side
    price: float
    fee_adjusted: bool
    venues: tuple[SweepVenue, ...]

    @property
    def total_base(self) -> Decimal:
        return sum((v.base for v in self.venues), Decimal(0))

    @property
    def total_notional(self) -> float:
        return sum(v.notional for v in self.venues)

    @property
    def amount_text(self) -> str:
        """The total exactly (every venue's part is whole lots: no float round-off to lose one)."""
        return format(self.total_base.normalize(), "f") if self.total_base else ""


def sweep_to_price(inputs: Sequence[VenueInput], side: Side, price: float, *, fee_adjusted: bool,
                   max_venues: int | None = None) -> Sweep:
    """The most the routable venues (``venue_inputs``: enabled, fresh, with their margin caps)
    can take at or better than ``price`` (all-in when ``fee_adjusted``), in whole lots under their
    caps, minimum and maximum order sizes, as the router counts them (``core.price_limit`` for the
    levels, ``core.lot_curve`` for lots and caps). With ``max_venues``, the largest ones.

    The depth chart's tooltip and its click both come here, on the same books: what the tooltip
    says is the amount the click fills in, and the request then carries ``price`` as its hard limit.
    """
    rows: list[SweepVenue] = []
    for v in inputs:
        inst = v.instrument
        name = inst.venue or v.book.venue
        reason = v.excluded or v.book.problem()
        if not inst.linear:  # named as core.market_key names it, in pseudo-lots of base as routed
            name = f"{name} {inst.symbol}"
        if reason is None and not inst.linear:
            v = as_linear(v)[0]
            inst = v.instrument
        if reason is None and v.cap_base is not None and not v.cap_base > 0:
            reason = "no margin available"
        if reason is not None:
            rows.append(SweepVenue(name, Decimal(0), 0.0, reason))
            continue
        levels = levels_within(v.book.asks if side is Side.BUY else v.book.bids, inst, side, price, fee_adjusted)
        if not len(levels):
            rows.append(SweepVenue(name, Decimal(0), 0.0))
            continue
        curve = build_curve(levels, inst, side, cap_base=v.cap_base)
        if curve.hi <= 0 or curve.lo > curve.hi:
            rows.append(SweepVenue(name, Decimal(0), 0.0, None if curve.hi <= 0 else "below its minimum order"))
            continue
        base = (Decimal(curve.hi) * inst.lot).normalize()
        rows.append(SweepVenue(name, base, curve.notional(curve.hi)))
    if max_venues is not None:
        keep = {r.venue for r in sorted((r for r in rows if r.base > 0), key=lambda r: -r.base)[:max_venues]}
        rows = [r if r.base <= 0 or r.venue in keep else SweepVenue(r.venue, Decimal(0), 0.0, "max venues")
                for r in rows]
    return Sweep(side, price, fee_adjusted, tuple(rows))


def hold_funding(req: PreviewRequest, inputs: Sequence[VenueInput], symbol: str) -> dict[str, float]:
    """Per venue of ``symbol``, its funding over the ticket's holding time per base unit (quote:
    + paid, - received), as the router adds it to the venue's every lot (``core.futures_costs``),
    counted from now as the preview counts it; empty without a holding time. The impact view draws
    each venue on this basis, the routed split's own."""
    if not req.hold_hours:
        return {}
    asked = PlanRequest(Side(req.side), 1.0, hold_hours=req.hold_hours, now_ms=int(time.time() * 1000))
    return {vi.instrument.venue: futures_costs.apply(vi, asked)[1].funding_per_base
            for vi in inputs if vi.instrument.symbol == symbol and vi.instrument.venue}
