"""The margin check before sending (``margin_caps.leg_margin``) asks what the venue asks: with free
margin a hair above what it says a leg needs, the simulated venue takes the leg; a hair below, it
rejects it for margin. Linear and inverse, buy and sell, each at its own limit."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sor_desktop.core.orders import OrderRequest, OrderType, Side, TimeInForce
from sor_desktop.engine.margin_caps import leg_margin
from sor_desktop.venues.errors import InsufficientMargin
from sor_desktop.venues.sim.clock import VirtualClock
from sor_desktop.venues.sim.config import SimConfig
from sor_desktop.venues.sim.market import SimMarket

LINEAR, INVERSE = "BTC/USDT:USDT", "BTC/USD:BTC"


def _market(venue: str, symbol: str, free: Decimal | None) -> tuple[SimMarket, VirtualClock]:
    clock = VirtualClock()
    cfg = {} if free is None else ({"balances": {venue: free}} if symbol == LINEAR else {"coin_balances": {venue: free}})
    return SimMarket(SimConfig(seed=5, latency_scale=0.0, symbols=(LINEAR, INVERSE), **cfg), clock), clock


async def _need(venue: str, symbol: str, side: Side, base: Decimal, move_bps: int) -> tuple[Decimal, Decimal]:
    """A leg of ``base`` whose limit is ``move_bps`` past the best price, in contracts, and what
    ``leg_margin`` says it needs on a fresh market of the seed."""
    market, clock = _market(venue, symbol, None)
    v = market.venues()[venue]
    await v.connect()
    inst = v.instruments()[symbol]
    book = market.book_at(venue, symbol, clock.time(), sequence=1)
    best = Decimal(repr(float(book.asks[0, 0] if side is Side.BUY else book.bids[0, 0])))
    limit = inst.round_price(best * (1 + Decimal(move_bps) / 10_000 * (1 if side is Side.BUY else -1)),
                             up=side is Side.BUY)
    contracts = (base / inst.contract_size if inst.linear else base * best / inst.contract_size).quantize(
        inst.amount_step)
    terms = await v.fetch_terms(symbol)  # the account's own fee rate, as the session keeps it
    assert terms.fee.own
    got = leg_margin(side, contracts, limit, book, inst, await v.fetch_balance(), [], leverage=10.0,
                     taker_fee=terms.fee.taker)
    assert got is not None and got.required > 0
    return Decimal(repr(got.required)), contracts, limit


@pytest.mark.asyncio
@pytest.mark.parametrize("venue,symbol", [("mexc", LINEAR), ("binanceusdm", LINEAR), ("bybit", LINEAR),
                                          ("bybit", INVERSE)])
@pytest.mark.parametrize("side", [Side.BUY, Side.SELL])
async def test_the_venue_takes_a_leg_just_above_what_the_check_says_and_rejects_it_just_below(venue, symbol, side):
    need, contracts, limit = await _need(venue, symbol, side, Decimal("0.5"), 4)
    for factor, taken in ((Decimal("1.001"), True), (Decimal("0.999"), False)):
        market, clock = _market(venue, symbol, need * factor)
        v = market.venues()[venue]
        await v.connect()
        req = OrderRequest(venue, symbol, side, contracts, f"c{int(taken)}", OrderType.LIMIT, limit, TimeInForce.IOC)
        if taken:
            report = await v.submit_order(req)
            assert report.filled_contracts > 0, report
        else:
            with pytest.raises(InsufficientMargin):  # each venue in its own words (bybit: "110007 ab not enough")
                await v.submit_order(req)
