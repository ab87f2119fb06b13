"""What changed between the plan a trader is looking at and a fresh plan of the same request on
newer books. No Qt: the confirmation dialog asks it before anything can be sent."""

from __future__ import annotations

from sor_desktop.core.plan import Leg, Plan


def plan_changes(shown: Plan, fresh: Plan | None, slippage_bps: float) -> list[str]:
    """One line per difference that must be seen before sending: a leg added, dropped or resized,
    or a limit price worse than the shown one by more than the slippage tolerance. Empty when the
    shown plan still stands (limits that moved less than the tolerance, or in the trader's favour,
    do not count: the shown limits are what is sent)."""
    if fresh is None or not fresh.legs:
        return ["no venue can fill this order on the current books"]
    old = {lg.venue: lg for lg in shown.legs}
    new = {lg.venue: lg for lg in fresh.legs}
    out: list[str] = []
    for venue in sorted(old.keys() | new.keys()):
        a, b = old.get(venue), new.get(venue)
        if b is None and a is not None:
            out.append(f"{venue}: leg dropped (was {a.contracts} contracts)")
        elif a is None and b is not None:
            out.append(f"{venue}: new leg of {b.contracts} contracts at limit {b.limit_price}")
        elif a is not None and b is not None:
            if a.contracts_dec != b.contracts_dec:
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
