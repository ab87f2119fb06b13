"""Order sizes one click (or one key, 1-9) away, per symbol: fixed amounts in the base currency or
a share of what the router can fill with the free margin of the venues switched on ("25%"). And
what the typed amount becomes when the unit changes: the same order in the new unit (4 BTC becomes
its USDT value), never the same digits re-read (4 BTC became 4 USDT)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from sor_desktop.core.instrument import Instrument
from sor_desktop.core.number_text import read_plain
from sor_desktop.engine.preview import BASE, CONTRACTS, QUOTE

MAX_PRESETS = 9  # keys 1-9
DEFAULT_BTC = "0.1, 0.5, 1, 2, 5, 25%, 50%"
DEFAULT_OTHER = "10%, 25%, 50%, 100%"


@dataclass(frozen=True, slots=True)
class Preset:
    amount: Decimal | None = None  # base units
    percent: Decimal | None = None  # of what the free margin lets the router fill

    @property
    def label(self) -> str:
        return f"{self.percent.normalize():f}%" if self.percent is not None else f"{self.amount.normalize():f}"  # type: ignore[union-attr]


def parse_presets(text: str) -> list[Preset]:
    """'0.1, 0.5, 25%' -> presets; a bad entry raises ValueError naming it."""
    out: list[Preset] = []
    for raw in (t.strip() for t in text.split(",")):
        if not raw:
            continue
        pct = raw.endswith("%")
        number = raw[:-1].strip() if pct else raw
        if read_plain(number) is None:  # Decimal() reads '1_5', other scripts' digits and 'NaN'
            raise ValueError(f"size preset {raw!r} is not a number (e.g. 0.5 or 25%)")
        value = Decimal(number)
        if value <= 0 or (pct and value > 100):
            raise ValueError(f"size preset {raw!r} must be a positive amount or a percent up to 100%")
        out.append(Preset(percent=value) if pct else Preset(amount=value))
    return out[:MAX_PRESETS]


def default_presets(symbol: str) -> str:
    return DEFAULT_BTC if symbol.startswith("BTC/") else DEFAULT_OTHER


def base_per_unit(unit: str, insts: Mapping[str, Instrument], mid: float | None) -> Decimal | None:
    """Base amount one unit of ``unit`` is worth (None when it needs a price that is not there)."""
    if unit == BASE:
        return Decimal(1)
    if unit == QUOTE:
        return Decimal(1) / Decimal(str(mid)) if mid else None
    if unit.startswith(CONTRACTS):
        inst = insts.get(unit[len(CONTRACTS):])
        if inst is None:
            return None
        return inst.contracts_to_base(Decimal(1), Decimal(str(mid)) if mid else None)
    return None


def convert_amount(value: Decimal, old: str, new: str, insts: Mapping[str, Instrument],
                   mid: float | None) -> Decimal | None:
    """``value`` in unit ``old`` expressed in unit ``new`` (rounded to 8 significant places for
    the field), or None when either side needs a price that is not there."""
    a, b = base_per_unit(old, insts, mid), base_per_unit(new, insts, mid)
    if a is None or b is None or b == 0:
        return None
    out = value * a / b
    if new == QUOTE:  # a notional in cents ("90199.725" was to a tenth of one)
        return out.quantize(Decimal("0.01")).normalize()
    places = Decimal(1).scaleb(min(0, out.adjusted() - 7))
    return out.quantize(places).normalize()


class SizePresets(QWidget):
    """A row of preset buttons; ``picked`` carries the preset."""

    picked = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lay = QHBoxLayout(self)
        self._lay.setContentsMargins(0, 0, 0, 0)
        self._lay.setSpacing(3)
        self.presets: list[Preset] = []
        self.buttons: list[QPushButton] = []

    def set_presets(self, presets: list[Preset], tip: Callable[[Preset], str] | None = None) -> None:
        for b in self.buttons:
            self._lay.removeWidget(b)
            b.deleteLater()
        self.presets, self.buttons = list(presets), []
        for i, p in enumerate(self.presets, start=1):
            b = QPushButton(p.label)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Enter stays with the order ticket
            b.setStyleSheet("QPushButton { padding: 1px 6px; }")  # a slim row: the ladder keeps its rows at 720 high
            b.setToolTip(f"key {i}: " + (tip(p) if tip else p.label))
            b.clicked.connect(lambda _=False, p=p: self.picked.emit(p))
            self._lay.addWidget(b)
            # now, not at Qt's next pass: the window's first layout, made right after, measured
            # an empty row and Reset layout a full one (the Route dock 20 px taller than at start)
            b.show()
            self.buttons.append(b)

    def pick(self, n: int) -> None:
        """Key ``n`` (1-9)."""
        if 1 <= n <= len(self.presets):
            self.picked.emit(self.presets[n - 1])
