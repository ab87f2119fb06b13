"""The executor driving the real ccxt.pro client against the loopback Binance USDⓈ-M and Bybit v5
servers (signed REST, websocket books) with their fault switches: a rejected leg, a timeout after
the venue accepted, a 5xx after accepting, and the websockets dropped in the middle of a route."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from sor_desktop.core.orders import OrderStatus, Side
from sor_desktop.engine.exec_events import RouteState
from sor_desktop.engine.executor import Executor, ExecutorConfig
from sor_desktop.engine.journal import Journal
from sor_desktop.engine.reconcile import ResolveConfig
from sor_desktop.venues.ccxt_venue import CcxtVenue
from tests.venues.loopback.fixtures import loopback_venue, serving

from .exec_fakes import make_plan

SYMBOL = "BTC/USDT:USDT"
MARKET_ID = "BTCUSDT"
CFG = ExecutorConfig(resolve=ResolveConfig(acceptance_window_s=1.0, fetch_timeout_s=2.0, backoff_start_s=0.05,
                                           backoff_max_s=0.2, give_up_s=10.0), submit_timeout_s=5.0)


@pytest_asyncio.fixture
async def rig(tmp_path: Path) -> AsyncIterator[tuple[Executor, dict[str, Any], dict[str, CcxtVenue]]]:
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


async def books(venues: dict[str, CcxtVenue]) -> dict[str, Any]:
    got = await asyncio.gather(*(v.watch_order_book(SYMBOL) for v in venues.values()))
    return dict(zip(venues, got, strict=True))


def buy_plan(b: dict[str, Any], contracts: str = "0.004"):  # type: ignore[no-untyped-def]
    legs = []
    for vid, book in b.items():
        ask = Decimal(str(book.best_ask))
        limit = ask + Decimal("5")  # a few ticks through the touch: fills at the top level
        legs.append((vid, contracts, str(limit), float(ask)))
    return make_plan(Side.BUY, legs)


def placements(server: Any, cid: str) -> int:
    return sum(1 for p in server.placements if p.client_id == cid)


@pytest.mark.asyncio
async def test_both_legs_fill_on_the_real_client(rig) -> None:  # type: ignore[no-untyped-def]
    ex, servers, venues = rig
    res = await ex.execute(buy_plan(await books(venues)), await books(venues))
    assert res.state is RouteState.DONE
    for lg in res.legs:
        placed = servers[lg.venue].find(lg.client_order_id)
        assert placed is not None and placed.time_in_force == "IOC" and placed.qty == Decimal("0.004")
        assert lg.status is OrderStatus.FILLED and lg.filled_contracts == placed.filled
        assert lg.avg_price == placed.avg_price and lg.latency_ms is not None
    assert res.tca is not None and set(res.tca.latency_ms) == {"binanceusdm", "bybit"}


@pytest.mark.asyncio
async def test_one_leg_rejected_while_the_other_fills(rig) -> None:  # type: ignore[no-untyped-def]
    ex, servers, venues = rig
    servers["bybit"].faults.reject_next = (110007, "ab not enough for new order")
    b = await books(venues)
    res = await ex.execute(buy_plan(b), b)
    legs = {lg.venue: lg for lg in res.legs}
    assert legs["bybit"].status is OrderStatus.REJECTED and "ab not enough for new order" in (legs["bybit"].reason or "")
    assert legs["binanceusdm"].status is OrderStatus.FILLED
    assert servers["bybit"].placements == [] and res.remainder == pytest.approx(0.004)


@pytest.mark.parametrize("fault", ["timeout_after_accept", "5xx_after_accept"])
@pytest.mark.asyncio
async def test_accepted_then_lost_is_found_by_client_id_not_duplicated(rig, fault: str) -> None:  # type: ignore[no-untyped-def]
    ex, servers, venues = rig
    if fault == "timeout_after_accept":
        servers["binanceusdm"].faults.delay_after_accept = 2.0  # the client gives up after 0.7 s
    else:
        servers["binanceusdm"].faults.status_after_accept = 502
    b = await books(venues)
    res = await ex.execute(buy_plan(b), b)
    assert res.state is RouteState.DONE
    leg = next(lg for lg in res.legs if lg.venue == "binanceusdm")
    assert leg.status is OrderStatus.FILLED and leg.filled_contracts == Decimal("0.004")
    assert placements(servers["binanceusdm"], leg.client_order_id) == 1
    kinds = [e.kind for e in ex.journal.events(res.route_id) if e.venue == "binanceusdm"]
    assert kinds[:2] == ["intent", "unknown"] and "resolved" in kinds


@pytest.mark.asyncio
async def test_websockets_dropped_during_the_route(rig) -> None:  # type: ignore[no-untyped-def]
    ex, servers, venues = rig
    b = await books(venues)
    servers["bybit"].faults.delay_after_accept = 0.3  # keep one leg in flight while the links drop

    async def drop() -> None:
        await asyncio.sleep(0.1)
        await asyncio.gather(*(s.drop_websockets() for s in servers.values()))

    res, _ = await asyncio.gather(ex.execute(buy_plan(b), b), drop())
    assert res.state is RouteState.DONE
    for lg in res.legs:
        assert lg.status is OrderStatus.FILLED and placements(servers[lg.venue], lg.client_order_id) == 1
    # the books come back on a fresh connection (ccxt reconnects when watched again)
    fresh = None
    for _ in range(20):
        try:
            fresh = await asyncio.wait_for(venues["bybit"].watch_order_book(SYMBOL), 2.0)
            break
        except Exception:  # the first watch after the drop raises; the next reconnects
            await asyncio.sleep(0.1)
    assert fresh is not None and fresh.best_ask is not None
