"""The venues' own countdown cancel-all, kept armed by the watchdog while the app runs.

Binance USDⓈ-M (loopback server, real ccxt): after an order on BTCUSDT the watchdog arms that
symbol's countdown, refreshes it every ``dead_man_refresh_s`` while the feed is live, and a
deliberate close switches it off. BingX (HTTP capture through ccxt): the account-wide timer, in
BingX's 10-120 s range. Bybit (loopback): DCP armed, verified ON and its private "dcp" link held
(and reconnected) only where the account has it. WEEX and MEXC arm nothing. The watchdog guards
every trading venue for a lost feed either way."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qsl

import pytest

from sor_desktop.core.orders import OrderRequest, Side
from sor_desktop.engine.executor import Executor
from sor_desktop.engine.journal import Journal
from sor_desktop.engine.watchdog import Watchdog
from sor_desktop.venues.ccxt_venue import ApiCredentials, CcxtConfig, CcxtVenue
from sor_desktop.venues.quirks import quirks_for
from tests.shared_data import VENUE_DATA, load_markets
from tests.venues.http_capture import capture
from tests.venues.loopback.fixtures import loopback_venue, serving

SYMBOL = "BTC/USDT:USDT"


@pytest.mark.asyncio
async def test_binance_countdown_is_armed_refreshed_and_switched_off(tmp_path: Path) -> None:
    async with serving("binanceusdm") as server:
        venue = loopback_venue(server, "binanceusdm")
        await venue.connect()
        now = [100.0]
        dog = Watchdog(Executor({"binanceusdm": venue}, Journal(tmp_path / "j.sqlite3")), lambda: {"binanceusdm": 0.1},
                       dead_man_s=60.0, dead_man_refresh_s=15.0, clock=lambda: now[0])
        await dog.check_once()
        assert server.countdowns == {}  # nothing traded yet: nothing to arm
        book = await venue.watch_order_book(SYMBOL)
        await venue.submit_order(OrderRequest("binanceusdm", SYMBOL, Side.BUY, Decimal("0.001"), "sordm0000000001l0",
                                              limit_price=Decimal(str(book.best_ask))))
        now[0] += 15.0
        await dog.check_once()
        assert server.countdowns == {"BTCUSDT": [60000]}
        now[0] += 5.0
        await dog.check_once()  # refreshed at most every 15 s
        assert server.countdowns == {"BTCUSDT": [60000]}
        now[0] += 10.0
        await dog.check_once()
        assert server.countdowns == {"BTCUSDT": [60000, 60000]}
        assert dog.dead_man["binanceusdm"].startswith("countdown cancel-all armed for 60 s (BTC/USDT:USDT)")
        await venue.close()
        assert server.countdowns["BTCUSDT"][-1] == 0  # a deliberate close leaves the trader's orders alone


def bingx() -> CcxtVenue:
    if not VENUE_DATA.exists():
        pytest.skip("../shared/venue-data absent")
    v = CcxtVenue("bingx", credentials=ApiCredentials("key", "secretsecret"), config=CcxtConfig(trading_allowed=True))
    v.use_markets(load_markets("bingx"))
    return v


@pytest.mark.shared
@pytest.mark.parametrize(("seconds", "sent"), [(60, ("ACTIVATE", "60")), (600, ("ACTIVATE", "120")),
                                               (3, ("ACTIVATE", "10")), (0, ("CLOSE", "0"))])
@pytest.mark.asyncio
async def test_bingx_cancel_all_after_on_the_swap_api(seconds: float, sent: tuple[str, str]) -> None:
    v = bingx()
    cap = capture(v, {("POST", "/openApi/swap/v2/trade/cancelAllAfter"): (200, {"code": 0, "msg": "", "data": {
        "triggerTime": "1712645434", "status": "ACTIVATED", "note": "..."}})})
    try:
        armed = await v.refresh_dead_man(seconds)
    finally:
        await v.close()
    assert armed is not None and "all perpetuals" in armed
    calls = [(m, u, dict(parse_qsl(q or str(b or "")))) for m, u, q, b in cap.requests]
    assert all(m == "POST" and u.endswith("/openApi/swap/v2/trade/cancelAllAfter") for m, u, _ in calls)
    assert (calls[0][2]["type"], calls[0][2]["timeOut"]) == sent
    # armed, then closed deliberately: the timer is switched off
    assert [c[2]["type"] for c in calls] == (["ACTIVATE", "CLOSE"] if seconds else ["CLOSE"])


@pytest.mark.parametrize("venue_id", ["weex", "mexc"])
@pytest.mark.asyncio
async def test_venues_without_a_switch_arm_nothing_and_are_guarded(tmp_path: Path, venue_id: str) -> None:
    v = CcxtVenue(venue_id, credentials=ApiCredentials("key", "secretsecret", "pw"),
                  config=CcxtConfig(trading_allowed=True))
    cap = capture(v, {})
    try:
        assert await v.refresh_dead_man(60) is None and cap.requests == []
        assert not quirks_for(venue_id).server_dead_man_switch
        dog = Watchdog(Executor({venue_id: v}, Journal(tmp_path / "j.sqlite3")), dict)
        assert dog.guarded() == [venue_id]
    finally:
        await v.close()


async def _until(cond, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    for _ in range(int(timeout / 0.05)):
        if cond():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not reached")


@pytest.mark.asyncio
async def test_bybit_dcp_is_armed_verified_and_held_where_the_account_has_it() -> None:
    async with serving("bybit") as server:
        server.dcp_allowed = True
        venue = loopback_venue(server, "bybit")
        await venue.connect()
        try:
            armed = await venue.refresh_dead_man(10)
            assert armed is not None and "10 s after the private link drops" in armed
            assert server.dcp_window == 10
            await _until(lambda: len(server.dcp_links) == 1)  # the private "dcp" subscription is held
            assert await venue.refresh_dead_man(10) == armed and server.private_auths == 1  # held, not redone
            await server.drop_websockets()  # the link drops: DCP counts down, so it reconnects at once
            await _until(lambda: len(server.dcp_links) == 1 and server.private_auths == 2)
        finally:
            await venue.close()
        await _until(lambda: not server.dcp_links)


@pytest.mark.asyncio
async def test_bybit_without_dcp_arms_nothing_and_asks_once() -> None:
    async with serving("bybit") as server:
        venue = loopback_venue(server, "bybit")
        await venue.connect()
        try:
            assert await venue.refresh_dead_man(10) is None
            asked = len(server.requests)
            assert await venue.refresh_dead_man(10) is None and len(server.requests) == asked
            assert server.dcp_links == set() and server.private_auths == 0
            assert not quirks_for("bybit").server_dead_man_switch  # so the watchdog guards Bybit
        finally:
            await venue.close()


@pytest.mark.asyncio
async def test_a_countdown_that_cannot_be_refreshed_is_said_once_and_again_when_it_works(tmp_path: Path) -> None:
    """A refresh of the venue's countdown cancel-all that failed went to the log only: the trader
    believed the venue would cancel the orders if the app died, while nothing was armed."""
    from tests.engine.exec_fakes import FakeVenue

    venue = FakeVenue("binanceusdm")
    failing = [True]

    async def refresh(seconds: float) -> str | None:
        if failing[0]:
            raise RuntimeError("countdownCancelAll: 503 service unavailable")
        return f"armed {seconds:g} s"

    venue.refresh_dead_man = refresh  # type: ignore[method-assign]
    said: list[str] = []
    now = [100.0]
    dog = Watchdog(Executor({"binanceusdm": venue}, Journal(tmp_path / "j.sqlite3")), lambda: {"binanceusdm": 0.1},
                   dead_man_s=60.0, dead_man_refresh_s=15.0, clock=lambda: now[0], on_error=said.append)
    for _ in range(3):
        await dog.check_once()
        now[0] += 15.0
    assert len(said) == 1 and "binanceusdm" in said[0] and "503" in said[0] and "countdown" in said[0]
    failing[0] = False
    await dog.check_once()
    assert len(said) == 2 and "armed again" in said[1]
