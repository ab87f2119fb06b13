"""Route button -> confirmation listing every leg -> orders through the executor -> blotter."""

from __future__ import annotations

import asyncio

from PySide6.QtWidgets import QDialog, QLabel

from sor_desktop.core.orders import OrderStatus
from sor_desktop.core.price_format import format_price


def settle(loop, session) -> None:
    """Run the loop until every route task of the session is done."""
    pending = [t for t in session.tasks if t.get_name().startswith("route:")]
    if pending:
        loop.run_until_complete(asyncio.wait(pending, timeout=10))


def test_confirm_dialog_lists_every_leg_and_the_totals(window, sim_session):
    window.routing.amount.setText("4")
    window.refresh_preview()
    plan = window._preview.plan
    window.routing.request_route()
    dlg = window.confirm
    assert dlg is not None and dlg.plan is plan
    rows = [(dlg.table.item(r, 0).text(), dlg.table.item(r, 2).text(), dlg.table.item(r, 5).text())
            for r in range(dlg.table.rowCount())]
    # the limits to the venues' tick, as the preview writes them (60,034.0, not a trimmed 60,034)
    assert rows == [(lg.venue, f"{lg.contracts_dec:,f}", format_price(lg.limit_price_dec, window.tick)) for lg in plan.legs]
    labels = " ".join(lbl.text() for lbl in dlg.findChildren(QLabel))
    assert format_price(plan.avg_price, window.tick) in labels and f"{plan.total_cost:,.2f}" in labels
    dlg.reject()
    assert window.confirm is None
    assert sim_session.session.executor.journal.recent_routes() == []  # cancelled: nothing sent


def test_large_notional_demands_the_typed_amount(window, sim_session):
    window.prefs.type_above_notional = 1000.0
    window.routing.amount.setText("1")
    window.refresh_preview()
    window.routing.request_route()
    dlg = window.confirm
    assert dlg.typed is not None and not dlg.send.isEnabled()
    dlg.accept()  # Enter without the amount typed does nothing
    assert dlg.result() != QDialog.DialogCode.Accepted and window.confirm is dlg
    dlg.typed.setText("0.5")
    assert not dlg.send.isEnabled()
    dlg.typed.setText(dlg.expected)
    assert dlg.send.isEnabled()
    dlg.reject()


def test_submit_fills_in_the_blotter_once(window, sim_session, loop):
    session = sim_session.session
    window.routing.amount.setText("3")
    window.refresh_preview()
    plan = window._preview.plan
    assert len(plan.legs) >= 2
    window.routing.request_route()
    dlg = window.confirm
    assert dlg.typed is not None  # 3 BTC is above the default 100,000 USDT: the amount must be typed
    dlg.typed.setText(dlg.expected)
    dlg.accept()
    assert not window.routing.route.isEnabled()
    window.routing.request_route()  # a second press on the same plan sends nothing
    settle(loop, session)
    routes = session.executor.journal.recent_routes()
    assert len(routes) == 1
    (route_id, r), = window.blotter.routes.items()
    assert r.started.plan is plan
    statuses = {u.venue: u.status for u in r.legs.values()}
    assert statuses == {lg.venue: OrderStatus.FILLED for lg in plan.legs}
    shown = [r.items[i].text(2) for i in range(len(plan.legs))]
    assert shown == ["filled"] * len(plan.legs)
    filled = sum(float(r.items[i].text(4)) for i in range(len(plan.legs)))
    assert abs(filled - plan.filled) < 1e-3
    # amounts to their lots (0.001 BTC): "3.000", never "3.0000"
    assert all(len(r.items[i].text(4).split(".")[-1]) <= 3 for i in range(len(plan.legs)))
    assert r.item.text(3) == f"{plan.filled:,.{len(r.item.text(3).split('.')[-1])}f}" and len(r.item.text(3)) <= 5
    assert window.blotter.route_status(route_id).startswith("filled: ")
    # the venues agree: each now holds the leg it was sent as a long position
    loop.run_until_complete(session.refresh_accounts())
    for lg in plan.legs:
        pos = [p for p in session.positions[lg.venue] if p.contracts]
        assert pos and abs(float(pos[0].base_amount) - lg.amount_base) < 1e-9
    assert "flat" not in window.positions.table.item(window.positions.rows[plan.legs[0].venue], 1).text()


def test_rejected_leg_shows_the_venue_reason(window, sim_session, loop):
    session = sim_session.session
    window.routing.amount.setText("3")
    window.refresh_preview()
    plan = window._preview.plan
    victim = plan.legs[0].venue
    sim_session.market.venue(victim).faults.reject_next("price protection triggered")
    window.prefs.skip_confirm = True
    window.prefs.type_above_notional = 1e9  # nothing to type: sent on Enter
    window.routing.request_route()
    settle(loop, session)
    (r,) = window.blotter.routes.values()
    by_venue = {u.venue: u for u in r.legs.values()}
    assert by_venue[victim].status is OrderStatus.REJECTED
    assert "price protection" in r.items[0].text(9)
    assert all(u.status is OrderStatus.FILLED for v, u in by_venue.items() if v != victim)
    assert window.blotter.route_status(next(iter(window.blotter.routes))).startswith("partly filled: ")


def test_locked_vault_stops_order_entry_but_not_the_preview(window, sim_session):
    window.routing.amount.setText("1")
    window.refresh_preview()
    assert window.routing.route.isEnabled()
    window.lock_trading("the vault locked itself")
    window.refresh_preview()
    assert window._preview.plan is not None and window._preview.plan.legs
    assert not window.routing.route.isEnabled()
    window.on_route_requested(window._preview.plan)  # Enter while locked: nothing opens
    assert window.confirm is None
    assert "order entry stopped" in window.notice.text()
    window.unlock_trading()
    assert window.routing.route.isEnabled()


def test_unknown_outcome_is_resolved_by_client_id_and_shown(window, sim_session, loop):
    session = sim_session.session
    window.routing.amount.setText("3")
    window.refresh_preview()
    plan = window._preview.plan
    victim = plan.legs[-1].venue
    # the venue takes the order, then the answer is lost: the executor must find it, not resend it
    sim_session.market.venue(victim).faults.timeout_next()
    window.prefs.skip_confirm = True
    window.prefs.type_above_notional = 1e9  # nothing to type: sent on Enter
    window.routing.request_route()
    settle(loop, session)
    (r,) = window.blotter.routes.values()
    leg = next(u for u in r.legs.values() if u.venue == victim)
    assert leg.status is OrderStatus.FILLED and leg.was_unknown
    assert r.items[len(plan.legs) - 1].text(2) == "filled (was unknown)"
    fills = sim_session.market.venue(victim).fills()
    assert abs(sum(float(f.contracts) for f in fills) - float(plan.legs[-1].contracts)) < 1e-12  # once


def test_ctrl_shift_x_cancels_all_open_orders(window, sim_session, loop, qtbot):
    from PySide6.QtCore import Qt

    session = sim_session.session
    window.activateWindow()
    window.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    tasks = [t for t in session.tasks if t.get_name() == "cancel-all"]
    assert tasks, "the hotkey started no cancel-all"
    loop.run_until_complete(asyncio.wait(tasks, timeout=5))
    assert "cancel all: 0 open order(s) confirmed cancelled on 5 venue(s)" in window.log_panel.text.toPlainText()


def test_done_route_adds_its_slippage_to_the_plot(window, sim_session, loop):
    window.routing.amount.setText("2")
    window.refresh_preview()
    window.prefs.skip_confirm = True
    window.prefs.type_above_notional = 1e9  # nothing to type: sent on Enter
    window.routing.request_route()
    settle(loop, sim_session.session)
    (tca,) = window.slippage.routes
    (route_id,) = window.blotter.routes
    assert tca.route_id == route_id and tca.slippage_bps is not None
    assert window.blotter.routes[route_id].item.text(7) == f"{tca.slippage_bps:+.2f}"
    xs, ys = window.slippage._route_curve.getData()
    assert list(ys) == [tca.slippage_bps]


def test_without_the_confirmation_a_large_order_still_asks_for_its_amount_typed(window, sim_session, loop):
    """Settings offer "send routes without the confirmation dialog" beside "type the amount above
    100,000": with the first on, a 4 BTC route (240,000 USDT) went out on Enter with nothing
    typed. The typed amount is a guard of its own: above it the dialog opens and asks for it."""
    window.prefs.skip_confirm = True
    window.prefs.type_above_notional = 100_000.0
    window.routing.amount.setText("4")
    window.refresh_preview()
    plan = window._preview.plan
    assert plan is not None and plan.notional > 100_000
    window.routing.request_route()
    dlg = window.confirm
    assert dlg is not None, "sent without the amount typed"
    assert dlg.typed is not None and not dlg.send.isEnabled()
    assert not window.blotter.routes
    dlg.reject()
    window.routing.amount.setText("1")  # 60,000 USDT: under the threshold, sent on Enter
    window.refresh_preview()
    window.routing.request_route()
    assert window.confirm is None
    settle(loop, sim_session.session)
    assert len(window.blotter.routes) == 1


def test_side_alone_prefills_the_ticket(window) -> None:
    """``--side sell`` with no ``--amount`` opened the window on Buy."""
    from sor_desktop.app import prefill

    prefill(window, "sell", None, None)
    assert window.routing.side == "sell" and not window.routing.amount.text()
    prefill(window, "buy", "2", 24.0)
    assert window.routing.side == "buy" and window.routing.amount.text() == "2"
    assert window.routing.futures.hold.value() == 24.0
