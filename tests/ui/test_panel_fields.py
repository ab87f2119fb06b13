"""Routing panel fields: the unit selector shows whole entries and says what a USDT amount is;
max venues goes back to "any" when its number is deleted."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyle, QStyleOptionComboBox


def test_every_unit_entry_fits_the_selector(window, qtbot):
    unit = window.routing.unit
    assert unit.count() >= 3
    for i in range(unit.count()):
        unit.setCurrentIndex(i)
        qtbot.wait(1)
        opt = QStyleOptionComboBox()
        unit.initStyleOption(opt)
        field = unit.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, opt,
                                            QStyle.SubControl.SC_ComboBoxEditField, unit)
        text = unit.itemText(i)
        assert unit.fontMetrics().horizontalAdvance(text) <= field.width(), f"{text!r} cut off"


def test_a_usdt_amount_is_said_to_be_a_notional_before_fees(window):
    unit = window.routing.unit
    unit.setCurrentIndex(unit.findData("quote"))
    tip = unit.toolTip()
    assert "notional" in tip and "before fees" in tip
    assert "before fees" in unit.itemData(unit.findData("quote"), Qt.ItemDataRole.ToolTipRole)


def test_deleting_max_venues_means_any(window, qtbot, sim_session):
    box = window.routing.max_venues
    box.setValue(2)
    assert window.routing.request("BTC/USDT:USDT", 1e6).max_venues == 2
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Backspace)
    box.clearFocus()  # editing finished
    assert box.value() == 0 and box.text() == "any"
    assert window.routing.request("BTC/USDT:USDT", 1e6).max_venues is None
