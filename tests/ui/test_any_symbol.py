"""A low-priced symbol reads as well as BTC: DOGE at 0.15 on the simulated market (mexc does not
list it there). Seen before: every ladder price "0.15", the axis "price (x0.001)" with ticks at
149.85, the symbol box still on BTC/USDT:USDT and mexc "connecting" for ever."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from sor_desktop.ui.main_window import MainWindow
from tests.ui.conftest import DOGE


def _frames(w: MainWindow, n: int = 40) -> None:
    for _ in range(n):
        w.on_frame()


def test_doge_prices_have_their_ticks_decimals(doge: MainWindow) -> None:
    _frames(doge)
    m = doge.ladder.model
    texts = [m.data(m.index(r, 0)) for r in range(m.rowCount())]
    assert len(texts) >= 10
    assert len(set(texts)) == len(texts), texts  # every row its own price, not "0.15" twelve times
    assert all(t.startswith("0.1") and len(t.split(".")[1]) >= 5 for t in texts), texts


def test_doge_axis_has_no_multiplier(doge: MainWindow) -> None:
    _frames(doge)
    axis = doge.depth_chart.plot.getAxis("bottom")
    axis.updateAutoSIPrefix()
    assert axis.autoSIPrefixScale == 1.0
    assert "x0.001" not in axis.labelString()
    assert axis.tickStrings([0.14985, 0.1499], 1.0, 0.00005) == ["0.14985", "0.14990"]


def test_btc_axis_has_thousands_separators(window: MainWindow) -> None:
    window.on_frame()
    axis = window.depth_chart.plot.getAxis("bottom")
    assert axis.tickStrings([59980.0, 60000.0], 1.0, 20.0) == ["59,980", "60,000"]


def test_the_symbol_box_says_doge_and_mexc_says_it_does_not_list_it(doge: MainWindow) -> None:
    _frames(doge, 20)
    assert doge.routing.symbol.currentText() == DOGE
    chip = doge.chips["mexc"]
    assert "no DOGE" in chip.text() and "connecting" not in chip.text()


def test_the_symbol_box_finds_a_symbol_by_any_part_and_switches_only_on_a_pick(doge: MainWindow, qtbot) -> None:
    """The box offered what every venue lists, and it switched the window (every feed restarted)
    at each key of a keyboard search. Now it lists what two venues list, says which venues list
    each, filters as the trader types and switches on Enter or a click in the list only."""
    box = doge.routing.symbol
    items = [box.itemText(i) for i in range(box.count())]
    assert items[0] == DOGE and "BTC/USDT:USDT" in items
    assert "not on mexc" in box.itemData(0, Qt.ItemDataRole.ToolTipRole)
    btc = items.index("BTC/USDT:USDT")
    assert "not on" not in box.itemData(btc, Qt.ItemDataRole.ToolTipRole)
    picked: list[str] = []
    doge.routing.symbol_changed.connect(picked.append)
    routed: list[object] = []
    doge.routing.route_requested.connect(routed.append)
    doge.routing.amount.setText("1000")
    doge.refresh_preview(now=True)
    assert doge._preview.plan is not None  # a ticket the window's Enter would route
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, "btc/us")
    assert picked == [] and doge.routing.side == "buy"  # typing is not a pick, nor a B for buy
    qtbot.keyClick(box, "t")
    box.lineEdit().setText("btc/usdt:usdt")
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)
    assert picked == ["BTC/USDT:USDT"] and box.currentText() == "BTC/USDT:USDT"
    assert routed == []  # that Enter picked a symbol: it did not route the DOGE ticket
    assert doge.routing.amount.hasFocus()  # what is typed next is the amount
    box.setFocus()
    box.lineEdit().setText("PEPE")
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)
    assert picked == ["BTC/USDT:USDT"] and box.currentText() == "BTC/USDT:USDT"
    assert "No two venues list 'PEPE'" in doge.routing.click_hint.text()
    box.lineEdit().setText("eth")
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Escape)  # abandoned: the symbol traded comes back
    assert box.currentText() == "BTC/USDT:USDT" and picked == ["BTC/USDT:USDT"]
    assert routed == []  # Enter in the box picked a symbol; it never routed the ticket


def test_the_windows_enter_and_escape_serve_the_symbol_box_first(doge: MainWindow, qtbot) -> None:
    """On X11, with the box's list open, Enter reached the window's shortcut (route the ticket),
    not the box: "sol" and Enter did nothing. The window's Enter and Escape ask the box first: a
    part of a name and Enter picks the first match; Escape puts the symbol traded back and keeps
    the ticket."""
    box = doge.routing.symbol
    picked: list[str] = []
    doge.routing.symbol_changed.connect(picked.append)
    routed: list[object] = []
    doge.routing.route_requested.connect(routed.append)
    doge.routing.amount.setText("1000")
    box.setFocus()
    box.lineEdit().setText("usdt")
    doge._escape()
    assert box.currentText() == DOGE and doge.routing.amount.text() == "1000" and picked == []
    box.setFocus()
    box.lineEdit().setText("bt")
    box.completer().setCompletionPrefix("bt")
    box.completer().complete()
    doge._enter()
    assert picked == ["BTC/USDT:USDT"] and routed == []
    doge.routing.amount.setFocus()  # away from the box: Enter routes again, Escape clears
    assert not box.take_enter()
    doge._escape()
    assert doge.routing.amount.text() == ""


def test_the_venue_boxes_follow_the_symbol(doge: MainWindow, loop) -> None:
    """Opened on DOGE (four venues), then BTC: mexc's box was laid in weex's cell, one over the
    other; back on DOGE mexc stayed as "mexc (down)". Each symbol shows the boxes of the venues
    that list it, each in its own place."""
    panel = doge.routing
    shown = lambda: {v for v, b in panel.venue_boxes.items() if not b.isHidden()}  # noqa: E731
    assert shown() == set(doge.session.symbol_instruments()) and "mexc" not in shown()
    loop.run_until_complete(doge._switch("BTC/USDT:USDT"))
    assert shown() == set(doge.session.symbol_instruments()) and "mexc" in shown()
    grid = panel._venue_grid
    cells = {grid.getItemPosition(grid.indexOf(panel.venue_boxes[v]))[:2] for v in shown()}
    assert len(cells) == len(shown())  # no box over another
    loop.run_until_complete(doge._switch(DOGE))
    assert shown() == set(doge.session.symbol_instruments()) and "mexc" not in shown()


def test_every_shortcut_is_in_the_help_and_ctrl_l_finds_a_symbol(doge: MainWindow, qtbot) -> None:
    """Help had only About: the hotkeys were in the README alone. Help > Keyboard shortcuts lists
    them, and none the window registers is missing from it."""
    from PySide6.QtGui import QShortcut

    from sor_desktop.ui.hotkeys import described, show_hotkeys

    registered = {sc.key().toString() for sc in doge.findChildren(QShortcut)}
    registered.add(doge.quit_action.shortcut().toString())
    assert {"B", "S", "Return", "Ctrl+L", "C"} <= registered
    assert [s for s in sorted(registered) if not described(s)] == []
    dlg = show_hotkeys(doge)
    qtbot.addWidget(dlg)
    assert "Ctrl+Shift+X" in dlg.findChild(QLabel, "hotkeys").text()
    dlg.reject()
    doge.activateWindow()
    doge.routing.amount.setFocus()
    qtbot.keyClick(doge.routing.amount, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    box = doge.routing.symbol
    assert box.hasFocus() and box.lineEdit().selectedText() == DOGE


def test_the_impact_view_starts_over_when_the_margin_becomes_known(doge: MainWindow, loop, qtbot) -> None:
    """At start-up the first impact passes ran before any balance was read: their sizes went to
    the depth of fifty levels (130 M DOGE), the margin then cut every size past the first, and
    for three seconds the routed split was one dot at 8 M. Balances that arrive start a new pass
    on the sizes the margin allows."""
    doge._impact_started = doge._refresh_impact()  # as a frame starts a pass
    assert doge._impact_started
    uncapped = float(doge.impact._pass.sizes[-1])
    loop.run_until_complete(doge.session.refresh_accounts())  # the balances arrive
    qtbot.waitUntil(lambda: not doge._impact_started, timeout=2000)
    doge.session.store.put_book(doge.session.store.books(DOGE, doge.session.symbol_instruments())["binanceusdm"])
    doge.on_frame()  # the next frame with books starts the pass again
    assert doge._impact_started
    caps = doge.session.margin_caps(doge.session.store.books(DOGE, doge.session.symbol_instruments()))
    capped = float(doge.impact._pass.sizes[-1])
    assert capped < uncapped and capped <= 2 * sum(caps.values()) * (1 + 1e-9)
