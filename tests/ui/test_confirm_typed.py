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
