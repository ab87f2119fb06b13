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
from PySide6.QtGui import QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget

Arr = npt.NDArray[np.float64]


class DepthCurves(pg.GraphicsObject):  # type: ignore[misc]  # pyqtgraph is untyped
    """Named curves in data coordinates, drawn in the order they were first set."""

    def __init__(self) -> None:
        super().__init__()
        self._paths: dict[str, QPainterPath] = {}
        self._pens: dict[str, QPen] = {}
        self._bounds: dict[str, tuple[float, float, float, float]] = {}
        self._rect = QRectF()

    def set_pen(self, name: str, pen: QPen) -> None:
        self._pens[name] = pen
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
