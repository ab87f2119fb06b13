"""MEXC view-only by default, decided per account by an order the venue must refuse either way
(``venues.mexc.probe``), against the loopback MEXC server through the real ccxt client. The probe
is an order like any other: in the journal before it is sent (the venue carries the executor's
journal), its outcome recorded, and one the venue took and would not cancel is an unknown order
the blotter shows and trading waits on."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from sor_desktop.core.orders import OrderRequest, OrderStatus, Side
from sor_desktop.engine.exec_events import LegEvent, RouteEvent, RouteState
from sor_desktop.venues.errors import NotSupported
from sor_desktop.venues.mexc.probe import PROBE_ID_PREFIX, judge
from tests.venues.loopback.fixtures import journaled, loopback_venue, serving

SYMBOL = "BTC/USDT:USDT"


@pytest.mark.asyncio
async def test_an_account_with_api_trading_off_stays_view_only_and_says_why() -> None:
    async with serving("mexc") as server:
        server.api_trading = False
        v = loopback_venue(server, "mexc")
        journaled(v)
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
        journaled(v)
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



@pytest.mark.asyncio
async def test_the_probe_order_is_in_the_journal_before_it_is_sent_and_its_refusal_after() -> None:
    async with serving("mexc") as server:
        v = loopback_venue(server, "mexc")
        ex = journaled(v)
        seen_at_send: list[list[Any]] = []  # what the journal held when the order arrived
        server.on_create = lambda body: seen_at_send.append(
            [(lg.client_order_id, lg.status) for lg in ex.journal.all_legs()])
        try:
            await v.connect()
        finally:
            await v.close()
    (body,) = server.bodies
    cid = body["externalOid"]
    assert cid.startswith(PROBE_ID_PREFIX) and seen_at_send == [[(cid, "pending")]]
    (leg,) = ex.journal.all_legs()
    assert leg.client_order_id == cid and leg.venue == "mexc" and leg.symbol == SYMBOL and leg.contracts == 0
    assert leg.status == "rejected" and "2011" in (leg.reason or "") and leg.sent_ts is not None
    assert ex.blocked() is None  # a refused probe leaves nothing to resolve


@pytest.mark.asyncio
async def test_no_journal_no_probe_the_venue_stays_view_only_and_says_why() -> None:
    async with serving("mexc") as server:
        v = loopback_venue(server, "mexc")
        refused = loopback_venue(server, "mexc")
        journaled(refused).refuse("journal damaged")
        try:
            for venue in (v, refused):
                await venue.connect()
                assert venue.capabilities.trading_allowed is False
                assert "not asked" in (venue.capabilities.view_only_reason or "")
        finally:
            await v.close()
            await refused.close()
    assert server.bodies == []


@pytest.mark.asyncio
async def test_an_accepted_probe_whose_cancel_fails_is_an_unknown_order_the_trader_sees() -> None:
    async with serving("mexc") as server:
        server.zero_volume_rests = True
        server.faults.cancel_refused = (PROBE_ID_PREFIX,)
        v = loopback_venue(server, "mexc")
        ex = journaled(v)
        events: list[Any] = []
        ex.subscribe(events.append)
        try:
            await v.connect()
        finally:
            await v.close()
    (placed,) = server.placements
    assert placed.status == "new"  # still open on the venue
    (leg,) = ex.journal.open_legs()
    assert leg.client_order_id == placed.client_id and leg.status == "unknown" and "cancel" in (leg.reason or "")
    blocked = ex.blocked()
    assert blocked is not None and "mexc" in blocked.why  # trading waits until it is resolved
    legs = [e for e in events if isinstance(e, LegEvent)]
    assert legs and legs[-1].status is OrderStatus.UNKNOWN and legs[-1].failure == "unknown"  # the blotter row
    assert any(isinstance(e, RouteEvent) and e.state is RouteState.UNRESOLVED for e in events)  # the status bar
    assert placed.client_id in (v.capabilities.trading_note or "")


@pytest.mark.asyncio
async def test_an_accepted_probe_is_cancelled_and_journaled_cancelled() -> None:
    async with serving("mexc") as server:
        server.zero_volume_rests = True
        v = loopback_venue(server, "mexc")
        ex = journaled(v)
        try:
            await v.connect()
        finally:
            await v.close()
    (placed,) = server.placements
    (leg,) = ex.journal.all_legs()
    assert placed.status == "canceled" and leg.client_order_id == placed.client_id and leg.status == "canceled"
    assert ex.blocked() is None


@pytest.mark.asyncio
async def test_the_reconciliation_settles_an_open_probe_by_its_client_id_and_trading_resumes() -> None:
    async with serving("mexc") as server:
        server.zero_volume_rests = True
        server.faults.cancel_refused = (PROBE_ID_PREFIX,)
        v = loopback_venue(server, "mexc")
        ex = journaled(v)
        try:
            await v.connect()
            assert ex.blocked() is not None
            server.faults.cancel_refused = ()  # the venue takes cancels again
            report = await ex.recover()  # as the session does after connecting
        finally:
            await v.close()
    (placed,) = server.placements
    (leg,) = report.resolved
    assert leg.client_order_id == placed.client_id and leg.status == "canceled" and placed.status == "canceled"
    assert ex.blocked() is None and len(server.bodies) == 1  # settled by its id, never sent again
