"""What a perpetual costs beyond its book and default fee, turned into the router's inputs.

For each venue (``VenueInput``) and request (``PlanRequest``):
- the account's own taker fee (``VenueInput.fee``) replaces the market's default in the instrument
  the router sees, so the book walk, the leg fee and a fee-adjusted limit all use it;
- funding over the request's holding time (``core.funding``) becomes a cost per base unit, added to
  every lot's cost: linear, so each venue's cost stays convex and the router stays exact;
- the leverage brackets cap the base the venue may take so the position after the fill stays
  inside the tiers that allow the chosen leverage, and (unless the minimum liquidation distance is
  off) so the estimated liquidation price stays that far from the mark (``core.brackets``).
Caps are computed before routing, in base units at the reference price, and join ``cap_base``.

The reference price is the venue's mark when known, else its book's mid (best bid and ask), else
the best price on the side the order takes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from decimal import Decimal

from sor_desktop.core.brackets import max_notional_at_leverage, max_notional_for_distance
from sor_desktop.core.funding import funding_per_base, settlements_in_hold
from sor_desktop.core.orders import Side
from sor_desktop.core.plan import PlanRequest, VenueInput


@dataclass(frozen=True, slots=True)
class VenueCosts:
    funding_per_base: float = 0.0  # quote units per base unit over the hold; + paid, - received
    settlements: float = 0.0  # funding settlements crossed in the hold
    reference_price: float | None = None
    cap_reason: str | None = None  # what set the futures cap, when one was set


def reference_price(v: VenueInput, side: Side) -> float | None:
    if v.mark_price is not None and v.mark_price > 0:
        return float(v.mark_price)
    bids, asks = v.book.bids, v.book.asks
    if len(bids) and len(asks):
        return float(bids[0, 0] + asks[0, 0]) / 2
    levels = asks if side is Side.BUY else bids
    return float(levels[0, 0]) if len(levels) else None


def apply(v: VenueInput, request: PlanRequest) -> tuple[VenueInput, VenueCosts]:
    """``v`` as the router should see it (fee and cap), and its per-unit funding."""
    side = request.side
    ins = v.instrument
    if v.fee is not None:
        ins = replace(ins, taker_fee=Decimal(repr(float(v.fee))))
    price = reference_price(v, side)
    costs = VenueCosts(reference_price=price)
    if price is None:
        return (v if ins is v.instrument else replace(v, instrument=ins)), costs
    if v.funding is not None and request.hold_hours:
        costs = replace(costs, settlements=settlements_in_hold(v.funding, request.hold_hours, request.now_ms),
                        funding_per_base=funding_per_base(v.funding, side, price, request.hold_hours,
                                                          request.now_ms))
    cap = v.cap_base
    if v.brackets and v.leverage:
        limits = [(max_notional_at_leverage(v.brackets, v.leverage), f"leverage bracket for {v.leverage:g}x")]
        if request.min_liq_distance:
            limits.append((max_notional_for_distance(v.brackets, v.leverage, side, request.min_liq_distance),
                           f"liquidation distance {request.min_liq_distance * 100:g} %"))
        sign = 1.0 if side is Side.BUY else -1.0
        for notional, why in limits:
            if math.isinf(notional):
                continue
            # the position after the fill, |position + sign x fill| x price, stays within the notional
            room = max(notional / price - sign * v.position_base, 0.0)
            if cap is None or room < cap:
                cap, costs = room, replace(costs, cap_reason=why)
    if ins is v.instrument and cap is v.cap_base:  # nothing to apply: no copy (ten venues, every plan)
        return v, costs
    return replace(v, instrument=ins, cap_base=cap), costs
