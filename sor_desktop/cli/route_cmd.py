"""``sor-desktop route``: plan on current books, confirm, send through the executor and journal the
window uses, and print each leg's outcome with the cost analysis.

Exit codes: 0 the requested amount filled; 3 partly or not filled (including nothing to send,
declined, blocked by a pre-trade check, a leg still unresolved); 2 bad input; 4 the journal cannot
be trusted (damaged or in use: nothing sent; or orders went out and their state could not be
saved: trading stays blocked until it is reconciled); 1 an unexpected error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import time
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from sor_desktop import paths
from sor_desktop.cli import confirm_prompt, numbers, sim_args, window_guard
from sor_desktop.cli.errors import CliError
from sor_desktop.cli.route_print import (
    amount_text,
    outcome_json,
    print_outcome,
    print_plan,
    route_status,
    single_venue_why,
)
from sor_desktop.cli.route_venues import (
    Account,
    Connected,
    close_all,
    connect,
    fresh_books,
    make_venues,
    margin_caps,
)
from sor_desktop.core.account import PositionMode
from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.checks import CheckLimits, Problem
from sor_desktop.core.client_ids import new_route_id
from sor_desktop.core.orders import Side
from sor_desktop.core.plan import DEFAULT_LEG_COST, AmountUnit, Plan, PlanRequest, VenueInput
from sor_desktop.core.router import MAX_SLIPPAGE_BPS
from sor_desktop.core.venue_terms import VenueTerms
from sor_desktop.engine.exec_events import RouteState
from sor_desktop.engine.executor import DEFAULT_MAX_ROUTE_NOTIONAL, Executor, ExecutorConfig
from sor_desktop.engine.guards_config import KEYS as GUARD_KEYS
from sor_desktop.engine.guards_config import Guards, load_guards
from sor_desktop.engine.journal import Journal, JournalError
from sor_desktop.engine.margin_caps import VenueMargin, plan_margin_problems
from sor_desktop.engine.venue_terms import TermsKeeper
from sor_desktop.venues.base import Mode
from sor_desktop.venues.sim.config import DEFAULT_SIM_BALANCES, parse_balances

log = logging.getLogger(__name__)

EXIT_FILLED, EXIT_SHORT, EXIT_JOURNAL, EXIT_NO_VENUE = 0, 3, 4, 5


class TradingRefused(CliError):
    """The journal cannot be trusted: nothing may be sent (exit 4)."""

    exit_code = EXIT_JOURNAL

# When neither --max-notional nor config.json sets one: the window's default largest order, so a
# fat-fingered amount is refused headless too instead of going out as "whatever the venues take".
DEFAULT_MAX_NOTIONAL = DEFAULT_MAX_ROUTE_NOTIONAL


# a guard above this guards nothing (config.json's own ceiling for max_notional)
LARGEST_ROUTE_NOTIONAL = GUARD_KEYS["max_notional"][2]


class NoVenue(CliError):
    """No venue gave a book: the network or the venues, not the input (a script may retry)."""

    exit_code = EXIT_NO_VENUE


def add_parser(subparsers: Any) -> None:
    p = subparsers.add_parser("route", help="plan and send one order across venues, headless",
                              description="Plan on current books, confirm, send, print each leg's outcome.")
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--sim", action="store_true", help="the simulated market (no network, no keys)")
    mode.add_argument("--paper", action="store_true", help="live public books, orders matched locally")
    mode.add_argument("--live", action="store_true", help="real orders, with keys from the vault")
    p.add_argument("--symbol", required=True, help="unified symbol, e.g. BTC/USDT:USDT")
    p.add_argument("--side", required=True, choices=("buy", "sell"))
    p.add_argument("--amount", required=True, help="amount in --unit")
    p.add_argument("--unit", choices=("base", "quote"), default="base", help="base units or a quote notional")
    p.add_argument("--venues", nargs="+", help="venue ids (space or comma separated; default the five)")
    p.add_argument("--slippage-bps", default="5", help="limit price tolerance (default %(default)s)")
    p.add_argument("--max-venues", help="split across at most this many venues")
    p.add_argument("--max-notional", help="refuse routes above this notional (default: config max_notional, "
                                          f"else {DEFAULT_MAX_NOTIONAL:,.0f})")
    p.add_argument("--leverage", default="10",
                   help="caps each venue at free margin x leverage where neither its position nor its "
                        "account (keys) says its own (default %(default)s)")
    p.add_argument("--hold-hours", metavar="H",
                   help="intended holding time: each venue's funding over H hours joins its cost")
    p.add_argument("--limit-price", help="a hard price limit: a buy takes nothing above it, a sell nothing below "
                                         "it, and no leg's limit passes it")
    p.add_argument("--leg-cost", default=f"{DEFAULT_LEG_COST:g}", metavar="USDT",
                   help="fixed cost of each leg beyond its fees: a venue is used only when it saves more "
                        "(default %(default)s)")
    p.add_argument("--sim-balance", metavar="USDT|VENUE=USDT,...",
                   help="--sim: each venue's starting USDT, one amount for all or per venue (default "
                        + ", ".join(f"{v} {b:,}" for v, b in DEFAULT_SIM_BALANCES.items()) + ")")
    p.add_argument("--yes", action="store_true", help="send without asking")
    p.add_argument("--json", action="store_true", help="print one JSON document instead of tables")
    p.add_argument("--journal", type=Path, help="journal file (default: the app's)")
    p.add_argument("--vault", type=Path, help="key vault for --live (default: the app's)")
    p.add_argument("--seed", type=sim_args.seed, default=7, help="seed of the simulated market (default %(default)s)")
    p.add_argument("--timeout", default="15", help="seconds to wait for each venue (default %(default)s)")


def _venue_ids(raw: list[str] | None) -> list[str] | None:
    if raw is None:
        return None
    ids = [v.strip() for item in raw for v in item.split(",") if v.strip()]
    if not ids:
        raise CliError("--venues needs at least one venue id")
    return ids


def _guards(arg: str | None) -> Guards:
    """config.json's guards, the window's own largest order and --max-notional: the lowest of the
    per-route maximums applies, so a flag or a second file can tighten the trader's guard for a
    route and never lift it (a flag of 1e9 had sent 156,000 USDT past config.json's 50,000). A
    config.json that cannot be trusted refuses the route (its defaults may be far above what the
    trader set); bad input is an error."""
    guards = load_guards(paths.config_path())
    if guards.refusal is not None:
        raise CliError(f"{guards.refusal}; nothing was sent")
    window = window_guard.largest_order()
    if window is not None and window.value < guards.max_route_notional:
        guards = replace(guards, max_route_notional=window.value, route_from=window.source)
    if arg is None:
        return guards
    asked = numbers.number(arg, "--max-notional")
    if asked > LARGEST_ROUTE_NOTIONAL:
        raise CliError(f"--max-notional must be at most {LARGEST_ROUTE_NOTIONAL:,.0f} (a guard that high guards "
                       f"nothing), got {arg}")
    if asked > guards.max_route_notional:
        print(f"sor-desktop: --max-notional {asked:,.10g} is above {guards.route_from} "
              f"({guards.max_route_notional:,.10g}): the lower applies", file=sys.stderr)
        return guards
    return replace(guards, max_route_notional=asked, route_from="--max-notional")


def _mode(args: argparse.Namespace) -> Mode:
    return Mode.SIMULATED if args.sim else Mode.PAPER if args.paper else Mode.LIVE


def _inputs(conn: Connected, books: dict[str, Any], caps: dict[str, VenueMargin],
            terms: Mapping[str, VenueTerms] | None = None, leverage: float | None = None) -> list[VenueInput]:
    """The venues as the router sees them: margin caps, view-only, and each venue's fee, funding
    and brackets (``Venue.fetch_terms``) at the route's leverage."""
    out = []
    for vid, book in sorted(books.items()):
        c = conn.venues[vid].capabilities
        excluded = None if c.trading_allowed else f"view-only: {c.view_only_reason or 'orders are off'}"
        m = caps.get(vid)
        if excluded is None and m is not None and m.cap_base <= 0:
            excluded = m.reason or "no free margin"
        extra = terms[vid].router_terms() if terms and vid in terms else {}
        own = terms[vid].leverage if terms and vid in terms else None  # the account's, where the venue said it
        out.append(VenueInput(book, conn.instruments[vid], cap_base=m.cap_base if m else None, excluded=excluded,
                              leverage=own or leverage, **extra))
    return out


def _planner(conn: Connected, caps: dict[str, VenueMargin], terms: Mapping[str, VenueTerms] | None = None,
             leverage: float | None = None):  # type: ignore[no-untyped-def]
    def plan(request: PlanRequest, books: Any) -> Plan:
        from sor_desktop.core.router import plan_route

        return plan_route(request, _inputs(conn, dict(books), caps, terms, leverage))

    return plan


async def _confirm(plan: Plan, err: Any) -> bool:
    if not sys.stdin or not sys.stdin.isatty():
        raise CliError("no terminal to confirm on: pass --yes to send without asking")
    n = len(plan.legs)
    answer = await confirm_prompt.ask(f"Send {n} order{'s' if n != 1 else ''}? [y/N] ", err)
    return answer.strip().lower() in ("y", "yes")


class _Progress:
    sending = False  # from the executor's first step: what Ctrl+C interrupts may be out


async def _route(args: argparse.Namespace, request: PlanRequest, limits: CheckLimits, guards: Guards) -> int:
    progress = _Progress()
    try:
        return await _route_steps(args, request, limits, guards, progress)
    except asyncio.CancelledError:  # asyncio.run's answer to Ctrl+C
        if progress.sending:  # each leg is in the journal before it leaves: the next start asks its outcome
            raise confirm_prompt.Interrupted(
                "interrupted while sending: orders may have gone out; they are in the journal (journal list), "
                "and the next route or window start asks the venues for their outcome first") from None
        raise confirm_prompt.Interrupted("interrupted: nothing was sent") from None


async def _route_steps(args: argparse.Namespace, request: PlanRequest, limits: CheckLimits, guards: Guards,
                       progress: _Progress) -> int:
    out = sys.stderr if args.json else sys.stdout
    mode = _mode(args)
    venues = make_venues(mode, _venue_ids(args.venues), seed=args.seed, vault_path=args.vault,
                         sim_balance=args.sim_balance)
    try:
        journal = Journal(args.journal)
    except JournalError as exc:
        await close_all(venues)
        raise TradingRefused(f"{exc}; nothing was sent") from None
    try:
        # a venue that asks its account's permission with a probe order at connect (MEXC) journals
        # it: an executor over every venue attaches the journal; one left open is reconciled below
        Executor({v.id: v for v in venues}, journal)
        conn = await connect(venues, args.symbol, args.timeout)
        if not conn.venues:
            why = "; ".join(f"{v}: {r}" for v, r in sorted(conn.skipped.items()))
            unlisted = all(r.startswith("does not list") for r in conn.skipped.values())
            raise (CliError if unlisted else NoVenue)(f"no venue could give a book of {args.symbol} ({why})")
        accounts: dict[str, Account] = {}  # read with the caps below
        fees: dict[str, float] = {}  # the accounts' own taker rates, where the venues said them
        levs: dict[str, float] = {}  # the accounts' own leverages on the symbol, where the venues said them

        def margin_check(plan: Plan, books: Mapping[str, BookSnapshot]) -> list[Problem]:
            # the legs against the free margin read for the caps, at the marks of the books sent on
            # (the trader may have taken a while to confirm)
            return plan_margin_problems(plan, books, conn.instruments, {v: a[0] for v, a in accounts.items()},
                                        {v: a[1] for v, a in accounts.items()}, leverage=args.leverage,
                                        hedged={v for v, a in accounts.items() if a[2] is PositionMode.HEDGE},
                                        fees=fees, leverages=levs)

        ex = Executor(conn.venues, journal, config=ExecutorConfig(
            limits=limits, max_route_notional=guards.max_route_notional, max_day_notional=guards.max_day_notional),
            margin_check=margin_check)
        if not ex.ready:
            print(f"Reconciling {len(ex.unreconciled())} earlier order(s) with the venues...", file=out)
            report = await ex.recover()
            if not report.clean:
                raise CliError(f"{len(report.unresolved)} earlier order(s) still have no known outcome; "
                               "nothing was sent (try again when the venues answer)")
        keeper = TermsKeeper(lambda level, text: print(f"sor-desktop: {text}", file=sys.stderr))
        await keeper.refresh(conn.venues, args.symbol, time.time())
        fees.update({v: t.fee.taker for v, t in keeper.for_symbol(args.symbol).items() if t.fee.own})
        levs.update({v: t.leverage for v, t in keeper.for_symbol(args.symbol).items() if t.leverage})
        caps = await margin_caps(conn, request.side, args.leverage, request.slippage_bps, accounts=accounts,
                                 fees=fees, leverages=levs)
        plan = _planner(conn, caps, keeper.for_symbol(args.symbol), args.leverage)(request, conn.books)
        _refuse_above_max(plan, limits, guards.route_from)
        print_plan(plan, out, conn.skipped, single_venue_why(plan, conn.books, conn.instruments, caps))
        if not plan.legs:
            if args.json:
                print(json.dumps(outcome_json(plan, None, conn.skipped, confirmed=False)))
            print("Nothing to send.", file=out)
            return EXIT_SHORT
        route_id = new_route_id()  # fixed at confirmation: a repeat of this command is a new route
        if not args.yes and not await _confirm(plan, out):
            print("Not sent.", file=out)
            if args.json:
                print(json.dumps(outcome_json(plan, None, conn.skipped, confirmed=False)))
            return EXIT_SHORT
        books = await fresh_books(conn, args.symbol, args.timeout)
        progress.sending = True
        result = await ex.execute(plan, books, route_id=route_id)
        print_outcome(result, out, plan)
        if result.state is RouteState.BLOCKED:  # printed above; the window logs its own the same way
            log.warning("route %s not sent: %s", result.route_id, "; ".join(str(p) for p in result.problems))
        if result.sent:
            got = outcome_json(plan, result, conn.skipped, confirmed=True)
            print(f"{got['status']}: {amount_text(got['filled'], plan, named=False)} of "
                  f"{amount_text(got['requested'], plan)}", file=out)
        if args.json:
            print(json.dumps(outcome_json(plan, result, conn.skipped, confirmed=True), default=str))
        if result.journal_error:
            print(f"sor-desktop: {result.journal_error}", file=sys.stderr)
            return EXIT_JOURNAL
        if any(p.code == "journal" for p in result.problems):
            return EXIT_JOURNAL
        if result.state is RouteState.UNRESOLVED:
            print("sor-desktop: a leg's outcome is still unknown: the next route waits until it is reconciled",
                  file=sys.stderr)
        return EXIT_FILLED if route_status(plan, result) == "filled" else EXIT_SHORT
    finally:
        await close_all(venues)
        journal.close()


def _refuse_above_max(plan: Plan, limits: CheckLimits, source: str) -> None:
    """The amount asked for, not only what the venues can take now: a plan capped by depth or
    margin would otherwise send part of an order that was never meant at that size. A plan that is
    itself above the maximum is left to the executor's pre-trade check (reported as blocked)."""
    if limits.max_notional is None or not plan.filled or plan.notional > limits.max_notional:
        return
    asked = plan.requested if plan.unit is AmountUnit.QUOTE else plan.requested * plan.avg_price
    if asked > limits.max_notional:
        raise CliError(f"the amount is about {asked:,.0f} USDT, above the maximum notional "
                       f"{limits.max_notional:,} ({source}); nothing was sent")


def run(args: argparse.Namespace) -> int:
    amount = float(numbers.amount(args.amount))
    # read as the trader writes numbers (numbers.py): float() took '1_0' as 10
    args.slippage_bps = numbers.number(args.slippage_bps, "--slippage-bps", positive=False)
    if args.slippage_bps >= MAX_SLIPPAGE_BPS:
        raise CliError(f"--slippage-bps must be below {MAX_SLIPPAGE_BPS:g} (100 %), got {args.slippage_bps:g}")
    if args.max_venues is not None:
        args.max_venues = int(numbers.number(args.max_venues, "--max-venues", positive=False, integer=True))
        if args.max_venues < 1:
            raise CliError("--max-venues must be at least 1")
    args.leverage = numbers.number(args.leverage, "--leverage")
    args.timeout = numbers.number(args.timeout, "--timeout (seconds)")
    limit_price = None if args.limit_price is None else numbers.number(args.limit_price, "--limit-price")
    leg_cost = numbers.number(args.leg_cost, "--leg-cost (USDT)", positive=False)
    if args.sim_balance is not None:
        if not args.sim:
            raise CliError("--sim-balance goes with --sim")
        try:
            parse_balances(args.sim_balance)
        except ValueError as exc:
            raise CliError(f"--sim-balance: {exc}") from None
    if "/" not in args.symbol:
        raise CliError(f"--symbol must be a unified symbol like BTC/USDT:USDT, got {args.symbol!r}")
    if args.hold_hours is not None:
        args.hold_hours = numbers.number(args.hold_hours, "--hold-hours", positive=False)
    request = PlanRequest(Side(args.side), amount, AmountUnit(args.unit), args.max_venues, args.slippage_bps,
                          limit_price=limit_price, leg_cost=leg_cost, hold_hours=args.hold_hours or None,
                          now_ms=int(time.time() * 1000))
    if args.journal is not None and not args.journal.parent.is_dir():
        # a typo made a new journal in new folders: its empty history passed the daily maximum
        raise CliError(f"the folder of --journal, {args.journal.parent}, does not exist; nothing was sent")
    if args.journal is not None and not args.journal.exists():
        new = f"a new journal at {args.journal}: its daily maximum counts only the routes in it"
        log.warning("%s", new)
        print(f"sor-desktop: {new}", file=sys.stderr)
    guards = _guards(args.max_notional)
    limits = CheckLimits(max_notional=Decimal(repr(guards.max_route_notional)), max_notional_from=guards.route_from)
    return asyncio.run(_route(args, request, limits, guards))
