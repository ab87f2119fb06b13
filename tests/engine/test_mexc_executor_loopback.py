"""The executor driving the real ccxt client against the loopback MEXC futures server: a leg in
MEXC contracts fills, and errors after MEXC accepted the order (a system error or "repeated
requests" inside its error body, a timeout) are booked unknown, resolved by our externalOid to
what the venue holds, never booked rejected and never sent twice; 1002 (orders by API off) is a
refusal, booked rejected with nothing placed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from sor_desktop.core.orders import OrderStatus
from sor_desktop.engine.exec_events import RouteState
from sor_desktop.engine.executor import Executor
from sor_desktop.engine.journal import Journal
from sor_desktop.venues.ccxt_venue import CcxtVenue
from tests.venues.loopback.fixtures import loopback_venue, serving

from .test_executor_loopback import CFG, books, buy_plan, placements

CONTRACTS = "40"  # 0.004 BTC in MEXC's contracts of 0.0001 BTC


@pytest_asyncio.fixture
async def rig(tmp_path: Path) -> AsyncIterator[tuple[Executor, Any, dict[str, CcxtVenue]]]:
    async with serving("mexc") as server:
        venues = {"mexc": loopback_venue(server, "mexc", request_timeout_ms=700)}
        ex = Executor(venues, Journal(tmp_path / "journal.sqlite3"), config=CFG)
        await venues["mexc"].connect()  # the probe, journaled, finds orders by API on for this account
        try:
            yield ex, server, venues
        finally:
            await venues["mexc"].close()
            ex.journal.close()


@pytest.mark.asyncio
async def test_a_leg_in_contracts_fills(rig) -> None:  # type: ignore[no-untyped-def]
    ex, server, venues = rig
    b = await books(venues)
    res = await ex.execute(buy_plan(b, CONTRACTS), b)
    (leg,) = res.legs
    placed = server.find(leg.client_order_id)
    assert res.state is RouteState.DONE and placed is not None and placed.qty == Decimal(CONTRACTS)
    assert leg.status is OrderStatus.FILLED and leg.filled_contracts == placed.filled == Decimal(CONTRACTS)
    assert server.bodies[-1]["type"] == 3 and server.bodies[-1]["side"] == 1 and server.bodies[-1]["positionMode"] == 2


AFTER_ACCEPT = [(200, 500, "System internal error!"), (200, 603, "Repeated requests"), (504, 504, "Gateway Time-out")]


@pytest.mark.parametrize(("status", "code", "message"), AFTER_ACCEPT, ids=[str(c) for _, c, _ in AFTER_ACCEPT])
@pytest.mark.asyncio
async def test_error_after_accept_is_resolved_by_client_id(rig, status: int, code: int, message: str) -> None:  # type: ignore[no-untyped-def]
    ex, server, venues = rig
    server.faults.error_after_accept = (status, code, message)
    b = await books(venues)
    res = await ex.execute(buy_plan(b, CONTRACTS), b)
    (leg,) = res.legs
    placed = server.find(leg.client_order_id)
    assert placed is not None and placed.filled == Decimal(CONTRACTS)
    assert leg.status is OrderStatus.FILLED and leg.filled_contracts == placed.filled  # the venue's truth
    assert placements(server, leg.client_order_id) == 1  # never resent
    kinds = [e.kind for e in ex.journal.events(res.route_id)]
    assert kinds[:2] == ["intent", "unknown"] and "resolved" in kinds and "reject" not in kinds


@pytest.mark.asyncio
async def test_timeout_after_accept_is_resolved_by_client_id(rig) -> None:  # type: ignore[no-untyped-def]
    ex, server, venues = rig
    server.faults.delay_after_accept = 2.0  # the client gives up after 0.7 s
    b = await books(venues)
    res = await ex.execute(buy_plan(b, CONTRACTS), b)
    (leg,) = res.legs
    assert leg.status is OrderStatus.FILLED and placements(server, leg.client_order_id) == 1


@pytest.mark.asyncio
async def test_orders_by_api_switched_off_is_a_refusal(rig) -> None:  # type: ignore[no-untyped-def]
    ex, server, venues = rig
    server.api_trading = False  # switched off after the probe
    b = await books(venues)
    res = await ex.execute(buy_plan(b, CONTRACTS), b)
    (leg,) = res.legs
    assert leg.status is OrderStatus.REJECTED and server.placements == []
    assert any("1002" in (e.detail or "") for e in ex.journal.events(res.route_id))
