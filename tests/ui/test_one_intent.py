"""One intent, one route: after a send, Route and Enter stay disarmed until the ticket is edited,
however the books move in between (issue 10: amount 0.01, Enter four times sent two routes)."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


def _settle(loop, session) -> None:
    pending = [t for t in session.tasks if t.get_name().startswith("route:")]
    if pending:
        loop.run_until_complete(asyncio.wait(pending, timeout=10))


def _enter(qtbot, window) -> None:
    """Enter where the keyboard focus is: the amount field, or the confirmation once it is open."""
    if window.confirm is not None:  # offscreen, a dialog is not made active: send the key to it
        qtbot.keyClick(window.confirm.focusWidget() or window.confirm, Qt.Key.Key_Return)
        return
    qtbot.keyClick(QApplication.focusWidget() or window.routing.amount, Qt.Key.Key_Return)


def test_enter_four_times_sends_one_route_while_books_move(window, sim_session, loop, qtbot):
    session = sim_session.session
    window.routing.amount.setFocus()
    qtbot.keyClicks(window.routing.amount, "0.01")
    window.refresh_preview()
    for _ in range(4):
        _enter(qtbot, window)
        _settle(loop, session)
        sim_session.step(loop, 1.0)  # a second later the books (and the plan's limits) moved
        window.refresh_preview()
    if window.confirm is not None:
        window.confirm.reject()
    assert len(session.executor.journal.recent_routes()) == 1
    assert not window.routing.route.isEnabled()
    assert "edit" in window.routing.route.text().lower()


def test_editing_the_ticket_arms_route_again(window, sim_session, loop, qtbot):
    session = sim_session.session
    window.prefs.skip_confirm = True
    window.prefs.type_above_notional = 1e9  # nothing to type: sent on Enter
    window.routing.amount.setText("0.01")
    window.refresh_preview()
    window.routing.request_route()
    _settle(loop, session)
    sim_session.step(loop, 1.0)
    window.refresh_preview()
    assert not window.routing.route.isEnabled()
    window.routing.amount.setFocus()
    qtbot.keyClick(window.routing.amount, Qt.Key.Key_Backspace)  # 0.01 -> 0.0 ... edit it back
    qtbot.keyClicks(window.routing.amount, "2")
    window.refresh_preview()
    assert window.routing.amount.text() == "0.02"
    assert window.routing.route.isEnabled()
    window.routing.request_route()
    _settle(loop, session)
    assert len(session.executor.journal.recent_routes()) == 2


def test_books_moving_alone_do_not_rearm(window, sim_session, loop):
    window.prefs.skip_confirm = True
    window.prefs.type_above_notional = 1e9  # nothing to type: sent on Enter
    window.routing.amount.setText("0.5")
    window.refresh_preview()
    window.routing.request_route()
    _settle(loop, sim_session.session)
    for _ in range(5):
        sim_session.step(loop, 2.0)
        window.refresh_preview()
        assert not window.routing.route.isEnabled()
        window.routing.request_route()
    _settle(loop, sim_session.session)
    assert len(sim_session.session.executor.journal.recent_routes()) == 1
