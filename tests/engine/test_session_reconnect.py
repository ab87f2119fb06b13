"""A venue that cannot be reached at start-up is retried, and joins the feeds once it connects."""

from __future__ import annotations

import asyncio

import pytest

from sor_desktop.engine.feed import FeedConfig
from sor_desktop.engine.session_events import Notice
from sor_desktop.engine.store import LinkState
from sor_desktop.engine.wiring import build_session
from sor_desktop.venues.base import Mode
from sor_desktop.venues.sim.config import SimConfig
from sor_desktop.venues.sim.market import SimMarket

SYMBOL = "BTC/USDT:USDT"


@pytest.mark.asyncio
async def test_venue_down_at_start_is_retried_and_fed(tmp_path, monkeypatch):
    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path))
    market = SimMarket(SimConfig(seed=3, latency_scale=0.0, symbols=(SYMBOL,), update_hz=50.0))
    venues = market.venues()
    venues["bybit"].faults.set_down(True)
    session = build_session(Mode.SIMULATED, None, SYMBOL, venues=list(venues.values()))
    session.reconnect_config = FeedConfig(backoff_initial_s=0.02, backoff_max_s=0.05, backoff_jitter=0.0)
    notices: list[str] = []
    session.listeners.append(lambda ev: notices.append(ev.text) if isinstance(ev, Notice) else None)
    try:
        await session.start()
        assert "bybit" not in session.instruments
        assert session.store.health("bybit", SYMBOL).state is LinkState.DOWN
        await asyncio.sleep(0.2)  # still down: retried, still not there
        assert "bybit" not in session.instruments
        venues["bybit"].faults.set_down(False)
        for _ in range(200):
            if session.store.book("bybit", SYMBOL) is not None:
                break
            await asyncio.sleep(0.02)
        assert SYMBOL in session.instruments["bybit"]
        assert session.store.book("bybit", SYMBOL) is not None  # its feed runs now
        assert session.store.book("binanceusdm", SYMBOL) is not None  # and the others still do
        assert any("bybit: connected" in n for n in notices)
    finally:
        await session.stop(timeout=1.0)
