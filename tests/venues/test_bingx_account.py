"""BingX account rules against the loopback BingX server through the real ccxt client: the key
probe, the position mode and what an order says about it, and the swap balance."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import ccxt
import pytest
import pytest_asyncio

from sor_desktop.core.account import PositionMode
from sor_desktop.core.orders import OrderRequest, Side
from sor_desktop.security.entries import KeyEntry
from sor_desktop.security.permissions import Verdict
from sor_desktop.venues import permissions as probes
from sor_desktop.venues.bingx import account
from sor_desktop.venues.ccxt_convert import balances as ccxt_balances
from sor_desktop.venues.errors import OrderRejected
from tests.venues.loopback.bingx import BingxServer
from tests.venues.loopback.common import API_KEY, SECRET
from tests.venues.loopback.fixtures import loopback_venue, serving

SYMBOL = "BTC/USDT:USDT"


@pytest_asyncio.fixture
async def server() -> AsyncIterator[BingxServer]:
    async with serving("bingx") as s:
        assert isinstance(s, BingxServer)
        yield s


def loopback_client(server: BingxServer) -> Any:
    """``permissions.make_client`` pointed at the loopback server."""

    def factory(entry: KeyEntry) -> Any:
        client = probes.make_client(entry)
        client.urls["api"] = {**client.urls["api"], **server.api_urls}
        return client

    return factory


def key(secret: str = SECRET) -> KeyEntry:
    return KeyEntry("bingx", "main", API_KEY, secret)


# -- key probe -----------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_probe_reads_a_trade_only_ip_bound_key(server: BingxServer) -> None:
    result = await probes.probe_permissions(key(), client_factory=loopback_client(server))
    assert (result.checked, result.can_trade, result.can_withdraw, result.ip_whitelisted) == (True, True, False, True)
    assert result.verdict is Verdict.OK and result.notes == ()
    assert ("GET", "/openApi/v1/account/apiPermissions") in server.requests  # signed, checked by the server


@pytest.mark.asyncio
async def test_probe_refuses_a_withdrawal_key_and_warns_of_transfers(server: BingxServer) -> None:
    server.permissions, server.ip_addresses = [1, 2, 4, 5], []
    result = await probes.probe_permissions(key(), client_factory=loopback_client(server))
    assert (result.can_trade, result.can_withdraw, result.ip_whitelisted) == (False, True, False)
    assert result.verdict is Verdict.REFUSE
    assert probes.NO_WITHDRAW in result.notes and probes.NO_IP in result.notes and probes.NO_TRADE in result.notes
    assert probes.CAN_TRANSFER in result.notes


@pytest.mark.asyncio
async def test_probe_with_a_wrong_secret_is_unchecked_and_says_why(server: BingxServer) -> None:
    result = await probes.probe_permissions(key("not-the-secret"), client_factory=loopback_client(server))
    assert result.checked is False and result.can_withdraw is None
    text = " ".join(result.lines())
    assert "refused the key" in text and "100001" in text
    assert "not-the-secret" not in text and API_KEY not in text


# -- position mode -------------------------------------------------------------------------------
@pytest_asyncio.fixture
async def client(server: BingxServer) -> AsyncIterator[Any]:
    venue = loopback_venue(server, "bingx")
    await venue.connect()
    try:
        yield venue._ex
    finally:
        await venue.close()


@pytest.mark.asyncio
async def test_position_mode_is_read_from_the_dual_side_endpoint(server: BingxServer, client: Any) -> None:
    reads = server.requests.count(("GET", "/openApi/swap/v1/positionSide/dual"))  # the venue's, on connect
    assert await account.fetch_position_mode(client) is PositionMode.ONE_WAY
    server.position_mode = PositionMode.HEDGE
    assert await account.fetch_position_mode(client) is PositionMode.HEDGE
    assert server.requests.count(("GET", "/openApi/swap/v1/positionSide/dual")) == reads + 2


async def _place(client: Any, server: BingxServer, mode: PositionMode | None, cid: str, side: str, amount: str,
                 *, reduce: bool) -> Any:
    """An IOC at the touch, with the params ``account.order_params`` gives for ``mode``."""
    params: dict[str, Any] = {"clientOrderId": cid, "timeInForce": "IOC"}
    if reduce:
        params["reduceOnly"] = True
    book = server.books["BTC-USDT"]
    price = min(book.asks) if side == "buy" else max(book.bids)
    return await client.create_order(SYMBOL, "limit", side, float(amount), float(price),
                                     account.order_params(mode, params))


@pytest_asyncio.fixture
async def hedge_client(server: BingxServer, client: Any) -> Any:
    server.position_mode = PositionMode.HEDGE
    return client


@pytest.mark.asyncio
async def test_hedge_mode_closes_the_long_with_a_reduce_only_sell(server: BingxServer, hedge_client: Any) -> None:
    await _place(hedge_client, server, PositionMode.HEDGE, "open-long", "buy", "0.004", reduce=False)
    await _place(hedge_client, server, PositionMode.HEDGE, "close-long", "sell", "0.004", reduce=True)
    opened, closed = server.find("open-long"), server.find("close-long")
    assert opened is not None and closed is not None
    assert (opened.position_side, closed.position_side) == ("LONG", "LONG")
    assert closed.reduce_only is False  # BingX refuses reduceOnly in hedge mode; LONG + SELL closes
    assert server.position("BTC-USDT", "LONG") == server.position("BTC-USDT", "SHORT") == 0


@pytest.mark.asyncio
async def test_hedge_mode_sell_without_reduce_only_opens_a_short_beside_the_long(
        server: BingxServer, hedge_client: Any) -> None:
    await _place(hedge_client, server, PositionMode.HEDGE, "long-1", "buy", "0.004", reduce=False)
    await _place(hedge_client, server, PositionMode.HEDGE, "sell-1", "sell", "0.004", reduce=False)
    assert (server.position("BTC-USDT", "LONG"), server.position("BTC-USDT", "SHORT")) == \
        (Decimal("0.004"), Decimal("0.004"))


@pytest.mark.asyncio
async def test_one_way_params_on_a_hedge_account_are_refused_and_nothing_placed(
        server: BingxServer, hedge_client: Any) -> None:
    with pytest.raises(ccxt.BaseError, match="109400") as info:
        await _place(hedge_client, server, None, "guess-1", "buy", "0.002", reduce=False)
    assert account.is_position_side_refusal(str(info.value))
    assert server.placements == []


@pytest.mark.asyncio
async def test_one_way_mode_sends_both_and_reduce_only(server: BingxServer, client: Any) -> None:
    server.enforce_reduce_only = True
    await _place(client, server, PositionMode.ONE_WAY, "ow-open", "buy", "0.003", reduce=False)
    await _place(client, server, PositionMode.ONE_WAY, "ow-close", "sell", "0.003", reduce=True)
    closed = server.find("ow-close")
    assert closed is not None and closed.reduce_only is True and closed.position_side is None  # BOTH
    assert server.position("BTC-USDT") == 0
    with pytest.raises(ccxt.BaseError, match="101290"):  # nothing left to reduce
        await _place(client, server, PositionMode.ONE_WAY, "ow-again", "sell", "0.003", reduce=True)


# -- balance -------------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_balance_total_keeps_the_margin_of_open_orders(server: BingxServer, client: Any) -> None:
    low = max(server.books["BTC-USDT"].bids) - Decimal(500)
    await client.create_order(SYMBOL, "limit", "buy", 0.1, float(low), {"clientOrderId": "rest-1"})
    raw = await client.fetch_balance({"type": "swap"})
    frozen = low * Decimal("0.1") / 10
    (ccxt_view,) = ccxt_balances("bingx", raw, ["USDT"])
    assert ccxt_view.total == server.usdt - frozen  # ccxt's availableMargin + usedMargin
    (usdt,) = account.balances("bingx", raw, ["USDT"])
    assert (usdt.total, usdt.free, usdt.used) == (server.usdt, server.usdt - frozen, frozen)


def test_balances_skip_rows_without_numbers() -> None:
    raw = {"info": {"code": 0, "data": [
        {"asset": "USDT", "balance": "12.5", "availableMargin": "10"},
        {"asset": "USDC", "balance": "", "availableMargin": ""},  # BingX's answer for an unused asset
    ]}}
    assert [(b.currency, b.total, b.free, b.used) for b in account.balances("bingx", raw)] == \
        [("USDT", Decimal("12.5"), Decimal("10"), Decimal("2.5"))]


# -- through CcxtVenue ---------------------------------------------------------------------------
def ioc(cid: str, side: Side, amount: str, price: Decimal, *, reduce: bool = False) -> OrderRequest:
    return OrderRequest("bingx", SYMBOL, side, Decimal(amount), cid, limit_price=price, reduce_only=reduce)


@pytest.mark.asyncio
async def test_the_venue_reads_the_mode_and_orders_follow_it(server: BingxServer) -> None:
    server.position_mode = PositionMode.HEDGE
    venue = loopback_venue(server, "bingx")
    try:
        await venue.connect()
        assert await venue.fetch_position_mode(SYMBOL) is PositionMode.HEDGE
        assert venue.capabilities.hedge_mode is True
        book = server.books["BTC-USDT"]
        await venue.submit_order(ioc("h-open", Side.BUY, "0.004", min(book.asks)))
        await venue.submit_order(ioc("h-close", Side.SELL, "0.004", max(book.bids), reduce=True))
    finally:
        await venue.close()
    closed = server.find("h-close")
    assert closed is not None and closed.position_side == "LONG" and closed.closes
    assert server.position("BTC-USDT", "LONG") == server.position("BTC-USDT", "SHORT") == 0


@pytest.mark.asyncio
async def test_a_mode_switched_behind_our_back_is_refused_then_read_again(server: BingxServer) -> None:
    venue = loopback_venue(server, "bingx")
    try:
        await venue.connect()
        # read as the session's account refresh does (one-way); a later order trusts it
        assert await venue.fetch_position_mode(SYMBOL) is PositionMode.ONE_WAY
        server.position_mode = PositionMode.HEDGE  # the trader switches on BingX's website
        price = min(server.books["BTC-USDT"].asks)
        with pytest.raises(OrderRejected, match="109400"):
            await venue.submit_order(ioc("sw-1", Side.BUY, "0.002", price))
        assert server.placements == []  # refused: nothing placed, nothing to resolve
        await venue.submit_order(ioc("sw-2", Side.BUY, "0.002", price))  # the trader sends again
    finally:
        await venue.close()
    placed = server.find("sw-2")
    assert placed is not None and placed.position_side == "LONG"
    assert server.requests.count(("GET", "/openApi/swap/v1/positionSide/dual")) == 2  # connect, refusal
