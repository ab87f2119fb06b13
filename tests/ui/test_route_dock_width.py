"""The Route dock grows to show a split whole, and gives the width back when the split goes.

Seen under Xvfb at 1280x720: a sweep to here made a six-leg split with the liquidation column, the
Route dock grew from 600 to 655 px, and after the ticket was cleared it stayed 655 (the depth
chart narrower for good)."""

from __future__ import annotations

from PySide6.QtCore import Qt


def _at_1280(window, qtbot, sim_session, loop) -> None:
    s = sim_session.session  # the venues' brackets and funding: the split's liq. and fund. columns
    loop.run_until_complete(sim_session.clock.drive(s.terms.refresh(s.venues, s.symbol, sim_session.clock.time())))
    window.routing.futures.hold.setValue(24)
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == (1280, 720), timeout=2000)
    window.default_sizes()
    qtbot.wait(120)


def _ticket(window, qtbot, amount: str) -> None:
    window.routing.amount.setText(amount)
    window.refresh_preview()
    qtbot.wait(150)  # needs_room -> _give_preview_room after 50 ms


def test_the_route_dock_gives_back_the_width_a_split_took(window, qtbot, sim_session, loop):
    _at_1280(window, qtbot, sim_session, loop)
    dock = window.docks["routing"]
    before = dock.size()
    _ticket(window, qtbot, "30")
    assert window.routing.preview.table.rowCount() >= 3
    grown = dock.size()
    assert grown.width() > before.width()  # the split got its room
    _ticket(window, qtbot, "")
    assert dock.size() == before  # and gave it back, the ladder its rows
    _ticket(window, qtbot, "30")  # and again, the same way
    assert dock.size() == grown
    _ticket(window, qtbot, "")
    assert dock.size() == before


def test_a_width_the_trader_chose_after_the_split_grew_stays(window, qtbot, sim_session, loop):
    _at_1280(window, qtbot, sim_session, loop)
    dock = window.docks["routing"]
    _ticket(window, qtbot, "30")
    window.resizeDocks([dock], [dock.width() - 20], Qt.Orientation.Horizontal)  # the trader drags the splitter
    qtbot.wait(50)
    chosen = dock.width()
    _ticket(window, qtbot, "")
    assert dock.width() == chosen
