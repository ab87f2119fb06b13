"""The routing panel's futures options: an intended holding time (off by default: funding then
does not enter the plan) and the minimum distance between a leg's estimated liquidation price and
the mark (default 5 %, 0 = off). Also the text the venue chips' tooltips add about each venue's
fee and funding."""

from __future__ import annotations

from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QLabel, QWidget

from sor_desktop.core.plan import DEFAULT_MIN_LIQ_DISTANCE
from sor_desktop.core.venue_terms import VenueTerms


class FuturesInputs(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hold = QDoubleSpinBox()
        self.hold.setRange(0.0, 24 * 365.0)
        self.hold.setDecimals(1)
        self.hold.setSingleStep(8.0)
        self.hold.setSuffix(" h")
        self.hold.setSpecialValueText("off")  # 0: no holding time, funding is not in the plan
        self.hold.setToolTip("Intended holding time: each venue's funding over it (its rate, its own "
                             "interval, from its next funding time) joins that venue's cost. Off by default.")
        self.liq = QDoubleSpinBox()
        self.liq.setRange(0.0, 50.0)
        self.liq.setDecimals(1)
        self.liq.setSingleStep(1.0)
        self.liq.setSuffix(" %")
        self.liq.setSpecialValueText("off")
        self.liq.setValue(DEFAULT_MIN_LIQ_DISTANCE * 100)
        self.liq.setToolTip("Each leg's estimated liquidation price (from the venue's brackets and the "
                            "leverage) must stay this far from the mark; legs are capped to keep it. 0: off")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(QLabel("hold"))
        lay.addWidget(self.hold)
        lay.addWidget(QLabel("min liq. dist."))
        lay.addWidget(self.liq)
        lay.addStretch(1)

    def hold_hours(self) -> float | None:
        return self.hold.value() or None

    def min_liq_distance(self) -> float | None:
        return self.liq.value() / 100 or None


def terms_tooltip(terms: VenueTerms | None) -> str:
    """``your fee 0.032 % · funding +0.0100 % / 8 h, next 16:00 UTC`` for a venue chip's tooltip."""
    if terms is None:
        return "fees and funding: not read yet (routing uses the market's default fee)"
    text = f"{terms.fee.label()} · {terms.funding_label()}"
    if terms.brackets:
        text += f" · {len(terms.brackets)} leverage brackets"
    if terms.leverage:  # else the margin is counted at Settings' leverage
        text += f" · your leverage {terms.leverage:g}x"
    if terms.missing:
        text += "\nnot available: " + "; ".join(terms.missing)
    return text
