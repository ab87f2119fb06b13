"""The simulated accounts' futures terms: fee tiers (charged as reported), funding that moves on
each venue's own interval, brackets."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sor_desktop.core.funding import HOUR_MS
from sor_desktop.core.orders import OrderStatus, Side
from sor_desktop.venues.sim import SimConfig, SimMarket, VirtualClock
from sor_desktop.venues.sim import terms as sim_terms
from tests.venues.sim_helpers import BTC, order

pytestmark = pytest.mark.asyncio


async def _venue(venue_id: str):
    clock = VirtualClock()
    market = SimMarket(SimConfig(seed=3), clock)
    v = market.venue(venue_id)
    await v.connect()
    return v, clock


async def test_fee_tier_reported_is_the_fee_charged():
    v, clock = await _venue("binanceusdm")
    terms = await clock.drive(v.fetch_terms(BTC))
    assert terms.fee.own and terms.fee.label() == "your fee 0.032 %"
    assert v.instruments()[BTC].taker_fee == Decimal("0.0004")  # the market's default is unchanged
    book = await clock.drive(v.watch_order_book(BTC))
    price = Decimal(repr(book.best_ask)) + 50 * v.instruments()[BTC].price_tick
    rep = await clock.drive(v.submit_order(order(v.id, Side.BUY, "0.01", "fee-1", price=str(price))))
    assert rep.status is OrderStatus.FILLED
    assert rep.fee == sum((f.price * f.contracts * Decimal("0.00032")).quantize(Decimal("1e-8")) for f in v.fills())


async def test_bingx_gives_no_account_fee_so_the_default_is_charged_and_said():
    v, clock = await _venue("bingx")
    terms = await clock.drive(v.fetch_terms(BTC))
    assert not terms.fee.own and terms.fee.label().startswith("default fee")
    assert terms.router_terms()["fee"] is None


async def test_funding_moves_and_settles_on_each_venue_interval():
    v, clock = await _venue("bingx")
    first = await clock.drive(v.fetch_terms(BTC))
    assert first.funding is not None and first.funding.interval_hours == 4
    assert first.funding.next_time % (4 * HOUR_MS) == 0
    assert 0 < first.funding.next_time - first.fetched_at_ms <= 4 * HOUR_MS
    rates = {sim_terms.funding_at("bingx", BTC, first.fetched_at_ms + k * HOUR_MS).rate for k in range(0, 12, 3)}
    assert len(rates) == 4  # it moves over hours
    assert sim_terms.interval_hours("binanceusdm", BTC) == 8
    assert sim_terms.interval_hours("mexc", "SOL/USDT:USDT") == 1
    assert first.mark_price is not None and first.mark_price > 0


async def test_brackets_are_sorted_tiers_thinner_venues_cut_leverage_earlier():
    b = sim_terms.brackets("binanceusdm", BTC)
    w = sim_terms.brackets("weex", BTC)
    assert [t.max_leverage for t in b] == [125, 100, 50, 20, 10]
    assert w[0].cap < b[0].cap
    assert all(x.floor == y.cap for x, y in zip(b[1:], b, strict=False))
