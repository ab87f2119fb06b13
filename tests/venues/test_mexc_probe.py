"""MEXC view-only by default, decided per account by an order the venue must refuse either way
(``venues.mexc.probe``), against the loopback MEXC server through the real ccxt client."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sor_desktop.core.orders import OrderRequest, Side
from sor_desktop.venues.errors import NotSupported
from sor_desktop.venues.mexc.probe import judge
from tests.venues.loopback.fixtures import loopback_venue, serving

SYMBOL = "BTC/USDT:USDT"


@pytest.mark.asyncio
async def test_an_account_with_api_trading_off_stays_view_only_and_says_why() -> None:
    async with serving("mexc") as server:
        server.api_trading = False
        v = loopback_venue(server, "mexc")
        try:
            assert v.capabilities.trading_allowed is False  # before any answer: view-only
            await v.connect()
            assert v.capabilities.trading_allowed is False
            assert "1002" in (v.capabilities.view_only_reason or "") and "this account" in (v.capabilities.view_only_reason or "")
            with pytest.raises(NotSupported):
                await v.submit_order(OrderRequest("mexc", SYMBOL, Side.BUY, Decimal(10), "x-1",
                                                  limit_price=min(server.books["BTC_USDT"].asks)))
        finally:
            await v.close()
    (probe,) = server.bodies
    assert probe["vol"] == 0 and probe["type"] == 3 and server.placements == []


@pytest.mark.asyncio
async def test_an_account_with_api_trading_on_may_trade() -> None:
    async with serving("mexc") as server:
        v = loopback_venue(server, "mexc")
        try:
            await v.connect()
            assert v.capabilities.trading_allowed is True and v.capabilities.view_only_reason is None
            assert "takes futures orders by API for this account" in (v.capabilities.trading_note or "")
        finally:
            await v.close()
    assert server.placements == []  # the probe was refused for its volume: nothing placed


@pytest.mark.asyncio
async def test_without_keys_or_with_a_setting_no_probe_is_sent() -> None:
    async with serving("mexc") as server:
        for v in (loopback_venue(server, "mexc", keys=False), loopback_venue(server, "mexc", trading_allowed=False)):
            try:
                await v.connect()
                assert v.capabilities.trading_allowed is False
            finally:
                await v.close()
    assert server.bodies == []


def test_answers_that_tell_nothing_keep_the_venue_view_only() -> None:
    assert judge("510", "Excessive frequency of requests", "BTC_USDT").allowed is None
    assert judge(None, "RequestTimeout", "BTC_USDT").allowed is None
    assert judge("1002", "Contract not allow place order!", "BTC_USDT").allowed is False
    assert judge("600", "Param error!", "BTC_USDT").allowed is True

