"""Text and JSON views of a plan and of a route's outcome, for the ``route`` command."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TextIO

from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.instrument import Instrument, base_and_quote
from sor_desktop.core.orders import Side
from sor_desktop.core.plan import AmountUnit, Plan
from sor_desktop.core.price_format import amount_digits, format_average, format_price
from sor_desktop.engine.exec_events import LegEvent, RouteResult, fill_status
from sor_desktop.engine.margin_caps import VenueMargin
from sor_desktop.engine.tca import LegTca, RouteTca, fee_text, fees_text


def _leg_fee(t: LegTca | None, lg: LegEvent) -> str:
    """The leg's fee in quote units as its analysis values it, said to be an estimate when it is."""
    if t is not None:
        return fee_text(t)
    return "unknown" if lg.fee_estimated and lg.fee == 0 and lg.filled_contracts > 0 else (
        f"~{lg.fee:.4f} est." if lg.fee_estimated else f"{lg.fee:.4f}")


def _f(v: float | None, fmt: str = ",.2f") -> str:
    return "-" if v is None else format(v, fmt)


def print_plan(plan: Plan, out: TextIO, skipped: dict[str, str], single_why: str | None = None) -> None:
    base = base_and_quote(plan.symbol)[0]
    digits = amount_digits([plan.requested, plan.filled, *(lg.amount_base for lg in plan.legs)])
    print(f"Plan: {plan.side} {amount_text(plan.requested, plan)} of {plan.symbol}", file=out)
    print(f"  {'venue':<13}{'contracts':>12}{'base':>12}{'avg price':>14}{'limit':>14}{'fee':>10}{'share':>8}",
          file=out)
    # prices with the venues' tick: a fixed 2 decimals wrote DOGE's as 0.15
    tick = plan.price_tick()
    for lg in plan.legs:
        print(f"  {lg.venue:<13}{lg.contracts:>12}{lg.amount_base:>12,.{digits}f}{format_average(lg.avg_price, tick):>14}"
              f"{format_price(lg.limit_price_dec, tick):>14}{lg.fee:>10.4f}{lg.share:>8.1%}",
              file=out)  # the limit sent, only grouped (as the window writes it)
    print(f"  total {plan.filled:,.{digits}f} {base} at {format_average(plan.avg_price, tick)} avg, notional {plan.notional:,.2f}, "
          f"fees {plan.fees:,.4f}, all-in {plan.total_cost:,.2f}", file=out)
    if plan.best_single is not None and plan.single_venue_is_best:  # not "+0.00 bps" against itself
        print(f"  one venue alone is best: {plan.best_single.venue}", file=out)
    elif plan.best_single is not None:
        print(f"  vs best single venue ({plan.best_single.venue}): {plan.savings_bps:+.2f} bps "
              f"({plan.savings_quote:+,.2f})", file=out)
        if plan.best_single_note:  # e.g. no venue alone can fill it: say what was compared, and why
            print(f"    ({plan.best_single_note}{'; why: ' + single_why if single_why else ''})", file=out)
    if plan.funding is not None:  # with a holding time: what the legs pay over it, and where it is not known
        legs = ", ".join(f"{lg.venue} {plan.funding_cell(lg)}" for lg in plan.legs)
        print(f"  funding over {plan.hold_hours or 0:g} h: {plan.funding:+,.2f} (+ paid, - received; {legs})", file=out)
        if plan.funding_unknown_note:
            print(f"  {plan.funding_unknown_note}", file=out)
    if plan.short:  # not "unfilled 0.00 USDT"
        print(f"  unfilled {amount_text(plan.unfilled, plan)}: {plan.unfilled_reason or 'not enough liquidity'}", file=out)
    for venue, why in list(plan.excluded) + sorted(skipped.items()):
        print(f"  excluded {venue}: {why}", file=out)


def amount_text(x: float, plan: Plan, *, named: bool = True) -> str:
    """An amount in the plan's unit as the window writes it: a notional in cents, a base amount
    with its lots' digits, grouped ('5,244,342 DOGE', where ':g' wrote 5.24434e+06)."""
    base, quote = base_and_quote(plan.symbol)
    if plan.unit == "quote":
        return f"{x:,.2f}" + (f" {quote}" if named else "")
    digits = amount_digits([x, *(lg.amount_base for lg in plan.legs)])
    return f"{x:,.{digits}f}" + (f" {base}" if named else "")


def print_outcome(result: RouteResult, out: TextIO, plan: Plan | None = None) -> None:
    if not result.sent:
        print(f"Route {result.route_id} NOT SENT:", file=out)
        for p in result.problems:
            print(f"  - {p}", file=out)
        return
    tca = result.tca
    per_leg = {lg.client_order_id: lg for lg in tca.legs} if tca else {}
    print(f"Route {result.route_id}: {result.state}", file=out)
    # contracts are per venue (MEXC's BTC contract is 0.0001 BTC): base units as well, to compare legs
    print(f"  {'venue':<13}{'status':<18}{'filled ct':>12}{'filled base':>13}{'avg price':>14}{'slip bps':>10}"
          f"{'fee':>10}{'ack ms':>9}", file=out)
    # prices with the plan's tick and contracts as the plan wrote them (0.15000 and 70.76 above
    # read 0.150000 and 70.760 here)
    tick = plan.price_tick() if plan is not None else None
    for lg in result.legs:
        t = per_leg.get(lg.client_order_id)  # its fee is in quote units (an inverse leg's coin fee valued)
        filled = float(lg.filled_base)
        amount = amount_text(filled, plan, named=False) if plan is not None else f"{filled:.6g}"
        contracts = f"{lg.filled_contracts.normalize():f}"
        print(f"  {lg.venue:<13}{lg.status:<18}{contracts:>12}{amount:>13}"
              f"{'-' if lg.avg_price is None else format_average(lg.avg_price, tick):>14}"
              f"{_f(t.slippage_bps if t else None, '+.2f'):>10}{_leg_fee(t, lg):>10}"
              f"{_f(lg.latency_ms, '.1f'):>9}", file=out)
        if lg.reason and lg.status in ("rejected", "unknown"):
            print(f"      {lg.reason}", file=out)
    if tca is not None:
        print_tca(tca, out, tick)
    if result.remainder > 0:
        left = amount_text(result.remainder, plan) if plan is not None else f"{result.remainder:g}"
        print(f"  remainder not filled: {left}", file=out)


def print_tca(tca: RouteTca, out: TextIO, tick: Decimal | None = None) -> None:
    preview, realised = tca.preview_avg_price_filled or tca.preview_avg_price, tca.realised_avg_price
    print(f"  previewed {'-' if preview is None else format_average(preview, tick)} -> realised "
          f"{'-' if realised is None else format_average(realised, tick)}: slippage {_f(tca.slippage_bps, '+.2f')} bps; filled "
          f"{tca.filled_base:,.{amount_digits([tca.filled_base])}f} ({tca.fill_ratio:.1%} of plan); fees {fees_text(tca)} "
          f"(previewed {tca.preview_fees:,.4f})", file=out)
    if tca.latency_ms:
        lat = ", ".join(f"{v} {ms:.1f}" for v, ms in sorted(tca.latency_ms.items()))
        print(f"  send->ack ms: {lat}", file=out)


def single_venue_why(plan: Plan, books: Mapping[str, BookSnapshot], instruments: Mapping[str, Instrument],
                     caps: Mapping[str, VenueMargin]) -> str | None:
    """Why no venue alone fills the plan: its margin cap or its book's depth (per venue, the
    smaller one is what stops it)."""
    if not plan.best_single_note:
        return None
    margin: list[tuple[float, str]] = []
    depth: list[tuple[float, str]] = []
    for venue, book in books.items():
        inst = instruments.get(venue)
        if inst is None:
            continue
        levels = book.asks if plan.side is Side.BUY else book.bids
        held = float(levels[:, 1].sum()) * float(inst.contract_size) if len(levels) else 0.0
        cap = caps[venue].cap_base if venue in caps else None
        if cap is not None and cap < held:
            margin.append((cap, venue))
        else:
            depth.append((held, venue))
    parts = []
    if margin:
        best = max(margin)
        parts.append(f"margin caps (the most a venue's free margin carries: {best[0]:,.{amount_digits([best[0]], 4)}f} "
                     f"on {best[1]})")
    if depth:
        best = max(depth)
        parts.append(f"depth (the deepest book holds {best[0]:,.{amount_digits([best[0]], 4)}f} on {best[1]})")
    return " and ".join(parts) or None


def route_status(plan: Plan, result: RouteResult | None) -> str:
    """"filled" | "partly filled" | "not filled", against the amount asked for."""
    sent = result is not None and result.sent
    base = float(sum(lg.filled_base for lg in result.legs)) if result is not None and sent else 0.0
    in_full = (result is not None and sent and len(result.legs) == len(plan.legs)
               and all(lg.filled_contracts >= lg.contracts for lg in result.legs))
    return fill_status(plan, base, legs_in_full=in_full)


def _filled_in_unit(plan: Plan, result: RouteResult | None) -> float:
    if result is None or not result.sent:
        return 0.0
    if plan.unit is AmountUnit.QUOTE:
        return float(sum(lg.filled_base * (lg.avg_price or 0) for lg in result.legs))
    return float(sum(lg.filled_base for lg in result.legs))


def outcome_json(plan: Plan, result: RouteResult | None, skipped: dict[str, str], *,
                 confirmed: bool) -> dict[str, Any]:
    filled = _filled_in_unit(plan, result)
    out: dict[str, Any] = {
        "requested": plan.requested, "filled": filled, "unfilled": max(plan.requested - filled, 0.0),
        "unit": str(plan.unit), "status": route_status(plan, result),
        "plan": plan.to_json(), "skipped": skipped, "confirmed": confirmed,
    }
    if result is None:
        return out
    out.update({
        "journal_error": result.journal_error,
        "route_id": result.route_id,
        "state": str(result.state),
        "problems": [{"code": p.code, "venue": p.venue, "message": p.message} for p in result.problems],
        "legs": [{
            "client_order_id": lg.client_order_id, "venue": lg.venue, "status": str(lg.status),
            "contracts": str(lg.contracts), "limit_price": str(lg.limit_price),
            "filled_contracts": str(lg.filled_contracts), "filled_base": str(lg.filled_base),
            "avg_price": None if lg.avg_price is None else str(lg.avg_price), "fee": str(lg.fee), "fee_estimated": lg.fee_estimated,
            "latency_ms": lg.latency_ms, "reason": lg.reason,
        } for lg in result.legs],
        "tca": result.tca.to_json() if result.tca else None,
        "remainder": result.remainder,
    })
    return out
