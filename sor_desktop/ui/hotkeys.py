"""Help > Keyboard shortcuts: every hotkey of the window in one table (``HOTKEYS``), the one a test
holds against the shortcuts the window really registers."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from sor_desktop.ui import theme

HOTKEYS: tuple[tuple[str, str], ...] = (
    ("B", "buy side, the amount field focused"),
    ("S", "sell side, the amount field focused"),
    ("Enter", "route the ticket, through the confirmation (in the symbol box: pick the symbol)"),
    ("Esc", "clear the ticket (in the symbol box: back to the symbol traded)"),
    ("Ctrl+L", "find a symbol: type any part of its name, Enter"),
    ("1 … 9", "the symbol's size presets, left to right"),
    ("C", "centre the ladder on the spread (the ladder focused)"),
    ("Ctrl+Shift+F", "flatten the symbol on every venue, after the confirmation"),
    ("Ctrl+Shift+X", "cancel every open order on every venue's swap markets"),
    ("Ctrl+Q", "quit"),
)

# the names Qt gives the keys the table writes another way
_ALIASES = {"Return": "Enter", "Escape": "Esc", **{str(n): "1 … 9" for n in range(1, 10)}}


def described(sequence: str) -> bool:
    """Whether the table says what a shortcut (as ``QKeySequence.toString`` writes it) does."""
    keys = {k for k, _ in HOTKEYS}
    return sequence in keys or _ALIASES.get(sequence) in keys


def show_hotkeys(parent: QWidget | None = None) -> QDialog:
    dlg = QDialog(parent)
    dlg.setWindowTitle("Keyboard shortcuts")
    rows = "".join(f"<tr><td style='padding-right:16px'><b>{k}</b></td><td>{what}</td></tr>" for k, what in HOTKEYS)
    label = QLabel(f"<table>{rows}</table><p style='color:{theme.MUTED}'>Letters and digits typed in a field "
                   "are text: the hotkeys act when no field has the focus.</p>")
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setObjectName("hotkeys")
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dlg.reject)
    lay = QVBoxLayout(dlg)
    lay.addWidget(label)
    lay.addWidget(buttons)
    dlg.open()
    return dlg
