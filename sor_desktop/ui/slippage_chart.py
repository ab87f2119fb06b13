"""Slippage over recent routes: what each route (and each of its legs) paid against its preview,
in bps (positive = worse for the trader), from the executor's transaction cost analysis."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from typing import Any

import pyqtgraph as pg
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QVBoxLayout, QWidget

from sor_desktop.engine.tca import RouteTca
from sor_desktop.ui import theme

log = logging.getLogger(__name__)

MAX_ROUTES = 200


class RouteAxis(pg.AxisItem):
    """Routes are counted: ticks on whole route numbers only (never "route 2.5")."""

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, list[float]]]:  # noqa: N802,N803
        levels = [(spacing, [t for t in ticks if float(t).is_integer()])
                  for spacing, ticks in super().tickValues(minVal, maxVal, size) if spacing >= 1]
        levels = [(spacing, ticks) for spacing, ticks in levels if ticks]
        if not levels:  # zoomed in below one route per major tick: every route
            lo, hi = math.ceil(minVal), math.floor(maxVal)
            levels = [(1.0, [float(i) for i in range(lo, hi + 1)])] if hi >= lo else []
        return levels


class SlippageChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = pg.PlotWidget(axisItems={"bottom": RouteAxis(orientation="bottom")})
        self.plot.setMenuEnabled(False)
        self.plot.setLabel("bottom", "route (oldest to newest)")
        # short enough for the dock at 1280x720 ("slippage vs preview, bps (+ = worse)" was cut at
        # both ends); the dock says it is slippage, the tooltip against what
        self.plot.setLabel("left", "bps (+ = worse)")
        self.plot.setToolTip("each route's realised average price against its preview, in bps of the "
                             "preview (+ = worse for the trader); the dots are its legs")
        self.plot.addLegend(offset=(10, 10), labelTextColor=theme.TEXT, brush=QColor(20, 23, 28, 200))
        theme.cache_axes(self.plot)
        self.plot.addItem(pg.InfiniteLine(pos=0, angle=0, pen=pg.mkPen(theme.MUTED)))
        self._route_curve = self.plot.plot([], [], pen=pg.mkPen(theme.CONSOLIDATED, width=1), name="route",
                                           symbol="o", symbolSize=6, symbolBrush=theme.CONSOLIDATED)
        self._legs = pg.ScatterPlotItem(size=5, pen=None)
        self.plot.addItem(self._legs)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.plot)
        self.routes: list[RouteTca] = []

    def load(self, rows: Iterable[dict[str, Any]]) -> None:
        """Routes from the journal (oldest first); rows that do not parse are left out, and the
        log says how many and the first one's error."""
        bad: list[str] = []
        for row in rows:
            try:
                self.routes.append(RouteTca.from_json(row))
            except (TypeError, KeyError) as exc:
                bad.append(f"{type(exc).__name__}: {exc}")
        if bad:
            log.warning("slippage chart: %d route(s) of the journal's cost analysis do not parse and are "
                        "not drawn (first: %s)", len(bad), bad[0])
        self._redraw()

    def add(self, tca: RouteTca) -> None:
        self.routes.append(tca)
        self._redraw()

    def _redraw(self) -> None:
        self.routes = self.routes[-MAX_ROUTES:]
        xs, ys = [], []
        spots: list[dict[str, Any]] = []
        for i, r in enumerate(self.routes):
            if r.slippage_bps is not None:
                xs.append(i)
                ys.append(r.slippage_bps)
            for lg in r.legs:
                if lg.slippage_bps is not None:
                    spots.append({"pos": (i, lg.slippage_bps), "brush": pg.mkBrush(theme.venue_colour(lg.venue))})
        self._route_curve.setData(xs, ys)
        self._legs.setData(spots)
