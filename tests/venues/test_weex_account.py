"""WEEX account rules through the real ccxt client against the loopback WEEX server: the
position mode as WEEX states it, orders' position sides in both modes, and the key probe."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio

from sor_desktop.core.account import PositionMode
from sor_desktop.core.orders import OrderRequest, Side
from sor_desktop.security.entries import KeyEntry
from sor_desktop.security.permissions import Verdict
from sor_desktop.venues import permissions as probes
from sor_desktop.venues.ccxt_venue import CcxtVenue
from sor_desktop.venues.errors import OutcomeUnknown
from sor_desktop.venues.weex import account
from sor_desktop.venues.weex.probe import ACCOUNT_CANNOT_TRADE, CANNOT_CHECK
from tests.venues.loopback.common import API_KEY, PASSPHRASE, SECRET
from tests.venues.loopback.fixtures import loopback_venue
from tests.venues.loopback.weex import WeexServer

SYMBOL = "BTC/USDT:USDT"
MARKET = "BTCUSDT"


@pytest_asyncio.fixture
async def server() -> AsyncIterator[WeexServer]:
    s = WeexServer()
    s.refuse_excess_close = True  # as the venue: a close beyond the position is refused
    await s.start()
    try:
        yield s
    finally:
        await s.stop()


@pytest_asyncio.fixture
async def venue(server: WeexServer) -> AsyncIterator[CcxtVenue]:
    v = loopback_venue(server, "weex", passphrase=True)
    await v.connect()
    try:
        yield v
    finally:
        await v.close()


def ioc(client_id: str, side: Side, amount: str, price: Decimal, reduce_only: bool = False) -> OrderRequest:
    return OrderRequest("weex", SYMBOL, side, Decimal(amount), client_id, limit_price=price, reduce_only=reduce_only)


async def go_long(venue: CcxtVenue, server: WeexServer, amount: str) -> None:
    await venue.submit_order(ioc("open-long", Side.BUY, amount, min(server.books[MARKET].asks)))
    assert server.position(MARKET, "LONG") == Decimal(amount)


def test_position_side_names_what_the_order_closes_or_opens() -> None:
    assert account.position_side(Side.SELL, reduce_only=True) == "LONG"  # closes the long
    assert account.position_side(Side.BUY, reduce_only=True) == "SHORT"  # closes the short
    assert account.position_side(Side.BUY, reduce_only=False) == "LONG"
    assert account.position_side(Side.SELL, reduce_only=False) == "SHORT"


def test_mode_comes_from_dual_side_position_only() -> None:
    assert account.position_mode({"dualSidePosition": True}) is PositionMode.HEDGE
    assert account.position_mode({"dualSidePosition": "false"}) is PositionMode.ONE_WAY
    assert account.position_mode({"canTrade": True}) is None
    assert account.position_mode([{"separatedType": "SEPARATED"}]) is None


@pytest.mark.asyncio
@pytest.mark.parametrize("hedge", [True, False])
async def test_position_mode_is_read_from_the_account_config(server: WeexServer, venue: CcxtVenue,
                                                              hedge: bool) -> None:
    server.position_mode = PositionMode.HEDGE if hedge else PositionMode.ONE_WAY
    assert await venue.fetch_position_mode(SYMBOL) is (PositionMode.HEDGE if hedge else PositionMode.ONE_WAY)
    assert ("GET", "/capi/v3/account/accountConfig") in server.requests
    # ccxt's own reader takes the combined/split positions setting for the mode: not used
    ccxt_says = await venue._ex.fetch_position_mode(SYMBOL)
    assert ccxt_says["hedged"] is False  # whatever dualSidePosition says


@pytest.mark.asyncio
@pytest.mark.parametrize("hedge", [True, False])
async def test_reduce_closes_the_long_and_never_opens_a_short(server: WeexServer, venue: CcxtVenue,
                                                               hedge: bool) -> None:
    server.position_mode = PositionMode.HEDGE if hedge else PositionMode.ONE_WAY
    await go_long(venue, server, "0.0050")
    bid = max(server.books[MARKET].bids) - Decimal(50)  # deep enough to fill
    await venue.submit_order(ioc("reduce-1", Side.SELL, "0.0050", bid, reduce_only=True))
    placed = server.find("reduce-1")
    assert placed is not None and placed.position_side == "LONG" and placed.closes
    found = await venue.fetch_order("reduce-1", SYMBOL)
    assert found is not None and found.filled_contracts == Decimal("0.0050")
    assert server.position(MARKET, "LONG") == 0 and server.position(MARKET, "SHORT") == 0
    # a reduce beyond what is held is refused by the venue instead of opening a short
    with pytest.raises(Exception, match="exceeds the position"):
        await venue.submit_order(ioc("reduce-2", Side.SELL, "0.0010", bid, reduce_only=True))
    assert server.position(MARKET, "SHORT") == 0


@pytest.mark.asyncio
@pytest.mark.parametrize("hedge", [True, False])
async def test_a_plain_sell_nets_only_in_one_way_mode(server: WeexServer, venue: CcxtVenue, hedge: bool) -> None:
    """What the mode changes: a sell that is not reduce-only opens a short beside the long in
    hedge mode, and nets against the long in one-way mode (the preview must know which)."""
    server.position_mode = PositionMode.HEDGE if hedge else PositionMode.ONE_WAY
    await go_long(venue, server, "0.0050")
    bid = max(server.books[MARKET].bids) - Decimal(50)
    await venue.submit_order(ioc("sell-1", Side.SELL, "0.0020", bid))
    placed = server.find("sell-1")
    assert placed is not None and placed.position_side == "SHORT"
    if hedge:
        assert (server.position(MARKET, "LONG"), server.position(MARKET, "SHORT")) == (Decimal("0.0050"), Decimal("0.0020"))
    else:
        assert (server.position(MARKET, "LONG"), server.position(MARKET, "SHORT")) == (Decimal("0.0030"), 0)
    positions = {p.side: p.contracts for p in await venue.fetch_positions([SYMBOL])}
    assert positions == ({Side.BUY: Decimal("0.0050"), Side.SELL: Decimal("0.0020")} if hedge
                         else {Side.BUY: Decimal("0.0030")})


# -- the key probe ------------------------------------------------------------------------------
def weex_entry(passphrase: str | None = PASSPHRASE) -> KeyEntry:
    return KeyEntry("weex", "main", API_KEY, SECRET, passphrase, False)


def loopback_client(server: WeexServer) -> Any:
    def factory(entry: KeyEntry) -> Any:
        client = probes.make_client(entry)
        client.urls["api"] = {**client.urls["api"], **{k: v for k, v in server.api_urls.items() if k != "ws"}}
        return client
    return factory


@pytest.mark.asyncio
async def test_probe_says_the_key_works_but_cannot_be_checked(server: WeexServer) -> None:
    result = await probes.probe_permissions(weex_entry(), client_factory=loopback_client(server))
    assert result.checked is False and result.verdict is Verdict.WARN
    assert result.notes[0] == CANNOT_CHECK
    assert result.chip_note() == f"cannot be checked on this venue ({CANNOT_CHECK})"
    assert result.can_withdraw is None and result.ip_whitelisted is None and result.can_trade is None
    assert ("GET", "/capi/v3/account/accountConfig") in server.requests  # signed and accepted


@pytest.mark.asyncio
async def test_probe_reports_an_account_that_cannot_trade(server: WeexServer) -> None:
    server.can_trade = False
    result = await probes.probe_permissions(weex_entry(), client_factory=loopback_client(server))
    assert result.can_trade is False and ACCOUNT_CANNOT_TRADE in result.notes and CANNOT_CHECK in result.notes


@pytest.mark.asyncio
async def test_probe_with_a_wrong_passphrase_says_the_venue_refused_the_key(server: WeexServer) -> None:
    result = await probes.probe_permissions(weex_entry("wrong-passphrase"), client_factory=loopback_client(server))
    assert result.checked is False and "refused the key" in result.notes[0]
    assert "wrong-passphrase" not in " ".join(result.notes)


def test_position_params_state_the_side_in_every_mode() -> None:
    reduce = ioc("r", Side.SELL, "0.001", Decimal(1), reduce_only=True)
    for mode in (PositionMode.HEDGE, PositionMode.ONE_WAY, None):
        assert account.position_params(mode, reduce) == {"positionSide": "LONG"}
        assert account.position_params(mode, ioc("o", Side.SELL, "0.001", Decimal(1))) == {"positionSide": "SHORT"}


@pytest.mark.asyncio
async def test_a_reused_client_id_is_an_unknown_outcome_resolved_to_the_order_that_landed(
        server: WeexServer, venue: CcxtVenue) -> None:
    ask = min(server.books[MARKET].asks)
    await venue.submit_order(ioc("dup-1", Side.BUY, "0.0010", ask))
    with pytest.raises(OutcomeUnknown):
        await venue.submit_order(ioc("dup-1", Side.BUY, "0.0010", ask))
    found = await venue.fetch_order("dup-1", SYMBOL)
    assert found is not None and [p.client_id for p in server.placements] == ["dup-1"]
