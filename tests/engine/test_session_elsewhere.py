"""Positions in symbols other than the window's: the Positions panel listed only the window's
symbol, so a DOGE short on four venues vanished from view after a switch to BTC (weex read
"flat" while it held -654,800 DOGE). The session now reads every venue's positions in every
symbol and reports those outside the window's."""

from __future__ import annotations

import asyncio

import pytest

from sor_desktop.core.orders import Side
from sor_desktop.engine.preview import PreviewRequest
from sor_desktop.engine.session_events import ElsewhereUpdate
from sor_desktop.engine.wiring import build_session
from sor_desktop.venues.base import Mode
from sor_desktop.venues.sim.clock import VirtualClock
from sor_desktop.venues.sim.config import SimConfig
from sor_desktop.venues.sim.market import SimMarket

BTC, DOGE = "BTC/USDT:USDT", "DOGE/USDT:USDT"


def _books(session, market, clock, symbol) -> None:
    for v in session.venues:
        if symbol in session.instruments.get(v, {}):
            session.store.put_book(market.book_at(v, symbol, clock.time(), sequence=int(clock.elapsed * 1000) + 1))


@pytest.mark.asyncio
async def test_a_position_in_another_symbol_is_reported_after_a_switch(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path))
    clock = VirtualClock()
    market = SimMarket(SimConfig(seed=5, latency_scale=0.0, symbols=(BTC, DOGE)), clock)
    session = build_session(Mode.SIMULATED, None, BTC, venues=list(market.venues().values()),
                            clock=clock.time, monotonic=clock.monotonic)
    seen: list[ElsewhereUpdate] = []
    session.listeners.append(lambda ev: seen.append(ev) if isinstance(ev, ElsewhereUpdate) else None)
    try:
        await session.connect_venues()
        await session.refresh_accounts()
        await session.set_symbol(DOGE)
        _books(session, market, clock, DOGE)
        plan = session.preview(PreviewRequest(symbol=DOGE, side=Side.SELL, amount_text="200000")).plan
        assert plan is not None and plan.legs
        session.submit(plan)
        tasks = [t for t in session.tasks if t.get_name().startswith("route:")]
        await asyncio.wait(tasks, timeout=10)
        shorted = {lg.venue for lg in plan.legs}
        await session.refresh_elsewhere()
        assert not [p for u in seen for p in u.positions], "the window's own symbol is not elsewhere"
        await session.set_symbol(BTC)
        seen.clear()
        await session.refresh_elsewhere()
        held = {(p.venue, p.symbol, p.side) for u in seen for p in u.positions}
        assert held == {(v, DOGE, Side.SELL) for v in shorted}
        assert all(u.error is None for u in seen)
        assert sum(p.base_amount for u in seen for p in u.positions) == pytest.approx(200_000, rel=1e-6)
    finally:
        await session.stop(timeout=1.0)


@pytest.mark.asyncio
async def test_a_read_in_flight_during_a_switch_filters_by_the_symbol_shown_when_it_lands() -> None:
    """The loop's read took the window's symbol before it awaited the venues: one in flight across
    a switch to BTC landed after the switch's own read and listed BTC as elsewhere, DOGE not."""
    from decimal import Decimal

    from sor_desktop.core.account import Position
    from sor_desktop.engine.positions_elsewhere import read_elsewhere

    gate = asyncio.Event()
    held = [Position("v", DOGE, Side.SELL, Decimal(5), Decimal(5), None),
            Position("v", BTC, Side.BUY, Decimal(1), Decimal(1), None)]

    class Slow:
        async def fetch_positions(self, symbols=None):  # type: ignore[no-untyped-def]
            await gate.wait()
            return held

    shown = {"symbol": DOGE}
    seen: list[ElsewhereUpdate] = []
    task = asyncio.create_task(read_elsewhere({"v": Slow()}, lambda: {shown["symbol"]}, seen.append, {}))  # type: ignore[dict-item]
    await asyncio.sleep(0)
    shown["symbol"] = BTC  # the switch, while the venue has not answered
    gate.set()
    await task
    assert [p.symbol for u in seen for p in u.positions] == [DOGE]
