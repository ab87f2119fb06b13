"""An excluded venue's long reason does not widen the contracts column (issue 16: with the
futures columns on, the reason spanning the row from column 1 sized that column to itself and
pushed the prices out of a 1280-wide window); the whole reason is in the cell's tooltip."""

from __future__ import annotations

from sor_desktop.ui.preview_table import COLUMNS
from tests.ui.test_futures_panel import _terms

REASON = ("free margin 181.11 USDT is held back against the open position's maintenance margin and "
          "the order's fees: no room for this order")


def test_a_long_excluded_reason_leaves_the_contracts_column_its_width(window, sim_session, loop):
    _terms(window, sim_session, loop)  # brackets known: the liquidation column is on
    panel = window.routing
    panel.amount.setText("3")
    window.refresh_preview()
    table = panel.preview.table
    assert not table.isColumnHidden(COLUMNS.index("liq."))  # the columns size to their contents
    plan = window._preview.plan
    assert plan is not None and plan.legs
    panel.preview.show_plan(plan, {"zz-venue": REASON})
    fm = table.fontMetrics()
    widest = max(fm.horizontalAdvance(t) for t in [COLUMNS[1], *(lg.contracts for lg in plan.legs)])
    assert table.columnWidth(1) <= widest + 16
    assert table.columnWidth(1) < fm.horizontalAdvance(f"excluded: {REASON}") / 3
    row = table.rowCount() - 1
    assert table.item(row, 0).text() == "zz-venue"
    assert table.item(row, 1).toolTip() == f"excluded: {REASON}"
    panel.preview.show_plan(plan, {})  # the row goes, and its tooltip with it
    assert table.rowCount() == len(plan.legs)
