"""The mode banner across the top of the window: SIMULATED, PAPER (live books) or LIVE (real
orders, in red). It is always visible and cannot be hidden or moved."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from sor_desktop.ui import theme

TEXT = {
    "simulated": "SIMULATED MARKET · no real orders, no network",
    "paper": "PAPER · live public books, orders matched locally, nothing leaves this machine",
    "replay": "REPLAY · a recording streamed back, no real orders",
    "live": "LIVE · REAL ORDERS ON REAL VENUES",
}


class ModeBanner(QLabel):
    def __init__(self, mode: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.set_mode(mode)

    def set_mode(self, mode: str, extra: str = "") -> None:
        self.mode = mode
        bg, fg = theme.MODE_COLOURS.get(mode, ("#444", "#fff"))
        height = 34 if mode == "live" else 26
        self.setFixedHeight(height)
        weight = "900" if mode == "live" else "700"
        border = "border-bottom: 3px solid #ffdd00;" if mode == "live" else ""
        self.setStyleSheet(f"background: {bg}; color: {fg}; font-weight: {weight}; letter-spacing: 1px;"
                           f"font-size: {'13pt' if mode == 'live' else '10pt'}; {border}")
        self.setText(TEXT.get(mode, mode.upper()) + (f" · {extra}" if extra else ""))
