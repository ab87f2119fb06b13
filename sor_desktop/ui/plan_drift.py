"""What changed between the plan a trader is looking at and a fresh plan of the same request on
newer books. No Qt: the confirmation dialog asks it before anything can be sent."""

from __future__ import annotations

from sor_desktop.core.plan import Leg, Plan

# A leg whose share of the order moved by more than this is a different plan. Less is the router
# trading a few lots between venues as books tick (seen in the real window: 0.037 -> 0.039 BTC on
# one venue of a 2.5 BTC buy, every second): re-planning on that, the dialog could never be
# confirmed, and the shown plan, whose limits still protect it, is what would be sent anyway.
SHARE_CHANGE = 0.10


def plan_changes(shown: Plan, fresh: Plan | None, slippage_bps: float) -> list[str]:
    """One line per difference that must be seen before sending: a venue whose part of the order
    (added, dropped or resized) moved by more than ``SHARE_CHANGE`` of it, a different total, or a limit
    price worse than the shown one by more than the slippage tolerance. Empty when the shown plan
    still stands (limits that moved less than the tolerance, or in the trader's favour, do not
    count: the shown limits are what is sent)."""
    if fresh is None or not fresh.legs:
        return ["no venue can fill this order on the current books"]
    old = {lg.venue: lg for lg in shown.legs}
    new = {lg.venue: lg for lg in fresh.legs}
    out: list[str] = []
    if abs(fresh.filled - shown.filled) > 1e-9 * max(1.0, shown.filled):
        out.append(f"fills {fresh.filled:,.4f} instead of {shown.filled:,.4f}")
    material = SHARE_CHANGE * max(shown.filled, 1e-12)
    for venue in sorted(old.keys() | new.keys()):
        a, b = old.get(venue), new.get(venue)
        if b is None and a is not None:
            if a.amount_base > material:
                out.append(f"{venue}: leg dropped (was {a.contracts} contracts)")
        elif a is None and b is not None:
            if b.amount_base > material:
                out.append(f"{venue}: new leg of {b.contracts} contracts at limit {b.limit_price}")
        elif a is not None and b is not None:
            if abs(a.amount_base - b.amount_base) > material:
                out.append(f"{venue}: {a.contracts} -> {b.contracts} contracts")
            worse = limit_worse_bps(a, b, buy=shown.side == "buy")
            if worse > slippage_bps:
                out.append(f"{venue}: limit {a.limit_price} -> {b.limit_price} ({worse:+.1f} bps worse)")
    return out


def limit_worse_bps(shown: Leg, fresh: Leg, *, buy: bool) -> float:
    """How much worse the fresh limit is for the trader, in bps of the shown one (negative: better)."""
    a, b = float(shown.limit_price_dec), float(fresh.limit_price_dec)
    if a <= 0:
        return 0.0
    return (b - a) / a * 1e4 * (1 if buy else -1)
