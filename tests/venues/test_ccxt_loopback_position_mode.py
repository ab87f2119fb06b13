"""Position mode through the real ccxt client against every loopback venue: the account's mode
is read where the venue says it, and orders carry the position fields that mode needs. On a
hedge-mode account a "sell to reduce" must close the long (sell on the LONG side), never open a
short; the loopback servers refuse what the venues refuse (Binance -4061/-1106, Bybit 10001)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from sor_desktop.core.account import PositionMode
from sor_desktop.core.orders import Side
from sor_desktop.venues.errors import OrderRejected, OutcomeUnknown, VenueUnavailable
from tests.venues.loopback.suite import Loopback


@pytest.mark.asyncio
@pytest.mark.parametrize("mode", list(PositionMode))
async def test_position_mode_is_read_from_the_venue(trading: Loopback, mode: PositionMode) -> None:
    trading.server.position_mode = mode
    expected = mode if trading.case.hedge_mode else PositionMode.ONE_WAY
    assert await trading.v.fetch_position_mode(trading.case.symbol) is expected


@pytest.mark.asyncio
async def test_hedge_mode_orders_name_the_side_they_open_or_close(trading: Loopback) -> None:
    if not trading.case.hedge_mode:
        pytest.skip(f"{trading.case.symbol} is one-way only on {trading.case.venue_id}")
    server, case = trading.server, trading.case
    server.position_mode = PositionMode.HEDGE
    bid, ask = case.best_bid(server), case.best_ask(server)
    # no explicit read: the first order reads the mode itself
    await trading.v.submit_order(trading.order("h-close-long", 2, bid, Side.SELL, reduce_only=True))
    await trading.v.submit_order(trading.order("h-open-short", 2, bid, Side.SELL))
    await trading.v.submit_order(trading.order("h-close-short", 2, ask, Side.BUY, reduce_only=True))
    await trading.v.submit_order(trading.order("h-open-long", 2, ask, Side.BUY))
    sides = {p.client_id: (p.side, p.position_side, p.closes) for p in server.placements}
    assert sides == {
        "h-close-long": ("sell", "LONG", True),
        "h-open-short": ("sell", "SHORT", False),
        "h-close-short": ("buy", "SHORT", True),
        "h-open-long": ("buy", "LONG", False),
    }
    found, placed = await trading.v.fetch_order("h-close-long", case.symbol), server.find("h-close-long")
    assert found is not None and placed is not None and found.side is Side.SELL
    assert found.filled_contracts == placed.filled > 0


@pytest.mark.asyncio
async def test_one_way_close_says_it_closes(trading: Loopback) -> None:
    server, case = trading.server, trading.case
    server.position_mode = PositionMode.ONE_WAY
    assert await trading.v.fetch_position_mode(case.symbol) is PositionMode.ONE_WAY
    await trading.v.submit_order(trading.order("o-close", 2, case.best_bid(server), Side.SELL, reduce_only=True))
    await trading.v.submit_order(trading.order("o-open", 2, case.best_bid(server), Side.SELL))
    closes = {p.client_id: p.closes for p in server.placements}
    assert closes == {"o-close": True, "o-open": False}
    # the close says so the venue's one-way way: reduceOnly, or (venues whose orders always name
    # a position side, WEEX) the side it closes
    close = server.find("o-close")
    assert close is not None and (close.reduce_only if close.position_side is None else close.position_side == "LONG")


@pytest.mark.asyncio
async def test_an_unreadable_position_mode_sends_nothing(trading: Loopback) -> None:
    if trading.v._rules.read_position_mode is None:
        pytest.skip(f"{trading.case.venue_id} does not report a position mode")

    async def lost(ex: Any, symbol: str) -> PositionMode | None:
        raise OutcomeUnknown(trading.case.venue_id, "timed out")

    trading.v._rules = replace(trading.v._rules, read_position_mode=lost)
    with pytest.raises(VenueUnavailable, match="position mode"):
        await trading.v.submit_order(trading.order("pm-1", 1, trading.case.best_ask(trading.server)))
    assert trading.server.placements == []


@pytest.mark.asyncio
async def test_a_mode_switched_on_the_venue_is_read_again_after_the_refusal(trading: Loopback) -> None:
    if not trading.case.hedge_mode or trading.v._rules.read_position_mode is None:
        pytest.skip(f"{trading.case.symbol} on {trading.case.venue_id} has one mode or does not report it")
    server, case = trading.server, trading.case
    assert await trading.v.fetch_position_mode(case.symbol) is PositionMode.ONE_WAY
    server.position_mode = PositionMode.HEDGE  # the trader switched it on the venue's website
    try:  # Binance, Bybit, BingX, MEXC refuse a one-way order on a hedge account; WEEX orders fit both
        await trading.v.submit_order(trading.order("sw-1", 2, case.best_bid(server), Side.SELL, reduce_only=True))
    except (OrderRejected, OutcomeUnknown):  # MEXC's 7002 is not on its not-placed list
        assert server.find("sw-1") is None
    await trading.v.submit_order(trading.order("sw-2", 2, case.best_bid(server), Side.SELL, reduce_only=True))
    placed = server.find("sw-2")
    assert placed is not None and placed.position_side == "LONG" and placed.closes
    assert all(p.position_side == "LONG" and p.closes for p in server.placements)
