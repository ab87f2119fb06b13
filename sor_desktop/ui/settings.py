"""Window settings kept between runs in an ini file under the config dir (QSettings), and the
dialog that edits the ones a trader may change."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QWidget,
)

from sor_desktop import paths


@dataclass
class Prefs:
    skip_confirm: bool = False  # an explicit choice in the settings dialog, never a default
    type_above_notional: float = 100_000.0  # confirm dialog demands typing the amount above this
    max_notional: float = 5_000_000.0  # the routing panel refuses larger orders
    slippage_bps: float = 5.0
    leverage: float = 10.0


def settings_file() -> Path:
    return paths.private_file(paths.config_dir() / "window.ini")


def open_settings(path: Path | None = None) -> QSettings:
    return QSettings(str(path or settings_file()), QSettings.Format.IniFormat)


def load_prefs(s: QSettings) -> Prefs:
    p = Prefs()
    for f in fields(Prefs):
        raw = s.value(f"prefs/{f.name}")
        if raw is None:
            continue
        default = getattr(p, f.name)
        try:
            value = (str(raw).lower() in ("true", "1")) if isinstance(default, bool) else type(default)(raw)
        except (TypeError, ValueError):
            continue  # a hand-edited ini with junk falls back to the default for that key
        setattr(p, f.name, value)
    return p


def save_prefs(s: QSettings, p: Prefs) -> None:
    for f in fields(Prefs):
        s.setValue(f"prefs/{f.name}", getattr(p, f.name))


class SettingsDialog(QDialog):
    def __init__(self, prefs: Prefs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.skip = QCheckBox("send routes without the confirmation dialog")
        self.skip.setChecked(prefs.skip_confirm)
        self.type_above = _money(prefs.type_above_notional)
        self.max_notional = _money(prefs.max_notional)
        self.slippage = QDoubleSpinBox()
        self.slippage.setRange(0, 500)
        self.slippage.setValue(prefs.slippage_bps)
        self.slippage.setSuffix(" bps")
        form = QFormLayout(self)
        form.addRow(QLabel("<b>Order entry</b>"))
        form.addRow("confirmation", self.skip)
        form.addRow("type the amount above", self.type_above)
        form.addRow("largest order (notional)", self.max_notional)
        form.addRow("default slippage", self.slippage)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def prefs(self, base: Prefs) -> Prefs:
        return Prefs(
            skip_confirm=self.skip.isChecked(),
            type_above_notional=self.type_above.value(),
            max_notional=self.max_notional.value(),
            slippage_bps=self.slippage.value(),
            leverage=base.leverage,
        )


def _money(value: float) -> QDoubleSpinBox:
    w = QDoubleSpinBox()
    w.setRange(0, 1e9)
    w.setDecimals(0)
    w.setGroupSeparatorShown(True)
    w.setSuffix(" USDT")
    w.setValue(value)
    return w
