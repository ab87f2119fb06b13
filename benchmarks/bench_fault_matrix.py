"""Fault matrix: every fault on every loopback venue, through the real executor and ccxt client.

For each case of ``tests/venues/loopback/fixtures.SERVERS`` (a venue and market: Binance USDⓈ-M
and Bybit today; a case added there plugs in by itself, with its own symbol, lot and config) and
each fault below, ``--routes`` routes of one IOC leg are sent while the fault is set on that
case's server, then every journal leg is compared with what the server really holds:

- ``duplicated``: a client order id the server accepted more than once (must be 0)
- ``lost``: an order the server filled whose journal fill differs (must be 0)
- ``unresolved``: a leg still of unknown outcome when the route returns (must be 0)
- ``rej_but_filled``: a leg booked rejected / not placed that the server holds (must be 0)

Faults: a listed refusal (the first "not placed" code of the venue's table: booked rejected, and
rightly so), a timeout and a 502 after the venue accepted, the venue's own system error / server
timeout / duplicate-client-id answer after accepting (``SYSTEM_CODES``), and a lookup that lags
behind the acceptance (eventual consistency). A fault a venue's server does not implement is
reported as skipped.

Run: ``.venv/bin/python benchmarks/bench_fault_matrix.py [--routes N]`` (about a minute at 3).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sor_desktop.core.orders import OrderStatus, Side  # noqa: E402
from sor_desktop.core.plan import Plan  # noqa: E402
from sor_desktop.engine.executor import Executor, ExecutorConfig  # noqa: E402
from sor_desktop.engine.journal import Journal  # noqa: E402
from sor_desktop.engine.reconcile import ResolveConfig  # noqa: E402
from sor_desktop.venues.ccxt_errors import TABLES  # noqa: E402
from sor_desktop.venues.refusals import Refusal  # noqa: E402
from tests.engine.exec_fakes import make_plan  # noqa: E402
from tests.venues.loopback.fixtures import SERVERS, VenueCase, case_venue  # noqa: E402

CFG = ExecutorConfig(resolve=ResolveConfig(acceptance_window_s=1.0, fetch_timeout_s=2.0, backoff_start_s=0.05,
                                           backoff_max_s=0.2, give_up_s=15.0), submit_timeout_s=5.0,
                     duplicate_window_s=0.0)  # the same plan is sent on purpose, route after route

# per venue: (HTTP status, code, message) of a system error, a server timeout and a duplicate
# client id, as the venue answers them (none of these codes is on its "not placed" table)
SYSTEM_CODES: dict[str, dict[str, tuple[int, int, str]]] = {
    "binanceusdm": {"system_error": (500, -1001, "Internal error; unable to process your request."),
                    "server_timeout": (408, -1007, "Timeout waiting for response from backend server. "
                                                   "Send status unknown; execution status unknown."),
                    "duplicate_id": (400, -4116, "ClientOrderId is duplicated.")},
    "bybit": {"system_error": (200, 10016, "System error. Please try again later."),
              "server_timeout": (200, 10000, "Server Timeout"),
              "duplicate_id": (200, 110072, "OrderLinkedID is duplicate")},
    "bingx": {"system_error": (200, 100500, "The current system is busy, please try again later"),
              "duplicate_id": (200, 101481, "duplicate clientOrderID")},
    "weex": {"system_error": (400, -1054, "System error, please retry later.")},
    "mexc": {"system_error": (200, 500, "Internal error"), "duplicate_id": (200, 603, "Repeated requests")},
}


def _refusal(venue: str) -> tuple[int, str] | None:
    table = TABLES.get(venue)
    for code, entry in (table.not_placed.items() if table else ()):
        if entry.kind is Refusal.REJECTED:
            return int(code), entry.message
    return None


def faults_for(venue: str) -> dict[str, Callable[[Any], bool]]:
    """fault name -> set it on a server (False: this venue's server cannot)."""
    out: dict[str, Callable[[Any], bool]] = {"none": lambda s: True}
    refusal = _refusal(venue)
    if refusal is not None:
        out["listed_reject"] = lambda s: bool(setattr(s.faults, "reject_next", refusal) or True)
    out["timeout_after_accept"] = lambda s: bool(setattr(s.faults, "delay_after_accept", 2.0) or True)
    out["502_after_accept"] = lambda s: bool(setattr(s.faults, "status_after_accept", 502) or True)
    for name, error in SYSTEM_CODES.get(venue, {}).items():
        out[f"{name}_after_accept"] = lambda s, e=error: _error_after_accept(s, e)
    first = next(iter(SYSTEM_CODES.get(venue, {}).values()), None)
    if first is not None:
        out["lagging_lookup"] = lambda s, e=first: _error_after_accept(s, e) and _hide(s, 0.6)
    return out


def _error_after_accept(server: Any, error: tuple[int, int, str]) -> bool:
    if not hasattr(server.faults, "error_after_accept"):
        return False
    try:
        server.error_response(*error)
    except NotImplementedError:
        return False
    server.faults.error_after_accept = error
    return True


def _hide(server: Any, seconds: float) -> bool:
    if not hasattr(server.faults, "hide_for_s"):
        return False
    server.faults.hide_for_s = seconds
    return True


@dataclass
class Row:
    venue: str  # the case id (a venue, or a venue and market such as bybit-inverse)
    fault: str
    routes: int = 0
    legs: int = 0
    duplicated: int = 0
    lost: int = 0
    unresolved: int = 0
    rej_but_filled: int = 0
    seconds: float = 0.0
    note: str = ""


def on_symbol(plan: Plan, symbol: str) -> Plan:
    """``make_plan``'s plan (made for BTC/USDT:USDT) on the case's own symbol."""
    legs = tuple(dataclasses.replace(lg, symbol=symbol) for lg in plan.legs)
    return dataclasses.replace(plan, symbol=symbol, legs=legs)


def _amount(case: VenueCase, venue: Any) -> Decimal:
    inst = venue.instruments()[case.symbol]
    return max(inst.min_amount or case.lot, case.lot * 4)


async def run_cell(case_id: str, fault: str, setter: Callable[[Any], bool], routes: int, tmp: Path) -> Row:
    case = SERVERS[case_id]
    venue_id, symbol = case.venue_id, case.symbol
    row = Row(case_id, fault)
    server = case.server()
    await server.start()
    venue = case_venue(case, server, request_timeout_ms=700)
    journal = Journal(tmp / f"{case_id}-{fault}.sqlite3")
    try:
        await venue.connect()
        ex = Executor({venue_id: venue}, journal, config=CFG)
        t0 = time.perf_counter()
        for _ in range(routes):
            if not setter(server):
                row.note = "skipped: the server has no such fault"
                return row
            book = await venue.watch_order_book(symbol)
            inst = venue.instruments()[symbol]
            limit = Decimal(str(book.best_ask)) + 5 * inst.price_tick
            plan = on_symbol(make_plan(Side.BUY, [(venue_id, str(_amount(case, venue)), str(limit),
                                                   float(book.best_ask))]), symbol)
            res = await ex.execute(plan, {venue_id: book})
            row.routes += 1
            for leg in journal.legs(res.route_id):
                row.legs += 1
                held = [p for p in server.placements if p.client_id == leg.client_order_id]
                row.duplicated += len(held) > 1
                if not leg.final:
                    row.unresolved += 1
                    continue
                if leg.status == OrderStatus.REJECTED and held:
                    row.rej_but_filled += 1
                elif held and held[0].filled != leg.filled_contracts:
                    row.lost += 1
        row.seconds = time.perf_counter() - t0
    finally:
        await venue.close()
        journal.close()
        await server.stop()
    return row


async def main(routes: int) -> int:
    logging.basicConfig(level=logging.ERROR)  # the unknown-outcome warnings are the point, not news
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        for case_id, case in SERVERS.items():
            for fault, setter in faults_for(case.venue_id).items():
                rows.append(await run_cell(case_id, fault, setter, routes, Path(tmp)))
    head = f"{'case':<14} {'fault':<28} {'routes':>6} {'legs':>5} {'duplicated':>10} {'lost':>5} " \
           f"{'unresolved':>10} {'rej_but_filled':>14} {'s/route':>8}"
    print(head)
    print("-" * len(head))
    for r in rows:
        per = f"{r.seconds / r.routes:8.2f}" if r.routes else "       -"
        print(f"{r.venue:<14} {r.fault:<28} {r.routes:>6} {r.legs:>5} {r.duplicated:>10} {r.lost:>5} "
              f"{r.unresolved:>10} {r.rej_but_filled:>14} {per} {r.note}")
    bad = sum(r.duplicated + r.lost + r.unresolved + r.rej_but_filled for r in rows)
    print("-" * len(head))
    print(f"total: {sum(r.routes for r in rows)} routes, {sum(r.legs for r in rows)} legs; "
          f"duplicated+lost+unresolved+rej_but_filled = {bad} (must be 0)")
    return 1 if bad else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--routes", type=int, default=3, help="routes per venue and fault")
    sys.exit(asyncio.run(main(parser.parse_args().routes)))
