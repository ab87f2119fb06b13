"""SimVenue behind the Venue interface: latency, client ids, resting orders, fault hooks."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from sor_desktop.core.orders import OrderRequest, OrderStatus, Side, TimeInForce
from sor_desktop.venues.base import Mode
from sor_desktop.venues.errors import (
    BookGap,
    NotSupported,
    OrderRejected,
    OutcomeUnknown,
    RateLimited,
    VenueUnavailable,
)
from sor_desktop.venues.sim import SimConfig, SimMarket, SimVenue, VirtualClock
from sor_desktop.venues.sim.profiles import PROFILES
from tests.venues.sim_helpers import BTC, order

D = Decimal


async def venue(venue_id: str = "bybit", **config: object) -> tuple[SimVenue, VirtualClock]:
    clock = VirtualClock()
    market = SimMarket(SimConfig(seed=9, **config), clock)  # type: ignore[arg-type]
    v = market.venue(venue_id)
    await v.connect()
    return v, clock


def buy_at_touch(v: SimVenue, contracts: str, cid: str, ask: float, ticks_through: int = 50,
                 tif: TimeInForce = TimeInForce.IOC) -> OrderRequest:
    inst = v.instruments()[BTC]
    price = D(repr(ask)) + inst.price_tick * ticks_through
    return order(v.id, Side.BUY, contracts, cid, price=str(price), tif=tif)


@pytest.mark.asyncio
async def test_an_ioc_order_fills_after_the_venue_latency_and_is_found_by_client_id() -> None:
    v, clock = await venue()
    assert v.mode is Mode.SIMULATED and v.capabilities.client_id_field == "orderLinkId"
    book = await clock.drive(v.watch_order_book(BTC))
    assert book.best_ask is not None
    t0 = clock.elapsed
    rep = await clock.drive(v.submit_order(buy_at_touch(v, "0.5", "ioc-1", book.best_ask)))
    assert clock.elapsed - t0 == pytest.approx(2 * PROFILES["bybit"].order_latency_ms / 1000)
    assert rep.status is OrderStatus.FILLED and rep.filled_contracts == D("0.5")
    fills = v.fills()
    assert sum(f.contracts for f in fills) == D("0.5")
    # charged at the simulated account's fee tier (sim.terms), not the market's 0.06 % default
    assert rep.fee == sum((f.price * f.contracts * D("0.00045")).quantize(D("1e-8")) for f in fills)
    found = await clock.drive(v.fetch_order("ioc-1", BTC))
    assert found == rep
    [pos] = await clock.drive(v.fetch_positions())
    assert pos.contracts == D("0.5") and pos.side is Side.BUY
    with pytest.raises(OrderRejected, match="duplicate"):
        await clock.drive(v.submit_order(buy_at_touch(v, "0.5", "ioc-1", book.best_ask)))
    [pos] = await clock.drive(v.fetch_positions())
    assert pos.contracts == D("0.5")


@pytest.mark.asyncio
async def test_our_fill_takes_the_liquidity_out_of_the_next_book() -> None:
    v, clock = await venue(latency_scale=0.0)
    book = await clock.drive(v.watch_order_book(BTC))
    top = [(D(repr(float(p))), D(repr(float(q)))) for p, q in book.asks[:3]]
    size = sum(q for _, q in top)
    await v.submit_order(order("bybit", Side.BUY, str(size), "sweep", price=str(top[-1][0])))
    after = v.book_now(BTC)  # the venue's book at the same instant
    assert {D(repr(float(p))) for p in after.asks[:, 0]}.isdisjoint({p for p, _ in top})
    assert after.best_ask is not None and D(repr(after.best_ask)) > top[-1][0]


@pytest.mark.asyncio
async def test_a_resting_order_fills_when_the_market_comes_to_it() -> None:
    v, clock = await venue(latency_scale=0.0)
    book = await clock.drive(v.watch_order_book(BTC))
    assert book.best_bid is not None
    inst = v.instruments()[BTC]
    bid = D(repr(book.best_bid)) - inst.price_tick * 5
    rep = await v.submit_order(order("bybit", Side.BUY, "0.01", "rest", price=str(bid), tif=TimeInForce.GTC))
    assert rep.status is OrderStatus.ACKNOWLEDGED
    for _ in range(20000):  # the random walk reaches 5 ticks down within virtual minutes
        b = await clock.drive(v.watch_order_book(BTC))
        done = v.engine.report("rest")
        assert done is not None
        if done.status is OrderStatus.FILLED:
            break
    assert done.status is OrderStatus.FILLED and done.avg_price == bid
    assert b.best_ask is not None and D(repr(b.best_ask)) <= bid
    assert done.fee == (bid * D("0.01") * D("0.0001")).quantize(D("1e-8"))  # maker fee


@pytest.mark.asyncio
async def test_cancel_and_cancel_all() -> None:
    v, clock = await venue(latency_scale=0.0)
    book = await clock.drive(v.watch_order_book(BTC))
    assert book.best_bid is not None
    low = D(repr(book.best_bid)) * D("0.9")
    low = low - low % v.instruments()[BTC].price_tick
    for cid in ("g1", "g2", "g3"):
        await v.submit_order(order("bybit", Side.BUY, "0.01", cid, price=str(low), tif=TimeInForce.GTC))
    assert (await v.cancel_order("g1", BTC)).status is OrderStatus.CANCELED
    assert await v.cancel_all(BTC) == 2
    assert await v.open_orders() == []
    with pytest.raises(OrderRejected, match="does not exist"):
        await v.cancel_order("nope", BTC)


@pytest.mark.asyncio
async def test_mexc_trades_in_the_simulator_unless_made_view_only() -> None:
    v, clock = await venue("mexc", latency_scale=0.0)
    book = await clock.drive(v.watch_order_book(BTC))
    assert v.capabilities.trading_allowed
    assert book.best_ask is not None
    rep = await v.submit_order(order("mexc", Side.BUY, "10", "m1", price=str(D(repr(book.best_ask)) + 10)))
    assert rep.filled_contracts == D(10)
    [pos] = await v.fetch_positions()
    assert pos.base_amount == D("0.0010")  # 10 contracts of 0.0001 BTC
    ro, _ = await venue("mexc", latency_scale=0.0, view_only=frozenset({"mexc"}))
    assert not ro.capabilities.trading_allowed and ro.capabilities.view_only_reason
    with pytest.raises(NotSupported):
        await ro.submit_order(order("mexc", Side.BUY, "10", "m1", price="60000"))


@pytest.mark.asyncio
async def test_fault_reject_and_rate_limit_place_nothing() -> None:
    v, clock = await venue(latency_scale=0.0)
    await clock.drive(v.watch_order_book(BTC))
    v.faults.reject_next("110007 ab not enough for new order")
    with pytest.raises(OrderRejected, match="ab not enough"):
        await v.submit_order(order("bybit", Side.BUY, "0.01", "f1", price="70000"))
    v.faults.rate_limit_next()
    with pytest.raises(RateLimited):
        await v.submit_order(order("bybit", Side.BUY, "0.01", "f1", price="70000"))
    assert await v.fetch_order("f1", BTC) is None
    rep = await v.submit_order(order("bybit", Side.BUY, "0.01", "f1", price="70000"))
    assert rep.status is OrderStatus.FILLED


@pytest.mark.asyncio
async def test_fault_timeout_after_accept_is_found_by_client_id_and_never_filled_twice() -> None:
    v, clock = await venue()
    await clock.drive(v.watch_order_book(BTC))
    v.faults.timeout_next()
    with pytest.raises(OutcomeUnknown):
        await clock.drive(v.submit_order(order("bybit", Side.BUY, "0.02", "t1", price="70000")))
    found = await clock.drive(v.fetch_order("t1", BTC))
    assert found is not None and found.status is OrderStatus.FILLED and found.filled_contracts == D("0.02")
    with pytest.raises(OrderRejected):  # a blind resend is refused, not filled again
        await clock.drive(v.submit_order(order("bybit", Side.BUY, "0.02", "t1", price="70000")))
    [pos] = await clock.drive(v.fetch_positions())
    assert pos.contracts == D("0.02")


@pytest.mark.asyncio
async def test_fault_lost_request_is_not_placed() -> None:
    v, clock = await venue()
    v.faults.lose_next()
    with pytest.raises(OutcomeUnknown):
        await clock.drive(v.submit_order(order("bybit", Side.BUY, "0.02", "l1", price="70000")))
    assert await clock.drive(v.fetch_order("l1", BTC)) is None


@pytest.mark.asyncio
async def test_fault_stalled_books_stop_until_resumed_and_watch_errors_raise() -> None:
    v, clock = await venue()
    await clock.drive(v.watch_order_book(BTC))
    v.faults.stall_books(BTC)
    pending = asyncio.ensure_future(v.watch_order_book(BTC))
    await clock.advance(30.0)
    assert not pending.done()
    v.faults.resume_books(BTC)
    book = await clock.drive(pending)
    assert book.timestamp >= int((clock.time() - 1) * 1000)  # fresh, not a 30 s old book
    v.faults.fail_next_watch(BookGap("bybit", "sequence gap (injected)"))
    with pytest.raises(BookGap):
        await v.watch_order_book(BTC)
    v.faults.set_down()
    with pytest.raises(VenueUnavailable):
        await v.watch_order_book(BTC)
    with pytest.raises(VenueUnavailable):
        await v.fetch_balance()
    v.faults.set_down(False)
    usdt, btc = await clock.drive(v.fetch_balance())  # bybit lists BTC/USD:BTC: a BTC wallet too
    assert usdt.total == D(10_000) and usdt.currency == "USDT"
    assert btc.total == D(1) and btc.currency == "BTC"


async def _scenario(seed: int) -> list[tuple[str, Decimal, Decimal, Decimal]]:
    clock = VirtualClock()
    market = SimMarket(SimConfig(seed=seed, venues=("bybit", "bingx")), clock)
    out = []
    for i in range(6):
        for vid in ("bybit", "bingx"):
            v = market.venue(vid)
            await clock.drive(v.watch_order_book(BTC))
            side = Side.BUY if i % 2 == 0 else Side.SELL
            await clock.drive(v.submit_order(order(vid, side, "0.05", f"{vid}-{i}", market=True)))
    for vid in ("bybit", "bingx"):
        out += [(f.client_order_id, f.price, f.contracts, f.fee) for f in market.venue(vid).fills()]
    return out


@pytest.mark.asyncio
async def test_same_seed_same_fills_on_virtual_time() -> None:
    first, again, other = await _scenario(3), await _scenario(3), await _scenario(4)
    assert first == again and len(first) >= 12
    assert first != other


@pytest.mark.asyncio
async def test_watching_after_close_opens_the_stream_again() -> None:
    v, clock = await venue()
    first = await clock.drive(v.watch_order_book(BTC))
    await v.close()
    await clock.advance(2.0)
    again = await clock.drive(v.watch_order_book(BTC))
    assert again.sequence == (first.sequence or 0) + 1 and again.timestamp > first.timestamp + 1900
