"""``sor-desktop journal list|export``: recent routes with their cost analysis, and a CSV export."""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from sor_desktop.cli import numbers
from sor_desktop.cli.errors import CliError
from sor_desktop.core.price_format import amount_digits, format_average, limits_tick
from sor_desktop.engine.exec_events import LOT_REMAINDER, WHOLE_CONTRACTS
from sor_desktop.engine.journal import MIXED, Journal, JournalError, NoJournal, RouteRow
from sor_desktop.engine.tca import RouteTca, export_csv, fees_text, journal_route_tca
from sor_desktop.venues.base import Mode

# readers: `journal list` on an empty read-only home had stopped at "cannot make the folder .../data"
MAKES_FOLDERS = False
MODES = tuple(str(m) for m in (Mode.SIMULATED, Mode.PAPER, Mode.LIVE))


def add_parser(subparsers: Any) -> None:
    p = subparsers.add_parser("journal", help="routes sent and their transaction cost analysis")
    sub = p.add_subparsers(dest="journal_command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--journal", type=Path, help="journal file (default: the app's)")
    common.add_argument("--limit", default="20", help="most recent routes (default %(default)s)")
    common.add_argument("--mode", choices=MODES, help="only routes of this mode (default: every mode)")
    ls = sub.add_parser("list", parents=[common], help="recent routes")
    ls.add_argument("--json", action="store_true", help="one JSON document")
    ex = sub.add_parser("export", parents=[common], help="export the cost analysis")
    ex.add_argument("--csv", type=Path, required=True, metavar="FILE", help="one row per leg")
    ex.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    ex.set_defaults(limit="1000000")


def _open(path: Path | None) -> Journal:
    try:
        return Journal(path, exclusive=False)  # read-only: fine beside a running app, changes nothing
    except JournalError as exc:
        raise CliError(str(exc)) from None


def _fmt(v: float | None, spec: str) -> str:
    return "-" if v is None else format(v, spec)


def _side(r: RouteRow) -> str:
    """"buy", "sell", or "mixed" for a flatten of longs and shorts (its legs say their own)."""
    return MIXED if r.side is None else str(r.side)


def _list(j: Journal, limit: int, as_json: bool, mode: str | None = None) -> int:
    rows = []
    for r in j.recent_routes(limit, mode):
        t = journal_route_tca(j, r.route_id)
        rows.append((r, t))
    if as_json:
        print(json.dumps([{"route_id": r.route_id, "parent_route_id": r.parent_route_id, "created": r.created,
                           "mode": r.mode, "symbol": r.symbol, "side": _side(r), "requested": r.requested,
                           "unit": r.unit, "state": r.state, "status": _status(r, t), "tca": t.to_json() if t else None}
                          for r, t in rows]))
        return 0
    if not rows:
        print(f"No {mode} routes in the journal." if mode else "No routes in the journal.")
        return 0
    head = ("when (UTC)", "route", "mode", "symbol", "side", "requested", "filled", "realised", "slip bps", "fees",
            "status", "state")
    table = [head]
    for r, t in rows:
        # a DOGE route read "2e+075.88975e+06" and its price "0.15": each amount with the digits
        # its own lot needs, grouped, the price with the figures its magnitude needs
        amounts = [r.requested] + ([t.filled_base] if t else [])
        digits = 2 if r.unit == "quote" else amount_digits(amounts)
        table.append((time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(r.created)), r.route_id, r.mode, r.symbol,
                      _side(r), f"{r.requested:,.{digits}f}" + (" USDT" if r.unit == "quote" else ""),
                      _filled(r, t),
                      format_average(t.realised_avg_price, _tick(j, r.route_id)) if t and t.realised_avg_price else "-",
                      _fmt(t.slippage_bps if t else None, "+.2f"), fees_text(t) if t else "-",
                      _status(r, t), str(r.state)))
    widths = [max(len(row[c]) for row in table) for c in range(len(head))]
    right = {5, 6, 7, 8, 9}  # the numbers
    for row in table:
        print("  ".join(cell.rjust(w) if c in right else cell.ljust(w)
                        for c, (cell, w) in enumerate(zip(row, widths, strict=True))).rstrip())
    return 0


def _filled(r: RouteRow, t: RouteTca | None) -> str:
    """In the request's unit: a USDT order's fill is its notional (the base beside "50,000.00
    USDT" read as 0.8339 of it)."""
    if t is None:
        return "-"
    if r.unit == "quote":
        return f"{t.filled_base * (t.realised_avg_price or 0.0):,.2f} USDT"
    return f"{t.filled_base:,.{amount_digits([t.filled_base])}f}"


def _status(r: RouteRow, t: RouteTca | None) -> str:
    """The blotter's words: filled, partly filled (as planned, when every leg filled all it was
    sent and the plan itself fell short), not filled. A partly filled route was listed "done"."""
    if t is None or t.filled_base <= 0:
        return "not filled"
    in_full = bool(t.legs) and all(str(lg.status) == "filled" for lg in t.legs)
    # as the route's own end (``fill_status``): a sliver below every lot is not asked of anyone
    asked = r.requested if r.unit != "quote" and not _short_by_design(r) else None
    if in_full and (asked is None or t.preview_filled_base >= asked * (1 - 1e-9)):
        return "filled"
    return "partly filled as planned" if in_full else "partly filled"


def _short_by_design(r: RouteRow) -> bool:
    """The plan fell short only by what no venue can take (a sliver below every lot, part of one
    inverse contract): the router's words, kept in the route's plan."""
    try:
        reason = json.loads(r.plan_json).get("unfilled_reason") or ""
    except (ValueError, AttributeError):  # a plan the journal's checks let through but not an object
        return False
    return LOT_REMAINDER in reason or WHOLE_CONTRACTS in reason


def _tick(j: Journal, route_id: str) -> Decimal | None:
    """The tick ``route`` wrote the route's prices with (DOGE's 0.15000, where the magnitude's
    figures read 0.150000)."""
    return limits_tick(lg.limit_price for lg in j.legs(route_id))


def _target(args: argparse.Namespace, journal: Journal) -> Path:
    """The CSV file, never the journal or its companions (``export --csv journal.sqlite3`` had
    overwritten the order history), nor an existing file unless ``--force``."""
    target = Path(args.csv)
    mine = journal.path.resolve()
    ours = {mine, *(mine.with_name(mine.name + s) for s in ("-wal", "-shm", ".lock"))}
    if target.resolve() in ours:
        raise CliError(f"{target} is the journal itself: choose another file for the CSV")
    if target.exists() and not args.force:
        raise CliError(f"{target} exists: choose another file, or --force to overwrite it")
    return target


def run(args: argparse.Namespace) -> int:
    limit = int(numbers.number(args.limit, "--limit", integer=True))
    if limit > 1_000_000_000:
        raise CliError("--limit must be at most 1,000,000,000")
    if args.journal_command == "list" and args.journal is None:
        try:
            j = Journal(None, exclusive=False)
        except NoJournal as exc:
            print("[]" if args.json else f"No routes in the journal (none yet: {exc}).")  # a script reads JSON
            return 0
        except JournalError as exc:
            raise CliError(str(exc)) from None
    else:
        j = _open(args.journal)
    with j:
        try:
            if args.journal_command == "list":
                return _list(j, limit, args.json, args.mode)
            target = _target(args, j)
            try:
                n = export_csv(j, target, limit=limit, mode=args.mode)
            except OSError as exc:
                raise CliError(f"cannot write {target}: {exc.strerror or exc}") from None
        except (sqlite3.DatabaseError, JournalError) as exc:
            raise CliError(f"cannot read the journal {j.path}: {exc}") from None
        print(f"{n} legs written to {target}", file=sys.stderr)
        return 0
