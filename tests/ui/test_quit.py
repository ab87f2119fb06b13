"""File > Quit and Ctrl+Q close the window the way its close button does, which is what starts the
app's ordered shutdown (window_closed)."""

from __future__ import annotations

from PySide6.QtCore import Qt


def test_ctrl_q_closes_the_window_through_the_ordered_path(window, qtbot):
    assert [a.text() for a in window.menuBar().actions()][0] == "&File"
    window.activateWindow()
    with qtbot.waitSignal(window.window_closed, timeout=2000):
        qtbot.keyClick(window.depth_chart, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not window.isVisible() and not window.timer.isActive()


def test_file_quit_closes_the_window(window, qtbot):
    quit_item = [a for m in window.menuBar().actions() if m.text() == "&File" for a in m.menu().actions()]
    assert [a.text() for a in quit_item] == ["&Quit"]
    with qtbot.waitSignal(window.window_closed, timeout=2000):
        quit_item[0].trigger()
    assert not window.isVisible()
