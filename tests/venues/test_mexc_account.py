"""MEXC futures side codes, position mode and orders read back (``venues.mexc.account``), against
MEXC's documented codes; the loopback suite sends them through the real ccxt client."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

import ccxt.pro
import pytest

from sor_desktop.core.account import PositionMode
from sor_desktop.core.orders import OrderRequest, OrderType, Side, TimeInForce
from sor_desktop.venues.ccxt_orders import order_type_and_params
from sor_desktop.venues.ccxt_venue import CcxtVenue
from sor_desktop.venues.errors import OrderRejected, VenueError
from sor_desktop.venues.mexc import account
from tests.shared_data import load_markets
from tests.venues.loopback.fixtures import journaled, loopback_venue, serving

SYMBOL = "BTC/USDT:USDT"


def request(side: Side, reduce_only: bool, tif: TimeInForce = TimeInForce.IOC) -> OrderRequest:
    return OrderRequest("mexc", SYMBOL, side, Decimal(10), "leg-1", limit_price=Decimal(60000),
                        time_in_force=tif, reduce_only=reduce_only)


@pytest.mark.parametrize(("side", "reduce_only", "code"), [
    (Side.BUY, False, 1),  # open long
    (Side.BUY, True, 2),  # close short
    (Side.SELL, False, 3),  # open short
    (Side.SELL, True, 4),  # close long
])
def test_side_codes_follow_the_docs(side: Side, reduce_only: bool, code: int) -> None:
    assert account.side_code(side, reduce_only) == code


@pytest.mark.parametrize(("mode", "wire"), [(PositionMode.HEDGE, 1), (PositionMode.ONE_WAY, 2), (None, None)])
def test_orders_carry_the_accounts_mode_when_known(mode: PositionMode | None, wire: int | None) -> None:
    kind, params = order_type_and_params("mexc", request(Side.BUY, True), mode)
    assert kind == 3 and params["side"] == 2 and params["clientOrderId"] == "leg-1"
    assert params.get("positionMode") == wire and "reduceOnly" not in params and "timeInForce" not in params
    kind, _ = order_type_and_params("mexc", request(Side.BUY, False, TimeInForce.GTC), mode)
    assert kind == OrderType.LIMIT.value


def test_position_mode_answer() -> None:
    assert account.position_mode({"success": True, "code": 0, "data": 1}) is PositionMode.HEDGE
    assert account.position_mode({"success": True, "code": 0, "data": 2}) is PositionMode.ONE_WAY
    assert account.position_mode({"success": True, "code": 0}) is None
    assert account.position_mode({"success": True, "code": 0, "data": 7}) is None


async def create_body(params: dict[str, Any]) -> dict[str, Any]:
    """The body ccxt's ``create_swap_order`` sends for a reduce-only buy with ``params``."""
    ex = ccxt.pro.mexc({"apiKey": "k", "secret": "s"})
    ex.set_markets(load_markets("mexc"))
    seen: dict[str, Any] = {}

    async def fetch(url: str, method: str = "GET", headers: Any = None, body: Any = None) -> Any:
        seen.update(json.loads(body))
        return {"success": True, "code": 0, "data": {"orderId": "1", "ts": 1}}

    ex.fetch = fetch
    try:
        await ex.create_order(SYMBOL, 3, "buy", 10, 60000, params)
    finally:
        await ex.close()
    return seen


@pytest.mark.asyncio
async def test_ccxt_alone_closes_the_wrong_side_in_hedge_mode_and_ours_overrides_it() -> None:
    assert (await create_body({"reduceOnly": True, "hedged": True}))["side"] == 4  # close LONG for a buy
    _, params = order_type_and_params("mexc", request(Side.BUY, True), PositionMode.HEDGE)
    body = await create_body(params)
    assert body["side"] == 2 and body["positionMode"] == 1 and body["externalOid"] == "leg-1"


def raw_order(**over: Any) -> dict[str, Any]:
    raw = {"orderId": "264995729269765120", "symbol": "BTC_USDT", "positionId": "0", "price": "60000", "vol": "15",
           "leverage": "20", "side": "1", "category": "1", "orderType": "3", "dealAvgPrice": "60000",
           "dealVol": "15", "orderMargin": "0", "takerFee": "0.018", "makerFee": "0", "profit": "0",
           "feeCurrency": "USDT", "openType": "2", "state": "3", "externalOid": "leg-1", "errorCode": "0",
           "usedMargin": "0", "createTime": "1648850305236", "updateTime": "1648850305245", "positionMode": "2"}
    raw.update(over)
    return raw


@pytest.mark.parametrize(("code", "side"), [("1", "buy"), ("2", "buy"), ("3", "sell"), ("4", "sell")])
def test_orders_read_back_with_side_and_our_id(code: str, side: str) -> None:
    ex = ccxt.pro.mexc()
    ex.set_markets(load_markets("mexc"))
    market = ex.market(SYMBOL)
    ccxt_side = ex.parse_order(raw_order(side=code), market)["side"]
    order = account.parse_order(ex, raw_order(side=code), market)
    assert order["side"] == side and order["clientOrderId"] == "leg-1" and order["status"] == "closed"
    if code == "2":
        assert ccxt_side == "sell"  # ccxt alone reads a close-short (a buy) as a sell
    assert account.parse_order(ex, raw_order(state="5"), market)["status"] == "rejected"


# -- against the loopback MEXC server, through the real ccxt client --------------------------
@asynccontextmanager
async def connected() -> AsyncIterator[tuple[Any, CcxtVenue]]:
    """The loopback MEXC server and a venue connected to it with keys (probe and mode read done)."""
    async with serving("mexc") as server:
        v = loopback_venue(server, "mexc")
        journaled(v)
        try:
            await v.connect()
            yield server, v
        finally:
            await v.close()


@pytest.mark.asyncio
@pytest.mark.parametrize(("server_mode", "mode"), [(1, PositionMode.HEDGE), (2, PositionMode.ONE_WAY)])
async def test_the_accounts_mode_is_read_and_sent_with_each_order(server_mode: int, mode: PositionMode) -> None:
    async with serving("mexc") as server:
        server.position_mode = mode
        v = loopback_venue(server, "mexc")
        journaled(v)
        try:
            await v.connect()  # probes orders by API
            assert await v.fetch_position_mode(SYMBOL) is mode  # as the session's account refresh reads it
            assert ("GET", "/api/v1/private/position/position_mode") in server.requests
            bid = max(server.books["BTC_USDT"].bids)
            await v.submit_order(OrderRequest("mexc", SYMBOL, Side.SELL, Decimal(20), "close-long-1",
                                              limit_price=bid, reduce_only=True))
            await v.submit_order(OrderRequest("mexc", SYMBOL, Side.BUY, Decimal(20), "close-short-1",
                                              limit_price=min(server.books["BTC_USDT"].asks), reduce_only=True))
            found = await v.fetch_order("close-short-1", SYMBOL)
        finally:
            await v.close()
    close_long, close_short = server.bodies[-2:]
    assert (close_long["side"], close_long["positionMode"]) == (4, server_mode)
    assert (close_short["side"], close_short["positionMode"]) == (2, server_mode)
    assert "reduceOnly" not in close_long and "reduceOnly" not in close_short
    assert found is not None and found.side is Side.BUY and found.client_order_id == "close-short-1"
    placed = server.find("close-long-1")
    assert placed is not None and placed.closes and placed.position_side == ("LONG" if mode is PositionMode.HEDGE else None)


@pytest.mark.asyncio
async def test_a_mode_switched_behind_our_back_is_refused_not_reversed() -> None:
    async with connected() as (server, v):
        assert await v.fetch_position_mode(SYMBOL) is PositionMode.ONE_WAY
        server.position_mode = PositionMode.HEDGE  # switched on the website
        with pytest.raises(VenueError, match="7002"):
            await v.submit_order(OrderRequest("mexc", SYMBOL, Side.SELL, Decimal(20), "leg-7002",
                                              limit_price=max(server.books["BTC_USDT"].bids), reduce_only=True))
    assert server.placements == []


@pytest.mark.asyncio
async def test_client_ids_longer_than_32_are_refused_before_sending() -> None:
    # MEXC contract API error 2030: "External order ID is too long (Max. 32 bits)"
    async with connected() as (server, v):
        ask = min(server.books["BTC_USDT"].asks)
        with pytest.raises(OrderRejected, match="1-32"):
            await v.submit_order(OrderRequest("mexc", SYMBOL, Side.BUY, Decimal(10), "x" * 33, limit_price=ask))
        await v.submit_order(OrderRequest("mexc", SYMBOL, Side.BUY, Decimal(10), "y" * 32, limit_price=ask))
    assert [p.client_id for p in server.placements] == ["y" * 32]


@pytest.mark.asyncio
async def test_the_loopback_contract_list_parses_to_the_recorded_market() -> None:
    """The server's contract/detail, read by ccxt, gives what ccxt recorded from MEXC itself."""
    recorded = load_markets("mexc")[SYMBOL]
    async with connected() as (_, v):
        live = v._ex.markets[SYMBOL]
    for key in ("id", "contractSize", "precision", "linear", "settle", "type"):
        assert live[key] == recorded[key], key
    assert live["limits"]["amount"] == recorded["limits"]["amount"]


@pytest.mark.asyncio
@pytest.mark.parametrize(("open_type", "side", "reduce_only", "leverage"), [
    (1, Side.BUY, False, 12),  # isolated: opens a long at the long side's leverage
    (1, Side.SELL, False, 15),  # ... a short at the short side's
    (1, Side.SELL, True, 12),  # closing the long: the long position's
    (2, Side.BUY, False, None),  # cross: no leverage on the order
])
async def test_orders_carry_the_accounts_margin_type_and_its_leverage(
        open_type: int, side: Side, reduce_only: bool, leverage: int | None) -> None:
    """ccxt sends every MEXC order as cross (``openType`` 2) unless told: an account set to
    isolated on the symbol got cross orders, and isolated ones need their leverage ("leverage is
    necessary on isolated margin"). The account's own, from ``position/leverage``, goes with each."""
    async with connected() as (server, v):
        server.open_type = open_type
        server.long_leverage, server.short_leverage = 12, 15
        book = server.books["BTC_USDT"]
        price = min(book.asks) if side is Side.BUY else max(book.bids)
        await v.submit_order(OrderRequest("mexc", SYMBOL, side, Decimal(10), f"margin-{open_type}-{side}",
                                          limit_price=price, reduce_only=reduce_only))
    body = server.bodies[-1]
    assert body["openType"] == open_type
    assert body.get("leverage") == leverage
