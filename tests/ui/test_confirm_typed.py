"""The typed confirmation reads the amount with the amount field's rules (engine.preview)."""

from __future__ import annotations

from dataclasses import replace

from sor_desktop.ui.confirm_dialog import ConfirmDialog


def _dialog(window, filled: float) -> ConfirmDialog:
    window.routing.amount.setText("1")
    window.refresh_preview()
    plan = replace(window._preview.plan, filled=filled)
    dlg = ConfirmDialog(plan, base="BTC", mode="sim", type_above=0.0, parent=window)
    assert dlg.typed is not None
    return dlg


def test_a_decimal_comma_never_confirms_ten_times_the_amount(window, qtbot):
    dlg = _dialog(window, 15.0)
    qtbot.addWidget(dlg)
    dlg.typed.setText("1,5")  # one and a half where the comma is the decimal mark
    assert not dlg.send.isEnabled()
    assert not dlg.typed_error.isHidden() and "use '.' for decimals" in dlg.typed_error.text()
    dlg.typed.setText("15")
    assert dlg.send.isEnabled() and dlg.typed_error.isHidden()


def test_a_thousands_comma_confirms(window, qtbot):
    dlg = _dialog(window, 1500.0)
    qtbot.addWidget(dlg)
    dlg.typed.setText("1,500")
    assert dlg.send.isEnabled()
    dlg.typed.setText("1,50,0")
    assert not dlg.send.isEnabled() and "use '.' for decimals" in dlg.typed_error.text()


def _quote_plan(window, usdt: str):
    from sor_desktop.engine.preview import QUOTE

    window.routing.unit.setCurrentIndex(window.routing.unit.findData(QUOTE))
    window.routing.amount.setText(usdt)
    window.refresh_preview()
    plan = window._preview.plan
    assert plan is not None and plan.legs and str(plan.unit) == "quote"
    return plan


def test_a_notional_order_asks_to_type_the_notional_and_keeps_it_as_the_price_moves(window, qtbot):
    """50,000 USDT of DOGE asked to type its base amount of the moment (333,410), which the next
    tick made 333,444: the typed amount was cleared on each re-plan, every second."""
    plan = _quote_plan(window, "150000")
    dlg = ConfirmDialog(plan, base="BTC", mode="sim", type_above=0.0, parent=window)
    qtbot.addWidget(dlg)
    assert dlg.expected == "150000"
    assert f"{plan.requested - plan.unfilled:,.2f} USDT (" in dlg.head.text()  # the notional it buys
    dlg.typed.setText("150000")
    assert dlg.send.isEnabled()
    # the next tick: the same notional buys a little less base; one contract short is rounding
    one = max(lg.notional / float(lg.contracts_dec) for lg in plan.legs)
    moved = replace(plan, filled=plan.filled * 0.9997, unfilled=plan.unfilled + 0.5 * one)
    dlg._show(moved)
    assert dlg.typed.text() == "150000" and dlg.send.isEnabled()


def test_a_notional_order_is_changed_by_its_notional_not_its_base(window):
    from sor_desktop.ui.plan_drift import plan_changes

    plan = _quote_plan(window, "150000")
    one = max(lg.notional / float(lg.contracts_dec) for lg in plan.legs)
    assert plan_changes(plan, replace(plan, filled=plan.filled * 0.9997, unfilled=plan.unfilled + 0.5 * one), 5.0) == []
    (change,) = plan_changes(plan, replace(plan, unfilled=plan.unfilled + 3 * one), 5.0)
    assert change.startswith("fills ") and "(quote)" in change


def test_base_amounts_are_written_to_their_lot(window, qtbot):
    window.routing.amount.setText("1.5")
    window.refresh_preview()
    plan = window._preview.plan
    dlg = ConfirmDialog(plan, base="BTC", mode="sim", type_above=1e12, parent=window)
    qtbot.addWidget(dlg)
    cells = [dlg.table.item(r, 3).text() for r in range(dlg.table.rowCount())]
    assert all(len(c.split(".")[-1]) <= 3 for c in cells), cells  # 0.001 BTC lots: no fourth decimal
    lots = replace(plan, legs=tuple(replace(lg, amount_base=float(round(lg.amount_base * 1e5))) for lg in plan.legs))
    dlg._show(lots)
    assert all("." not in dlg.table.item(r, 3).text() for r in range(dlg.table.rowCount()))


def test_a_wrong_amount_says_what_to_type(window, qtbot):
    """149874 where 149875 is asked, then Enter: Send stayed grey with no word at the field."""
    from PySide6.QtCore import Qt

    dlg = _dialog(window, 149875.0)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.typed.setText("1498")  # on its way: no complaint yet
    assert dlg.typed_error.isHidden()
    dlg.typed.setText("149874")
    qtbot.keyClick(dlg.typed, Qt.Key.Key_Return)
    assert not dlg.send.isEnabled() and dlg.result() == 0
    assert not dlg.typed_error.isHidden()
    assert "149,874 is not the amount: type 149,875 to confirm" in dlg.typed_error.text()
    dlg.typed.setText("149875")
    assert dlg.send.isEnabled() and dlg.typed_error.isHidden()


def test_a_wrong_amount_as_long_as_the_right_one_is_said_without_enter(window, qtbot):
    dlg = _dialog(window, 0.537)
    qtbot.addWidget(dlg)
    dlg.typed.setText("0.573")
    assert not dlg.send.isEnabled() and not dlg.typed_error.isHidden()
    assert "type 0.537 to confirm" in dlg.typed_error.text()
