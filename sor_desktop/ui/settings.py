"""Window settings kept between runs in an ini file under the config dir (QSettings), and the
dialog that edits the ones a trader may change."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, fields

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

from sor_desktop.core.number_text import read_stored
from sor_desktop.core.plan import DEFAULT_LEG_COST
from sor_desktop.ui.settings_file import file_problem, open_settings, settings_file

__all__ = ["LIMITS", "Prefs", "SettingsDialog", "load_prefs", "open_settings", "read_prefs", "save_prefs",
           "settings_file"]

log = logging.getLogger(__name__)


@dataclass
class Prefs:
    skip_confirm: bool = False  # an explicit choice in the settings dialog, never a default
    type_above_notional: float = 100_000.0  # confirm dialog demands typing the amount above this
    max_notional: float = 5_000_000.0  # the routing panel refuses larger orders
    slippage_bps: float = 5.0
    leverage: float = 10.0
    leg_cost: float = DEFAULT_LEG_COST  # routing panel, advanced options


# (lowest, highest, lowest allowed itself) per number: the settings dialog's own ranges. A value
# outside them (nan, inf, 1e400, negative, text) could only come from a hand-edited or damaged
# file, and would switch a guard off: ``nan`` compares false, so "notional > nan" never refuses.
LIMITS: dict[str, tuple[float, float, bool]] = {
    "type_above_notional": (0.0, 1e9, False),
    "max_notional": (0.0, 1e9, False),
    "slippage_bps": (0.0, 500.0, True),
    "leverage": (1.0, 125.0, True),
    "leg_cost": (0.0, 10_000.0, True),
}


# The order guards: a refused value takes the strictest, not the default.
STRICTEST = {"max_notional": (0.0, "every order is refused"),
             "type_above_notional": (0.0, "every order's amount is typed")}


def read_prefs(s: QSettings) -> tuple[Prefs, list[str]]:
    """The saved preferences, and one line per value refused (its default applies instead), after
    one for a file Qt could not read whole (``settings_file.file_problem``, which keeps it aside)."""
    p = Prefs()
    problem = file_problem(s)
    problems: list[str] = [problem] if problem else []
    for f in fields(Prefs):
        raw = s.value(f"prefs/{f.name}")
        if raw is None:
            continue
        default = getattr(p, f.name)
        value, why = (_flag(raw) if isinstance(default, bool) else _number(raw, *LIMITS[f.name]))
        if why is not None:
            if f.name in STRICTEST:
                # a guard's default may be far above what the trader had set (as config.json's)
                value, effect = STRICTEST[f.name]
                setattr(p, f.name, value)
                problems.append(f"window.ini: {f.name} = {str(raw)[:40]!r} refused ({why}); "
                                f"{effect} until it is set again in Tools > Settings")
                continue
            shown = f"{default:,.10g}" if not isinstance(default, bool) else str(default).lower()
            problems.append(f"window.ini: {f.name} = {str(raw)[:40]!r} refused ({why}); the default {shown} applies")
            continue
        setattr(p, f.name, value)
    return p, problems


def load_prefs(s: QSettings) -> Prefs:
    prefs, problems = read_prefs(s)
    for line in problems:
        log.warning("%s", line)
    return prefs


def _flag(raw: object) -> tuple[bool, str | None]:
    text = str(raw).strip().lower()
    if text in ("true", "1"):
        return True, None
    if text in ("false", "0"):
        return False, None
    return False, "must be true or false"


def _number(raw: object, lo: float, hi: float, lo_ok: bool) -> tuple[float, str | None]:
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        value = float(raw)
    else:  # ASCII digits, as Qt wrote them (with an exponent: 1e+06): float() took '1_000' and full-width digits
        got = read_stored(str(raw).strip())
        value = math.nan if got is None else got
    above = "at least" if lo_ok else "above"
    if not math.isfinite(value) or value > hi or value < lo or (value == lo and not lo_ok):
        return 0.0, f"must be a finite number {above} {lo:g} and at most {hi:,.10g}"
    return value, None


def save_prefs(s: QSettings, p: Prefs) -> None:
    for f in fields(Prefs):
        s.setValue(f"prefs/{f.name}", getattr(p, f.name))


class SettingsDialog(QDialog):
    def __init__(self, prefs: Prefs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.skip = QCheckBox("send routes without the confirmation dialog (up to the typed amount below)")
        self.skip.setChecked(prefs.skip_confirm)
        self.type_above = _money(prefs.type_above_notional, LIMITS["type_above_notional"][1])
        self.max_notional = _money(prefs.max_notional, LIMITS["max_notional"][1])
        self.slippage = QDoubleSpinBox()
        self.slippage.setRange(0, 500)
        self.slippage.setValue(prefs.slippage_bps)
        self.slippage.setSuffix(" bps")
        self.leverage = QDoubleSpinBox()
        self.leverage.setRange(*LIMITS["leverage"][:2])
        self.leverage.setDecimals(1)
        self.leverage.setSuffix(" x")
        self.leverage.setValue(prefs.leverage)
        self.leverage.setToolTip(
            "The leverage set on your venue accounts for the symbols you trade. A venue's open "
            "position gives its own; where there is none, the margin caps and the check before "
            "each send use this one. Set it to the lowest of your accounts' leverages: a higher "
            "one plans legs the venue then refuses for margin.")
        form = QFormLayout(self)
        form.addRow(QLabel("<b>Order entry</b>"))
        form.addRow("confirmation", self.skip)
        form.addRow("type the amount above", self.type_above)
        form.addRow("largest order (notional)", self.max_notional)
        self.max_notional.setToolTip("Refuses larger orders in this window and in `sor-desktop route`; "
                                     "config.json's max_notional applies too: the lower of the two holds")
        form.addRow("default slippage", self.slippage)
        form.addRow(QLabel("<b>Margin</b>"))
        form.addRow("leverage (no position)", self.leverage)
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
            leverage=self.leverage.value(),
            leg_cost=base.leg_cost,
        )


def _money(value: float, highest: float) -> QDoubleSpinBox:
    w = QDoubleSpinBox()
    w.setRange(1, highest)  # 0 would be refused at the next start
    w.setDecimals(0)
    w.setGroupSeparatorShown(True)
    w.setSuffix(" USDT")
    w.setValue(value)
    return w
