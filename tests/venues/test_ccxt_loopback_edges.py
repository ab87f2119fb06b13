"""The edges a real route meets, the same test for every loopback venue (``fixtures.SERVERS``):
an IOC the book fills only in part, the venue's rate limiter answering an order or a read, and
the client order id at the venue's length limit."""

from __future__ import annotations

import pytest

from sor_desktop.core.client_ids import client_order_id, new_route_id
from sor_desktop.core.orders import OrderRequest, OrderStatus, Side, TimeInForce
from sor_desktop.venues.errors import OrderRejected, OutcomeUnknown, RateLimited, VenueError
from sor_desktop.venues.quirks import quirks_for
from tests.venues.loopback.fixtures import SERVERS
from tests.venues.loopback.suite import Loopback


def order_posts(trading: Loopback) -> int:
    return sum(1 for r in trading.server.requests if r == trading.server.ORDER_ROUTE)


@pytest.mark.asyncio
async def test_ioc_partly_filled_reports_filled_of_ordered_at_its_average(trading: Loopback) -> None:
    server, case = trading.server, trading.case
    best = case.best_ask(server)
    held = server.books[case.market_id].asks[best]  # the best level only: the limit stops there
    wanted = held + case.lots(3)
    request = OrderRequest(case.venue_id, case.symbol, Side.BUY, wanted, "part-1", limit_price=best,
                           time_in_force=TimeInForce.IOC)
    report = await trading.v.submit_order(request)
    placed = server.find("part-1")
    assert placed is not None and placed.filled == held < placed.qty == wanted  # the server's truth
    assert report.contracts == wanted
    if report.status is OrderStatus.ACKNOWLEDGED:  # Bybit's and MEXC's answers carry ids only
        assert report.filled_contracts == 0 and report.avg_price is None
    else:  # done, its rest expired: neither filled nor failed
        assert (report.status, report.filled_contracts, report.avg_price) == (OrderStatus.CANCELED, held, best)
    found = await trading.v.fetch_order("part-1", case.symbol)
    assert found is not None
    assert (found.status, found.contracts, found.filled_contracts, found.avg_price) == \
        (OrderStatus.CANCELED, wanted, held, best)


@pytest.mark.asyncio
async def test_rate_limited_order_is_refused_or_unknown_and_resolved_by_client_id(trading: Loopback) -> None:
    server, case = trading.server, trading.case
    server.faults.rate_limit_orders = 1
    with pytest.raises(VenueError) as info:
        await trading.v.submit_order(trading.order("limited-1", 2, case.best_ask(server)))
    # a refusal only where the venue documents the answer as one; anything else may have landed
    assert type(info.value) is case.rate_limited_send
    assert isinstance(info.value, (RateLimited, OutcomeUnknown))
    assert order_posts(trading) == 1 and server.placements == []
    # resolved by our id: the venue has no such order (and nothing sends it again)
    assert await trading.v.fetch_order("limited-1", case.symbol) is None
    assert order_posts(trading) == 1


@pytest.mark.asyncio
async def test_rate_limited_read_says_rate_limited(trading: Loopback) -> None:
    server, case = trading.server, trading.case
    status, body, text = server.RATE_LIMIT
    server.faults.rate_limit_reads = 1
    with pytest.raises(RateLimited) as info:
        await trading.v.fetch_positions([case.symbol])
    words = next((str(body[k]) for k in ("msg", "retMsg", "message") if body and k in body), text)
    assert words in info.value.message
    assert await trading.v.fetch_positions([case.symbol]) == []  # the limiter lets the next one through


@pytest.mark.asyncio
async def test_client_id_one_past_the_venues_limit_is_refused_by_the_venue_and_never_sent(
        trading: Loopback, monkeypatch: pytest.MonkeyPatch) -> None:
    server, case, v = trading.server, trading.case, trading.v
    limit = quirks_for(case.venue_id).client_id_max_len
    assert server.CLIENT_ID_MAX == limit  # the table says what the venue says
    too_long = "a" * (limit + 1)
    with pytest.raises(OrderRejected, match="client order id"):
        await v.submit_order(trading.order(too_long, 1, case.best_ask(server)))
    assert order_posts(trading) == 0
    # had it gone out, the venue would have refused it with its own code
    monkeypatch.setattr(v, "_check_client_id", lambda cid: None)
    with pytest.raises(VenueError) as info:
        await v.submit_order(trading.order(too_long, 1, case.best_ask(server)))
    assert str(server.CLIENT_ID_ERROR[1]) in info.value.message
    assert order_posts(trading) == 1 and server.placements == []
    monkeypatch.undo()
    exactly = "a" * limit
    await v.submit_order(trading.order(exactly, 1, case.best_ask(server)))
    assert server.find(exactly) is not None


@pytest.mark.asyncio
async def test_our_client_ids_always_fit_the_venue(trading: Loopback) -> None:
    server, case, v = trading.server, trading.case, trading.v
    max_len = min(v.capabilities.client_id_max_len, quirks_for(case.venue_id).client_id_max_len)  # the executor's
    route = new_route_id()
    for leg in (0, 9, 99, 999, 99_999):
        cid = client_order_id(route, leg, max_len)
        await v.submit_order(trading.order(cid, 1, case.best_ask(server)))
        placed = server.find(cid)
        assert placed is not None and placed.client_id == cid
    assert len(server.placements) == 5 and order_posts(trading) == 5


@pytest.mark.parametrize("case_id", list(SERVERS))
def test_the_longest_route_and_leg_index_still_fit_the_venue(case_id: str) -> None:
    case = SERVERS[case_id]
    cid = client_order_id("f" * 32, 10**9, quirks_for(case.venue_id).client_id_max_len)
    assert len(cid) <= case.server.CLIENT_ID_MAX and case.server.CLIENT_ID_CHARS.fullmatch(cid)
