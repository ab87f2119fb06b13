"""The simulated Bybit inverse market BTC/USD:BTC: 1 USD contracts, margined and settled in BTC.

Every figure is worked out by hand from the inverse formulas (value n x 1 / price BTC, PnL
n x (1/entry - 1/exit) BTC for a long, harmonic-mean entry), not from the code under test.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from sor_desktop.core.instrument import Instrument
from sor_desktop.core.orders import OrderStatus, Side, TimeInForce
from sor_desktop.venues.errors import InsufficientMargin, OrderRejected
from sor_desktop.venues.sim import SimConfig, SimMarket, VirtualClock
from sor_desktop.venues.sim.accounts import Account
from sor_desktop.venues.sim.matching import MatchingEngine
from sor_desktop.venues.sim.specs import market_dict
from tests.venues.sim_helpers import BTC, book, order

D = Decimal
INV = "BTC/USD:BTC"
TAKER = D("0.0006")  # the recorded market's taker rate (the engine below charges the market's rates)


def engine(btc: str = "1", usdt: str = "10000", leverage: str = "10") -> MatchingEngine:
    inst = SimMarket(SimConfig()).instrument("bybit", INV)
    return MatchingEngine("bybit", {INV: inst},
                          Account("bybit", balance=D(usdt), leverage=D(leverage), coins={"BTC": D(btc)}))


def ibook(bids: list[tuple[float, float]], asks: list[tuple[float, float]], ts: int = 1):
    return book("bybit", bids, asks, ts=ts, symbol=INV)


def buy(n: str, price: str, cid: str, **kw):  # type: ignore[no-untyped-def]
    return order("bybit", Side.BUY, n, cid, price=price, symbol=INV, **kw)


def sell(n: str, price: str, cid: str, **kw):  # type: ignore[no-untyped-def]
    return order("bybit", Side.SELL, n, cid, price=price, symbol=INV, **kw)


def btc_row(eng: MatchingEngine):  # type: ignore[no-untyped-def]
    (row,) = [b for b in eng.balances() if b.currency == "BTC"]
    return row


# -- the market ----------------------------------------------------------------------------------
def test_the_market_dict_is_bybits_inverse_btcusd() -> None:
    m = market_dict("bybit", INV)
    assert (m["id"], m["linear"], m["inverse"], m["subType"]) == ("BTCUSD", False, True, "inverse")
    assert (m["base"], m["quote"], m["settle"], m["contractSize"]) == ("BTC", "USD", "BTC", 1)
    assert m["precision"] == {"amount": 1, "price": 0.1}
    assert m["limits"]["amount"] == {"min": 1, "max": 25_000_000} and m["limits"]["leverage"]["max"] == 100
    inst = Instrument.from_market(m, "bybit")
    assert not inst.linear and inst.settle == "BTC" and inst.quote == "USD"
    assert inst.contract_size == 1 and inst.amount_step == 1 and inst.price_tick == D("0.1")
    assert inst.contracts_to_base(D(60_000), D(60_000)) == 1  # 60,000 one-dollar contracts = 1 BTC there
    # the window's symbol list is unchanged; only bybit lists the inverse market
    market = SimMarket(SimConfig())
    assert INV in market.symbols("bybit")
    assert all(INV not in market.symbols(v) for v in ("binanceusdm", "bingx", "weex", "mexc"))


@pytest.mark.asyncio
async def test_the_book_is_whole_contracts_at_the_linear_price_with_comparable_usd_depth() -> None:
    clock = VirtualClock()
    v = SimMarket(SimConfig(seed=4), clock).venue("bybit")
    await v.connect()
    for _ in range(5):
        inv = await clock.drive(v.watch_order_book(INV))
        lin = await clock.drive(v.watch_order_book(BTC))
        for side in (inv.bids, inv.asks):
            assert len(side) > 100
            assert (side[:, 1] == side[:, 1].round()).all() and (side[:, 1] >= 1).all()  # whole contracts
        assert inv.mid is not None and lin.mid is not None
        assert abs(inv.mid / lin.mid - 1) < 10e-4  # same bitcoin: within 10 bps (1 bp basis + venue noise)
        assert inv.best_bid < inv.best_ask
        # USD depth: an inverse level is its contracts in USD, a linear one base x price
        inv_usd = inv.asks[:, 1].sum() + inv.bids[:, 1].sum()
        lin_usd = (lin.asks[:, 0] * lin.asks[:, 1]).sum() + (lin.bids[:, 0] * lin.bids[:, 1]).sum()
        assert 1 / 3 < inv_usd / lin_usd < 3
        await clock.advance(2.0)


# -- fills, fees, wallet, margin -----------------------------------------------------------------
ASKS = [(50_000.0, 10_000.0), (60_000.0, 10_000.0)]
BIDS = [(49_990.0, 10_000.0)]


def test_a_buy_fills_in_contracts_and_pays_its_fee_and_margin_in_btc() -> None:
    eng = engine()
    rep = eng.submit(buy("6000", "50000", "a"), ibook(BIDS, ASKS), 5)
    assert rep.status is OrderStatus.FILLED and rep.filled_contracts == 6000 and rep.avg_price == 50_000
    fee = D("0.0006") * D(6000) / D(50_000)  # 0.000072 BTC
    assert rep.fee == fee == D("0.000072")
    (pos,) = eng.positions()
    mark = D("49995")  # the book's mid
    assert pos.pnl_currency == "BTC" and pos.entry_price == 50_000 and pos.mark_price == mark
    assert pos.base_amount == D(6000) / mark  # base is contracts x 1 USD / mark
    upnl = D(6000) * (1 / D(50_000) - 1 / mark)
    assert pos.unrealized_pnl == upnl < 0
    row = btc_row(eng)
    assert row.total == D(1) - fee + upnl
    assert row.used == D(6000) / mark / 10
    assert row.free == row.total - row.used
    usdt = eng.balance()  # the USDT wallet does not move
    assert (usdt.currency, usdt.total, usdt.used) == ("USDT", D(10_000), D(0))
    assert eng.pnl("BTC").fees == fee and eng.pnl().fees == 0


def test_closing_higher_realises_n_times_the_difference_of_inverses() -> None:
    eng = engine()
    eng.submit(buy("6000", "50000", "a"), ibook(BIDS, ASKS), 5)
    rep = eng.submit(sell("6000", "52000", "b"), ibook([(52_000.0, 10_000.0)], [(52_010.0, 10_000.0)], ts=2), 6)
    assert rep.filled_contracts == 6000 and rep.avg_price == 52_000
    realized = D(6000) * (1 / D(50_000) - 1 / D(52_000))  # about 0.00461538 BTC
    fee_in = D("0.000072")
    fee_out = (TAKER * D(6000) / D(52_000)).quantize(D("1e-8"))
    assert eng.positions() == []
    assert eng.pnl("BTC").realized == realized > D("0.0046")
    row = btc_row(eng)
    assert row.total == D(1) + realized - fee_in - fee_out and row.used == 0


def test_a_short_gains_in_btc_when_the_price_falls() -> None:
    eng = engine()
    eng.submit(sell("6000", "49990", "s"), ibook(BIDS, ASKS), 5)
    (pos,) = eng.positions()
    assert pos.side is Side.SELL and pos.entry_price == 49_990
    eng.submit(buy("6000", "48000", "c"), ibook([(47_990.0, 9_000.0)], [(48_000.0, 9_000.0)], ts=2), 6)
    assert eng.pnl("BTC").realized == -D(6000) * (1 / D(49_990) - 1 / D(48_000)) > 0


def test_the_entry_of_an_inverse_position_is_the_harmonic_mean() -> None:
    eng = engine()
    rep = eng.submit(order("bybit", Side.BUY, "15000", "m", market=True, symbol=INV), ibook(BIDS, ASKS), 5)
    assert rep.filled_contracts == 15_000
    harmonic = D(15_000) / (D(10_000) / D(50_000) + D(5_000) / D(60_000))  # 52941.18, not 53333.33
    (pos,) = eng.positions()
    assert pos.entry_price == harmonic
    assert rep.avg_price is not None and abs(rep.avg_price - harmonic) < D("1e-9")
    # the fee is each fill's coin value at the rate
    assert rep.fee == TAKER * (D(10_000) / D(50_000)) + (TAKER * D(5_000) / D(60_000)).quantize(D("1e-8"))


def test_an_order_the_btc_wallet_cannot_margin_is_rejected_whatever_the_usdt() -> None:
    eng = engine(btc="0.01", usdt="1000000")
    # 6000 USD at 50,000 is 0.12 BTC: 0.012 BTC of margin at 10x, above the 0.01 BTC wallet
    with pytest.raises(InsufficientMargin, match="BTC"):
        eng.submit(buy("6000", "50000", "big"), ibook(BIDS, ASKS), 5)
    assert eng.positions() == [] and eng.report("big") is None
    ok = eng.submit(buy("4000", "50000", "fits"), ibook(BIDS, ASKS), 6)  # 0.008 BTC + fees
    assert ok.filled_contracts == 4000


def test_a_resting_order_holds_btc_margin_at_its_limit() -> None:
    eng = engine()
    rep = eng.submit(buy("4900", "49000", "g", tif=TimeInForce.GTC), ibook(BIDS, ASKS), 5)
    assert rep.status is OrderStatus.ACKNOWLEDGED
    assert btc_row(eng).used == D(4900) / D(49_000) / 10 == D("0.01")
    assert eng.balance().used == 0
    fills = eng.on_book(ibook([(48_000.0, 10_000.0)], [(48_990.0, 10_000.0)], ts=2), 6)
    assert [(f.price, f.contracts) for f in fills] == [(D(49_000), D(4900))]
    assert fills[0].fee == D("0.0001") * D("0.1")  # maker, 0.1 BTC at 49,000


def test_reduce_only_closes_at_most_the_position_and_never_opens() -> None:
    eng = engine()
    with pytest.raises(OrderRejected):
        eng.submit(sell("100", "49990", "r0", reduce_only=True), ibook(BIDS, ASKS), 4)
    eng.submit(buy("6000", "50000", "a"), ibook(BIDS, ASKS), 5)
    with pytest.raises(OrderRejected):
        eng.submit(buy("100", "50000", "r1", reduce_only=True), ibook(BIDS, ASKS, ts=2), 6)
    rep = eng.submit(sell("9000", "49990", "r2", reduce_only=True), ibook(BIDS, ASKS, ts=3), 7)
    assert rep.filled_contracts == 6000 and eng.positions() == []


def test_amounts_are_whole_contracts() -> None:
    eng = engine()
    with pytest.raises(OrderRejected):
        eng.submit(buy("10.5", "50000", "x"), ibook(BIDS, ASKS), 5)


# -- the venue -----------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_the_venue_trades_it_and_lists_btc_beside_usdt() -> None:
    clock = VirtualClock()
    v = SimMarket(SimConfig(seed=9, balances={"bybit": D(25_000)}, coin_balance=D("0.5")), clock).venue("bybit")
    await v.connect()
    usdt, btc = await clock.drive(v.fetch_balance())
    assert (usdt.currency, usdt.total, btc.currency, btc.total) == ("USDT", D(25_000), "BTC", D("0.5"))
    b = await clock.drive(v.watch_order_book(INV))
    limit = D(repr(b.best_ask)) * D("1.001")
    limit -= limit % D("0.1")
    rep = await clock.drive(v.submit_order(buy("3000", str(limit), "v1")))
    assert rep.status is OrderStatus.FILLED and rep.filled_contracts == 3000
    fills = v.fills()
    # charged at Bybit's simulated account tier (sim.terms), in BTC: rate x contracts / price per fill
    assert rep.fee == sum((D("0.00045") * f.contracts / f.price).quantize(D("1e-8")) for f in fills)
    (pos,) = await clock.drive(v.fetch_positions([INV]))
    assert pos.contracts == 3000 and pos.mark_price is not None
    assert pos.base_amount == D(3000) / pos.mark_price
    usdt2, btc2 = await clock.drive(v.fetch_balance())
    assert usdt2.total == D(25_000) and btc2.used == D(3000) / pos.mark_price / 10
    assert btc2.total == D("0.5") - rep.fee + pos.unrealized_pnl


@pytest.mark.asyncio
async def test_a_venue_without_the_inverse_market_keeps_a_single_usdt_balance() -> None:
    clock = VirtualClock()
    market = SimMarket(SimConfig(seed=9, symbols=(BTC,)), clock)
    v = market.venue("bybit")
    await v.connect()
    assert INV not in v.instruments()
    assert [b.currency for b in await clock.drive(v.fetch_balance())] == ["USDT"]


@pytest.mark.asyncio
async def test_terms_of_the_inverse_market() -> None:
    clock = VirtualClock()
    market = SimMarket(SimConfig(seed=2), clock)
    v = market.venue("bybit")
    await v.connect()
    terms = await clock.drive(v.fetch_terms(INV))
    assert terms.symbol == INV and terms.fee.own
    assert terms.funding is not None and terms.funding.interval_hours == 8
    assert terms.funding.next_time % (8 * 3_600_000) == 0
    assert terms.brackets and max(b.max_leverage for b in terms.brackets) == 100  # the market's maximum
    linear = await clock.drive(v.fetch_terms(BTC))
    assert max(b.max_leverage for b in linear.brackets) == 125
    assert terms.mark_price is not None and linear.mark_price is not None
    assert terms.mark_price / linear.mark_price == pytest.approx(1.0001, abs=1e-9)  # the 1 bp basis
