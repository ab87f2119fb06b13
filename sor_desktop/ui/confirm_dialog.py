"""Confirmation before a route goes out: every leg and the totals. Above a notional threshold the
trader must type the amount to confirm, so a slip of the finger cannot send a large order."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sor_desktop.core.plan import Plan
from sor_desktop.engine.preview import AmountError, parse_amount
from sor_desktop.ui import theme
from sor_desktop.ui.preview_table import totals_text

COLUMNS = ("venue", "side", "contracts", "base", "avg price", "limit (IOC)", "fee", "cost")


class ConfirmDialog(QDialog):
    def __init__(self, plan: Plan, *, base: str, mode: str, type_above: float, reduce_only: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle("Confirm route")
        self.setModal(True)
        self.setMinimumWidth(720)
        head = QLabel(
            f"<span style='font-size:13pt'><b style='color:{theme.BID if plan.side == 'buy' else theme.ASK}'>"
            f"{plan.side.upper()}</b> {plan.filled:,.4f} {base} of {plan.symbol} on {len(plan.legs)} venue(s)"
            f"{' · reduce-only' if reduce_only else ''} · <b>{mode.upper()}</b></span>"
        )
        self.table = QTableWidget(len(plan.legs), len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setFont(theme.mono_font(9))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setDefaultSectionSize(22)
        for r, leg in enumerate(plan.legs):
            cells = (leg.venue, str(plan.side), leg.contracts, f"{leg.amount_base:,.4f}", f"{leg.avg_price:,.2f}",
                     leg.limit_price, f"{leg.fee:,.2f}", f"{leg.cost:,.2f}")
            for c, text in enumerate(cells):
                it = QTableWidgetItem(text)
                it.setTextAlignment(Qt.AlignmentFlag.AlignRight if c > 1 else Qt.AlignmentFlag.AlignLeft)
                if c == 0:
                    it.setForeground(QColor(theme.venue_colour(leg.venue)))
                self.table.setItem(r, c, it)
        # every leg visible without scrolling (five venues at most in practice)
        header = self.table.horizontalHeader().sizeHint().height()
        self.table.setFixedHeight(header + 22 * max(1, len(plan.legs)) + 4)
        totals = QLabel(totals_text(plan, base))
        totals.setTextFormat(Qt.TextFormat.RichText)
        totals.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.send = self.buttons.addButton("Send orders", QDialogButtonBox.ButtonRole.AcceptRole)
        self.send.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(head)
        lay.addWidget(self.table)
        lay.addWidget(totals)
        self.typed: QLineEdit | None = None
        self.typed_error = QLabel("")
        self.typed_error.setObjectName("error")
        self.typed_error.hide()
        notional = sum(lg.notional for lg in plan.legs)
        self.expected = f"{plan.filled:.4f}".rstrip("0").rstrip(".")
        if not notional <= type_above:  # a NaN threshold demands the typing rather than skipping it
            note = QLabel(f"Notional {notional:,.0f} USDT is above {type_above:,.0f}: "
                          f"type the amount <b>{self.expected}</b> to confirm.")
            note.setStyleSheet(f"color: {theme.WARN}")
            self.typed = QLineEdit()
            self.typed.setPlaceholderText(self.expected)
            self.typed.textChanged.connect(self._check_typed)
            lay.addWidget(note)
            lay.addWidget(self.typed)
            lay.addWidget(self.typed_error)
            self.send.setEnabled(False)
        lay.addWidget(self.buttons)

    def _check_typed(self, text: str) -> None:
        problem = _typed_problem(text) if text.strip() else None
        self.typed_error.setText(problem or "")
        self.typed_error.setVisible(bool(problem))
        self.send.setEnabled(problem is None and _same_number(text, self.expected))

    def accept(self) -> None:
        if not self.send.isEnabled():  # Enter in the typed field must not bypass the check
            return
        super().accept()


def _typed_problem(text: str) -> str | None:
    try:
        parse_amount(text)
    except AmountError as exc:
        return str(exc)
    return None


def _same_number(text: str, expected: str) -> bool:
    """The amount field's rules (engine.preview.parse_amount): a comma only groups thousands, so
    "1,5" is refused rather than read as 15."""
    try:
        return parse_amount(text) == Decimal(expected)
    except AmountError:
        return False
