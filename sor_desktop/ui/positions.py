"""Positions and free margin per venue, as the venue (or the simulator) reports them. A venue whose
free margin is negative or near zero is highlighted with the reason the router leaves it out."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sor_desktop.core.account import Position
from sor_desktop.core.brackets import Bracket, liquidation_price
from sor_desktop.core.instrument import base_and_quote, linear_by_symbol
from sor_desktop.core.margin import NEAR_ZERO_FREE
from sor_desktop.core.orders import Side
from sor_desktop.core.price_format import amount_digits, format_average, format_price
from sor_desktop.engine.session_events import AccountUpdate, ElsewhereUpdate
from sor_desktop.ui import theme

# the liquidation price beside the mark it is measured from; the margin-exclusion reason last, where
# its length widens nothing else (in the middle it pushed liq. and funding out of a short dock)
COLUMNS = ("venue", "position", "entry", "mark", "liq.", "uPnL", "lev./mode", "funding", "free margin", "equity",
           "routing")
LIQ_COL = COLUMNS.index("liq.")
UPNL_COL = COLUMNS.index("uPnL")
FUNDING_COL = COLUMNS.index("funding")
FREE_COL = COLUMNS.index("free margin")
ROUTING_COL = COLUMNS.index("routing")
EXCLUDED_TINT = "#3d1f22"


class Positions(QWidget):
    flatten_requested = Signal()  # every venue's position in the symbol (Ctrl+Shift+F)
    close_requested = Signal(str)  # one venue's

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # the exposure across venues, the one number no single venue's screen shows
        self.net_label = QLabel("net 0")
        self.net_label.setFont(theme.mono_font(9))
        # narrow enough to leave the Route dock its width when this tab is in front (the label
        # shrinks, its full text is in the tooltip)
        self.net_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.net_label.setMinimumWidth(80)
        self.flatten_button = QPushButton("Flatten all")
        self.flatten_button.setToolTip("Ctrl+Shift+F: close every venue's position in the symbol, reduce-only, "
                                       "after the confirmation")
        self.close_button = QPushButton("Close venue")
        self.close_button.setToolTip("close the selected row's position, reduce-only, after the confirmation")
        self.close_button.setEnabled(False)
        for b in (self.flatten_button, self.close_button):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Enter stays with the order ticket
        self.flatten_button.clicked.connect(self.flatten_requested)
        self.close_button.clicked.connect(self._close_selected)
        bar = QHBoxLayout()
        bar.addWidget(self.net_label, 1)
        bar.addWidget(self.close_button)
        bar.addWidget(self.flatten_button)
        # positions in the symbols the window does not show: the table is the window's symbol only
        self.elsewhere_label = QLabel()
        self.elsewhere_label.setWordWrap(True)
        self.elsewhere_label.setStyleSheet(f"color: {theme.WARN};")
        self.elsewhere_label.hide()
        self._elsewhere: dict[str, ElsewhereUpdate] = {}
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setFont(theme.mono_font(9))
        self.table.verticalHeader().setDefaultSectionSize(20)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        # every column its contents (rows change with account reads, not per frame): "binanceusdm" and
        # the prices were elided in a 1280-wide window; a narrow dock scrolls sideways instead
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(bar)
        lay.addWidget(self.elsewhere_label)
        lay.addWidget(self.table)
        self.tick: Decimal | None = None  # the symbol's display tick
        self.funding: dict[str, str] = {}  # venue -> funding rate and next time
        self.rows: dict[str, int] = {}
        self._arrival: dict[str, int] = {}  # the order rows first came in: flat rows keep it
        self.last: dict[str, AccountUpdate] = {}
        self.margin_reasons: dict[str, str] = {}  # venue -> why its margin keeps it out of routing
        # the venue's brackets (engine/venue_terms.py) and the leverage a position without its own
        # is taken at: the estimated liquidation price, by the router's rule (core.brackets)
        self.brackets: dict[str, tuple[Bracket, ...]] = {}
        self.default_leverage: float | None = None

    def set_symbol(self, symbol: str) -> None:
        """The flatten button closes this symbol's positions only, and says so."""
        self.flatten_button.setText(f"Flatten {base_and_quote(symbol)[0]}")
        self.flatten_button.setToolTip(f"Ctrl+Shift+F: close every venue's position in {symbol}, reduce-only, after "
                                       "the confirmation (positions in other symbols: switch to them)")

    def on_elsewhere(self, u: ElsewhereUpdate) -> None:
        self._elsewhere[u.venue] = u
        self._show_elsewhere()

    def _show_elsewhere(self) -> None:
        held: dict[tuple[str, Side], list[Position]] = {}
        for u in self._elsewhere.values():
            for p in u.positions:
                held.setdefault((p.symbol, p.side), []).append(p)
        unread = sorted(v for v, u in self._elsewhere.items()
                        if u.error and not (v in self.last and self.last[v].error))  # its row says it already
        parts, tips = [], []
        for (symbol, side), ps in sorted(held.items()):
            total = float(sum(p.base_amount for p in ps))
            coin = base_and_quote(symbol)[0]
            where = ps[0].venue if len(ps) == 1 else f"{len(ps)} venues"
            word = "long" if side is Side.BUY else "short"
            parts.append(f"{symbol} {word} {total:,.{amount_digits([total])}f} {coin} on {where}")
            tips += [f"{p.venue}: {symbol} {word} {float(p.base_amount):,.{amount_digits([float(p.base_amount)])}f} "
                     f"{coin}" for p in sorted(ps, key=lambda p: p.venue)]
        text = ("Also open: " + "; ".join(parts) + " (switch the symbol to see or close them)") if parts else ""
        if unread:
            text += ("  " if text else "") + f"Other symbols' positions not read on {', '.join(unread)}."
            tips += [f"{v}: {self._elsewhere[v].error}" for v in unread]
        self.elsewhere_label.setText(text)
        self.elsewhere_label.setToolTip("\n".join(tips))
        self.elsewhere_label.setVisible(bool(text))

    def on_account(self, u: AccountUpdate) -> None:
        self.last[u.venue] = u
        if u.error:
            self._show_row(u.venue, [u.venue, f"unavailable: {u.error}", *[""] * (len(COLUMNS) - 2)])
            if u.venue in self._elsewhere:
                self._show_elsewhere()
            return
        held = [p for p in u.positions if p.contracts]
        # an inverse position (BTC/USD:BTC) is margined and counted in the coin: a row of its own,
        # keyed as core.market_key keys it, beside the venue's row in the window's symbol
        inverse = sorted({p.symbol for p in held if linear_by_symbol(p.symbol) is False})
        linear = [p for p in held if p.symbol not in inverse]
        self._show_row(u.venue, self._cells(u.venue, linear, u, None))
        for symbol in inverse:
            key = f"{u.venue} {symbol}"
            self._show_row(key, self._cells(key, [p for p in held if p.symbol == symbol], u,
                                            symbol.partition(":")[2]))
        for key in [k for k in self.rows if k.startswith(f"{u.venue} ") and k.partition(" ")[2] not in inverse]:
            self._show_row(key, [key, "flat", *[""] * (len(COLUMNS) - 2)])  # closed since: says so
        self._open_first()
        self._show_net()
        if u.venue in self._elsewhere:
            self._show_elsewhere()  # an account error there says it now, or no more

    def _open_first(self) -> None:
        """Rows holding a position above the flat ones (in a short dock the positions were below
        the fold under flat venues); otherwise in the order the venues first reported."""
        def held(key: str) -> bool:
            it = self.table.item(self.rows[key], 1)
            return it is not None and it.text() not in ("", "flat") and not it.text().startswith("unavailable")

        order = sorted(self.rows, key=lambda k: (not held(k), self._arrival[k]))
        if order == sorted(self.rows, key=self.rows.__getitem__):
            return
        picked = {k for k, row in self.rows.items() if self.table.selectionModel().isRowSelected(row)}
        cells = {k: [self.table.takeItem(self.rows[k], c) for c in range(len(COLUMNS))] for k in order}
        self.table.clearSelection()
        for row, key in enumerate(order):
            self.rows[key] = row
            for c, it in enumerate(cells[key]):
                if it is not None:
                    self.table.setItem(row, c, it)
            if key in picked:
                self.table.selectRow(row)

    def _cells(self, key: str, pos: list[Position], u: AccountUpdate, coin: str | None) -> list[str]:
        """A row's cells; ``coin``: an inverse market's settle coin (PnL and margin in it)."""
        size = sum(float(p.base_amount) * p.side.sign for p in pos)
        entry = pos[0].entry_price if len(pos) == 1 else None
        mark = pos[0].mark_price if pos else None
        upnl = sum(float(p.unrealized_pnl) for p in pos)
        if coin is None:
            bals = [b for b in u.balances if b.currency in ("USDT", "USDC", "USD")] or list(u.balances)
        else:
            bals = [b for b in u.balances if b.currency == coin]
        free = sum(float(b.free) for b in bals)
        total = sum(float(b.total) for b in bals)
        money = (lambda x: f"{x:,.2f}") if coin is None else (lambda x: f"{x:,.6f} {coin}")
        pnl = format_price(upnl, 0.01, sign=True) if coin is None else f"{upnl:+.8f} {coin}"
        liq = self._liquidation(key, pos) if coin is None else None
        return [key, f"{size:+,.{amount_digits([size])}f}" if pos else "flat", format_average(entry, self.tick) if entry else "",
                format_average(mark, self.tick) if mark else "", format_price(liq, self.tick) if liq else "",
                pnl if pos else "", _leverage_mode(pos), "", money(free), money(total), ""]

    def _show_row(self, key: str, cells: list[str]) -> None:
        row = self.rows.get(key)
        if row is None:
            self._arrival.setdefault(key, len(self._arrival))
            row = self.rows[key] = self.table.rowCount()
            self.table.insertRow(row)
        for c, text in enumerate(cells):
            it = QTableWidgetItem(text)
            it.setTextAlignment(Qt.AlignmentFlag.AlignLeft if c == 0 else Qt.AlignmentFlag.AlignRight)
            if c == 0:
                it.setForeground(QColor(theme.venue_colour(key)))
            elif c == UPNL_COL and text:
                # a loss that rounds to nothing is no loss: "-0.00" in red read as one
                number = float(text.split()[0].replace(",", ""))
                loss, gain = text.startswith("-") and number < 0, number > 0
                it.setForeground(QColor(theme.ASK if loss else theme.BID if gain else theme.TEXT))
            self.table.setItem(row, c, it)
        self._mark(key)
        self.set_funding(self.funding)

    def _show_net(self) -> None:
        """Net exposure across venues: base (signed) and its value at each venue's mark."""
        size = usd = 0.0
        sizes: list[float] = []
        held = set()
        bases = set()
        for venue, u in self.last.items():
            for p in u.positions if not u.error else ():
                if p.contracts:
                    bases.add(base_and_quote(p.symbol)[0])
                    signed = float(p.base_amount) * p.side.sign
                    size += signed
                    sizes.append(signed)
                    held.add(venue)
                    usd += signed * float(p.mark_price or p.entry_price or 0)
        if abs(size) < 1e-12:
            self.net_label.setText("net 0 (flat on every venue)")
        else:  # the venues that hold a position, not every venue connected
            base = bases.pop() if len(bases) == 1 else "base"
            self.net_label.setText(f"net {size:+,.{amount_digits(sizes)}f} {base} · {usd:+,.0f} USD on "
                                   f"{len(held)} venue{'s' if len(held) != 1 else ''}")
        self.net_label.setToolTip(self.net_label.text())

    def _selection_changed(self) -> None:
        self.close_button.setEnabled(bool(self.table.selectedItems()))

    def _close_selected(self) -> None:
        items = self.table.selectedItems()
        if items:
            venue = self.table.item(items[0].row(), 0)
            if venue is not None:
                self.close_requested.emit(venue.text())

    def _liquidation(self, venue: str, pos: list[Position]) -> float | None:
        """One position with an entry, the venue's brackets and a leverage: its isolated estimate."""
        tiers = self.brackets.get(venue)
        if len(pos) != 1 or not tiers:
            return None
        p = pos[0]
        if p.entry_price is None:
            return None
        lev = float(p.leverage) if p.leverage else self.default_leverage
        if not lev:
            return None
        mark = float(p.mark_price) if p.mark_price else None
        return liquidation_price(p.side, float(p.entry_price), float(p.base_amount), lev, tiers, mark)

    def set_funding(self, labels: Mapping[str, str]) -> None:
        """Each venue's funding rate and next settlement (``VenueTerms.funding_label``), where known."""
        self.funding = dict(labels)
        for venue, row in self.rows.items():
            text = self.funding.get(venue, "").removeprefix("funding ")
            it = self.table.item(row, FUNDING_COL)
            if it is None:
                it = QTableWidgetItem(text)
                it.setTextAlignment(Qt.AlignmentFlag.AlignRight)
                self.table.setItem(row, FUNDING_COL, it)
            elif it.text() != text:
                it.setText(text)

    def set_margin_reasons(self, reasons: Mapping[str, str]) -> None:
        """Venues the router leaves out for their margin (negative or near-zero free margin, a
        fill whose balance is being re-read), with the reason (``Session.margin_reasons``)."""
        if dict(reasons) == self.margin_reasons:
            return
        old = set(self.margin_reasons)
        self.margin_reasons = dict(reasons)
        for venue in old | set(reasons):
            self._mark(venue)

    def _mark(self, venue: str) -> None:
        row = self.rows.get(venue)
        if row is None:
            return
        reason = self.margin_reasons.get(venue)
        tint = QBrush(QColor(EXCLUDED_TINT)) if reason else QBrush()
        items: list[QTableWidgetItem] = []
        for c in range(len(COLUMNS)):
            it = self.table.item(row, c)
            if it is None:
                it = QTableWidgetItem("")
                self.table.setItem(row, c, it)
            it.setBackground(tint)
            items.append(it)
        routing = items[ROUTING_COL]
        routing.setText(f"excluded: {reason}" if reason else "")
        routing.setToolTip(reason or "")
        routing.setForeground(QColor(theme.ERROR))
        free = items[FREE_COL]
        try:
            amount, _, coin = free.text().replace(",", "").partition(" ")
            low = float(amount) < (NEAR_ZERO_FREE if not coin else 0.0)  # a coin's 0.01 is not "near zero"
        except ValueError:
            low = False
        free.setForeground(QColor(theme.ERROR) if low else QColor(theme.TEXT))


def _leverage_mode(pos: list[Position]) -> str:
    """"10x cross": the leverage and margin mode of the venue's position, as far as it says."""
    if not pos:
        return ""
    p = pos[0]
    return " ".join(t for t in (f"{p.leverage:g}x" if p.leverage else "", p.margin_mode or "") if t)

