"""Inverse (coin-margined) markets are routed only on venues whose inverse order path is proven:
BingX's coin-M orders go to /openApi/cswap/v1/trade/order while the adapter looks them up on the
USDⓈ-M endpoint, so a BingX inverse leg could be booked "not placed" while it existed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sor_desktop.core.instrument import Instrument
from sor_desktop.core.orders import OrderRequest, Side
from sor_desktop.engine.wiring import build_session
from sor_desktop.venues.base import Mode
from sor_desktop.venues.errors import OrderRejected
from sor_desktop.venues.sim.clock import VirtualClock
from sor_desktop.venues.sim.config import SimConfig
from sor_desktop.venues.sim.market import SimMarket

BTC, INVERSE = "BTC/USDT:USDT", "BTC/USD:BTC"


def _inverse(venue: str) -> Instrument:
    return Instrument.from_market({"symbol": INVERSE, "id": "BTC-USD", "base": "BTC", "quote": "USD", "settle": "BTC",
                                   "linear": False, "inverse": True, "contractSize": 100,
                                   "precision": {"amount": 1, "price": 0.1}, "limits": {}, "taker": 0.0005}, venue)


def test_only_venues_with_a_proven_inverse_path_route_their_inverse_market(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path))
    clock = VirtualClock()
    market = SimMarket(SimConfig(seed=5, latency_scale=0.0, symbols=(BTC,)), clock)
    session = build_session(Mode.SIMULATED, None, BTC, venues=list(market.venues().values()),
                            clock=clock.time, monotonic=clock.monotonic)
    try:
        session.instruments = {v: dict(market.venues()[v].instruments()) for v in session.venues}
        session.instruments["bybit"][INVERSE] = _inverse("bybit")
        session.instruments["bingx"][INVERSE] = _inverse("bingx")
        assert [venue for venue, _ in session.companions().values()] == ["bybit"]
    finally:
        session.journal.close()


@pytest.mark.asyncio
async def test_an_inverse_order_on_an_unproven_venue_is_refused_before_sending() -> None:
    from sor_desktop.venues.ccxt_venue import ApiCredentials, CcxtVenue

    venue = CcxtVenue("bingx", credentials=ApiCredentials("BINGXKEY0000001", "secret"))
    venue._instruments[INVERSE] = _inverse("bingx")
    calls: list[object] = []

    async def create_order(*a, **k):  # type: ignore[no-untyped-def]
        calls.append(a)
        raise AssertionError("must not be sent")

    venue._ex.create_order = create_order
    try:
        with pytest.raises(OrderRejected, match="inverse"):
            await venue.submit_order(OrderRequest("bingx", INVERSE, Side.BUY, Decimal(1), "sorinv000000001l0",
                                                  limit_price=Decimal("60000.0")))
        assert calls == []
    finally:
        await venue.close()
