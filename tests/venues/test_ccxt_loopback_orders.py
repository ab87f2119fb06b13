"""Orders through the real ccxt.pro client against every loopback venue (``fixtures.SERVERS``),
each server checking every request's signature the venue's way."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest

from sor_desktop.core.orders import OrderRequest, OrderStatus, Side, TimeInForce
from sor_desktop.venues.ccxt_venue import ApiCredentials, CcxtConfig, CcxtVenue
from sor_desktop.venues.errors import AuthFailed, NotSupported, OrderRejected, OutcomeUnknown
from tests.venues.loopback.common import API_KEY, PASSPHRASE, SECRET
from tests.venues.loopback.suite import Loopback


@pytest.mark.asyncio
async def test_instrument_units_are_the_venues(trading: Loopback) -> None:
    case, inst = trading.case, trading.v.instruments()[trading.case.symbol]
    assert (inst.contract_size, inst.linear, inst.settle) == (case.contract_size, not case.inverse, case.settle)
    assert inst.amount_step == case.lot


@pytest.mark.asyncio
async def test_ioc_order_is_placed_with_our_id_and_found_by_it(trading: Loopback) -> None:
    v, server, case = trading.v, trading.server, trading.case
    price = case.best_ask(server)
    report = await v.submit_order(trading.order("route7-leg2-a", 5, price))
    placed = server.find("route7-leg2-a")
    assert placed is not None and placed.time_in_force == "IOC" and placed.qty == case.lots(5)
    assert placed.price == price and placed.reduce_only is False and placed.side == "buy"
    assert report.client_order_id == "route7-leg2-a"
    found = await v.fetch_order("route7-leg2-a", case.symbol)
    assert found is not None
    assert found.status is OrderStatus.FILLED
    assert found.filled_contracts == placed.filled == case.lots(5)
    assert found.avg_price == placed.avg_price
    assert found.venue_order_id == report.venue_order_id
    assert await v.fetch_order("never-sent", case.symbol) is None


@pytest.mark.asyncio
async def test_reduce_only_is_sent_when_closing(trading: Loopback) -> None:
    server, case = trading.server, trading.case
    await trading.v.submit_order(trading.order("close-1", 2, case.best_bid(server), Side.SELL, reduce_only=True))
    placed = server.find("close-1")
    assert placed is not None and placed.side == "sell" and placed.qty == case.lots(2)
    assert placed.closes  # reduce-only, or (a venue whose orders always name a side) the long's side
    assert placed.reduce_only or placed.position_side == "LONG"


@pytest.mark.asyncio
async def test_ioc_below_the_book_expires_unfilled(trading: Loopback) -> None:
    server, case = trading.server, trading.case
    far = case.away(server, case.best_ask(server), "-0.002")
    await trading.v.submit_order(trading.order("too-low", 3, far))
    found = await trading.v.fetch_order("too-low", case.symbol)
    assert found is not None and found.status is OrderStatus.CANCELED and found.filled_contracts == 0
    placed = server.find("too-low")
    assert placed is not None and placed.filled == 0


@pytest.mark.asyncio
async def test_rejected_order_carries_the_venues_reason(trading: Loopback) -> None:
    server, case = trading.server, trading.case
    code, message = case.reject
    server.faults.reject_next = (code, message)
    with pytest.raises(OrderRejected) as info:
        await trading.v.submit_order(trading.order("rej-1", 1, case.best_ask(server)))
    assert type(info.value) is case.reject_error
    assert message in info.value.message and str(code) in info.value.message
    assert server.find("rej-1") is None


@pytest.mark.asyncio
async def test_timeout_after_accept_is_outcome_unknown_then_resolved_once(trading: Loopback) -> None:
    server, case = trading.server, trading.case
    server.faults.delay_after_accept = 2.0  # the client gives up after 0.7 s
    with pytest.raises(OutcomeUnknown):
        await trading.v.submit_order(trading.order("slow-1", 4, case.best_ask(server)))
    found = await trading.v.fetch_order("slow-1", case.symbol)
    assert found is not None and found.status is OrderStatus.FILLED
    assert found.filled_contracts == case.lots(4)
    assert [p.client_id for p in server.placements] == ["slow-1"]  # exactly one placement


@pytest.mark.asyncio
async def test_5xx_after_accept_is_outcome_unknown_then_resolved_once(trading: Loopback) -> None:
    server, case = trading.server, trading.case
    server.faults.status_after_accept = 502
    with pytest.raises(OutcomeUnknown):
        await trading.v.submit_order(trading.order("gw-1", 1, case.best_ask(server)))
    found = await trading.v.fetch_order("gw-1", case.symbol)
    assert found is not None and found.status is OrderStatus.FILLED and found.filled_contracts == case.lots(1)
    assert [p.client_id for p in server.placements] == ["gw-1"]


@pytest.mark.asyncio
async def test_amount_off_the_step_is_refused_before_sending(trading: Loopback) -> None:
    server, case = trading.server, trading.case
    with pytest.raises(OrderRejected, match="precision"):
        await trading.v.submit_order(trading.order("odd-1", "1.5", case.best_ask(server)))
    with pytest.raises(OrderRejected, match="client order id"):
        await trading.v.submit_order(trading.order("x" * 41, 1, case.best_ask(server)))
    assert server.placements == []


@pytest.mark.asyncio
async def test_wrong_secret_fails_the_signature_check(loopback: Loopback) -> None:
    case, server = loopback.case, loopback.server
    config = CcxtConfig(**{"api_urls": server.api_urls, "request_timeout_ms": 2000, **case.config})
    credentials = ApiCredentials(API_KEY, "not-the-secret", PASSPHRASE if case.passphrase else None)
    v = CcxtVenue(case.venue_id, credentials=credentials, config=config)
    try:
        await v.connect()
        with pytest.raises(AuthFailed) as info:
            await v.submit_order(loopback.order("sig-1", 1, case.best_ask(server)))
    finally:
        await v.close()
    assert "not-the-secret" not in str(info.value) and SECRET not in str(info.value)
    assert server.placements == []


@pytest.mark.asyncio
async def test_without_keys_books_only() -> None:
    v = CcxtVenue("bybit")
    assert v.capabilities.trading_allowed is False and "no API keys" in (v.capabilities.view_only_reason or "")
    with pytest.raises(NotSupported):
        await v.submit_order(OrderRequest("bybit", "BTC/USDT:USDT", Side.BUY, Decimal("0.001"), "a",
                                          limit_price=Decimal(1)))
    await v.close()


async def _rest(trading: Loopback, client_id: str, lots: int, price: Decimal) -> None:
    await trading.v.submit_order(trading.order(client_id, lots, price, tif=TimeInForce.GTC))


@pytest.mark.asyncio
async def test_resting_order_is_cancelled_by_client_id(trading: Loopback) -> None:
    server, case = trading.server, trading.case
    low = case.away(server, case.best_bid(server), "-0.01")
    await _rest(trading, "rest-1", 2, low)
    resting = await trading.v.fetch_order("rest-1", case.symbol)
    assert resting is not None and resting.status is OrderStatus.ACKNOWLEDGED
    cancelled = await trading.v.cancel_order("rest-1", case.symbol)
    assert cancelled.status is OrderStatus.CANCELED and cancelled.client_order_id == "rest-1"
    placed = server.find("rest-1")
    assert placed is not None and placed.status == "canceled"


@pytest.mark.asyncio
@pytest.mark.parametrize("scoped", [True, False], ids=["with-symbol", "without-symbol"])
async def test_cancel_all_cancels_every_resting_order(trading: Loopback, scoped: bool) -> None:
    server, case = trading.server, trading.case
    low = case.away(server, case.best_bid(server), "-0.01")
    for cid in ("rest-1", "rest-2", "rest-3"):
        await _rest(trading, cid, 2, low)
    assert await trading.v.cancel_all(case.symbol if scoped else None) == 3
    assert [p.status for p in server.placements] == ["canceled"] * 3


@pytest.mark.asyncio
@pytest.mark.parametrize("scoped", [True, False], ids=["with-symbol", "without-symbol"])
async def test_cancel_all_counts_what_the_venue_confirmed_and_names_what_it_did_not(trading: Loopback,
                                                                                    scoped: bool) -> None:
    """The count was of the orders listed before the cancel: one the venue would not cancel (it
    stays open) was counted cancelled, and the trader who pressed "cancel all" was not told."""
    server, case = trading.server, trading.case
    low = case.away(server, case.best_bid(server), "-0.01")
    for cid in ("rest-1", "rest-2", "kept-3"):
        await _rest(trading, cid, 2, low)
    server.faults.cancel_refused = ("kept-",)
    report = await trading.v.cancel_all_report(case.symbol if scoped else None)
    assert [p.status for p in server.placements] == ["canceled", "canceled", "new"]
    assert report.cancelled == 2 and report.symbols == (case.symbol,) and not report.ok
    (error,) = report.errors
    assert error.startswith(case.symbol) and "1 of 3" in error and "kept-3" in error and "rest-" not in error


@pytest.mark.asyncio
async def test_balance_reports_free_margin(trading: Loopback) -> None:
    server, case = trading.server, trading.case
    low = case.away(server, case.best_bid(server), "-0.01")
    await _rest(trading, "im-1", 100, low)
    total, free = server.balance(case.settle)
    assert free < total  # the resting order locks margin
    balances = {b.currency: b for b in await trading.v.fetch_balance()}
    settle = balances[case.settle]
    assert (settle.total, settle.free) == (total, free)


@pytest.mark.asyncio
async def test_debug_logging_shows_no_key(trading: Loopback, caplog: pytest.LogCaptureFixture) -> None:
    server, case = trading.server, trading.case
    caplog.set_level(logging.DEBUG)
    await trading.v.submit_order(trading.order("log-1", 1, case.best_ask(server)))
    await trading.v.fetch_order("log-1", case.symbol)
    await trading.v.fetch_balance()
    assert API_KEY not in caplog.text and SECRET not in caplog.text and "signature=" not in caplog.text
