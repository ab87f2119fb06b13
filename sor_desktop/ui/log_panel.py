"""Errors and warnings in a panel, and a non-blocking notice in the status bar: never a traceback
dialog. ``install_hooks`` routes uncaught exceptions (Qt slots, asyncio callbacks) here."""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from sor_desktop.logs import redact
from sor_desktop.ui import theme

log = logging.getLogger("sor_desktop.ui")
MAX_LINES = 2000


class _Relay(QObject):
    record = Signal(str, str)  # level, text


# Records the window already puts in the panel in its own words (a leg that fell short, a notice):
# logged with ``extra={SHOWN: True}``, or the executor's per-leg failure line (the function that
# writes it: the file handler's redacting filter rewrites the message before this handler sees it).
SHOWN = "shown_in_window"
_EXECUTOR_LEG_LINE = ("sor_desktop.engine.executor", "_log_outcome")


class QtLogHandler(logging.Handler):
    """Forwards records (already redacted) to the panel through a queued signal."""

    def __init__(self, level: int = logging.INFO) -> None:
        super().__init__(level)
        self.relay = _Relay()

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, SHOWN, False) or (
                (record.name, record.funcName) == _EXECUTOR_LEG_LINE):
            return  # one line per failure in the panel, not two
        try:
            text = redact(record.getMessage())
            self.relay.record.emit(record.levelname, f"{record.name}: {text}")
        except RuntimeError:  # the relay's C++ side is gone at shutdown: nothing left to show it in
            return


class LogPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setMaximumBlockCount(MAX_LINES)
        self.text.setFont(theme.mono_font(9))
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.text)

    def append(self, level: str, text: str) -> None:
        colour = {"ERROR": theme.ERROR, "CRITICAL": theme.ERROR, "WARNING": theme.WARN}.get(level.upper(), theme.MUTED)
        stamp = time.strftime("%H:%M:%S")
        safe = text.replace("&", "&amp;").replace("<", "&lt;")
        self.text.appendHtml(f"<span style='color:{theme.MUTED}'>{stamp}</span> "
                             f"<span style='color:{colour}'>{level.lower():7}</span> {safe}")


class NoticeLabel(QLabel):
    """A status-bar notice that fades after a few seconds; clicking it does nothing modal."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        # shrinks with the status bar (the full text is in the tooltip and the Log panel): a long
        # notice's natural width made it draw over the sticky notice beside it
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clear)

    def notify(self, level: str, text: str, seconds: float = 8.0) -> None:
        text = redact(text)  # exception texts can carry a key or a signed URL: masked like the log
        colour = {"error": theme.ERROR, "warning": theme.WARN}.get(level, theme.TEXT)
        self.setStyleSheet(f"color: {colour}; padding: 0 8px;")
        self.setText(text if len(text) < 160 else text[:157] + "...")
        self.setToolTip(text)
        self._timer.start(int(seconds * 1000))


class StickyNotices(QWidget):
    """Status-bar notices that stay until the trader dismisses them: a rejected order, a route
    not sent, an error. The newest shows, with how many more wait behind it; one notice per key
    (a second rejected leg of the same route updates that route's notice)."""

    shown_changed = Signal(bool)  # whether there is a notice to show (the window shows its strip)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet("StickyNotices { background: #2a1a1c; }")
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.more = QLabel()
        self.more.setObjectName("muted")
        self.dismiss_button = QToolButton()
        self.dismiss_button.setText("✕ dismiss")
        self.dismiss_button.setToolTip("Dismiss this notice (it stays in the Log panel)")
        self.dismiss_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Enter stays with the order ticket
        self.dismiss_button.clicked.connect(self.dismiss)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 0, 6, 0)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.more)
        lay.addWidget(self.dismiss_button)
        self._items: dict[str, tuple[str, str]] = {}  # key -> (level, text), oldest first

    def post(self, key: str, level: str, text: str) -> None:
        text = redact(text)
        self._items.pop(key, None)
        self._items[key] = (level, text)
        self._show_newest()

    def dismiss(self) -> None:
        if self._items:
            self._items.pop(next(reversed(self._items)))
        self._show_newest()

    @property
    def showing(self) -> bool:
        return bool(self._items)

    def texts(self) -> list[str]:
        return [text for _level, text in self._items.values()]

    def _show_newest(self) -> None:
        if not self._items:
            self.label.setText("")
            self.shown_changed.emit(False)
            return
        level, text = next(reversed(self._items.values()))
        colour = {"error": theme.ERROR, "warning": theme.WARN}.get(level, theme.TEXT)
        self.label.setStyleSheet(f"color: {colour};")
        self.label.setText(text if len(text) < 160 else text[:157] + "...")
        self.label.setToolTip(text)
        n = len(self._items) - 1
        self.more.setText(f"+{n} more" if n else "")
        self.more.setVisible(bool(n))
        self.shown_changed.emit(True)


def install_hooks(loop: asyncio.AbstractEventLoop | None, notify: Any) -> None:
    """Uncaught exceptions are logged (with traceback, to the file) and shown as a one-line notice."""

    def excepthook(etype: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(etype, KeyboardInterrupt):
            sys.__excepthook__(etype, value, tb)
            return
        log.error("unexpected error: %s: %s", etype.__name__, value, exc_info=(etype, value, tb))
        notify("error", f"unexpected error: {etype.__name__}: {value} (details in the log)")

    sys.excepthook = excepthook
    if loop is not None:
        def handler(_loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
            exc = context.get("exception")
            msg = context.get("message", "")
            log.error("event loop: %s", msg, exc_info=exc)
            notify("error", f"{msg}: {exc}" if exc else msg)

        loop.set_exception_handler(handler)

