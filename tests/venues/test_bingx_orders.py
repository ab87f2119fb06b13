"""BingX order rules beyond the shared loopback suite, on the loopback BingX server."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sor_desktop.core.orders import OrderRequest, Side, TimeInForce
from sor_desktop.venues.errors import OrderRejected
from tests.venues.loopback.bingx import BingxServer, SpotOrder
from tests.venues.loopback.fixtures import loopback_venue, serving

SYMBOL = "BTC/USDT:USDT"


@pytest.mark.asyncio
async def test_an_upper_case_client_id_is_refused_before_sending() -> None:
    """BingX lower-cases client order ids ("The system will convert this field to lowercase"):
    an order sent as ``Leg-A`` would come back as ``leg-a``, an id the journal does not know."""
    async with serving("bingx") as server:
        assert isinstance(server, BingxServer)
        venue = loopback_venue(server, "bingx")
        try:
            await venue.connect()
            price = min(server.books["BTC-USDT"].asks)
            with pytest.raises(OrderRejected, match="lower-case"):
                await venue.submit_order(OrderRequest("bingx", SYMBOL, Side.BUY, Decimal("0.001"), "Leg-A",
                                                      limit_price=price))
            assert server.placements == []
            report = await venue.submit_order(OrderRequest("bingx", SYMBOL, Side.BUY, Decimal("0.001"), "leg-a",
                                                           limit_price=price))
            found = await venue.fetch_order("leg-a", SYMBOL)
        finally:
            await venue.close()
    assert report.client_order_id == "leg-a"
    assert found is not None and found.client_order_id == "leg-a" and found.filled_contracts == Decimal("0.001")


@pytest.mark.asyncio
async def test_cancel_all_without_a_symbol_leaves_the_spot_orders_alone() -> None:
    async with serving("bingx") as server:
        assert isinstance(server, BingxServer)
        server.spot_orders = [SpotOrder("BTC-USDT", 77)]  # the trader's own spot order, same account
        venue = loopback_venue(server, "bingx")
        try:
            await venue.connect()
            low = max(server.books["BTC-USDT"].bids) - 500
            for cid in ("kill-1", "kill-2"):
                await venue.submit_order(OrderRequest("bingx", SYMBOL, Side.BUY, Decimal("0.002"), cid,
                                                      limit_price=low, time_in_force=TimeInForce.GTC))
            assert await venue.cancel_all(None) == 2
        finally:
            await venue.close()
    assert [p.status for p in server.placements] == ["canceled", "canceled"]
    assert server.spot_orders[0].status == "NEW"
    assert not [path for _, path in server.requests if path.startswith("/openApi/spot/v1/trade")]
