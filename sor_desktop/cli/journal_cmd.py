"""``sor-desktop journal list|export``: recent routes with their cost analysis, and a CSV export."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from sor_desktop.cli.errors import CliError
from sor_desktop.engine.journal import MIXED, Journal, JournalError, RouteRow
from sor_desktop.engine.tca import export_csv, journal_route_tca
from sor_desktop.venues.base import Mode

MODES = tuple(str(m) for m in (Mode.SIMULATED, Mode.PAPER, Mode.LIVE))


def add_parser(subparsers: Any) -> None:
    p = subparsers.add_parser("journal", help="routes sent and their transaction cost analysis")
    sub = p.add_subparsers(dest="journal_command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--journal", type=Path, help="journal file (default: the app's)")
    common.add_argument("--limit", type=int, default=20, help="most recent routes (default %(default)s)")
    common.add_argument("--mode", choices=MODES, help="only routes of this mode (default: every mode)")
    ls = sub.add_parser("list", parents=[common], help="recent routes")
    ls.add_argument("--json", action="store_true", help="one JSON document")
    ex = sub.add_parser("export", parents=[common], help="export the cost analysis")
    ex.add_argument("--csv", type=Path, required=True, metavar="FILE", help="one row per leg")
    ex.set_defaults(limit=1_000_000)


def _open(path: Path | None) -> Journal:
    if path is not None and not path.exists():
        raise CliError(f"no journal at {path}")
    try:
        return Journal(path, exclusive=False)  # reading only: fine beside a running app
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
                           "unit": r.unit, "state": r.state, "tca": t.to_json() if t else None}
                          for r, t in rows]))
        return 0
    if not rows:
        print(f"No {mode} routes in the journal." if mode else "No routes in the journal.")
        return 0
    print(f"{'when (UTC)':<20}{'route':<22}{'mode':<10}{'symbol':<16}{'side':<6}{'requested':>11}{'filled':>11}"
          f"{'realised':>13}{'slip bps':>10}{'fees':>10}  state")
    for r, t in rows:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(r.created))
        print(f"{when:<20}{r.route_id:<22}{r.mode:<10}{r.symbol:<16}{_side(r):<6}{r.requested:>11.6g}"
              f"{_fmt(t.filled_base if t else None, '.6g'):>11}"
              f"{_fmt(t.realised_avg_price if t else None, ',.2f'):>13}"
              f"{_fmt(t.slippage_bps if t else None, '+.2f'):>10}{_fmt(t.fees_paid if t else None, ',.4f'):>10}"
              f"  {r.state}")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise CliError("--limit must be at least 1")
    with _open(args.journal) as j:
        if args.journal_command == "list":
            return _list(j, args.limit, args.json, args.mode)
        try:
            n = export_csv(j, args.csv, limit=args.limit, mode=args.mode)
        except OSError as exc:
            raise CliError(f"cannot write {args.csv}: {exc.strerror or exc}") from None
        print(f"{n} legs written to {args.csv}", file=sys.stderr)
        return 0
