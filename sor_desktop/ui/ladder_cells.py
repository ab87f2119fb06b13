"""What each ladder cell shows (text, text colour, background), which cells changed between two
refreshes, and the delegate that paints a cell without going through the style.

The ladder is repainted at ~2 Hz while books arrive at 250/s. Measured in the 5-venue bench, a
full repaint through the style sheet and Fusion with ``QStyledItemDelegate`` (seven ``data()``
calls per cell) took ~7 ms of the event loop; most of it was the style's per-item drawing, not
the Python ``data()``. Painting the cell here took ~3.5 ms, and only the changed cells are marked
for repaint (about 60% of them per refresh in the bench)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Protocol

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPalette, QTextLayout
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

Cell = tuple[str, str | None, str | None]  # text, text colour (None: the view's), background (None: none)
Grid = list[list[Cell]]
ALIGN = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


@cache
def colour(hex_code: str) -> QColor:
    """One QColor per colour for the life of the app: data() and paint() run per cell."""
    return QColor(hex_code)


def changed_spans(old: Grid, new: Grid) -> list[tuple[int, int, int]]:
    """(row, first column, last column) of each row of ``new`` whose cells differ from ``old``'s
    same row; rows only in ``new`` are not listed (the caller inserts them)."""
    spans = []
    for r in range(min(len(old), len(new))):
        a, b = old[r], new[r]
        if a == b:
            continue
        cols = [c for c in range(len(b)) if c >= len(a) or a[c] != b[c]]
        spans.append((r, cols[0], cols[-1]))
    return spans


class CellSource(Protocol):
    def cell(self, row: int, column: int) -> Cell: ...


class CellDelegate(QStyledItemDelegate):
    """Draws a cell the way the style draws it for this ladder (the background tint over the
    cell, the text right-aligned with the style's text margin, in the cell's colour). A cell the
    plain drawing would get wrong goes through the style as before: a focused or selected one
    (focus frame, highlight) and text too wide for its cell (elided)."""

    def __init__(self, cells: CellSource, parent: QWidget) -> None:
        super().__init__(parent)
        self._cells = cells
        # the style's own text margin (QCommonStyle: the focus frame's margin plus one)
        self._margin = parent.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, parent) + 1

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        state = option.state
        if state & (QStyle.StateFlag.State_HasFocus | QStyle.StateFlag.State_Selected):
            super().paint(painter, option, index)
            return
        text, fg, bg = self._cells.cell(index.row(), index.column())
        rect = option.rect
        if bg is not None:
            painter.fillRect(rect, colour(bg))
        if not text:
            return
        font = option.font
        metrics = _line_metrics(font)
        width = metrics.fm.horizontalAdvance(text)
        room = rect.width() - 2 * self._margin
        if width > room:
            super().paint(painter, option, index)
            return
        if fg is not None:
            pen = colour(fg)
        else:  # the style's colour group for the item's state
            group = QPalette.ColorGroup.Normal if state & QStyle.StateFlag.State_Enabled else QPalette.ColorGroup.Disabled
            if group == QPalette.ColorGroup.Normal and not state & QStyle.StateFlag.State_Active:
                group = QPalette.ColorGroup.Inactive
            pen = option.palette.color(group, QPalette.ColorRole.Text)
        # placed where QCommonStyle places an item's text: its line centred in whole pixels as
        # QStyle.alignedRect does, right-aligned on its natural width (drawText(rect, flags)
        # centres on the font's height instead and put the text a pixel lower)
        top = rect.y() + int((rect.height() - metrics.height) / 2)
        painter.save()
        painter.setFont(font)
        painter.setPen(pen)
        painter.drawText(QPointF(rect.x() + self._margin + room - width, top + metrics.ascent), text)
        painter.restore()


@dataclass(frozen=True, slots=True)
class _LineMetrics:
    height: int  # whole pixels, as the style rounds a line's height
    ascent: float
    fm: QFontMetricsF


_LINE_METRICS: dict[str, _LineMetrics] = {}  # by QFont.key(): the option's QFont dies with the option


def _line_metrics(font: QFont) -> _LineMetrics:
    """A line of ``font`` laid out as QCommonStyle lays out an item's text: a QTextLine's height
    is whole pixels (16 for 10 pt DejaVu Sans Mono, whose metrics say 15.1), so the font's
    metrics alone misplace it."""
    key = font.key()
    if key not in _LINE_METRICS:
        layout = QTextLayout("0", font)
        layout.beginLayout()
        line = layout.createLine()
        line.setLineWidth(1e6)
        layout.endLayout()
        _LINE_METRICS[key] = _LineMetrics(round(layout.boundingRect().height()), line.ascent(), QFontMetricsF(font))
    return _LINE_METRICS[key]
