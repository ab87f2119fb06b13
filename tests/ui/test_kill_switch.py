"""Ctrl+Shift+X: every venue's cancel-all runs, and the log says per venue what was cancelled."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt


def test_kill_switch_reports_each_venue(window, sim_session, loop, qtbot):
    session = sim_session.session
    qtbot.keyClick(window, Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    pending = [t for t in session.tasks if t.get_name() == "cancel-all"]
    assert pending, "the hotkey started no cancel-all"
    loop.run_until_complete(asyncio.wait(pending, timeout=10))
    qtbot.wait(50)  # the session's notices reach the window through a queued signal
    text = window.log_panel.text.toPlainText()
    for venue in session.venues:
        assert f"{venue}: cancel all: 0 confirmed cancelled" in text
    assert "cancel all: 0 open order(s) confirmed cancelled on" in text
