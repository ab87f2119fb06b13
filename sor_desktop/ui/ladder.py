"""Consolidated ladder: the price levels of all venues merged into rows of a common price step (a
multiple of the symbol's tick), each row showing the amount per venue and the total of the live
venues (asks above, bids below). It stays centred on the consolidated spread until the trader
scrolls away (C re-centres); a venue's ask priced under another venue's bid is marked as crossed,
with what taking both sides would earn after taker fees; a click on a row sweeps to its price. The
``own`` column shows the trader's own working orders (``ui/working_orders.py``) on the row
nearest their limit price."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.orders import OrderStatus, Side
from sor_desktop.core.price_format import format_price
from sor_desktop.ui import theme
from sor_desktop.ui.ladder_cells import ALIGN, Cell, CellDelegate, Grid, changed_spans, colour
from sor_desktop.ui.working_orders import WorkingOrder

Index = QModelIndex | QPersistentModelIndex
ROWS_PER_SIDE = 40  # enough to scroll through; the view keeps the spread in its middle
GROUPS = (1, 2, 5, 10, 20, 25, 50, 100, 250, 500, 1000)  # row steps offered, in ticks
CROSSED_TINT = "#3a3318"
MINE_TINT = "#1c2a40"


def merge_levels(
    books: Mapping[str, BookSnapshot], insts: Mapping[str, Instrument], step: float, rows: int = ROWS_PER_SIDE,
    stale: Collection[str] = (),
) -> tuple[list[float], list[str], np.ndarray, np.ndarray]:
    """Prices (asks high to low, then bids high to low), sides, amounts [row, venue] in base, and
    totals over the venues not in ``stale`` (a stale book's levels may be gone: row 60,040 showed
    50.8 where the live venues summed to 32.1)."""
    venues = sorted(books)
    out_px: list[float] = []
    sides: list[str] = []
    blocks = []
    for side in ("asks", "bids"):
        rows_of: list[np.ndarray] = []  # per venue: the bucket (price / step) of each level
        amts: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        for j, v in enumerate(venues):
            inst = insts.get(v)
            lv = getattr(books[v], side)[: rows * 20]
            if inst is None or not len(lv):
                continue
            # asks round up and bids round down, so a row never shows a better price than exists
            q = lv[:, 0] / step
            bucket = np.ceil(q - 1e-9) if side == "asks" else np.floor(q + 1e-9)
            rows_of.append(bucket.astype(np.int64))
            # in base: an inverse market's contracts are USD, worth contract size / price each
            amts.append(lv[:, 1] * float(inst.contract_size) / (1.0 if inst.linear else lv[:, 0]))
            cols.append(np.full(len(lv), j))
        if not rows_of:
            blocks.append(np.zeros((0, len(venues))))
            continue
        bucket, amt, col = np.concatenate(rows_of), np.concatenate(amts), np.concatenate(cols)
        present = np.unique(bucket)  # ascending
        # the rows nearest the spread, ascending: the lowest asks, the highest bids
        near = present[:rows] if side == "asks" else present[-rows:]
        pos = np.minimum(np.searchsorted(near, bucket), len(near) - 1)
        hit = near[pos] == bucket
        block = np.zeros((len(near), len(venues)))
        np.add.at(block, (pos[hit], col[hit]), amt[hit])
        # shown high to low on both sides
        out_px.extend(round(float(b) * step, 10) for b in near[::-1])
        sides.extend([side] * len(near))
        blocks.append(block[::-1])
    amounts = np.vstack(blocks) if blocks else np.zeros((0, len(venues)))
    live = np.array([v not in stale for v in venues], dtype=bool)
    totals = amounts[:, live].sum(axis=1) if len(amounts) else np.zeros(0)
    return out_px, sides, amounts, totals


def default_group(mid: float, tick: Decimal) -> int:
    """The row step (in ticks) nearest 1 bp of the mid: 0.1-tick BTC at 60,000 -> 50 ticks (5 USD)."""
    want = mid * 1e-4 / float(tick)
    return min(GROUPS, key=lambda g: abs(math.log(g / want)) if want > 0 else g)


@dataclass(frozen=True, slots=True)
class Crossed:
    """Across venues the best bid is above the best ask: buy on one, sell on the other."""

    buy_venue: str
    ask: float
    sell_venue: str
    bid: float
    edge_bps: float  # bid over ask, before fees
    after_fees_bps: float  # less both venues' taker fees: what taking both sides earns (or loses)


def crossed(books: Mapping[str, BookSnapshot], insts: Mapping[str, Instrument],
            stale: Collection[str] = ()) -> Crossed | None:
    """The widest cross between live venues, or None when the consolidated book is not crossed."""
    asks = [(b.best_ask, v) for v, b in books.items() if v not in stale and b.best_ask is not None]
    bids = [(b.best_bid, v) for v, b in books.items() if v not in stale and b.best_bid is not None]
    if not asks or not bids:
        return None
    ask, av = min(asks)
    bid, bv = max(bids)
    if bid <= ask or av == bv:
        return None
    edge = (bid - ask) / ask * 1e4
    fees = sum(float(insts[v].taker_fee) * 1e4 for v in (av, bv) if v in insts)
    return Crossed(av, ask, bv, bid, edge, edge - fees)


def nice_step(mid: float) -> float:
    """A round price step near 1 bp of the mid (0.5, 1, 2, 5, 10, ...)."""
    raw = mid * 1e-4
    exp = math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * 10**exp >= raw:
            return float(m * 10**exp)
    return float(10 ** (exp + 1))


class LadderModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.venues: list[str] = []
        self.stale: set[str] = set()
        self.prices: list[float] = []
        self.sides: list[str] = []
        self.amounts = np.zeros((0, 0))
        self.totals = np.zeros(0)
        self.tick: Decimal | None = None  # prices written with the row step's decimals
        self.cross: Crossed | None = None
        self.mine: dict[int, list[WorkingOrder]] = {}  # row -> own working orders nearest it
        # venue key -> (short, full) funding label: a second header line, the full one its tooltip
        self.funding: dict[str, tuple[str, str]] = {}
        self._cells: Grid = []  # [row][column]: what each cell shows (_grid)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(self.prices)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(self.venues) + 3  # price, venues, total, mine

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            # the venue ids every other panel uses ("binance" here was "binanceusdm" there)
            names = ["price", *map(column_name, self.venues), "total", "own"]
            if section >= len(names):
                return None
            if 0 < section <= len(self.venues) and self.funding:
                # the funding under the name, at a glance (the chip's tooltip has it too)
                return names[section] + "\n" + self.funding.get(self.venues[section - 1], ("", ""))[0]
            second = {"price": "fund. bp"}.get(names[section], "") if self.funding else None
            return names[section] if second is None else f"{names[section]}\n{second}"
        if role == Qt.ItemDataRole.ToolTipRole and section == 0 and self.funding:
            return "under each venue: its funding rate in bps per settlement and the interval (+ longs pay)"
        if role == Qt.ItemDataRole.ToolTipRole and 0 < section <= len(self.venues):
            v = self.venues[section - 1]
            return f"{v}: {self.funding[v][1]}" if v in self.funding else f"{v}: funding not known"
        if role == Qt.ItemDataRole.ForegroundRole and 0 < section <= len(self.venues):
            v = self.venues[section - 1]
            return QColor(theme.GREY if v in self.stale else theme.venue_colour(v))
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        r, c = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[r][c][0]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(ALIGN)
        if role == Qt.ItemDataRole.BackgroundRole:
            bg = self._cells[r][c][2]
            return None if bg is None else colour(bg)
        if role == Qt.ItemDataRole.ForegroundRole:
            fg = self._cells[r][c][1]
            return None if fg is None else colour(fg)
        if role == Qt.ItemDataRole.ToolTipRole and r in self.mine:
            return "your working orders here:\n" + "\n".join(o.describe() for o in self.mine[r])
        if role == Qt.ItemDataRole.ToolTipRole:
            if self.is_crossed(r) and self.cross is not None:
                x = self.cross
                return (f"crossed across venues: {x.sell_venue} bids {format_price(x.bid, self.tick)} over "
                        f"{x.buy_venue}'s ask {format_price(x.ask, self.tick)} ({x.edge_bps:.1f} bps); "
                        f"after both taker fees {x.after_fees_bps:+.1f} bps"
                        + (": taking both sides would earn that" if x.after_fees_bps > 0
                           else ": not worth taking after fees"))
            sweep = f"click: sweep to {format_price(self.prices[r], self.tick)}"
            exact = (float(self.amounts[r, c - 1]) if 0 < c <= len(self.venues)
                     else float(self.totals[r]) if c == len(self.venues) + 1 else 0.0)
            if exact:
                name = column_name(self.venues[c - 1]) if c <= len(self.venues) else "total"
                return f"{name}: {exact:,.10g}\n{sweep}"
            return sweep
        return None

    def cell(self, row: int, column: int) -> Cell:
        return self._cells[row][column]

    def _grid(self) -> Grid:
        """Every cell as shown: computed once per refresh, so data() and the delegate only look
        up, and two refreshes compare cell by cell (_publish)."""
        stale = [v in self.stale for v in self.venues]
        grid: Grid = []
        for r, (px, amounts, total) in enumerate(zip(self.prices, self.amounts.tolist(), self.totals.tolist(),
                                                     strict=True)):
            bg = CROSSED_TINT if self.is_crossed(r) else MINE_TINT if r in self.mine else None
            row: list[Cell] = [(format_price(px, self.tick), theme.ASK if self.sides[r] == "asks" else theme.BID, bg)]
            row += [(_amount(a) if a else "", theme.GREY if s else None, bg) for a, s in zip(amounts, stale, strict=True)]
            row.append((_amount(total) if total else "", None, bg))
            orders = self.mine.get(r, [])
            fg = None
            if orders:
                unknown = any(o.status is OrderStatus.UNKNOWN for o in orders)
                fg = theme.ERROR if unknown else theme.BID if orders[0].side is Side.BUY else theme.ASK
            row.append((_mine_text(orders), fg, bg))
            grid.append(row)
        return grid

    def _publish(self, old: Grid, new: Grid | None = None) -> None:
        """The new grid (``new``, else built now), and dataChanged on only the cells that differ
        from ``old`` (row by row): the view repaints those, not the whole table."""
        self._cells = self._grid() if new is None else new
        for r, first, last in changed_spans(old, self._cells):
            self.dataChanged.emit(self.index(r, first), self.index(r, last))

    def place(self, orders: list[WorkingOrder]) -> None:
        """Each order on the row nearest its limit price (rows exist where some venue has a level)."""
        mine: dict[int, list[WorkingOrder]] = {}
        if self.prices:
            px = np.asarray(self.prices)
            for o in orders:
                mine.setdefault(int(np.argmin(np.abs(px - o.limit_price))), []).append(o)
        if mine != self.mine:
            self.mine = mine
            self._publish(self._cells)

    def is_crossed(self, row: int) -> bool:
        """An ask row below the best bid, or a bid row above the best ask (across venues)."""
        x = self.cross
        if x is None or row >= len(self.prices):
            return False
        p = self.prices[row]
        return p <= x.bid if self.sides[row] == "asks" else p >= x.ask

    def spread_row(self) -> int:
        """The first bid row: the spread sits right above it."""
        try:
            return self.sides.index("bids")
        except ValueError:
            return len(self.sides) // 2

    def update(self, venues: list[str], stale: set[str], prices: list[float], sides: list[str],
               amounts: np.ndarray, totals: np.ndarray) -> None:
        """New books: a reset only when the columns change; rows added or removed at the end
        otherwise, and dataChanged on the cells whose text or colour changed. (Resetting, or
        marking the whole table changed, repainted all of it at every refresh.) Row i is the
        i-th price slot from the top, so a price moving to another row is that row's data."""
        restyle = stale != self.stale  # the header only changes colour when a venue goes stale or back
        if venues != self.venues:
            self.beginResetModel()
            self._assign(venues, stale, prices, sides, amounts, totals)
            self._cells = self._grid()
            self.endResetModel()
            return
        old, n_old, n = self._cells, len(self.prices), len(prices)
        if n > n_old:
            self.beginInsertRows(QModelIndex(), n_old, n - 1)
        elif n < n_old:
            self.beginRemoveRows(QModelIndex(), n, n_old - 1)
        self._assign(venues, stale, prices, sides, amounts, totals)
        grid = self._grid()  # built once per refresh, for the row change and the changed cells
        if n > n_old:
            self._cells = grid  # the view must see the new count and the grid together
            self.endInsertRows()
        elif n < n_old:
            self._cells = grid
            self.endRemoveRows()
        self._publish(old, grid)
        if restyle and venues:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(venues) + 2)

    def _assign(self, venues: list[str], stale: set[str], prices: list[float], sides: list[str],
                amounts: np.ndarray, totals: np.ndarray) -> None:
        self.venues, self.stale, self.prices, self.sides = venues, stale, prices, sides
        self.amounts, self.totals = amounts, totals


def funding_short(rate: float, interval_hours: float) -> str:
    """``+1.0/8h``: a venue column's second header line, the rate in bps per settlement (the
    price column's second line says "fund. bp"; a percent with its decimals widened every column
    past a 1280-wide ladder)."""
    bps = rate * 1e4
    return f"{bps:+.1f}/{interval_hours:g}h" if abs(bps) >= 0.05 else f"0.0/{interval_hours:g}h"  # not "-0.0"


class Ladder(QWidget):
    sweep_requested = Signal(float)  # a row clicked: sweep to its price

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = LadderModel()
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setItemDelegate(CellDelegate(self.model, self.view))
        self.view.verticalHeader().hide()
        self.view.setFont(theme.mono_font(8))
        self.view.verticalHeader().setDefaultSectionSize(16)  # dense, as trading ladders are: more rows in view
        # widths set on a new set of venues and on a resize (_size_columns): sizing columns to their
        # contents would measure every cell at 2 Hz
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.view.setSelectionMode(QTableView.SelectionMode.NoSelection)
        self.view.clicked.connect(self._clicked)
        self.group = QComboBox()
        self.group.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.group.setToolTip("row step, in ticks of the symbol")
        self.group.setPlaceholderText("no tick yet")  # until a venue's market of the symbol is read
        self.group.setEnabled(False)
        self.group.currentIndexChanged.connect(self._group_changed)
        self.centre_button = QPushButton("Centre (C)")
        self.centre_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.centre_button.clicked.connect(self.recentre)
        self.cross_label = QLabel("")
        self.cross_label.setObjectName("muted")
        bar = QHBoxLayout()
        bar.addWidget(QLabel("rows of"))
        bar.addWidget(self.group)
        bar.addWidget(self.cross_label, 1)
        bar.addWidget(self.centre_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addLayout(bar)
        lay.addWidget(self.view)
        QShortcut(QKeySequence("C"), self, self.recentre, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.tick: Decimal | None = None
        self.centred = True  # follows the spread until the trader scrolls away
        self._programmatic = False
        self.view.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.view.viewport().installEventFilter(self)
        self._books: Mapping[str, BookSnapshot] = {}
        self._insts: Mapping[str, Instrument] = {}
        self._stale: set[str] = set()
        self._sized_for: list[str] = []
        self._funding: dict[str, tuple[str, str]] = {}  # every venue's, shown where it fits (_size_columns)
        self._working: list[WorkingOrder] = []

    # -- grouping -----------------------------------------------------------------------------
    def set_tick(self, tick: Decimal | None, mid: float | None = None) -> None:
        """A new symbol: its tick, and the row step chosen for it (about 1 bp of the mid)."""
        self.tick = tick
        self.group.blockSignals(True)
        self.group.clear()
        if tick is not None:
            for g in GROUPS:
                self.group.addItem(f"{format_price(float(tick) * g, tick)}  ({g} tick{'s' if g > 1 else ''})", g)
            if mid:
                self.group.setCurrentIndex(GROUPS.index(default_group(mid, tick)))
        self.group.setEnabled(tick is not None)
        self.group.blockSignals(False)
        self.centred = True

    def step(self) -> float | None:
        g = self.group.currentData()
        return float(self.tick) * int(g) if self.tick is not None and g is not None else None

    def _group_changed(self, *_: object) -> None:
        self.centred = True
        self.refresh(self._books, self._insts, self._stale)

    # -- centring -----------------------------------------------------------------------------
    def recentre(self) -> None:
        self.centred = True
        self._centre()

    def _scrolled(self, *_: object) -> None:
        if not self._programmatic:
            self.centred = False  # the trader scrolled away: the ladder stays where they put it

    def _centre(self) -> None:
        rows = self.model.rowCount()
        if not rows:
            return
        row_h = self.view.verticalHeader().defaultSectionSize()
        visible = max(1, self.view.viewport().height() // row_h)
        top = max(0, self.model.spread_row() - visible // 2)
        self._programmatic = True
        try:
            self.view.verticalScrollBar().setValue(top)
        finally:
            self._programmatic = False

    # -- data -----------------------------------------------------------------------------------
    def set_working(self, orders: list[WorkingOrder]) -> None:
        """The trader's own working orders in the ladder's symbol (``own`` column)."""
        self._working = list(orders)
        self.model.place(self._working)

    def refresh(self, books: Mapping[str, BookSnapshot], insts: Mapping[str, Instrument], stale: set[str]) -> None:
        self._books, self._insts, self._stale = books, insts, set(stale)
        mids = [m for b in books.values() if (m := b.mid) is not None]
        if not mids:
            return
        mid = float(np.median(mids))
        if self.tick is None or self.group.count() == 0:
            ticks = [i.price_tick for i in insts.values()]
            self.set_tick(max(ticks) if ticks else None, mid)  # rows on every venue's tick grid
        step = self.step() or nice_step(mid)
        self.model.tick = Decimal(str(step)).normalize()
        prices, sides, amounts, totals = merge_levels(books, insts, step, stale=self._stale)
        self.model.cross = crossed(books, insts, self._stale)
        x = self.model.cross
        self.cross_label.setText("" if x is None else
                                 f"crossed {x.edge_bps:.1f} bps, {x.after_fees_bps:+.1f} after fees")
        venues = sorted(books)
        self._programmatic = True  # a model reset moves the scroll bar: not the trader's doing
        try:
            self.model.update(venues, set(stale), prices, sides, amounts, totals)
            self.model.place(self._working)
        finally:
            self._programmatic = False
        if venues != self._sized_for:
            self._size_columns(venues)
        if self.centred:
            self._centre()

    def _size_columns(self, venues: list[str]) -> None:
        """Each column at least as wide as its full name ("binanceusdm" was cut to "inaceusdr" in
        equal shares) or a price, the rest of the width shared out; on a new set of venues and on
        a resize of the viewport (eventFilter), never per frame. The funding line under the names
        only where it fits: wider columns for it made the ladder scroll sideways, its own column
        out of view."""
        self._sized_for = venues
        header = self.view.horizontalHeader()
        room = self.view.viewport().width()
        needs = self._needs(venues, self._funding)
        shown = self._funding if sum(needs) <= room else {}
        if not shown:
            needs = self._needs(venues, {})
        if shown != self.model.funding:
            self.model.funding = shown
            self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(0, self.model.columnCount() - 1))
        spare = max(0, room - sum(needs))
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        for c, need in enumerate(needs):
            header.resizeSection(c, need + spare // len(needs))

    def _needs(self, venues: list[str], funding: dict[str, tuple[str, str]]) -> list[int]:
        fm = self.view.horizontalHeader().fontMetrics()
        cell = self.view.fontMetrics().horizontalAdvance("60,000.00") + 10
        # _amount's widest forms
        amount = max(self.view.fontMetrics().horizontalAdvance(w) for w in ("9,999", "0.00012", "12.3k")) + 10
        needs = [max(cell, fm.horizontalAdvance("price") + 14)]
        needs += [max(amount, fm.horizontalAdvance(name) + 14, fm.horizontalAdvance(funding.get(key, ("", ""))[0]) + 14)
                  for key, name in [*((v, column_name(v)) for v in venues), ("", "total")]]
        needs.append(max(fm.horizontalAdvance("own"), self.view.fontMetrics().horizontalAdvance("B2?")) + 8)
        return needs

    def set_funding(self, funding: dict[str, tuple[str, str]]) -> None:
        """Each venue's funding (short, full label), shown under the names where the width allows."""
        if funding == self._funding:
            return
        self._funding = dict(funding)
        if self._sized_for:
            self._size_columns(self._sized_for)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        # the viewport's resizes, not the ladder's: the vertical scroll bar shows once the rows
        # outgrow the view, after the columns were sized for the width without it (at 1280x720
        # the columns then overflowed by its width, behind a horizontal scroll bar)
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize and self._sized_for:
            self._size_columns(self._sized_for)
        return False

    def _clicked(self, index: QModelIndex) -> None:
        if 0 <= index.row() < len(self.model.prices):
            self.sweep_requested.emit(self.model.prices[index.row()])


def _amount(v: float) -> str:
    """Three significant figures from ten thousand up (``186k``, ``4.44M``: memecoin rows hold
    millions, and ``4,444,944`` was cut to ``4,444,9...`` in a 1280x720 column), whole numbers
    below it: a ladder is read at a glance, not to the satoshi. The cell's tooltip has the
    exact amount."""
    r = float(f"{v:.3g}")
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if r >= max(scale, 1e4):
            return f"{r / scale:.3g}{suffix}"
    if v >= 100:
        return f"{v:,.0f}"
    if v >= 10:
        return f"{v:.1f}"
    if v >= 1:
        return f"{v:.2f}"
    # 0.0004, not 0.000; two figures under 0.01 keep it as narrow as the widest above (0.00012)
    return np.format_float_positional(v, precision=3 if v >= 0.01 else 2, fractional=False, trim="-")


def _mine_text(orders: list[WorkingOrder]) -> str:
    """``B2``: two buys working (``S`` sells, ``±`` both; ``?`` an outcome unknown). Narrow, so the
    ladder still fits a 1280x720 window; the detail is in the row's tooltip."""
    if not orders:
        return ""
    sides = {o.side for o in orders}
    side = ("B" if orders[0].side is Side.BUY else "S") if len(sides) == 1 else "±"
    unknown = "?" if any(o.status is OrderStatus.UNKNOWN for o in orders) else ""
    return f"{side}{len(orders)}{unknown}"


def column_name(key: str) -> str:
    """A venue's column header: its id, or ``bybit inv.`` for its inverse market
    (``core.market_key``'s ``bybit BTC/USD:BTC``, too wide for a ladder column at 1280x720)."""
    venue, _, symbol = key.partition(" ")
    return f"{venue} inv." if symbol else venue
