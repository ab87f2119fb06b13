"""Orders through the real ccxt.pro client against the loopback Binance USDⓈ-M and Bybit v5
servers, which check every request's HMAC signature."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio

from sor_desktop.core.orders import OrderRequest, OrderStatus, Side, TimeInForce
from sor_desktop.venues.ccxt_venue import ApiCredentials, CcxtConfig, CcxtVenue
from sor_desktop.venues.errors import (
    AuthFailed,
    InsufficientMargin,
    NotSupported,
    OrderRejected,
    OutcomeUnknown,
)
from tests.venues.loopback.common import API_KEY
from tests.venues.loopback.fixtures import SERVERS, loopback_venue, serving

SYMBOL = "BTC/USDT:USDT"
MARKET_ID = "BTCUSDT"


@pytest_asyncio.fixture(params=list(SERVERS))
async def venue(request: pytest.FixtureRequest) -> AsyncIterator[tuple[CcxtVenue, Any]]:
    async with serving(request.param) as server:
        v = loopback_venue(server, request.param, request_timeout_ms=700)
        await v.connect()
        try:
            yield v, server
        finally:
            await v.close()


def ioc(venue: CcxtVenue, client_id: str, contracts: str, price: str, side: Side = Side.BUY,
        reduce_only: bool = False) -> OrderRequest:
    return OrderRequest(venue.id, SYMBOL, side, Decimal(contracts), client_id,
                        limit_price=Decimal(price), reduce_only=reduce_only)


def best_ask(server: Any) -> Decimal:
    return min(server.books[MARKET_ID].asks)


@pytest.mark.asyncio
async def test_ioc_order_is_placed_with_our_id_and_found_by_it(venue: tuple[CcxtVenue, Any]) -> None:
    v, server = venue
    price = best_ask(server)
    report = await v.submit_order(ioc(v, "route7-leg2-a", "0.005", str(price)))
    placed = server.find("route7-leg2-a")
    assert placed is not None and placed.time_in_force == "IOC" and placed.qty == Decimal("0.005")
    assert placed.price == price and placed.reduce_only is False
    assert report.client_order_id == "route7-leg2-a"
    found = await v.fetch_order("route7-leg2-a", SYMBOL)
    assert found is not None
    assert found.status is OrderStatus.FILLED
    assert found.filled_contracts == placed.filled == Decimal("0.005")
    assert found.avg_price == placed.avg_price
    assert found.venue_order_id == report.venue_order_id
    assert await v.fetch_order("never-sent", SYMBOL) is None


@pytest.mark.asyncio
async def test_reduce_only_is_sent_when_closing(venue: tuple[CcxtVenue, Any]) -> None:
    v, server = venue
    bid = max(server.books[MARKET_ID].bids)
    await v.submit_order(ioc(v, "close-1", "0.002", str(bid), side=Side.SELL, reduce_only=True))
    placed = server.find("close-1")
    assert placed is not None and placed.reduce_only is True and placed.side == "sell"


@pytest.mark.asyncio
async def test_ioc_below_the_book_expires_unfilled(venue: tuple[CcxtVenue, Any]) -> None:
    v, server = venue
    far = best_ask(server) - Decimal(100)
    await v.submit_order(ioc(v, "too-low", "0.003", str(far)))
    found = await v.fetch_order("too-low", SYMBOL)
    assert found is not None and found.status is OrderStatus.CANCELED and found.filled_contracts == 0


REJECTIONS = {
    "binanceusdm": ((-4164, "Order's notional must be no smaller than 100 (unless you choose reduce only)."), OrderRejected),
    "bybit": ((110007, "ab not enough for new order"), InsufficientMargin),
}


@pytest.mark.asyncio
async def test_rejected_order_carries_the_venues_reason(venue: tuple[CcxtVenue, Any]) -> None:
    v, server = venue
    (code, message), expected = REJECTIONS[v.id]
    server.faults.reject_next = (code, message)
    with pytest.raises(OrderRejected) as info:
        await v.submit_order(ioc(v, "rej-1", "0.001", str(best_ask(server))))
    assert type(info.value) is expected
    assert message in info.value.message and str(code) in info.value.message
    assert server.find("rej-1") is None


@pytest.mark.asyncio
async def test_timeout_after_accept_is_outcome_unknown_then_resolved_once(venue: tuple[CcxtVenue, Any]) -> None:
    v, server = venue
    server.faults.delay_after_accept = 2.0  # the client gives up after 0.7 s
    with pytest.raises(OutcomeUnknown):
        await v.submit_order(ioc(v, "slow-1", "0.004", str(best_ask(server))))
    found = await v.fetch_order("slow-1", SYMBOL)
    assert found is not None and found.status is OrderStatus.FILLED
    assert found.filled_contracts == Decimal("0.004")
    assert [p.client_id for p in server.placements] == ["slow-1"]  # exactly one placement


@pytest.mark.asyncio
async def test_5xx_after_accept_is_outcome_unknown(venue: tuple[CcxtVenue, Any]) -> None:
    v, server = venue
    server.faults.status_after_accept = 502
    with pytest.raises(OutcomeUnknown):
        await v.submit_order(ioc(v, "gw-1", "0.001", str(best_ask(server))))
    found = await v.fetch_order("gw-1", SYMBOL)
    assert found is not None and found.filled_contracts == Decimal("0.001")
    assert len(server.placements) == 1


@pytest.mark.asyncio
async def test_amount_off_the_step_is_refused_before_sending(venue: tuple[CcxtVenue, Any]) -> None:
    v, server = venue
    with pytest.raises(OrderRejected, match="precision"):
        await v.submit_order(ioc(v, "odd-1", "0.0015", str(best_ask(server))))
    with pytest.raises(OrderRejected, match="client order id"):
        await v.submit_order(ioc(v, "x" * 41, "0.001", str(best_ask(server))))
    assert server.placements == []


@pytest.mark.asyncio
@pytest.mark.parametrize("venue_id", list(SERVERS))
async def test_wrong_secret_fails_the_signature_check(venue_id: str) -> None:
    async with serving(venue_id) as server:
        v = CcxtVenue(venue_id, credentials=ApiCredentials(API_KEY, "not-the-secret"),
                      config=CcxtConfig(api_urls=server.api_urls, request_timeout_ms=2000))
        try:
            await v.connect()
            with pytest.raises(AuthFailed) as info:
                await v.submit_order(ioc(v, "sig-1", "0.001", str(best_ask(server))))
        finally:
            await v.close()
    assert "not-the-secret" not in str(info.value)
    assert server.placements == []


@pytest.mark.asyncio
async def test_without_keys_books_only() -> None:
    v = CcxtVenue("bybit")
    assert v.capabilities.trading_allowed is False and "no API keys" in (v.capabilities.view_only_reason or "")
    with pytest.raises(NotSupported):
        await v.submit_order(OrderRequest("bybit", SYMBOL, Side.BUY, Decimal("0.001"), "a", limit_price=Decimal(1)))
    await v.close()


@pytest.mark.asyncio
async def test_resting_order_is_cancelled_by_client_id_and_by_cancel_all(venue: tuple[CcxtVenue, Any]) -> None:
    v, server = venue
    low = max(server.books[MARKET_ID].bids) - Decimal(500)
    for cid in ("rest-1", "rest-2", "rest-3"):
        await v.submit_order(OrderRequest(v.id, SYMBOL, Side.BUY, Decimal("0.002"), cid, limit_price=low,
                                          time_in_force=TimeInForce.GTC))
    resting = await v.fetch_order("rest-1", SYMBOL)
    assert resting is not None and resting.status is OrderStatus.ACKNOWLEDGED
    cancelled = await v.cancel_order("rest-1", SYMBOL)
    assert cancelled.status is OrderStatus.CANCELED and cancelled.client_order_id == "rest-1"
    assert await v.cancel_all(SYMBOL) == 2
    assert [p.status for p in server.placements] == ["canceled"] * 3


@pytest.mark.asyncio
async def test_balance_reports_free_margin(venue: tuple[CcxtVenue, Any]) -> None:
    v, server = venue
    low = max(server.books[MARKET_ID].bids) - Decimal(500)
    await v.submit_order(OrderRequest(v.id, SYMBOL, Side.BUY, Decimal("0.1"), "im-1", limit_price=low,
                                      time_in_force=TimeInForce.GTC))
    (usdt,) = await v.fetch_balance()
    locked = low * Decimal("0.1") / 10  # the server's order margin at 10x
    assert (usdt.currency, usdt.total) == ("USDT", server.usdt)
    assert usdt.free == server.usdt - locked


@pytest.mark.asyncio
async def test_debug_logging_shows_no_key(venue: tuple[CcxtVenue, Any], caplog: pytest.LogCaptureFixture) -> None:
    v, server = venue
    caplog.set_level(logging.DEBUG)
    await v.submit_order(ioc(v, "log-1", "0.001", str(best_ask(server))))
    await v.fetch_order("log-1", SYMBOL)
    assert API_KEY not in caplog.text and "signature=" not in caplog.text
