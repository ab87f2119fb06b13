"""``sor-desktop plan``: the best split of an order across venues' book snapshots.

    sor-desktop plan --books resources/example_books.json --side buy --amount 2
    sor-desktop plan --books a.json b.jsonl --side sell --amount 50000 --unit quote --json
    sor-desktop plan --books resources/example_books.json --side buy --amount 5 --limit-price 60010

``--limit-price P`` is hard: a buy takes no level above P and a sell none below it, and no leg's
IOC limit passes P (with ``--limit-fee-adjusted`` P is compared with the price after the taker
fee). ``--leg-cost`` is what one more leg costs beyond its fees (USDT): a venue is used only when it
saves more than that. ``--hold-hours H`` adds each venue's funding over H hours (from the snapshot's
``funding``, settlements counted from the snapshot's time) to its cost; ``--leverage L`` and
``--min-liq-distance PCT`` (default 5, 0 = off) cap legs by the snapshots' ``brackets`` (see
``cli/book_terms.py`` for the snapshot keys). ``compute_ms`` is the median time of the plan computation alone (files
already loaded) over ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from dataclasses import replace
from typing import Any

from sor_desktop.cli import numbers
from sor_desktop.cli.book_files import LoadedBook, load_books
from sor_desktop.cli.errors import CliError
from sor_desktop.core.checks import CheckLimits
from sor_desktop.core.instrument import base_and_quote
from sor_desktop.core.orders import Side
from sor_desktop.core.plan import DEFAULT_LEG_COST, AmountUnit, Plan, PlanRequest, VenueInput
from sor_desktop.core.price_format import format_average, format_price
from sor_desktop.core.router import RouteError, plan_route


def add_parser(subparsers: Any) -> None:
    p = subparsers.add_parser("plan", help="plan the best split of an order across book snapshots",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--books", nargs="+", required=True, metavar="FILE",
                   help="snapshot files: a JSON object, a JSON list, or JSON Lines")
    # side, unit and numbers are checked here rather than by argparse, for one-line errors
    p.add_argument("--side", required=True, help="buy or sell")
    p.add_argument("--amount", required=True, help="amount in base units, or USDT with --unit quote")
    p.add_argument("--unit", default="base", help="base (default) or quote (a USDT notional before fees)")
    p.add_argument("--max-venues", default=None, help="use at most N venues")
    p.add_argument("--slippage-bps", default="5", help="IOC limit distance past the worst price (default 5)")
    p.add_argument("--limit-price", default=None, metavar="P",
                   help="hard price limit: a buy takes nothing above P, a sell nothing below P")
    p.add_argument("--limit-fee-adjusted", action="store_true",
                   help="compare --limit-price with the price after the taker fee")
    p.add_argument("--leg-cost", default=f"{DEFAULT_LEG_COST:g}", metavar="USDT",
                   help=f"fixed cost of each leg beyond its fees (default {DEFAULT_LEG_COST:g})")
    p.add_argument("--hold-hours", default=None, metavar="H",
                   help="intended holding time: each venue's funding over H hours joins its cost")
    p.add_argument("--leverage", default=None, metavar="L",
                   help="leverage for venues whose snapshot gives none (brackets and liquidation use it)")
    p.add_argument("--min-liq-distance", default="5", metavar="PCT",
                   help="keep each leg's estimated liquidation this %% from the mark (default 5, 0 = off)")
    p.add_argument("--max-book-age", default=f"{CheckLimits().max_book_age_s:g}", metavar="S",
                   help="leave out a venue whose snapshot is more than S seconds older than the newest "
                        "(default %(default)s, the window's staleness limit)")
    p.add_argument("--repeat", default="1", help="run the computation N times; compute_ms is the median")
    p.add_argument("--json", action="store_true", help="print the plan as JSON")


def _choice(value: str, enum: type[Side] | type[AmountUnit], what: str) -> Any:
    try:
        return enum(value.lower())
    except ValueError:
        allowed = " or ".join(e.value for e in enum)
        raise CliError(f"unknown {what} {value!r} (use {allowed})") from None


def request_from(args: argparse.Namespace) -> tuple[PlanRequest, int]:
    side = _choice(args.side, Side, "side")
    unit = _choice(args.unit, AmountUnit, "unit")
    amount = float(numbers.amount(args.amount))
    max_venues = None if args.max_venues is None else int(numbers.number(args.max_venues, "--max-venues", integer=True))
    slippage = numbers.number(args.slippage_bps, "--slippage-bps", positive=False)
    repeat = int(numbers.number(args.repeat, "--repeat", integer=True))
    limit = None if args.limit_price is None else numbers.number(args.limit_price, "--limit-price")
    if args.limit_fee_adjusted and limit is None:
        raise CliError("--limit-fee-adjusted needs --limit-price")
    leg_cost = numbers.number(args.leg_cost, "--leg-cost", positive=False)
    hold = None if args.hold_hours is None else numbers.number(args.hold_hours, "--hold-hours", positive=False)
    distance = numbers.number(args.min_liq_distance, "--min-liq-distance", positive=False)
    if distance >= 100:
        raise CliError(f"--min-liq-distance must be below 100 (%), got {args.min_liq_distance!r}")
    return PlanRequest(side, amount, unit, max_venues, slippage, limit_price=limit,
                       limit_on_fee_adjusted=args.limit_fee_adjusted, leg_cost=leg_cost, hold_hours=hold,
                       min_liq_distance=distance / 100 or None), repeat


def venue_inputs(books: list[LoadedBook], request: PlanRequest, leverage: float | None,
                 max_age_s: float = CheckLimits().max_book_age_s) -> tuple[list[VenueInput], PlanRequest]:
    """The routed venues with their snapshot's futures terms; funding is counted from the latest
    snapshot's time (a recorded plan is the same plan tomorrow). A snapshot more than
    ``max_age_s`` older than the newest is left out with its age, as the window leaves out a
    stale book (a recording's venue that stopped answering had taken the whole order)."""
    now = max((b.book.timestamp for b in books), default=0)
    out = []
    for b in books:
        t = b.terms
        lag = (now - b.book.timestamp) / 1000
        stale = f"its book is {lag:,.0f} s older than the newest" if lag > max_age_s else None
        out.append(VenueInput(b.book, b.instrument, fee=t.fee, funding=t.funding, brackets=t.brackets,
                              leverage=t.leverage or leverage, mark_price=t.mark_price, excluded=stale))
    return out, replace(request, now_ms=now or None)


def run(args: argparse.Namespace) -> int:
    request, repeat = request_from(args)
    leverage = None if args.leverage is None else numbers.number(args.leverage, "--leverage")
    max_age = numbers.number(args.max_book_age, "--max-book-age", positive=False)
    venues, request = venue_inputs(load_books(args.books), request, leverage, max_age)
    times = []
    plan: Plan | None = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        try:
            plan = plan_route(request, venues)
        except RouteError as exc:
            raise CliError(str(exc)) from None
        times.append((time.perf_counter() - t0) * 1e3)
    assert plan is not None
    plan = replace(plan, compute_ms=statistics.median(times))
    if args.json:
        print(json.dumps(plan.to_json(), indent=2))
    else:
        print(render(plan, repeat))
    return 0


def _amount(x: float) -> str:
    """An amount in plain digits (never ``1e-05``), to 8 significant figures."""
    text = f"{x:.8g}"
    if "e" not in text:
        return text
    return f"{x:.{max(0, 7 - math.floor(math.log10(abs(x))))}f}".rstrip("0").rstrip(".")


def render(plan: Plan, repeat: int = 1) -> str:
    """The plan as a readable table."""
    base = base_and_quote(plan.symbol)[0] or "base"
    tick = plan.price_tick()
    unit = base if plan.unit is AmountUnit.BASE else "USDT"
    money = "all-in cost" if plan.side is Side.BUY else "proceeds after fees"
    terms = f"IOC limits {plan.slippage_bps:g} bps past the worst price"
    if plan.limit_price is not None:
        what = "all-in price" if plan.limit_on_fee_adjusted else "price"
        terms += f", never {'above' if plan.side is Side.BUY else 'below'} the limit {what} {format_price(plan.limit_price, tick)}"
    lines = [f"{plan.side.upper()} {plan.requested:g} {unit} of {plan.symbol}  ({terms})", ""]
    head: tuple[str, ...] = ("venue", "contracts", base, "avg price", "worst", "limit", "fee", money, "share")
    mixed = len({lg.symbol for lg in plan.legs}) > 1 or any(lg.symbol != plan.symbol for lg in plan.legs)
    rows = [head] + [
        (f"{lg.venue} {lg.symbol}" if mixed else lg.venue, lg.contracts, f"{lg.amount_base:.8g}", format_average(lg.avg_price, tick),
         format_price(lg.worst_price, tick), format_price(lg.limit_price_dec, tick), f"{lg.fee:,.2f}", f"{lg.cost:,.2f}", f"{lg.share:.1%}")
        for lg in plan.legs
    ]
    rows = _futures_columns(plan, rows)
    head = rows[0]
    if plan.legs:
        widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
        for n, r in enumerate(rows):
            cells = zip(r, widths, strict=True)
            lines.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(cells)))
            if n == 0:
                lines.append("  ".join("-" * w for w in widths))
    else:
        lines.append("no legs: nothing can be filled")
    lines.append("")
    lines.append(f"filled {plan.filled:.8g} {base} at avg {format_average(plan.avg_price, tick)}; notional {plan.notional:,.2f} USDT, "
                 f"fees {plan.fees:,.2f}, {money} {plan.total_cost:,.2f} USDT")
    if plan.best_single is not None:
        bs = plan.best_single
        if plan.single_venue_is_best:
            lines.append(f"one venue alone is best: {bs.venue}")
        else:
            lines.append(f"best single venue: {bs.venue} ({bs.filled:.8g} {base} at avg {format_average(bs.avg_price, tick)}, "
                         f"{money} {bs.total_cost:,.2f}); the split saves {plan.savings_bps:.2f} bps "
                         f"= {plan.savings_quote:,.2f} USDT")
        if plan.best_single_note:
            lines.append(f"  ({plan.best_single_note})")
    if plan.hold_hours is not None:
        lines.append(f"funding over {plan.hold_hours:g} h: {plan.funding or 0.0:+,.2f} USDT "
                     "(+ paid, - received; not in the cost above)")
        if plan.funding_unknown_note:
            lines.append(f"  {plan.funding_unknown_note} (their snapshots carry no \"funding\")")
    if plan.savings_parts and not plan.single_venue_is_best:
        p = plan.savings_parts
        lines.append(f"  saving = price {p['price']:+,.2f} + fee {p['fee']:+,.2f} + funding {p['funding']:+,.2f} USDT")
    if plan.unfilled > 0 and plan.unfilled_reason:
        lines.append(f"unfilled {_amount(plan.unfilled)} {unit}: {plan.unfilled_reason}")
    for venue, reason in plan.excluded:
        lines.append(f"excluded {venue}: {reason}")
    lines.append(f"leg cost {plan.leg_cost:g} USDT per venue used; {plan.proof}")
    # a snapshot has a book and terms, no balances or positions: route and the window cap each
    # venue at its free margin, so their plan of the same books can be smaller on a venue
    lines.append("no account was read: no venue is capped at its free margin or position (route and the window are)")
    if plan.compute_ms is not None:
        lines.append(f"computed in {plan.compute_ms:.3f} ms (median of {repeat})")
    return "\n".join(lines)


def _futures_columns(plan: Plan, rows: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """A funding column with a holding time, a liquidation column when any leg has an estimate."""
    funding = plan.hold_hours is not None
    liq = any(lg.liquidation_price is not None for lg in plan.legs)
    if not (funding or liq):
        return rows
    out = [rows[0] + (("funding",) if funding else ()) + (("liq. price",) if liq else ())]
    for row, lg in zip(rows[1:], plan.legs, strict=True):
        extra: tuple[str, ...] = ()
        if funding:
            extra += (plan.funding_cell(lg),)
        if liq:
            extra += ("-" if lg.liquidation_price is None else f"{lg.liquidation_price:,.2f}",)
        out.append(row + extra)
    return out
