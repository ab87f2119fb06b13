"""Every figure of the confirmation is readable whole: what the trader confirms is what is sent."""

from __future__ import annotations

from dataclasses import replace

from sor_desktop.ui.confirm_dialog import ConfirmDialog


def test_no_cell_of_the_confirmation_is_cut(window, qtbot) -> None:
    """At 13.5 BTC with Bybit's inverse market in the split, the 720 px dialog split its width
    evenly: the base column read "3.461000..." and the cost "207,687....", the figures the
    trader was asked to confirm."""
    window.routing.amount.setText("13.5")
    window.refresh_preview()
    plan = window._preview.plan
    assert plan is not None and len(plan.legs) >= 2
    # an inverse leg's base is its whole contracts at their prices: eight decimals for every leg;
    # and a costly leg
    legs = [replace(lg, amount_base=lg.amount_base + 0.00819536, cost=lg.cost * 10) for lg in plan.legs]
    legs[0] = replace(legs[0], venue="bybit", symbol="BTC/USD:BTC")  # named "bybit BTC/USD:BTC"
    plan = replace(plan, legs=legs)
    dlg = ConfirmDialog(plan, base="BTC", mode="sim", type_above=0.0, parent=window)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    t = dlg.table
    metrics = t.fontMetrics()
    for r in range(t.rowCount()):
        for c in range(t.columnCount()):
            text = t.item(r, c).text()
            assert t.columnWidth(c) >= metrics.horizontalAdvance(text) + 6, (c, text, t.columnWidth(c))
    # and the table is not wider than what the dialog shows of it
    assert t.horizontalScrollBar().maximum() == 0
    dlg.reject()
