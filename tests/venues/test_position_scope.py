"""Which ``fetch_positions`` calls read every position, per venue (``venues/position_scope``): Bybit
per settle coin of its linear markets plus one inverse call (its linear list needs ``symbol`` or
``settleCoin``, and ccxt sends USDT only), and one call per symbol where ccxt refuses a list. The
loopback suite proves the calls against the servers (test_ccxt_loopback_positions_all.py)."""

from __future__ import annotations

from typing import Any

import ccxt
import pytest

from sor_desktop.core.instrument import Instrument
from sor_desktop.venues.position_scope import position_calls
from tests.venues.loopback.fixtures import SERVERS, case_venue, serving


def inst(symbol: str, settle: str, linear: bool = True) -> Instrument:
    base = symbol.split("/")[0]
    quote = symbol.split("/")[1].split(":")[0]
    return Instrument.from_market({
        "symbol": symbol, "id": symbol.replace("/", "").split(":")[0], "base": base, "quote": quote, "settle": settle,
        "linear": linear, "inverse": not linear, "contractSize": 1, "swap": True,
        "precision": {"price": 0.1, "amount": 0.001}, "limits": {"amount": {"min": 0.001}}}, "v")


MARKETS = [inst("BTC/USDT:USDT", "USDT"), inst("ETH/USDT:USDT", "USDT"), inst("BTC/USDC:USDC", "USDC"),
           inst("BTC/USD:BTC", "BTC", linear=False), inst("ETH/USD:ETH", "ETH", linear=False)]


def test_bybit_without_a_symbol_asks_each_settle_coin_and_inverse_once() -> None:
    assert position_calls("bybit", None, MARKETS) == [
        (None, {"subType": "linear", "settleCoin": "USDC"}), (None, {"subType": "linear", "settleCoin": "USDT"}),
        (None, {"subType": "inverse"})]
    assert position_calls("bybit", [], MARKETS[:2]) == [(None, {"subType": "linear", "settleCoin": "USDT"})]


def test_bybit_with_symbols_asks_one_at_a_time() -> None:
    assert position_calls("bybit", ["BTC/USDT:USDT", "BTC/USD:BTC", "BTC/USDT:USDT"], MARKETS) == [
        (["BTC/USDT:USDT"], {}), (["BTC/USD:BTC"], {})]


@pytest.mark.parametrize("venue", ["bingx", "binanceusdm"])
def test_venues_choosing_the_endpoint_by_kind_are_asked_per_kind(venue: str) -> None:
    assert position_calls(venue, None, MARKETS) == [(None, {"subType": "inverse"}), (None, {"subType": "linear"})]
    assert position_calls(venue, None, MARKETS[:2]) == [(None, {"subType": "linear"})]
    assert position_calls(venue, ["BTC/USD:BTC", "BTC/USDT:USDT", "ETH/USDT:USDT"], MARKETS) == [
        (["BTC/USD:BTC"], {"subType": "inverse"}), (["BTC/USDT:USDT", "ETH/USDT:USDT"], {"subType": "linear"})]


@pytest.mark.parametrize("venue", ["mexc", "weex"])
def test_venues_listing_every_position_get_one_call(venue: str) -> None:
    assert position_calls(venue, None, MARKETS) == [(None, {})]
    assert position_calls(venue, ["BTC/USDT:USDT", "ETH/USDT:USDT"], MARKETS) == [
        (["BTC/USDT:USDT", "ETH/USDT:USDT"], {})]


@pytest.mark.asyncio
async def test_bybit_loopback_refuses_a_linear_list_without_symbol_or_settle_coin() -> None:
    """What ccxt would send with ``settleCoin`` left out: Bybit's 10001, as the loopback answers;
    ``category=inverse`` alone lists every inverse position, as Bybit documents."""
    async with serving("bybit") as server:
        venue = case_venue(SERVERS["bybit"], server)
        try:
            await venue.connect()
            ex: Any = venue._ex
            with pytest.raises(ccxt.BadRequest, match="10001.*symbol or settleCoin"):
                await ex.privateGetV5PositionList({"category": "linear"})
            inverse = await ex.privateGetV5PositionList({"category": "inverse"})
        finally:
            await venue.close()
    assert inverse["retCode"] == 0
