"""The session without a window: previews, margin caps, routes through the executor, shutdown."""

from __future__ import annotations

import asyncio

import pytest

from sor_desktop.core.orders import OrderStatus, Side
from sor_desktop.engine.preview import CONTRACTS, QUOTE, PreviewRequest
from sor_desktop.engine.session_events import LegUpdate, Notice, RouteStarted
from sor_desktop.engine.session_routes import AlreadySent
from sor_desktop.engine.watchdog import Watchdog
from sor_desktop.engine.wiring import build_session
from sor_desktop.venues.base import Mode
from sor_desktop.venues.sim.clock import VirtualClock
from sor_desktop.venues.sim.config import SimConfig
from sor_desktop.venues.sim.market import SimMarket

SYMBOL = "BTC/USDT:USDT"


async def make_session(tmp_path, monkeypatch, symbols=(SYMBOL,), **cfg):
    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path))
    clock = VirtualClock()
    market = SimMarket(SimConfig(seed=5, latency_scale=0.0, symbols=symbols, **cfg), clock)
    session = build_session(Mode.SIMULATED, None, SYMBOL, venues=list(market.venues().values()),
                            clock=clock.time, monotonic=clock.monotonic)
    await session.connect_venues()
    await session.refresh_accounts()
    for v in session.venues:
        session.store.put_book(market.book_at(v, SYMBOL, clock.time(), sequence=1))
    return session, market


def req(amount: str, **kw) -> PreviewRequest:
    return PreviewRequest(symbol=SYMBOL, side=kw.pop("side", Side.BUY), amount_text=amount, **kw)


@pytest.mark.asyncio
async def test_preview_in_each_unit_plans_the_same_base_amount(tmp_path, monkeypatch):
    session, _ = await make_session(tmp_path, monkeypatch)
    try:
        base = session.preview(req("1.5")).plan
        assert base is not None and abs(base.filled - 1.5) < 1e-9
        mexc = session.symbol_instruments()["mexc"]
        contracts = str(int(1.5 / float(mexc.contract_size)))  # 1.5 BTC in MEXC contracts
        by_contracts = session.preview(req(contracts, unit=CONTRACTS + "mexc")).plan
        assert by_contracts is not None and abs(by_contracts.filled - 1.5) < 1e-9
        quote = session.preview(req("60000", unit=QUOTE)).plan
        assert quote is not None and abs(quote.notional - 60000) < 60  # within one lot of the notional
    finally:
        await session.stop(timeout=1.0)


@pytest.mark.asyncio
async def test_margin_caps_keep_each_leg_within_free_margin(tmp_path, monkeypatch):
    session, _ = await make_session(tmp_path, monkeypatch)
    try:
        plan = session.preview(req("6")).plan
        assert plan is not None
        for leg in plan.legs:
            free = float(session.balances[leg.venue][0].free)
            assert leg.notional * (1 / session.leverage) + leg.fee <= free
        assert len(plan.legs) >= 4  # 10,000 USDT x 10 per venue carries ~1.66 BTC: it takes four or more
    finally:
        await session.stop(timeout=1.0)


@pytest.mark.asyncio
async def test_submit_goes_through_the_executor_and_reports_every_leg(tmp_path, monkeypatch):
    session, market = await make_session(tmp_path, monkeypatch)
    events: list[object] = []
    session.listeners.append(events.append)
    try:
        plan = session.preview(req("3")).plan
        route_id = session.submit(plan)
        with pytest.raises(AlreadySent):
            session.submit(plan)
        await asyncio.wait([t for t in session.tasks if t.get_name().startswith("route:")], timeout=10)
        assert isinstance(events[0], RouteStarted) and events[0].route_id == route_id
        final = {e.leg: e for e in events if isinstance(e, LegUpdate)}
        assert sorted(final) == list(range(len(plan.legs)))
        for i, leg in enumerate(plan.legs):
            u = final[i]
            assert u.status is OrderStatus.FILLED and u.venue == leg.venue
            assert abs(u.filled_base - leg.amount_base) < 1e-9
            assert u.latency_ms is not None and u.slippage_bps is not None
        fills = {v: sum(float(f.contracts) for f in market.venue(v).fills()) for v in session.venues}
        for leg in plan.legs:
            assert abs(fills[leg.venue] - float(leg.contracts)) < 1e-9  # sent once, not twice
    finally:
        await session.stop(timeout=1.0)


@pytest.mark.asyncio
async def test_cancel_all_reports_per_venue(tmp_path, monkeypatch):
    session, _ = await make_session(tmp_path, monkeypatch)
    notices: list[Notice] = []
    session.listeners.append(lambda e: notices.append(e) if isinstance(e, Notice) else None)
    try:
        session.cancel_all()
        await asyncio.wait([t for t in session.tasks if t.get_name() == "cancel-all"], timeout=5)
        assert any("cancel all: 0 open order(s) confirmed cancelled on 5 venue(s)" in n.text for n in notices)
        per_venue = [n.text for n in notices if ": cancel all: 0 confirmed cancelled" in n.text]
        assert sorted(t.split(":")[0] for t in per_venue) == sorted(session.venues)
    finally:
        await session.stop(timeout=1.0)


@pytest.mark.asyncio
async def test_stop_cancels_tasks_and_closes_every_venue(tmp_path, monkeypatch):
    session, market = await make_session(tmp_path, monkeypatch)
    order: list[str] = []
    for v in market.venues().values():
        real = v.close

        async def close(real=real, vid=v.id) -> None:
            # every task is already finished when the venues close (ordered shutdown)
            order.append(f"{vid}:{sum(1 for t in session.tasks if not t.done())}")
            await real()

        v.close = close
    sleeper = session.spawn(asyncio.sleep(3600), "sleeper")
    await session.stop(timeout=1.0)
    assert sleeper.cancelled()
    assert not [t for t in session.tasks if not t.done()], [t.get_name() for t in session.tasks]
    assert sorted(order) == sorted(f"{v}:0" for v in session.venues)
    await session.stop(timeout=1.0)  # idempotent: no second close
    assert len(order) == len(session.venues)


@pytest.mark.asyncio
async def test_view_only_venue_is_shown_and_left_out(tmp_path, monkeypatch):
    from sor_desktop.ui.venue_chips import chip_text

    session, _ = await make_session(tmp_path, monkeypatch, view_only=frozenset({"mexc"}))
    try:
        health = session.health_now()
        assert health["mexc"].view_only and "view-only" in chip_text(health["mexc"])
        assert not health["bybit"].view_only and "view-only" not in chip_text(health["bybit"])
        pv = session.preview(req("3"))
        assert "mexc" not in {lg.venue for lg in pv.plan.legs}
        assert pv.excluded["mexc"].startswith("view-only")
    finally:
        await session.stop(timeout=1.0)


@pytest.mark.asyncio
async def test_closing_a_position_is_not_capped_by_the_margin_it_frees(tmp_path, monkeypatch):
    session, market = await make_session(tmp_path, monkeypatch)
    try:
        buy = session.preview(req("6")).plan
        session.submit(buy)
        await asyncio.wait([t for t in session.tasks if t.get_name().startswith("route:")], timeout=10)
        await session.refresh_accounts()
        caps = session.margin_caps(session.store.books(SYMBOL), req("6", side=Side.SELL))
        long_on = {lg.venue: lg.amount_base for lg in buy.legs}
        sell = session.preview(req("6", side=Side.SELL)).plan
        for leg in sell.legs:
            # each venue may sell back what it holds plus what its remaining margin carries
            assert leg.amount_base <= caps[leg.venue] + 1e-9
            assert caps[leg.venue] >= long_on.get(leg.venue, 0.0)
        assert abs(sell.filled - 6.0) < 1e-9  # the whole position can be closed
    finally:
        await session.stop(timeout=1.0)


@pytest.mark.asyncio
async def test_the_symbol_choices_are_every_symbol_two_venues_list(tmp_path, monkeypatch):
    """The symbol box offered only what all five venues list: DOGE (not on the simulated mexc) and
    XRP (not on bingx, weex) could be opened only with --symbol, and live a memecoin four venues
    list was not in the box at all. Every symbol at least two venues list is offered, the most
    widely listed first, each with the venues that list it."""
    session, _ = await make_session(tmp_path, monkeypatch, symbols=None)
    try:
        choices = session.symbol_choices()
        names = [c.symbol for c in choices]
        assert names[0] == SYMBOL  # the window's own first
        by = {c.symbol: c.venues for c in choices}
        assert set(by["DOGE/USDT:USDT"]) == {v for v, i in session.instruments.items() if "DOGE/USDT:USDT" in i}
        assert "mexc" not in by["DOGE/USDT:USDT"] and len(by["DOGE/USDT:USDT"]) == 4
        assert 2 <= len(by["XRP/USDT:USDT"]) < 5
        assert all(len(c.venues) >= 2 for c in choices)
        assert "BTC/USD:BTC" not in by  # one venue lists it: nothing to route across
        counts = [len(c.venues) for c in choices[1:]]
        assert counts == sorted(counts, reverse=True)
    finally:
        await session.stop(timeout=1.0)


@pytest.mark.asyncio
async def test_switching_to_a_symbol_a_venue_does_not_list_cancels_nothing_there(tmp_path, monkeypatch):
    """BTC to DOGE in the window: the watchdog said "mexc: feed lost, open orders cancelled" (the
    simulated mexc does not list DOGE) and cancelled mexc's open orders."""
    doge = "DOGE/USDT:USDT"
    session, market = await make_session(tmp_path, monkeypatch, symbols=(SYMBOL, doge))
    try:
        dog = Watchdog(session.executor, session._book_ages)  # as Session.start arms it
        await dog.check_once()  # BTC feeds live everywhere: armed
        assert doge not in session.instruments["mexc"]
        await session.set_symbol(doge)
        for v in session.venues:
            if doge in session.instruments[v]:
                session.store.put_book(market.book_at(v, doge, 0.0, sequence=1))
        assert await dog.check_once() == []
        assert dog.fired == []
    finally:
        await session.stop(timeout=1.0)


@pytest.mark.asyncio
async def test_a_failed_account_read_is_logged_once_per_new_error(tmp_path, monkeypatch, caplog):
    """A balance read that failed was shown in the positions table only: the log file never had
    it, while the margin caps went on with the last balances read."""
    import logging

    from sor_desktop.venues.errors import AuthFailed

    caplog.set_level(logging.INFO)
    session, _ = await make_session(tmp_path, monkeypatch)
    try:
        venue = session.venues["bybit"]

        async def refused() -> object:
            raise AuthFailed("bybit", "API key expired (code 33004)")

        monkeypatch.setattr(venue, "fetch_balance", refused)
        for _ in range(3):
            await session.refresh_accounts(["bybit"])
        said = [r for r in caplog.records if "API key expired" in r.getMessage()]
        assert len(said) == 1 and said[0].levelno == logging.WARNING and "bybit" in said[0].getMessage()
        monkeypatch.undo()
        monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path))
        await session.refresh_accounts(["bybit"])
        assert any("bybit" in r.getMessage() and "read again" in r.getMessage() for r in caplog.records)
    finally:
        await session.stop(timeout=1.0)


@pytest.mark.asyncio
async def test_a_venue_that_cannot_connect_is_said_once_without_its_request(tmp_path, monkeypatch):
    """Offline, the status bar read "mexc: could not connect (mexc: GET https://api.mexc.com/api/v1/
    contract/detail: Cannot connect to host api.mexc.com:443 ssl:default [Name or service not
    know…": the venue twice and a URL that cut the cause off at the bar's edge."""
    from sor_desktop.venues.errors import VenueUnavailable

    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path))
    clock = VirtualClock()
    market = SimMarket(SimConfig(seed=5, latency_scale=0.0, symbols=(SYMBOL,)), clock)
    venues = list(market.venues().values())
    failing = venues[0]

    async def refuse() -> None:
        raise VenueUnavailable(failing.id, f"GET https://api.{failing.id}.com/api/v1/contract/detail: Cannot connect "
                                           f"to host api.{failing.id}.com:443 ssl:default [Name or service not known]")

    monkeypatch.setattr(failing, "connect", refuse)
    session = build_session(Mode.SIMULATED, None, SYMBOL, venues=venues, clock=clock.time, monotonic=clock.monotonic)
    notices: list[Notice] = []
    session.listeners.append(lambda ev: notices.append(ev) if isinstance(ev, Notice) else None)
    try:
        await session.connect_venues()
        said = [n.text for n in notices if "could not connect" in n.text]
        assert said == [f"{failing.id}: could not connect (Cannot connect to host api.{failing.id}.com:443 "
                        "ssl:default [Name or service not known]); retrying"]
    finally:
        await session.stop(timeout=1.0)
