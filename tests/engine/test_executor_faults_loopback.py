"""Errors after the venue accepted the order, on the loopback Binance USDⓈ-M and Bybit servers with
the real ccxt client: a system error or server timeout inside the venue's own error body, and a
"duplicate client id" answer to an order that did land. Each must be booked unknown, then resolved
by client id to what the venue really holds (filled), never booked rejected, never sent twice.
And a venue whose lookups lag behind its acceptance (eventual consistency) is asked until the
acceptance window has passed before anything is concluded."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from sor_desktop.core.orders import OrderStatus
from sor_desktop.engine.exec_events import RouteState
from sor_desktop.engine.executor import Executor, ExecutorConfig
from sor_desktop.engine.journal import Journal
from sor_desktop.engine.reconcile import ResolveConfig
from tests.venues.loopback.fixtures import loopback_venue, serving

from .test_executor_loopback import books, buy_plan, placements

CFG = ExecutorConfig(resolve=ResolveConfig(acceptance_window_s=1.0, fetch_timeout_s=2.0, backoff_start_s=0.05,
                                           backoff_max_s=0.2, give_up_s=10.0), submit_timeout_s=5.0)

# (venue, HTTP status, venue code, message): what each venue answers in these cases
AFTER_ACCEPT = [
    ("binanceusdm", 500, -1001, "Internal error; unable to process your request. Please try again."),
    ("binanceusdm", 503, -1000, "An unknown error occured while processing the request."),
    ("binanceusdm", 408, -1007, "Timeout waiting for response from backend server. Send status unknown; "
                                "execution status unknown."),
    ("binanceusdm", 400, -4116, "ClientOrderId is duplicated."),
    ("bybit", 200, 10016, "System error. Please try again later."),
    ("bybit", 200, 10000, "Server Timeout"),
    ("bybit", 200, 110072, "OrderLinkedID is duplicate"),
]


@pytest_asyncio.fixture
async def rig(tmp_path: Path) -> AsyncIterator[tuple[Executor, dict[str, Any], dict[str, Any]]]:
    async with serving("binanceusdm") as bn, serving("bybit") as by:
        servers = {"binanceusdm": bn, "bybit": by}
        venues = {vid: loopback_venue(s, vid, request_timeout_ms=700) for vid, s in servers.items()}
        await asyncio.gather(*(v.connect() for v in venues.values()))
        ex = Executor(venues, Journal(tmp_path / "journal.sqlite3"), config=CFG)
        try:
            yield ex, servers, venues
        finally:
            await asyncio.gather(*(v.close() for v in venues.values()))
            ex.journal.close()


@pytest.mark.parametrize(("venue", "status", "code", "message"), AFTER_ACCEPT,
                         ids=[f"{v}:{c}" for v, _, c, _ in AFTER_ACCEPT])
@pytest.mark.asyncio
async def test_error_after_accept_is_resolved_by_client_id(rig, venue: str, status: int, code: int,  # type: ignore[no-untyped-def]
                                                           message: str) -> None:
    ex, servers, venues = rig
    servers[venue].faults.error_after_accept = (status, code, message)
    b = await books(venues)
    res = await ex.execute(buy_plan(b), b)
    assert res.state is RouteState.DONE
    leg = next(lg for lg in res.legs if lg.venue == venue)
    placed = servers[venue].find(leg.client_order_id)
    assert placed is not None and placed.filled == Decimal("0.004")
    assert leg.status is OrderStatus.FILLED and leg.filled_contracts == placed.filled  # the venue's truth
    assert placements(servers[venue], leg.client_order_id) == 1  # never resent
    kinds = [e.kind for e in ex.journal.events(res.route_id) if e.venue == venue]
    assert kinds[:2] == ["intent", "unknown"] and "resolved" in kinds and "reject" not in kinds
    assert any(str(code) in (e.detail or "") for e in ex.journal.events(res.route_id))  # the venue's words kept


@pytest.mark.parametrize("venue", ["binanceusdm", "bybit"])
@pytest.mark.asyncio
async def test_lookup_lagging_behind_the_venue_is_asked_again_not_booked_not_placed(rig, venue: str) -> None:  # type: ignore[no-untyped-def]
    ex, servers, venues = rig
    servers[venue].faults.error_after_accept = AFTER_ACCEPT[0][1:] if venue == "binanceusdm" else AFTER_ACCEPT[4][1:]
    servers[venue].faults.hide_for_s = 0.6  # "not found" for 0.6 s, inside the 1 s acceptance window
    b = await books(venues)
    res = await ex.execute(buy_plan(b), b)
    leg = next(lg for lg in res.legs if lg.venue == venue)
    assert leg.status is OrderStatus.FILLED and placements(servers[venue], leg.client_order_id) == 1
