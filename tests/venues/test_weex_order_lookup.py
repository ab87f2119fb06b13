"""WEEX finds an order by our client id among the symbol's open orders, then its order history,
which it serves in pages (``limit`` 1-1000, ``page`` from 0). The lookup read one page of 1,000:
an account with more finished orders on the symbol since ours had it answer "no such order", and
the reconciliation books "not placed" once the acceptance window has passed, so a resend doubles
the position. Now it pages until a short page (the whole history read); when every page it may
read is full, it says it cannot tell (an error: the leg stays unknown), never "not found".
Against the loopback WEEX server through the real ccxt client."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from sor_desktop.core.orders import OrderRequest, OrderStatus, Side
from sor_desktop.venues import ccxt_orders
from sor_desktop.venues.errors import VenueError
from tests.venues.loopback.common import LoopbackServer, Placement
from tests.venues.loopback.fixtures import SERVERS, case_venue, serving

CASE = SERVERS["weex"]


def finish_orders(server: LoopbackServer, n: int) -> None:
    """``n`` finished orders of someone else's on the symbol, newer than anything placed so far."""
    start = int(time.time() * 1000) + 1000
    for i in range(n):
        server.placements.append(Placement(f"other-{i}", server.next_order_id(), CASE.market_id, "buy",
                                           Decimal("0.001"), Decimal(60000), "IOC", False, Decimal("0.001"),
                                           Decimal(60000), "filled", created_ms=start + i))


@pytest.mark.asyncio
async def test_an_order_older_than_a_full_page_of_history_is_found() -> None:
    async with serving("weex") as server:
        v = case_venue(CASE, server)
        try:
            await v.connect()
            ask = CASE.best_ask(server)
            await v.submit_order(OrderRequest("weex", CASE.symbol, Side.BUY, CASE.lots(10), "sorours1l0",
                                              limit_price=ask))
            finish_orders(server, 1500)  # 1,500 newer finished orders: ours is on the second page
            report = await v.fetch_order("sorours1l0", CASE.symbol)
        finally:
            await v.close()
    assert report is not None and report.client_order_id == "sorours1l0"
    assert report.status is OrderStatus.FILLED and report.filled_contracts == CASE.lots(10)


@pytest.mark.asyncio
async def test_an_order_not_in_the_whole_history_is_not_found() -> None:
    async with serving("weex") as server:
        finish_orders(server, 1500)
        v = case_venue(CASE, server)
        try:
            await v.connect()
            assert await v.fetch_order("sornever1l0", CASE.symbol) is None
        finally:
            await v.close()
    pages = [q for m, q in server.requests if q.endswith("/order/history")]
    assert len(pages) == 2  # 1,000 then 500: the short page ends the history


@pytest.mark.asyncio
async def test_when_every_page_it_may_read_is_full_it_cannot_tell(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ccxt_orders, "WEEX_HISTORY_PAGES", 2)
    async with serving("weex") as server:
        finish_orders(server, 2000)
        v = case_venue(CASE, server)
        try:
            await v.connect()
            with pytest.raises(VenueError, match="cannot tell"):
                await v.fetch_order("sornever1l0", CASE.symbol)
        finally:
            await v.close()
