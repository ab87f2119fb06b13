"""The local matching engine: fills, fees, resting orders, rejects, positions and PnL."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sor_desktop.core.orders import OrderStatus, Side, TimeInForce
from sor_desktop.venues.errors import InsufficientMargin, OrderRejected
from sor_desktop.venues.sim import SimConfig, SimMarket
from sor_desktop.venues.sim.accounts import Account
from sor_desktop.venues.sim.matching import MatchingEngine
from tests.venues.sim_helpers import BTC, book, order

D = Decimal


def engine(venue: str = "bybit", balance: str = "100000", leverage: str = "10") -> MatchingEngine:
    market = SimMarket(SimConfig())
    instruments = {BTC: market.instrument(venue, BTC)}
    return MatchingEngine(venue, instruments, Account(venue, balance=D(balance), leverage=D(leverage)))


ASKS = [(100.0, 1.0), (100.5, 2.0), (101.0, 5.0)]
BIDS = [(99.5, 1.0), (99.0, 3.0)]


def test_market_buy_walks_the_levels_at_the_taker_fee() -> None:
    eng = engine()
    rep = eng.submit(order("bybit", Side.BUY, "2.5", "a", market=True), book("bybit", BIDS, ASKS), 5)
    assert rep.status is OrderStatus.FILLED
    assert rep.filled_contracts == D("2.5")
    assert rep.avg_price == (D("1") * D("100") + D("1.5") * D("100.5")) / D("2.5")
    assert rep.fee == (D("100") + D("1.5") * D("100.5")) * D("0.0006")
    assert [(f.price, f.contracts) for f in eng.fills] == [(D("100"), D("1")), (D("100.5"), D("1.5"))]


def test_ioc_limit_fills_only_up_to_its_price_and_expires_the_rest() -> None:
    eng = engine()
    rep = eng.submit(order("bybit", Side.BUY, "5", "a", price="100.5"), book("bybit", BIDS, ASKS), 5)
    assert rep.status is OrderStatus.CANCELED
    assert rep.filled_contracts == D("3")
    assert eng.open_orders() == []


def test_the_same_book_does_not_give_its_liquidity_twice() -> None:
    eng = engine()
    b = book("bybit", BIDS, ASKS)
    eng.submit(order("bybit", Side.BUY, "1", "a", price="100"), b, 5)
    second = eng.submit(order("bybit", Side.BUY, "1", "b", price="100"), b, 6)
    assert second.filled_contracts == 0 and second.status is OrderStatus.CANCELED
    fresh = eng.submit(order("bybit", Side.BUY, "1", "c", price="100"), book("bybit", BIDS, ASKS, ts=2), 7)
    assert fresh.filled_contracts == D("1")


def test_gtc_rests_then_fills_at_its_price_as_maker_when_the_book_crosses_it() -> None:
    eng = engine()
    rep = eng.submit(order("bybit", Side.BUY, "3", "g", price="99.8", tif=TimeInForce.GTC),
                     book("bybit", BIDS, ASKS), 5)
    assert rep.status is OrderStatus.ACKNOWLEDGED and rep.filled_contracts == 0
    assert [o.client_order_id for o in eng.open_orders()] == ["g"]
    # asks come down through 99.8: 2 contracts at or below it
    fills = eng.on_book(book("bybit", [(99.0, 1.0)], [(99.7, 0.5), (99.8, 1.5), (99.9, 4.0)], ts=2), 9)
    assert [(f.price, f.contracts) for f in fills] == [(D("99.8"), D("0.5")), (D("99.8"), D("1.5"))]
    assert sum(f.fee for f in fills) == D("2") * D("99.8") * D("0.0001")
    part = eng.report("g")
    assert part is not None and part.status is OrderStatus.PARTIALLY_FILLED and part.filled_contracts == D("2")
    eng.on_book(book("bybit", [(99.0, 1.0)], [(99.8, 9.0)], ts=3), 10)
    done = eng.report("g")
    assert done is not None and done.status is OrderStatus.FILLED and eng.open_orders() == []


def test_gtc_takes_what_crosses_first_then_rests_the_rest() -> None:
    eng = engine()
    rep = eng.submit(order("bybit", Side.SELL, "2", "s", price="99.5", tif=TimeInForce.GTC),
                     book("bybit", BIDS, ASKS), 5)
    assert rep.status is OrderStatus.PARTIALLY_FILLED and rep.filled_contracts == D("1")
    assert eng.cancel("s", BTC).status is OrderStatus.CANCELED
    assert eng.cancel_all() == 0


@pytest.mark.parametrize(
    ("venue", "contracts", "price", "words"),
    [
        ("bybit", "0.0015", "100", "Qty invalid"),  # off the 0.001 step
        ("bybit", "0.0001", "100", "Qty invalid"),
        ("binanceusdm", "0.01", "100", "notional must be no smaller than 5"),  # 1 USDT < 5
        ("bybit", "1", "100.05", "Price invalid"),  # off the 0.1 tick
        ("mexc", "0.5", "100", "Volume precision"),  # MEXC counts whole contracts
    ],
)
def test_rejects_with_the_venue_words(venue: str, contracts: str, price: str, words: str) -> None:
    eng = engine(venue)
    with pytest.raises(OrderRejected, match=words):
        eng.submit(order(venue, Side.BUY, contracts, "x", price=price), book(venue, BIDS, ASKS), 5)
    assert eng.report("x") is None  # nothing placed, the id stays free


def test_beyond_free_margin_is_rejected_as_insufficient_margin() -> None:
    eng = engine(balance="100", leverage="5")  # 500 USDT of notional at most
    with pytest.raises(InsufficientMargin):
        eng.submit(order("bybit", Side.BUY, "5", "m", price="100"), book("bybit", BIDS, [(100.0, 10.0)]), 5)
    ok = eng.submit(order("bybit", Side.BUY, "4.9", "n", price="100"), book("bybit", BIDS, [(100.0, 10.0)]), 5)
    assert ok.status is OrderStatus.FILLED


def test_a_duplicate_client_id_is_rejected_and_never_filled_twice() -> None:
    eng = engine()
    eng.submit(order("bybit", Side.BUY, "1", "dup", price="100"), book("bybit", BIDS, ASKS), 5)
    with pytest.raises(OrderRejected, match="duplicate"):
        eng.submit(order("bybit", Side.BUY, "1", "dup", price="101"), book("bybit", BIDS, ASKS, ts=2), 6)
    assert eng.account.signed_position(BTC) == D("1")


def test_reduce_only_needs_an_opposite_position_and_is_capped_at_it() -> None:
    eng = engine()
    with pytest.raises(OrderRejected, match="Reduce-only"):
        eng.submit(order("bybit", Side.SELL, "1", "r0", price="99", reduce_only=True), book("bybit", BIDS, ASKS), 5)
    eng.submit(order("bybit", Side.BUY, "1", "b", price="100"), book("bybit", BIDS, ASKS), 5)
    rep = eng.submit(order("bybit", Side.SELL, "3", "r1", price="99", reduce_only=True),
                     book("bybit", BIDS, ASKS, ts=2), 6)
    assert rep.filled_contracts == D("1")
    assert eng.account.signed_position(BTC) == 0


def test_positions_net_average_entry_and_pnl() -> None:
    eng = engine()
    eng.submit(order("bybit", Side.BUY, "1", "a", price="100"), book("bybit", BIDS, [(100.0, 1.0)]), 1)
    eng.submit(order("bybit", Side.BUY, "1", "b", price="102"), book("bybit", BIDS, [(102.0, 1.0)], ts=2), 2)
    [pos] = eng.positions()
    assert pos.side is Side.BUY and pos.contracts == D("2") and pos.entry_price == D("101")
    # sell 3 at 104: closes 2 (+3 each) and opens 1 short at 104
    eng.submit(order("bybit", Side.SELL, "3", "c", price="104"), book("bybit", [(104.0, 5.0)], ASKS, ts=3), 3)
    eng.on_book(book("bybit", [(102.9, 1.0)], [(103.1, 1.0)], ts=4), 4)  # mark 103
    [pos] = eng.positions()
    assert pos.side is Side.SELL and pos.contracts == D("1") and pos.entry_price == D("104")
    assert pos.realized_pnl == D("6")
    assert pos.unrealized_pnl == D("1")  # short from 104, mark 103
    fees = (D("100") + D("102") + D("3") * D("104")) * D("0.0006")
    bal = eng.balance()
    assert bal.total == D("100000") + D("6") - fees + D("1")
    assert bal.used == D("103") / D("10")
    assert bal.free == bal.total - bal.used


def test_pnl_keeps_what_closed_positions_realised() -> None:
    eng = engine()
    eng.submit(order("bybit", Side.BUY, "2", "a", price="100"), book("bybit", BIDS, [(100.0, 2.0)]), 1)
    eng.submit(order("bybit", Side.SELL, "2", "b", price="103"), book("bybit", [(103.0, 2.0)], ASKS, ts=2), 2)
    assert eng.positions() == []
    pnl = eng.pnl()
    fees = (D("200") + D("206")) * D("0.0006")
    assert pnl.realized == D("6") and pnl.unrealized == 0 and pnl.fees == fees
    assert eng.balance().total == D("100000") + pnl.net
