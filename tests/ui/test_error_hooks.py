"""Uncaught errors go to the log and a one-line notice, never a traceback dialog."""

from __future__ import annotations

import asyncio
import logging
import sys

from sor_desktop.ui.log_panel import LogPanel, NoticeLabel, QtLogHandler, install_hooks


def test_excepthook_and_loop_handler_log_and_notify(qtbot, caplog, monkeypatch):
    notices: list[tuple[str, str]] = []
    loop = asyncio.new_event_loop()
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    try:
        install_hooks(loop, lambda level, text: notices.append((level, text)))
        try:
            raise RuntimeError("boom in a slot")
        except RuntimeError:
            sys.excepthook(*sys.exc_info())
        loop.call_exception_handler({"message": "Task exception was never retrieved",
                                     "exception": ValueError("bad book")})
    finally:
        loop.close()
    assert notices[0] == ("error", "unexpected error: RuntimeError: boom in a slot (details in the log)")
    assert notices[1][0] == "error" and "bad book" in notices[1][1]
    assert all("\n" not in text for _, text in notices)  # one line each, no traceback
    logged = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert logged[0].exc_info is not None  # the traceback goes to the log file


def test_warnings_reach_the_log_panel_redacted(qtbot):
    from sor_desktop.logs import register_secret

    panel = LogPanel()
    qtbot.addWidget(panel)
    handler = QtLogHandler(logging.WARNING)
    handler.relay.record.connect(panel.append)
    log = logging.getLogger("sor_desktop.test_panel")
    log.addHandler(handler)
    try:
        register_secret("s3cr3t-api-key-123")
        log.warning("venue said no to key s3cr3t-api-key-123")
        log.info("not shown: below the panel's level")
    finally:
        log.removeHandler(handler)
    text = panel.text.toPlainText()
    assert "venue said no to key ***" in text and "s3cr3t" not in text
    assert "not shown" not in text


def test_notice_is_one_line_and_fades(qtbot):
    n = NoticeLabel()
    qtbot.addWidget(n)
    n.notify("error", "x" * 500, seconds=0.05)
    assert len(n.text()) <= 160 and n.toolTip() == "x" * 500
    qtbot.waitUntil(lambda: n.text() == "", timeout=2000)
