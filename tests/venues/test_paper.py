"""Paper trading: real books from any venue, orders matched locally, never sent to the venue."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sor_desktop.core.orders import OrderStatus, Side, TimeInForce
from sor_desktop.venues.base import Mode
from sor_desktop.venues.errors import OrderRejected, VenueUnavailable
from sor_desktop.venues.paper import PaperVenue
from sor_desktop.venues.sim import SimConfig, SimMarket, SimVenue, VirtualClock
from tests.venues.sim_helpers import BTC, order

D = Decimal


async def paper(venue_id: str = "bybit", **config: object) -> tuple[PaperVenue, SimVenue, VirtualClock]:
    clock = VirtualClock()
    market = SimMarket(SimConfig(seed=21, latency_scale=0.0, **config), clock)  # type: ignore[arg-type]
    source = market.venue(venue_id)
    p = PaperVenue(source, balance=D(2500), clock=clock)
    await p.connect()
    return p, source, clock


@pytest.mark.asyncio
async def test_books_pass_through_and_orders_never_reach_the_venue() -> None:
    p, source, clock = await paper()
    assert p.mode is Mode.PAPER and p.id == "bybit"
    book = await clock.drive(p.watch_order_book(BTC))
    assert book is source.last_book(BTC)
    assert book.best_ask is not None
    rep = await p.submit_order(order("bybit", Side.BUY, "0.02", "p1", price=str(D(repr(book.best_ask)) + 5)))
    assert rep.status is OrderStatus.FILLED and rep.filled_contracts == D("0.02")
    assert await p.fetch_order("p1", BTC) == rep
    [pos] = await p.fetch_positions()
    assert pos.contracts == D("0.02")
    assert source.engine.report("p1") is None and await source.fetch_positions() == []
    [bal] = [b for b in await p.fetch_balance() if b.currency == "USDT"]
    assert bal.total == D(2500) - rep.fee + pos.unrealized_pnl


@pytest.mark.asyncio
async def test_paper_trades_an_inverse_market_from_a_one_coin_wallet() -> None:
    p, source, clock = await paper()
    inverse = "BTC/USD:BTC"
    book = await clock.drive(p.watch_order_book(inverse))
    assert book.best_bid is not None
    rep = await p.submit_order(order("bybit", Side.SELL, "6000", "inv1", price=str(D(repr(book.best_bid)) - 50),
                                     symbol=inverse))
    assert rep.status is OrderStatus.FILLED and rep.filled_contracts == D(6000)
    btc = {b.currency: b for b in await p.fetch_balance()}["BTC"]
    assert btc.total < D(1) and btc.free < btc.total  # the fee in BTC, margin held in BTC
    assert source.engine.report("inv1") is None  # never reached the venue


@pytest.mark.asyncio
async def test_paper_balance_limits_orders() -> None:
    p, _, clock = await paper()
    book = await clock.drive(p.watch_order_book(BTC))
    assert book.best_ask is not None
    with pytest.raises(OrderRejected, match="ab not enough"):  # 0.5 BTC = 30k notional, 3k margin > 2.5k
        await p.submit_order(order("bybit", Side.BUY, "0.5", "big", price=str(D(repr(book.best_ask)) + 5)))


@pytest.mark.asyncio
async def test_no_book_or_a_stale_book_rejects_the_order() -> None:
    p, _, clock = await paper()
    with pytest.raises(OrderRejected, match="no BTC/USDT:USDT book yet"):
        await p.submit_order(order("bybit", Side.BUY, "0.01", "n1", price="60000"))
    await clock.drive(p.watch_order_book(BTC))
    await clock.advance(6.0)
    with pytest.raises(OrderRejected, match="stale"):
        await p.submit_order(order("bybit", Side.BUY, "0.01", "n1", price="60000"))


@pytest.mark.asyncio
async def test_a_view_only_venue_can_paper_trade() -> None:
    p, source, clock = await paper("mexc", view_only=frozenset({"mexc"}))
    assert not source.capabilities.trading_allowed and p.capabilities.trading_allowed
    book = await clock.drive(p.watch_order_book(BTC))
    assert book.best_ask is not None
    rep = await p.submit_order(order("mexc", Side.BUY, "5", "m", price=str(D(repr(book.best_ask)) + 1)))
    assert rep.filled_contracts == D(5)


@pytest.mark.asyncio
async def test_a_resting_paper_order_fills_from_later_books() -> None:
    p, _, clock = await paper()
    book = await clock.drive(p.watch_order_book(BTC))
    assert book.best_bid is not None
    bid = D(repr(book.best_bid)) - D("0.3")
    await p.submit_order(order("bybit", Side.BUY, "0.01", "g", price=str(bid), tif=TimeInForce.GTC))
    for _ in range(20000):
        await clock.drive(p.watch_order_book(BTC))
        rep = await p.fetch_order("g", BTC)
        assert rep is not None
        if rep.status is OrderStatus.FILLED:
            break
    assert rep.status is OrderStatus.FILLED and rep.avg_price == bid
    assert await p.cancel_all() == 0


@pytest.mark.asyncio
async def test_public_wraps_the_live_venue_without_keys_or_network() -> None:
    p = PaperVenue.public("mexc", balance=D(100))
    try:
        assert p.mode is Mode.PAPER and p.id == "mexc" and p.source.mode is Mode.LIVE
        assert p.capabilities.trading_allowed  # paper orders never leave, even on view-only MEXC
        with pytest.raises(VenueUnavailable, match="not connected"):
            await p.fetch_balance()
    finally:
        await p.close()
