"""The blotter at 1280x720: the columns a trader reads first (venue, side, status, filled, average
price, slippage) are in view without scrolling sideways, whatever the status and the venue's words
say; a text too long for its column is elided and whole in its tooltip.

Seen under Xvfb at 1280x720: the average price and slippage columns were past the dock's right
edge, behind a horizontal scroll bar (the reason column, placed after status, took the width)."""

from __future__ import annotations

import time

from sor_desktop.core.orders import OrderStatus
from sor_desktop.engine.session_events import LegUpdate, RouteDone, RouteStarted
from sor_desktop.ui.blotter import COLUMNS

FIRST = ("route / venue", "side", "status", "filled", "avg price", "slip bps")
REJECT = ("Order would immediately trigger; the margin is insufficient for this order at the "
          "current leverage of 20x, please reduce the size or add margin")


def _routes(window, loop, sim_session) -> None:
    window.routing.amount.setText("30")
    window.refresh_preview()
    plan = window._preview.plan
    assert plan is not None and len(plan.legs) >= 3
    blotter = window.blotter
    blotter.on_route(RouteStarted("r1", plan, time.time()))
    for i, leg in enumerate(plan.legs):
        if i == 0:
            u = LegUpdate("r1", i, leg.venue, leg.symbol, plan.side, OrderStatus.REJECTED, leg.contracts_dec,
                          venue_code="-2019", venue_text=REJECT, failure="rejected", latency_ms=38.0)
        elif i == 1:
            u = LegUpdate("r1", i, leg.venue, leg.symbol, plan.side, OrderStatus.CANCELED, leg.contracts_dec,
                          leg.contracts_dec / 2, leg.amount_base / 2, leg.avg_price * 1.0001, leg.avg_price,
                          latency_ms=41.0, failure="partly filled", was_unknown=True)
        else:
            u = LegUpdate("r1", i, leg.venue, leg.symbol, plan.side, OrderStatus.FILLED, leg.contracts_dec,
                          leg.contracts_dec, leg.amount_base, leg.avg_price * 1.00002, leg.avg_price,
                          latency_ms=35.0)
        blotter.on_leg(u)
    blotter.on_done(RouteDone("r1", None, requested=30.0, filled=12.345678, status="partly filled",
                              journal_error="disk full: the journal could not be written"))


def test_at_1280x720_the_first_columns_need_no_sideways_scroll(window, qtbot, loop, sim_session):
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == (1280, 720), timeout=2000)
    window.default_sizes()
    window.docks["blotter"].raise_()
    _routes(window, loop, sim_session)
    qtbot.wait(100)
    tree = window.blotter.tree
    assert tree.isVisible()
    header = tree.header()
    view = tree.viewport().width()
    assert tree.horizontalScrollBar().value() == 0
    for name in FIRST:
        c = COLUMNS.index(name)
        left = header.sectionViewportPosition(c)
        assert 0 <= left and left + header.sectionSize(c) <= view, (name, left, header.sectionSize(c), view)
    # status and reason are the columns that give way: elided past their width, whole in the tooltip
    top = tree.topLevelItem(0)
    for it in [top] + [top.child(i) for i in range(top.childCount())]:
        for name in ("status", "reason"):
            text = it.text(COLUMNS.index(name))
            assert not text or text in it.toolTip(COLUMNS.index(name)), (name, text)
    reason = COLUMNS.index("reason")
    assert top.child(0).text(reason).endswith(REJECT)
    assert header.sectionSize(reason) < tree.fontMetrics().horizontalAdvance(REJECT)  # it was elided
    assert "disk full" in top.toolTip(COLUMNS.index("status"))
