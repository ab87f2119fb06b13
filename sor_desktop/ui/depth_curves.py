"""All the depth chart's step curves in one graphics item: one paint call draws every path.

A pyqtgraph PlotDataItem per curve (twelve of them) cost more in Python per frame (setData, bounds,
clip-to-view, per-item paint set-up) than the drawing itself; here a frame is one QPainterPath per
curve built from NumPy arrays, and one bounding rectangle. The legend keeps pyqtgraph samples
(``legend_item``), which carry the pens shown here.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QTransform
from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget

Arr = npt.NDArray[np.float64]


class DepthCurves(pg.GraphicsObject):  # type: ignore[misc]  # pyqtgraph is untyped
    """Named curves in data coordinates, drawn in the order they were first set."""

    def __init__(self) -> None:
        super().__init__()
        self._paths: dict[str, QPainterPath] = {}
        self._pens: dict[str, QPen] = {}
        self._double: set[str] = set()  # drawn twice, one pixel apart: a 2 px line at 1 px cost
        self._bounds: dict[str, tuple[float, float, float, float]] = {}
        self._rect = QRectF()

    def set_pen(self, name: str, pen: QPen, *, double: bool = False) -> None:
        """``double``: draw with this 1 px pen twice, shifted one pixel right and up. The curves are
        steps (only horizontal and vertical segments), so this looks like a 2 px line, and costs two
        cosmetic strokes instead of Qt's general stroker for wide pens (~4x as much per frame)."""
        self._pens[name] = pen
        (self._double.add if double else self._double.discard)(name)
        self.update()

    def set_data(self, name: str, x: Arr, y: Arr) -> None:
        if len(x) < 2:
            self._paths.pop(name, None)
            self._bounds.pop(name, None)
        else:
            self._paths[name] = pg.arrayToQPath(x, y, connect="all", finiteCheck=False)
            self._bounds[name] = (float(x.min()), float(x.max()), float(y.min()), float(y.max()))
        self._new_bounds()
        self.update()

    def path(self, name: str) -> QPainterPath | None:
        return self._paths.get(name)

    def _new_bounds(self) -> None:
        if not self._bounds:
            rect = QRectF()
        else:
            b = self._bounds.values()
            x0, x1 = min(v[0] for v in b), max(v[1] for v in b)
            y0, y1 = min(v[2] for v in b), max(v[3] for v in b)
            rect = QRectF(x0, y0, x1 - x0, y1 - y0)
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt name)
        return QRectF(self._rect)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        for name, pen in self._pens.items():
            path = self._paths.get(name)
            if path is not None and not path.isEmpty():
                painter.setPen(pen)
                painter.drawPath(path)
                if name in self._double:
                    t = painter.transform()
                    painter.setTransform(t * QTransform.fromTranslate(1, -1))  # in device pixels
                    painter.drawPath(path)
                    painter.setTransform(t)


class LegBands(pg.GraphicsObject):  # type: ignore[misc]  # pyqtgraph is untyped
    """The planned legs shaded on the depth chart: one translucent band per leg, edged in the
    venue's colour, from the best price to the leg's worst price, over the whole height of the view.
    One item with plain fills (pyqtgraph's LinearRegionItem is three items with Python paint and
    bounds code each)."""

    def __init__(self) -> None:
        super().__init__()
        self._bands: list[tuple[float, float, QColor]] = []
        self._y = (0.0, 1.0)
        self._rect = QRectF()

    def set_bands(self, bands: list[tuple[float, float, str]], y_range: tuple[float, float]) -> None:
        """``bands``: (from price, to price, colour) in chart coordinates; ``y_range``: the view's."""
        new = [(min(a, b), max(a, b), QColor(c)) for a, b, c in bands]
        if new == self._bands and y_range == self._y:
            return
        self._bands, self._y = new, y_range
        if new:
            x0, x1 = min(b[0] for b in new), max(b[1] for b in new)
            rect = QRectF(x0, y_range[0], x1 - x0, y_range[1] - y_range[0])
        else:
            rect = QRectF()
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect
        self.update()

    def bands(self) -> list[tuple[float, float, str]]:
        return [(a, b, c.name()) for a, b, c in self._bands]

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt name)
        return QRectF(self._rect)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        # filled in device pixels with an identity transform: Qt's fast rectangle blend, instead of
        # the general path filler a scaled QRectF goes through (~3x as long for the same pixels)
        y0, y1 = self._y
        to_device = painter.transform()
        painter.save()
        painter.resetTransform()
        for a, b, colour in self._bands:
            rect = to_device.mapRect(QRectF(a, y0, b - a, y1 - y0)).toAlignedRect()
            fill = QColor(colour)
            fill.setAlpha(45)
            painter.fillRect(rect, fill)
            painter.setPen(colour)
            painter.drawLine(rect.left(), rect.top(), rect.left(), rect.bottom())
            painter.drawLine(rect.right(), rect.top(), rect.right(), rect.bottom())
        painter.restore()
