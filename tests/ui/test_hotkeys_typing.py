"""Single-letter hotkeys (B, S) pick the side from anywhere in the window except a text input,
where the letter is typed like any other."""

from __future__ import annotations

from PySide6.QtCore import Qt


def test_letters_typed_in_the_amount_field_stay_there(window, qtbot):
    amount = window.routing.amount
    amount.setFocus()
    qtbot.keyClicks(amount, "abs")
    assert amount.text() == "abs"
    assert window.routing.side == "buy"  # neither S nor B switched the side


def test_letters_typed_in_the_spin_boxes_do_not_switch_side(window, qtbot):
    box = window.routing.slippage
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_S)
    assert window.routing.side == "buy"


def test_b_and_s_pick_the_side_and_focus_the_amount_elsewhere(window, qtbot):
    window.routing.amount.setText("2")
    chart = window.depth_chart
    chart.setFocus()
    qtbot.keyClick(chart, Qt.Key.Key_S)
    assert window.routing.side == "sell"
    assert window.routing.amount.hasFocus() and window.routing.amount.selectedText() == "2"
    qtbot.keyClick(window.routing.reduce_only, Qt.Key.Key_B)  # a checkbox is not a text input
    assert window.routing.side == "buy"
