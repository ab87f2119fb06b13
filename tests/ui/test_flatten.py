"""Flatten and close: the symbol's positions on every venue (or one) go to zero through the router
and the executor, reduce-only, after the usual confirmation; a flatten across venues is one route."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt

from sor_desktop.core.orders import OrderStatus, Side
from sor_desktop.engine.flatten import plan_flatten
from sor_desktop.engine.journal import Journal
from sor_desktop.engine.preview import PreviewRequest
from tests.ui.test_route_flow import settle

SYMBOL = "BTC/USDT:USDT"


def _long_on_two_venues(window, sim_session, loop) -> dict[str, float]:
    session = sim_session.session
    window.prefs.skip_confirm = True
    window.prefs.type_above_notional = 1e9  # nothing to type: sent on Enter
    window.routing.amount.setText("3")
    window.refresh_preview()
    assert len(window._preview.plan.legs) >= 2
    window.routing.request_route()
    settle(loop, session)
    loop.run_until_complete(session.refresh_accounts())
    window.prefs.skip_confirm = False
    held = {v: sum(float(p.base_amount) for p in ps if p.contracts) for v, ps in session.positions.items()}
    return {v: b for v, b in held.items() if b}


def test_flatten_plan_closes_every_venue_in_one_reduce_only_sell(window, sim_session, loop) -> None:
    held = _long_on_two_venues(window, sim_session, loop)
    session = sim_session.session
    insts = session.symbol_instruments()
    fl = plan_flatten(SYMBOL, session.positions, insts, session.store.books(SYMBOL, insts), session.health_now())
    assert fl.problems == ()
    plan = fl.plan
    assert plan is not None and not plan.mixed
    assert plan.side is Side.SELL
    assert {lg.venue: lg.amount_base for lg in plan.legs} == held  # each venue closes what it holds


def test_close_one_venue_leaves_the_others(window, sim_session, loop) -> None:
    held = _long_on_two_venues(window, sim_session, loop)
    session = sim_session.session
    one = sorted(held)[0]
    insts = session.symbol_instruments()
    fl = plan_flatten(SYMBOL, session.positions, insts, session.store.books(SYMBOL, insts), session.health_now(),
                      venues={one})
    assert [lg.venue for lg in fl.legs] == [one]


def test_flatten_hotkey_confirms_then_sends_one_reduce_only_route(window, sim_session, loop, qtbot) -> None:
    held = _long_on_two_venues(window, sim_session, loop)
    session = sim_session.session
    routes_before = len(session.executor.journal.recent_routes())
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dlg = window.confirm
    assert dlg is not None and dlg.reduce_only
    assert session.executor.journal.recent_routes()[routes_before:] == []  # nothing before Send
    assert {dlg.table.item(r, 0).text() for r in range(dlg.table.rowCount())} == set(held)
    assert dlg.age.text().startswith("quotes ") and " s old" in dlg.age.text()  # was "quote age unknown"
    if dlg.typed is not None:
        dlg.typed.setText(dlg.expected)
    dlg.accept()
    settle(loop, session)
    assert len(session.executor.journal.recent_routes()) == routes_before + 1  # one route for the flatten
    route = list(window.blotter.routes.values())[-1]
    assert route.started.plan.side is Side.SELL
    assert {u.venue: u.status for u in route.legs.values()} == {v: OrderStatus.FILLED for v in held}
    loop.run_until_complete(session.refresh_accounts())
    assert not [p for ps in session.positions.values() for p in ps if p.contracts]
    assert window.positions.net_label.text().startswith("net 0")


def test_flatten_with_no_position_says_so(window) -> None:
    window.flatten()
    assert window.confirm is None
    assert "no BTC/USDT:USDT position" in window.notice.text()


def test_close_button_closes_the_selected_venue_only(window, sim_session, loop) -> None:
    held = _long_on_two_venues(window, sim_session, loop)
    one = sorted(held)[0]
    pos = window.positions
    pos.table.selectRow(pos.rows[one])
    assert pos.close_button.isEnabled()
    pos.close_button.click()
    dlg = window.confirm
    assert dlg is not None and dlg.reduce_only
    assert [dlg.table.item(r, 0).text() for r in range(dlg.table.rowCount())] == [one]
    assert "net +3" in pos.net_label.text()
    dlg.reject()


def test_positions_show_funding_where_known(window, sim_session, loop) -> None:
    _long_on_two_venues(window, sim_session, loop)
    window.positions.set_funding({"binanceusdm": "funding +0.0100 % / 8 h, next 16:00 UTC"})
    from sor_desktop.ui.positions import FUNDING_COL
    row = window.positions.rows["binanceusdm"]
    assert window.positions.table.item(row, FUNDING_COL).text() == "+0.0100 % / 8 h, next 16:00 UTC"


def _hedged_across_venues(window, sim_session, loop) -> dict[str, Side]:
    """A long on Binance and a short on Bybit (hedged across venues), each opened as its own route."""
    session = sim_session.session
    for side, amount, venue in ((Side.BUY, "1", "binanceusdm"), (Side.SELL, "0.6", "bybit")):
        pv = session.preview(PreviewRequest(SYMBOL, side, amount, included=frozenset({venue})))
        assert pv.plan is not None and [lg.venue for lg in pv.plan.legs] == [venue]
        session.submit(pv.plan)
        settle(loop, session)
    loop.run_until_complete(session.refresh_accounts())
    held = {(p.venue, p.side) for ps in session.positions.values() for p in ps if p.contracts}
    assert held == {("binanceusdm", Side.BUY), ("bybit", Side.SELL)}
    return {"binanceusdm": Side.SELL, "bybit": Side.BUY}  # the side each closes on


def test_a_hedged_flatten_is_one_confirmation_and_one_route_of_both_sides(window, sim_session, loop, qtbot) -> None:
    closing = _hedged_across_venues(window, sim_session, loop)
    session = sim_session.session
    journal = session.executor.journal
    routes_before = len(journal.recent_routes())
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dlg = window.confirm
    assert dlg is not None and dlg.reduce_only and dlg.plan.mixed
    # every leg with its side, each side's totals, reduce-only
    rows = {dlg.table.item(r, 0).text(): dlg.table.item(r, 1).text() for r in range(dlg.table.rowCount())}
    assert rows == {v: str(s) for v, s in closing.items()}
    head = dlg.head.text()
    assert "SELL" in head and "BUY" in head and "reduce-only" in head
    assert "SELL</b> 1.0 BTC" in head and "BUY</b> 0.6 BTC" in head  # each side's amount, to its lot
    totals = dlg.totals.text()
    assert "proceeds" in totals and "cost" in totals
    if dlg.typed is not None:
        dlg.typed.setText(dlg.expected)
    dlg.accept()
    settle(loop, session)
    assert window.confirm is None  # no second dialog for the other side
    new = journal.recent_routes()[: len(journal.recent_routes()) - routes_before]
    assert len(new) == 1 and new[0].side is None and new[0].reduce_only  # one route, of both sides
    route = window.blotter.routes[new[0].route_id]
    assert list(window.blotter.routes)[-1] == new[0].route_id
    assert route.item.text(1) == "sell+buy" and route.item.childCount() == 2
    assert {route.item.child(i).text(0): route.item.child(i).text(1) for i in range(2)} == {
        v: str(s) for v, s in closing.items()}
    assert {u.venue: (u.side, u.status) for u in route.legs.values()} == {
        v: (s, OrderStatus.FILLED) for v, s in closing.items()}
    assert route.done is not None and route.done.status == "filled"
    assert window.blotter.route_status(new[0].route_id).startswith("filled")
    assert route.item.text(7) != ""  # the slippage, from the legs' own sides
    loop.run_until_complete(session.refresh_accounts())
    assert not [p for ps in session.positions.values() for p in ps if p.contracts]
    # the journal, read as a restart reads it: the one route with each leg's side, nothing open
    reader = Journal(journal.path, exclusive=False)
    try:
        (again,) = [r for r in reader.recent_routes() if r.route_id == new[0].route_id]
        assert again.side is None and again.state == "done"
        assert {lg.venue: lg.side for lg in reader.legs(again.route_id)} == closing
        assert reader.open_legs() == []
    finally:
        reader.close()


def test_a_flatten_whose_book_moved_under_a_leg_is_replanned_before_send(window, sim_session, loop) -> None:
    """A flatten of DOGE confirmed after typing its 1,000,039 closed 395,377: the dialog was a
    frozen snapshot, and one venue's bids had moved under the leg's limit. It now re-plans as any
    route does, and a leg its book no longer holds within its limit is a change."""
    import numpy as np

    from sor_desktop.core.book import BookSnapshot

    held = _long_on_two_venues(window, sim_session, loop)
    session = sim_session.session
    window.flatten()
    dlg = window.confirm
    assert dlg is not None and dlg.replan is not None
    assert dlg.check_now()  # the books it was planned on: it stands
    shown = dlg.plan
    leg = next(lg for lg in shown.legs if lg.venue in held)
    book = session.store.book(leg.venue, SYMBOL)
    limit = float(leg.limit_price_dec)
    thin = BookSnapshot(book.venue, book.symbol, book.timestamp + 1,
                        np.array([[limit * 1.0001, float(leg.contracts_dec) / 3], [limit * 0.999, 1e6]]), book.asks,
                        sequence=(book.sequence or 0) + 1, received=book.received + 0.001)
    session.store.put_book(thin)
    assert not dlg.check_now()
    assert "no longer holds" in dlg.change_note.text() and leg.venue in dlg.change_note.text()
    new = next(lg for lg in dlg.plan.legs if lg.venue == leg.venue)
    assert float(new.limit_price_dec) < limit and new.contracts == leg.contracts  # same close, lower limit
    dlg.reject()


def test_the_close_charges_each_account_its_own_fee_as_the_preview_does(window, sim_session, loop) -> None:
    """The route's preview charged the sim accounts' own taker rates (Binance 0.032 %); the close
    of the same position charged the instrument's default (0.04 %): its confirmation overstated the
    fee by 25 % against what the venue then took."""
    held = _long_on_two_venues(window, sim_session, loop)
    session = sim_session.session
    loop.run_until_complete(session.terms.refresh(session.venues, SYMBOL, time.time()))
    own = {k: t.fee.taker for k, t in session.route_terms().items() if t.fee.own}
    insts = session.symbol_instruments()
    assert any(own.get(v) != float(insts[v].taker_fee) for v in held if v in own)
    window.flatten()
    dlg = window.confirm
    assert dlg is not None
    for lg in dlg.plan.legs:
        rate = own.get(lg.venue, float(insts[lg.venue].taker_fee))
        assert abs(lg.fee - lg.notional * rate) <= 1e-9 * lg.notional, lg.venue
    dlg.reject()
