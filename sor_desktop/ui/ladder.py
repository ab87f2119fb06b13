"""Consolidated ladder: the price levels of all venues merged into rows of a common price step,
each row showing the amount per venue and in total (asks above, bids below)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHeaderView, QTableView, QVBoxLayout, QWidget

from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.price_format import format_price
from sor_desktop.ui import theme

Index = QModelIndex | QPersistentModelIndex
ROWS_PER_SIDE = 12


def merge_levels(
    books: Mapping[str, BookSnapshot], insts: Mapping[str, Instrument], step: float, rows: int = ROWS_PER_SIDE,
) -> tuple[list[float], list[str], np.ndarray, np.ndarray]:
    """Prices (asks high to low, then bids high to low), sides, amounts [row, venue] in base, totals."""
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
            amts.append(lv[:, 1] * float(inst.contract_size))
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
    return out_px, sides, amounts, amounts.sum(axis=1) if len(amounts) else np.zeros(0)


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

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(self.prices)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(self.venues) + 2

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            names = ["price", *(_short_name(v) for v in self.venues), "total"]
            return names[section] if section < len(names) else None
        if role == Qt.ItemDataRole.ForegroundRole and 0 < section <= len(self.venues):
            v = self.venues[section - 1]
            return QColor(theme.GREY if v in self.stale else theme.venue_colour(v))
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        r, c = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if c == 0:
                return format_price(self.prices[r], self.tick)
            val = self.totals[r] if c == len(self.venues) + 1 else self.amounts[r, c - 1]
            return _amount(val) if val else ""
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if c == 0:
                return QColor(theme.ASK if self.sides[r] == "asks" else theme.BID)
            if 0 < c <= len(self.venues) and self.venues[c - 1] in self.stale:
                return QColor(theme.GREY)
        return None

    def update(self, venues: list[str], stale: set[str], prices: list[float], sides: list[str],
               amounts: np.ndarray, totals: np.ndarray) -> None:
        reset = venues != self.venues or len(prices) != len(self.prices)
        restyle = stale != self.stale  # the header only changes colour when a venue goes stale or back
        if reset:
            self.beginResetModel()
        self.venues, self.stale, self.prices, self.sides = venues, stale, prices, sides
        self.amounts, self.totals = amounts, totals
        if reset:
            self.endResetModel()
        elif self.prices:
            self.dataChanged.emit(self.index(0, 0), self.index(len(prices) - 1, len(venues) + 1))
            if restyle:
                self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(venues) + 1)


class Ladder(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = LadderModel()
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.verticalHeader().hide()
        self.view.setFont(theme.mono_font(8))
        self.view.verticalHeader().setDefaultSectionSize(16)  # dense, as trading ladders are: more rows in view
        # fixed shares of the width: sizing columns to their contents measures every cell at 2 Hz
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.view.setSelectionMode(QTableView.SelectionMode.NoSelection)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.view)

    def refresh(self, books: Mapping[str, BookSnapshot], insts: Mapping[str, Instrument], stale: set[str]) -> None:
        mids = [m for b in books.values() if (m := b.mid) is not None]
        if not mids:
            return
        step = nice_step(float(np.median(mids)))
        self.model.tick = Decimal(str(step))
        prices, sides, amounts, totals = merge_levels(books, insts, step)
        self.model.update(sorted(books), set(stale), prices, sides, amounts, totals)


def _amount(v: float) -> str:
    """Three significant figures at most: a ladder is read at a glance, not to the satoshi."""
    if v >= 100:
        return f"{v:,.0f}"
    if v >= 10:
        return f"{v:.1f}"
    if v >= 1:
        return f"{v:.2f}"
    return f"{v:.3f}"


def _short_name(venue: str) -> str:
    return {"binanceusdm": "binance"}.get(venue, venue)
