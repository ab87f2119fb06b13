"""Flatten and close: the symbol's positions on every venue (or one) go to zero through the router
and the executor, reduce-only, after the usual confirmation; a flatten across venues is one route."""

from __future__ import annotations

from PySide6.QtCore import Qt

from sor_desktop.core.orders import OrderStatus, Side
from sor_desktop.engine.flatten import plan_flatten
from tests.ui.test_route_flow import settle

SYMBOL = "BTC/USDT:USDT"


def _long_on_two_venues(window, sim_session, loop) -> dict[str, float]:
    session = sim_session.session
    window.prefs.skip_confirm = True
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
    (plan,) = fl.plans
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
