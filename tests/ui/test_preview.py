"""The live preview follows the simulated books and is the router's plan for them; bad amounts are
refused at the field; click to route fills the amount available up to a price."""

from __future__ import annotations

import re

from sor_desktop.core.orders import Side
from sor_desktop.core.plan import PlanRequest
from sor_desktop.core.router import plan_route
from sor_desktop.engine.preview import venue_inputs
from sor_desktop.ui.main_window import SLOW_EVERY
from tests.ui.conftest import SYMBOL


def router_plan(session, side: Side, amount: float, request):
    """The plan the router makes on the store's current books, computed here independently."""
    insts = session.symbol_instruments()
    books = session.store.books(SYMBOL, insts)
    inputs = venue_inputs(request, insts, books, session.health_now(), session.positions,
                          session.margin_caps(books))
    return plan_route(PlanRequest(side, amount, slippage_bps=request.slippage_bps), inputs)


def shown_legs(window) -> list[tuple[str, str]]:
    t = window.routing.preview.table
    # contracts with thousands separators (MEXC counts 16,423 of 0.0001 BTC)
    return [(t.item(r, 0).text(), t.item(r, 1).text().replace(",", "")) for r in range(t.rowCount())
            if t.columnSpan(r, 1) == 1]


def test_preview_matches_router_and_follows_books(window, sim_session, loop):
    window.routing.amount.setText("4")
    window.refresh_preview()
    req = window.routing.request(SYMBOL, window.prefs.max_notional)
    expected = router_plan(sim_session.session, Side.BUY, 4.0, req)
    assert len(expected.legs) >= 2, "4 BTC should need more than one venue under the margin caps"
    assert shown_legs(window) == [(lg.venue, lg.contracts) for lg in expected.legs]
    first_avg = window._preview.plan.avg_price
    assert abs(first_avg - expected.avg_price) < 1e-9

    # the market moves: after the next slow frame the preview is the router's plan on the new books
    sim_session.step(loop, 30.0)
    for _ in range(SLOW_EVERY):
        window.on_frame()
    moved = router_plan(sim_session.session, Side.BUY, 4.0, req)
    assert shown_legs(window) == [(lg.venue, lg.contracts) for lg in moved.legs]
    assert abs(window._preview.plan.avg_price - moved.avg_price) < 1e-9
    assert window._preview.plan.avg_price != first_avg


def test_sell_side_and_quote_unit(window, sim_session):
    window.routing.pick_side("sell")
    window.routing.unit.setCurrentIndex(window.routing.unit.findData("quote"))
    window.routing.amount.setText("50000")
    window.refresh_preview()
    plan = window._preview.plan
    assert plan is not None and plan.side is Side.SELL
    assert abs(plan.notional - 50000) / 50000 < 0.01  # a quote amount is a notional in USDT


def test_bad_amounts_are_refused_at_the_field(window, sim_session):
    for text, words in (("abc", "not a number"), ("-2", "greater than zero"), ("0", "greater than zero"),
                        ("1" + "0" * 40, "too large"), ("1e3", "not a number"), ("0.0000001", "smallest order"), ("500000", "above the panel")):
        window.routing.amount.setText(text)
        window.refresh_preview()
        assert words in window.routing.amount_error.text(), (text, window.routing.amount_error.text())
        assert window.routing.amount.property("invalid") is True
        assert not window.routing.route.isEnabled()
        window.routing.request_route()  # Enter on a bad amount sends nothing and opens nothing
        assert window.confirm is None
    assert sim_session.session.executor.journal.recent_routes() == []
    window.routing.amount.setText("1")
    window.refresh_preview()
    assert window.routing.amount_error.text() == ""
    assert window.routing.route.isEnabled()


def test_hotkeys_pick_the_side_and_focus_the_amount(window, qtbot):
    from PySide6.QtCore import Qt

    window.activateWindow()
    # from outside a text input (in the amount field letters are typed: test_hotkeys_typing)
    qtbot.keyClick(window.routing.preview, Qt.Key.Key_S)
    assert window.routing.side is Side.SELL
    assert window.routing.amount.hasFocus() and window.routing.amount.text() == ""
    qtbot.keyClick(window.routing.preview, Qt.Key.Key_B)
    assert window.routing.side is Side.BUY


def test_crosshair_tooltip_shows_routable_amount_per_venue_total_and_bps(window, sim_session):
    """Per venue what sweep to here would take (caps, lots), the total, and the distance from mid."""
    insts = sim_session.session.symbol_instruments()
    books = sim_session.session.store.books(SYMBOL, insts)
    chart = window.depth_chart
    chart.refresh(books, insts, set())
    mid = chart._mid_line.value()
    price = mid * (1 + 5e-4)  # 5 bps above the mid: the ask side
    chart._show_tip(price)
    text = chart._tip.textItem.toPlainText()
    assert "+5.0 bps from mid" in text and "asks" in text and "click: buy up to here" in text
    sweep = window.sweep_at(price, Side.BUY)
    for r in sweep.venues:
        assert re.search(rf"{r.venue}\s+{float(r.base):,.4f}", text), text
    assert re.search(rf"routable\s+{float(sweep.total_base):,.4f}", text), text
    chart.unit.setCurrentIndex(1)  # in USDT: the notional of the same lots
    chart._show_tip(price)
    text = chart._tip.textItem.toPlainText()
    assert re.search(rf"routable\s+{sweep.total_notional:,.0f}", text), text
