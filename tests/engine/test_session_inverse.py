"""The window's session routes each venue's inverse perpetual of the base beside the linear books
(Session.companions): on the simulated market, Bybit's BTC/USD:BTC next to BTC/USDT:USDT."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from sor_desktop.core.orders import OrderStatus, Side
from sor_desktop.engine.exec_events import fill_status
from sor_desktop.engine.preview import PreviewRequest
from sor_desktop.engine.session_events import LegUpdate, RouteDone
from sor_desktop.engine.store import LinkState
from tests.engine.test_session import make_session

SYMBOL, INVERSE, KEY = "BTC/USDT:USDT", "BTC/USD:BTC", "bybit BTC/USD:BTC"


async def _session(tmp_path, monkeypatch):
    session, market = await make_session(tmp_path, monkeypatch, symbols=(SYMBOL, INVERSE))
    now = market.clock.time()
    session.store.put_book(market.book_at("bybit", INVERSE, now, sequence=1), chip=False)
    for symbol in (SYMBOL, INVERSE):  # what the session's terms loop fetches (brackets: liquidation)
        await session.terms.refresh(session.venues, symbol, now)
    return session, market


@pytest.mark.asyncio
async def test_the_inverse_market_is_a_companion_with_its_own_book_and_health(tmp_path, monkeypatch):
    session, _ = await _session(tmp_path, monkeypatch)
    try:
        assert session.companions() == {KEY: ("bybit", INVERSE)}
        session.symbol = "ETH/USDT:USDT"  # kept per symbol: another symbol has none on the sim
        assert session.companions() == {}
        session.symbol = SYMBOL
        assert session.companions() == {KEY: ("bybit", INVERSE)}
        assert set(session.route_books()) == {*session.venues, KEY}
        assert session.route_instruments()[KEY].linear is False
        assert session.health_now()[KEY].state is LinkState.CONNECTED
        session.store.drop("bybit", INVERSE)  # its book gone: it waits, and the bybit chip does not move
        h = session.health_now()
        assert h[KEY].state is LinkState.CONNECTING and "no BTC/USD:BTC book" in (h[KEY].reason or "")
        assert h["bybit"].state is LinkState.CONNECTED
    finally:
        await session.stop(timeout=1.0)


@pytest.mark.asyncio
async def test_a_sell_routes_to_the_inverse_book_and_fills_in_whole_contracts(tmp_path, monkeypatch):
    session, market = await _session(tmp_path, monkeypatch)
    events: list[object] = []
    session.listeners.append(events.append)
    try:
        # the sim quotes the inverse market 1 bp over the linear path: a sell is best there
        pv = session.preview(PreviewRequest(SYMBOL, Side.SELL, "6"))
        assert pv.plan is not None and pv.error is None
        inverse = [lg for lg in pv.plan.legs if lg.symbol == INVERSE]
        assert inverse, pv.plan.legs
        leg = inverse[0]
        assert Decimal(leg.contracts) == Decimal(leg.contracts).to_integral_value()
        assert leg.liquidation_price is not None and leg.liquidation_price > leg.avg_price  # a short's
        session.submit(pv.plan)
        await asyncio.wait([t for t in session.tasks if t.get_name().startswith("route:")], timeout=10)
        final = {e.leg: e for e in events if isinstance(e, LegUpdate)}
        i = pv.plan.legs.index(leg)
        assert final[i].status is OrderStatus.FILLED and final[i].symbol == INVERSE
        assert final[i].filled_contracts == Decimal(leg.contracts)
        done = [e for e in events if isinstance(e, RouteDone)]
        assert done and done[-1].status == "filled"  # the last part of a contract is not "partly filled"
        await session.refresh_accounts(["bybit"])
        held = [p for p in session.positions["bybit"] if p.symbol == INVERSE]
        assert held and held[0].side is Side.SELL and held[0].contracts == Decimal(leg.contracts)
        btc = [b for b in session.balances["bybit"] if b.currency == "BTC"]
        assert btc and btc[0].free < Decimal(1)  # margin and the fee in BTC
        assert fill_status(pv.plan, pv.plan.filled) == "filled"
    finally:
        await session.stop(timeout=1.0)


async def _sell_with_an_inverse_leg(session):
    """A 6 BTC sell, part of it on the inverse book, sent and done: its preview and RouteDone."""
    events: list[object] = []
    session.listeners.append(events.append)
    pv = session.preview(PreviewRequest(SYMBOL, Side.SELL, "6"))
    assert pv.plan is not None and any(lg.symbol == INVERSE for lg in pv.plan.legs)
    session.submit(pv.plan)
    await asyncio.wait([t for t in session.tasks if t.get_name().startswith("route:")], timeout=10)
    (done,) = [e for e in events if isinstance(e, RouteDone)]
    return pv, done


@pytest.mark.asyncio
async def test_an_inverse_leg_filled_in_full_at_another_price_is_a_filled_route(tmp_path, monkeypatch):
    """An inverse leg's contracts are dollars: filled in full a tick away from the preview they are
    another base amount. Seen in the demo flatten of a hedge: every leg 'filled', the route
    'partly filled: 1.89993340 of 1.89999092'. What decides is the contracts."""
    from dataclasses import replace

    from sor_desktop.engine.exec_events import RouteEvent, RouteState
    from sor_desktop.engine.session_routes import route_done

    session, _ = await _session(tmp_path, monkeypatch)
    try:
        pv, done = await _sell_with_an_inverse_leg(session)
        tca = done.tca
        assert tca is not None and done.status == "filled"
        # the same contracts filled 2 bp higher: their base is 2 bp less
        legs = tuple(replace(lg, filled_base=lg.filled_base * (1 - 2e-4)) if lg.venue == "bybit" else lg
                     for lg in tca.legs)
        moved = replace(tca, legs=legs, filled_base=sum(lg.filled_base for lg in legs))
        assert moved.filled_base < pv.plan.filled * (1 - 1e-9)
        ev = RouteEvent(done.route_id, RouteState.DONE, None, tca=moved)
        assert route_done(ev, pv.plan).status == "filled"
        # a leg that did not fill in full is still a partly filled route
        short = replace(moved, legs=(replace(legs[0], status=str(OrderStatus.CANCELED)), *legs[1:]))
        assert route_done(replace(ev, tca=short), pv.plan).status == "partly filled"
    finally:
        await session.stop(timeout=1.0)


@pytest.mark.asyncio
async def test_an_inverse_legs_coin_fee_is_valued_in_quote_in_the_cost_analysis(tmp_path, monkeypatch):
    """An inverse venue charges its fee in the coin (0.000135 BTC); the preview's is in USD (8.10).
    The cost analysis added the coin amount to the USDT fees: the route 'paid' 0.0001 for a leg
    previewed at 8.10, and the fee saving was 8.10 USD that nobody saved."""
    session, _ = await _session(tmp_path, monkeypatch)
    try:
        pv, done = await _sell_with_an_inverse_leg(session)
        assert done.tca is not None
        (inverse,) = [lg for lg in done.tca.legs if lg.venue == "bybit"]
        assert inverse.preview_fee > 1.0
        assert inverse.fee == pytest.approx(inverse.preview_fee, rel=0.02)  # same rate, USD either way
        assert done.tca.fees_paid == pytest.approx(done.tca.preview_fees, rel=0.02)
    finally:
        await session.stop(timeout=1.0)
