"""Positions and free margin per venue, as the venue (or the simulator) reports them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from sor_desktop.engine.session_events import AccountUpdate
from sor_desktop.ui import theme

COLUMNS = ("venue", "position", "entry", "mark", "uPnL", "free margin", "equity")


class Positions(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setFont(theme.mono_font(9))
        self.table.verticalHeader().setDefaultSectionSize(20)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.table)
        self.rows: dict[str, int] = {}
        self.last: dict[str, AccountUpdate] = {}

    def on_account(self, u: AccountUpdate) -> None:
        self.last[u.venue] = u
        row = self.rows.get(u.venue)
        if row is None:
            row = self.rows[u.venue] = self.table.rowCount()
            self.table.insertRow(row)
        cells: list[str]
        if u.error:
            cells = [u.venue, f"unavailable: {u.error}", "", "", "", "", ""]
        else:
            pos = [p for p in u.positions if p.contracts]
            size = sum(float(p.base_amount) * p.side.sign for p in pos)
            entry = pos[0].entry_price if len(pos) == 1 else None
            mark = pos[0].mark_price if pos else None
            upnl = sum(float(p.unrealized_pnl) for p in pos)
            usdt = [b for b in u.balances if b.currency in ("USDT", "USDC", "USD")] or list(u.balances)
            free = sum(float(b.free) for b in usdt)
            total = sum(float(b.total) for b in usdt)
            cells = [u.venue, f"{size:+,.4f}" if pos else "flat", f"{entry:,.2f}" if entry else "",
                     f"{mark:,.2f}" if mark else "", f"{upnl:+,.2f}" if pos else "", f"{free:,.2f}", f"{total:,.2f}"]
        for c, text in enumerate(cells):
            it = QTableWidgetItem(text)
            it.setTextAlignment(Qt.AlignmentFlag.AlignLeft if c == 0 else Qt.AlignmentFlag.AlignRight)
            if c == 0:
                it.setForeground(QColor(theme.venue_colour(u.venue)))
            elif c == 4 and text:
                it.setForeground(QColor(theme.BID if not text.startswith("-") else theme.ASK))
            self.table.setItem(row, c, it)
