"""What the routing panel asks for, checked and turned into router inputs. No Qt, no I/O."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sor_desktop.core.account import Position
from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.orders import Side
from sor_desktop.core.plan import AmountUnit, Plan, PlanRequest, VenueInput
from sor_desktop.engine.margin_caps import reducible_base
from sor_desktop.engine.store import VenueHealth

BASE = "base"
QUOTE = "quote"
CONTRACTS = "contracts:"  # followed by the venue id whose contract is the unit

MAX_DIGITS = 12

# Commas only as thousands separators, grouping the integer part by three: "1,5" (one and a half
# where the comma is the decimal mark) must never be read as 15.
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?([eE][+-]?\d+)?")


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
    reduce_only: bool = False
    max_notional: float = 5_000_000.0  # the panel refuses anything larger outright


@dataclass(frozen=True, slots=True)
class Preview:
    request: PreviewRequest
    plan: Plan | None
    error: str | None = None  # the amount's problem (shown at the field); nothing may be sent
    excluded: Mapping[str, str] = field(default_factory=dict)


def parse_amount(text: str) -> Decimal:
    s = text.strip().replace("_", "")
    if not s:
        raise AmountError("enter an amount")
    if "," in s:
        if not _GROUPED.fullmatch(s):
            raise AmountError(f"{text.strip()!r}: use '.' for decimals (a comma only groups thousands, e.g. 1,500.5)")
        s = s.replace(",", "")
    try:
        value = Decimal(s)
    except InvalidOperation:
        raise AmountError(f"{text.strip()!r} is not a number") from None
    if not value.is_finite():
        raise AmountError("amount must be a finite number")
    if value <= 0:
        raise AmountError("amount must be greater than zero")
    if len(value.as_tuple().digits) > MAX_DIGITS + 6 or value.adjusted() > MAX_DIGITS:
        raise AmountError("amount is too large")
    return value


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
    """Check the amount (format and range) and express it in a unit the router takes."""
    amount = parse_amount(req.amount_text)
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
    if notional > req.max_notional:
        raise AmountError(f"notional {notional:,.0f} USDT is above the panel's limit of {req.max_notional:,.0f}")
    smallest = _smallest_order_base(instruments, mid)
    if base is not None and smallest is not None and base < smallest:
        raise AmountError(f"below the smallest order any venue accepts ({smallest:g} base)")
    amount_out = float(amount) if unit is AmountUnit.QUOTE else float(base or 0.0)
    return PlanRequest(
        side=req.side,
        amount=amount_out,
        unit=unit,
        max_venues=req.max_venues,
        slippage_bps=req.slippage_bps,
    )


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
) -> list[VenueInput]:
    """One input per venue that has a book; venues the router must skip carry the reason.

    ``margin_caps``: the most each venue may take, closing an opposite position included
    (``Session.margin_caps``, by the rule in ``core.margin``); ``margin_reasons``: venues that
    cannot open anything, with why (negative free margin, a fill whose balance is not read yet)."""
    out: list[VenueInput] = []
    for venue, book in sorted(books.items()):
        inst = instruments.get(venue)
        if inst is None:
            continue
        h = health.get(venue)
        reason: str | None = None
        cap: float | None = None
        if req.included is not None and venue not in req.included:
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
            cap = reducible_base(req.side, (positions or {}).get(venue, []), req.symbol)
            if cap <= 0:
                reason = "reduce-only: no position to reduce"
        out.append(VenueInput(book=book, instrument=inst, cap_base=cap, excluded=reason))
    return out
