"""The executor on the simulated market (seeded, real matching) with its fault hooks, planned by
the real router: a rejected leg, a timeout after acceptance, a lost request, a venue going down,
a stalled feed."""

from __future__ import annotations

import asyncio
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from sor_desktop.core.checks import CheckLimits
from sor_desktop.core.orders import OrderStatus, Side
from sor_desktop.core.plan import Plan, PlanRequest, VenueInput
from sor_desktop.core.router import plan_route
from sor_desktop.engine.exec_events import RouteState
from sor_desktop.engine.executor import Executor, ExecutorConfig
from sor_desktop.engine.journal import Journal
from sor_desktop.engine.reconcile import ResolveConfig
from sor_desktop.venues.sim.config import SimConfig
from sor_desktop.venues.sim.market import SimMarket
from sor_desktop.venues.sim.venue import SimVenue

SYMBOL = "BTC/USDT:USDT"
VENUES = ("binanceusdm", "bybit", "bingx")
CFG = ExecutorConfig(resolve=ResolveConfig(acceptance_window_s=0.1, backoff_start_s=0.01, backoff_max_s=0.05),
                     limits=CheckLimits(max_book_age_s=2.0))


async def rig(tmp_path: Path, cfg: ExecutorConfig = CFG) -> tuple[Executor, dict[str, SimVenue]]:
    market = SimMarket(SimConfig(seed=11, venues=VENUES, latency_scale=0.0, balance=Decimal(1_000_000)))
    venues = market.venues()
    await asyncio.gather(*(v.connect() for v in venues.values()))
    return Executor(dict(venues), Journal(tmp_path / "j.sqlite3"), config=cfg), dict(venues)


async def books(venues: dict[str, SimVenue]) -> dict[str, object]:
    got = await asyncio.gather(*(v.watch_order_book(SYMBOL) for v in venues.values()))
    return dict(zip(venues, got, strict=True))


def plan(venues: dict[str, SimVenue], b: dict, amount: float = 6.0) -> Plan:  # type: ignore[type-arg]
    inputs = [VenueInput(b[v], venues[v].instruments()[SYMBOL], cap_base=amount / 3) for v in venues]
    p = plan_route(PlanRequest(Side.BUY, amount, slippage_bps=20.0), inputs)
    assert len(p.legs) == 3
    return p


@pytest.mark.asyncio
async def test_rejected_leg_and_timeout_after_accept_on_the_simulator(tmp_path: Path) -> None:
    ex, venues = await rig(tmp_path)
    b = await books(venues)
    p = plan(venues, b)
    venues["bybit"].faults.reject_next("110007 ab not enough for new order")
    venues["bingx"].faults.timeout_next()
    res = await ex.execute(p, b)
    legs = {lg.venue: lg for lg in res.legs}
    assert legs["bybit"].status is OrderStatus.REJECTED and legs["bybit"].reason == "110007 ab not enough for new order"
    assert venues["bybit"].engine.report(legs["bybit"].client_order_id) is None
    for vid in ("binanceusdm", "bingx"):
        lg = legs[vid]
        held = venues[vid].engine.report(lg.client_order_id)
        assert held is not None and held.filled_contracts == lg.filled_contracts > 0
        assert lg.avg_price == held.avg_price and lg.avg_price is not None
        assert lg.avg_price <= lg.limit_price  # a buy never pays above its limit
    assert legs["bingx"].latency_ms is None  # unknown, then resolved: no acknowledgement to time
    fills = Counter(f.client_order_id for v in venues.values() for f in v.fills())
    assert set(fills) == {legs["binanceusdm"].client_order_id, legs["bingx"].client_order_id}
    assert res.tca is not None and res.tca.filled_base == pytest.approx(
        float(sum(lg.filled_base for lg in res.legs)))


@pytest.mark.asyncio
async def test_lost_request_and_venue_down_are_not_placed(tmp_path: Path) -> None:
    ex, venues = await rig(tmp_path)
    b = await books(venues)
    p = plan(venues, b)
    venues["binanceusdm"].faults.lose_next()
    venues["bybit"].faults.set_down(True)
    res = await ex.execute(p, b)
    legs = {lg.venue: lg for lg in res.legs}
    assert legs["binanceusdm"].status is OrderStatus.REJECTED and "acceptance window" in (legs["binanceusdm"].reason or "")
    assert legs["bybit"].status is OrderStatus.REJECTED
    assert legs["bingx"].status in (OrderStatus.FILLED, OrderStatus.CANCELED) and legs["bingx"].filled_contracts > 0
    for vid in ("binanceusdm", "bybit"):
        assert venues[vid].engine.report(legs[vid].client_order_id) is None
    assert res.state is RouteState.DONE and res.remainder > 0


@pytest.mark.asyncio
async def test_a_stalled_feed_blocks_the_route(tmp_path: Path) -> None:
    ex, venues = await rig(tmp_path, ExecutorConfig(resolve=CFG.resolve, limits=CheckLimits(max_book_age_s=0.2)))
    b = await books(venues)
    p = plan(venues, b)
    venues["bybit"].faults.stall_books(SYMBOL)
    await asyncio.sleep(0.3)
    fresh = {v: await venues[v].watch_order_book(SYMBOL) for v in ("binanceusdm", "bingx")}
    res = await ex.execute(p, {**b, **fresh})
    assert res.state is RouteState.BLOCKED
    assert [(x.code, x.venue) for x in res.problems] == [("stale_book", "bybit")]
    assert all(not v.fills() for v in venues.values())
