"""Cumulative depth of every venue overlaid on one price axis, plus all venues together.

Drawn only from the frame timer (``refresh``), one PlotDataItem per curve updated with setData.
Clicking a price emits ``price_clicked`` (the routing panel turns it into "sweep to here").
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping
from decimal import Decimal

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.orders import Side
from sor_desktop.core.plan import AmountUnit, Plan
from sor_desktop.core.price_format import amount_digits, display_tick, format_price
from sor_desktop.engine.preview import Sweep
from sor_desktop.ui import depth_data, theme
from sor_desktop.ui.depth_curves import DepthCurves, LegBands
from sor_desktop.ui.price_axis import PriceAxis

BANDS_BPS = (2, 5, 10, 25, 50, 100, 250)  # ±2 bps: the top of a deep book, level by level
DEFAULT_BAND = 10
FRAME_ORDER_X = 3.0  # the framed y-axis reaches this many times the order's size
TOTAL = "all venues"

# what "sweep to here" would take at a price: the window answers it on the books this chart drew
SweepSource = Callable[[float, Side], "Sweep | None"]


class DepthChart(QWidget):
    price_clicked = Signal(float)
    sim_requested = Signal()  # the empty state's "open the simulated market"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.frames = 0
        self._venues: list[str] = []
        self._off: set[str] = set()
        self._stale: set[str] = set()
        self._depths: dict[str, depth_data.VenueDepth] = {}
        # per venue: the book and instrument its curves were drawn from, and the view and units
        self._drawn: dict[str, tuple[BookSnapshot | None, Instrument | None, tuple[object, ...]]] = {}
        self._total: depth_data.VenueDepth | None = None
        self._mid: float | None = None
        self._curves: dict[str, pg.PlotDataItem] = {}  # the legend's samples (pen per venue)
        self._plan: Plan | None = None
        self._books: Mapping[str, BookSnapshot] = {}
        self._insts: Mapping[str, Instrument] = {}
        self.sweep_source: SweepSource | None = None

        self.unit = QComboBox()
        self.unit.addItems(["base", "USDT"])
        self.unit.setToolTip("cumulative amount in the base currency or in USDT")
        # short labels: the bar must fit beside the Route dock on a 1280-wide screen
        self.fee_adjusted = QCheckBox("fee-adjusted")
        self.fee_adjusted.setToolTip("Fee-adjusted prices, what a taker really pays: ask x (1 + fee), bid x (1 - fee)")
        self.band = QComboBox()
        self.band.addItems([f"±{b} bps" for b in BANDS_BPS])
        self.band.setCurrentIndex(BANDS_BPS.index(DEFAULT_BAND))
        # the y-axis frames the order (about 3x its size) instead of the whole range's depth: the
        # all-venues curve set ~500 BTC and a 4 BTC order lived in the bottom 1 %
        self.frame_order = QCheckBox("frame order")
        self.frame_order.setChecked(True)
        # thin depth at the top of the book and the deep book both readable on one axis
        self.log_scale = QCheckBox("log")
        self.log_scale.setToolTip("log scale for the amount axis (amounts below one lot of the finest "
                                  "venue are drawn at that lot)")
        self.show_legend = QCheckBox("legend")
        self.show_legend.setToolTip("the legend inside the plot (the coloured venue names above name the curves)")
        self.frame_order.setToolTip(f"y-axis up to {FRAME_ORDER_X:g}x the order's size; off: the whole range's depth")
        # the venue toggles sit beside the view controls, or on a line of their own when the chart
        # is too narrow for both (a 1280x720 window): the chart never holds the window wider
        self._toggle_box = QWidget()
        self._toggles = QHBoxLayout(self._toggle_box)
        self._toggles.setContentsMargins(0, 0, 0, 0)
        self._venue_boxes: dict[str, QCheckBox] = {}
        bar = QHBoxLayout()
        for w in (self.unit, self.fee_adjusted, QLabel("range"), self.band, self.frame_order, self.log_scale,
                  self.show_legend):
            bar.addWidget(w)
        bar.addSpacing(12)
        bar.addWidget(self._toggle_box)
        bar.addStretch(1)
        self._bar = bar
        self._bar2 = QHBoxLayout()
        self._bar2.addStretch(1)

        self.plot = pg.PlotWidget(axisItems={"left": theme.CompactAxis("left"),
                                                 "bottom": PriceAxis("bottom")})
        self.plot.setMenuEnabled(False)
        self.plot.setLabel("bottom", "price")
        self.plot.setLabel("left", "cumulative amount (base)")
        self.plot.getPlotItem().setMouseEnabled(x=True, y=False)
        self._ymax = 0.0
        self.legend = self.plot.addLegend(offset=(10, 10), labelTextColor=theme.TEXT, brush=QColor(20, 23, 28, 200))
        # the legend covered the curves near the mid: the venue toggles above the plot, in each
        # venue's colour, are the legend; the in-plot one only on demand
        self.legend.setVisible(False)
        self.show_legend.toggled.connect(self.legend.setVisible)
        total = QLabel("━ all venues")
        total.setStyleSheet(f"QLabel {{ color: {theme.CONSOLIDATED}; }}")
        self._toggles.addWidget(total)
        theme.cache_axes(self.plot)
        self._legs = LegBands()
        self._legs.setZValue(-10)
        self.plot.addItem(self._legs, ignoreBounds=True)
        self._lines = DepthCurves()
        self.plot.addItem(self._lines, ignoreBounds=True)
        self._add_curve(TOTAL, theme.CONSOLIDATED, width=2)  # the only wide pen: width > 1 costs a stroker pass per frame
        # the order's size, across the chart: where the cumulative curves cross it is what it takes
        self._order_line = pg.InfiniteLine(angle=0, pen=pg.mkPen(theme.ACCENT, style=Qt.PenStyle.DashLine),
                                           label="order", labelOpts={"position": 0.03, "color": theme.ACCENT})
        self.plot.addItem(self._order_line, ignoreBounds=True)
        self._order_line.hide()
        self._vline = pg.InfiniteLine(angle=90, pen=pg.mkPen(theme.MUTED, style=Qt.PenStyle.DashLine))
        self._mid_line = pg.InfiniteLine(angle=90, pen=pg.mkPen("#3a414c"))
        self._tip = pg.TextItem(anchor=(0, 0), fill=QColor(15, 18, 22, 230), border=pg.mkPen(theme.BORDER))
        for item in (self._mid_line, self._vline):
            self.plot.addItem(item, ignoreBounds=True)
        # in the view's pixels, not the data's, and over the legend (a sibling of the curves' group:
        # a z-value among the curves left the tooltip under it); placed beside the pointer on the
        # side where it fits, so it is never cut at the plot's edge
        vb = self.plot.getPlotItem().vb
        self._tip.setParentItem(vb)
        self._tip.setZValue(max(self.legend.zValue(), vb.borderRect.zValue()) + 1)
        self._tip.hide()
        self._vline.hide()
        self._hover: float | None = None
        # what the tooltip shows (None: no sweep in it): a click at its price fills in this figure,
        # not one made again at the click (the venues' health and margins move between frames)
        self._shown: Sweep | None = None
        self._shown_at: float | None = None  # the price the pointer was at when ``_shown`` was made
        # where the pointer is (scene coordinates): when the view re-centres under a still pointer,
        # the price under it changes, and the tooltip must say the price a click there would take
        self._hover_pos: QPointF | None = None
        # after a click the tooltip keeps what was clicked (the books the sweep was made on) until
        # the pointer moves: a live tooltip drifting from the amount just filled in reads as a bug
        self._tip_held = False
        self.plot.scene().sigMouseMoved.connect(self._on_move)
        # the scene sees no move when the pointer leaves the view: without this the crosshair would
        # stay on a price no longer under the pointer
        self.plot.installEventFilter(self)
        self.plot.scene().sigMouseClicked.connect(self._on_click)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        # the chart's minimum is minimumSizeHint() (toggles wrapped), not the one-row bar's width:
        # with the toggles on one line the window could not give the Route dock its 600 px
        lay.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self._lay = lay
        # what is happening while there is nothing to draw (no network yet, venues down)
        self.waiting = QLabel(self.plot)
        self.waiting.setObjectName("muted")
        self.waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.waiting.setWordWrap(True)
        self.waiting.setStyleSheet("QLabel { background: rgba(15, 18, 22, 220); padding: 12px; }")
        self.waiting.hide()
        self.sim_button = QPushButton("Open the simulated market instead", self.plot)
        self.sim_button.setToolTip("closes this window and starts sor-desktop --sim on the same symbol")
        self.sim_button.clicked.connect(self.sim_requested)
        self.sim_button.hide()
        lay.addLayout(bar)
        lay.addLayout(self._bar2)
        lay.addWidget(self.plot, 1)
        for sig in (self.unit.currentIndexChanged, self.band.currentIndexChanged):
            sig.connect(self._force)
        self.fee_adjusted.toggled.connect(self._force)
        self.frame_order.toggled.connect(self._force)
        self.log_scale.toggled.connect(self._log_toggled)
        self._floor = 1.0  # the log axis's bottom: one lot of the finest venue, in the chart's unit
        self.dirty = True
        self._drawing = False
        # curves stop one level past the view's edges: a pan or zoom by the trader redraws them
        self.plot.getPlotItem().vb.sigXRangeChanged.connect(self._view_moved)

    # -- set-up -------------------------------------------------------------------------------
    def _add_curve(self, name: str, colour: str, width: float = 1.0) -> None:
        """A bid and an ask curve drawn by the shared item, and a legend entry in their pen (a wide
        pen is drawn as two 1 px strokes: Qt's stroker for wide pens is the costliest part of a
        frame's paint in software rendering)."""
        sample = pg.PlotDataItem(pen=pg.mkPen(colour, width=width))
        self._curves[name] = sample
        self.legend.addItem(sample, name)
        pen = pg.mkPen(colour, width=1)
        self._lines.set_pen(f"{name} bids", pen, double=width > 1)
        self._lines.set_pen(f"{name} asks", pen, double=width > 1)

    def set_venues(self, venues: list[str]) -> None:
        for v in venues:
            if v in self._curves:
                continue
            self._venues.append(v)
            self._add_curve(v, theme.venue_colour(v))
            box = QCheckBox(v)
            box.setChecked(True)
            box.setStyleSheet(f"QCheckBox {{ color: {theme.venue_colour(v)}; }}")
            box.toggled.connect(lambda on, v=v: self._toggle(v, on))
            self._venue_boxes[v] = box
            # in the order of the ladder's columns, the linear markets first, whenever one comes
            # (mexc's book came back after DOGE and its toggle went after weex)
            order = sorted(self._venue_boxes, key=lambda name: (" " in name, name))
            self._toggles.insertWidget(1 + order.index(v), box)

    def keep_venues(self, venues: Collection[str]) -> None:
        """Only ``venues`` from now on (a new symbol): the others' curves, legend entries and
        toggles go. Added as their books came, they stayed: after BTC, SOL's chart still offered
        Bybit's BTC/USD:BTC."""
        for v in [v for v in self._venues if v not in venues]:
            self._venues.remove(v)
            self.legend.removeItem(self._curves.pop(v))
            box = self._venue_boxes.pop(v)
            self._toggles.removeWidget(box)
            box.deleteLater()
            for side in ("bids", "asks"):
                self._lines.set_data(f"{v} {side}", np.empty(0), np.empty(0))
            self._drawn.pop(v, None)
            self._depths.pop(v, None)
            self._off.discard(v)
        self.dirty = True

    def _controls_width(self) -> int:
        items = [self._bar.itemAt(i) for i in range(self._bar.count())]
        return sum(it.sizeHint().width() + self._bar.spacing() for it in items
                   if it is not None and it.widget() is not self._toggle_box)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        # the toggles may wrap under the controls: the narrowest the chart can be is the wider row
        m = self._lay.contentsMargins()
        width = max(self._controls_width(), self._toggle_box.sizeHint().width()) + m.left() + m.right()
        row = self._toggle_box.sizeHint().height()
        return QSize(width, super().minimumSizeHint().height() + (0 if self._wrapped() else row))

    def _wrapped(self) -> bool:
        return self._bar2.indexOf(self._toggle_box) >= 0

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt name)
        m = self._lay.contentsMargins()
        wide = event.size().width() >= (self._controls_width() + self._toggle_box.sizeHint().width()
                                        + m.left() + m.right() + 12)
        if wide == self._wrapped():
            (self._bar2 if wide else self._bar).removeWidget(self._toggle_box)
            if wide:
                self._bar.insertWidget(self._bar.count() - 1, self._toggle_box)
            else:
                self._bar2.insertWidget(0, self._toggle_box)
        super().resizeEvent(event)

    def show_waiting(self, text: str | None, *, offer_sim: bool = False) -> None:
        """A message over the empty chart (None: the books are here, the chart speaks for itself);
        ``offer_sim``: with a button to the simulated market under it."""
        if not text:
            self.waiting.hide()
            self.sim_button.hide()
            return
        self.waiting.setText(text)
        w = max(200, self.plot.width() - 60)
        self.waiting.setFixedWidth(w)
        self.waiting.adjustSize()
        button_h = self.sim_button.sizeHint().height() + 8 if offer_sim else 0
        top = max(10, (self.plot.height() - self.waiting.height() - button_h) // 2)
        self.waiting.move((self.plot.width() - w) // 2, top)
        self.waiting.show()
        self.waiting.raise_()
        if offer_sim:
            self.sim_button.adjustSize()
            self.sim_button.move((self.plot.width() - self.sim_button.width()) // 2, top + self.waiting.height() + 8)
            self.sim_button.show()
            self.sim_button.raise_()
        else:
            self.sim_button.hide()

    def _toggle(self, venue: str, on: bool) -> None:
        (self._off.discard if on else self._off.add)(venue)
        self._force()

    def set_stale(self, stale: set[str]) -> None:
        """Grey the curves of venues that cannot be routed now (and un-grey the others)."""
        if stale != self._stale:
            self._stale = set(stale)
            self._restyle()
            self.dirty = True

    def reset_view(self) -> None:
        """Re-centre and re-scale at the next frame (a new symbol has other prices and sizes)."""
        self._mid = None
        self._ymax = 0.0
        self.dirty = True

    def _force(self, *_: object) -> None:
        self.plot.setLabel("left", f"cumulative amount ({'USDT' if self.quote else 'base'})")
        self.dirty = True
        self._mid = None  # re-centre
        self._ymax = 0.0
        self.refresh(self._books, self._insts, self._stale)

    def _log_toggled(self, on: bool) -> None:
        self.plot.getPlotItem().getAxis("left").setLogMode(on)
        self._force()  # the curves' drawn key has the axis in it: every one is drawn again

    def _y(self, y: np.ndarray) -> np.ndarray:
        """A curve's amounts on the axis: log10, floored at one lot (the curves start at 0)."""
        if not self.log_scale.isChecked():
            return y
        return np.log10(np.maximum(y, self._floor))

    def _xy(self, side: depth_data.Side) -> tuple[np.ndarray, np.ndarray]:
        x, y = depth_data.step_xy(side)
        return x, self._y(y)

    def _view_moved(self, *_: object) -> None:
        if not self._drawing:
            self.dirty = True

    @property
    def quote(self) -> bool:
        return self.unit.currentIndex() == 1

    @property
    def band_bps(self) -> float:
        return float(BANDS_BPS[self.band.currentIndex()])

    # -- drawing (frame timer only) ------------------------------------------------------------
    def refresh(self, books: Mapping[str, BookSnapshot], insts: Mapping[str, Instrument], stale: set[str]) -> None:
        self._books, self._insts = books, insts
        self.set_stale(stale)
        self.set_venues([v for v in books if v not in self._curves])
        mid = _mid(books, self._stale)
        if mid is None:
            return
        self._drawing = True
        try:
            self._recentre_x(mid)
        finally:
            self._drawing = False
        lo, hi = self.plot.viewRange()[0]
        band = (lo, hi)  # levels beyond the view are not drawn (one past each edge is kept)
        fee = self.fee_adjusted.isChecked()
        lines = self._lines
        empty = depth_data.Side(np.empty(0), np.empty(0))
        lots = [float(i.lot) for i in insts.values()]
        self._floor = (min(lots) if lots else 1.0) * (mid if self.quote else 1.0)
        axis = self._floor if self.log_scale.isChecked() else None  # a new log floor redraws too
        changed = False
        for v in self._venues:
            book, inst = books.get(v), insts.get(v)
            # a venue whose book, view and units are as last drawn keeps its curves (slow feeds)
            key = (band, self.quote, fee, v in self._off, v in self._stale, axis)
            drawn = self._drawn.get(v)
            if drawn is not None and drawn[0] is book and drawn[1] is inst and drawn[2] == key:
                continue
            self._drawn[v] = (book, inst, key)
            changed = True
            if book is None or inst is None or v in self._off:
                self._depths.pop(v, None)
                lines.set_data(f"{v} bids", *depth_data.step_xy(empty))
                lines.set_data(f"{v} asks", *depth_data.step_xy(empty))
                continue
            d = depth_data.venue_depth(book, inst, quote=self.quote, fee_adjusted=fee, band=band)
            self._depths[v] = d
            lines.set_data(f"{v} bids", *self._xy(d.bids))
            lines.set_data(f"{v} asks", *self._xy(d.asks))
        if changed or self._total is None:
            live = [d for v, d in self._depths.items() if v not in self._stale]
            self._total = depth_data.merged(live) if live else None
            total = self._total or depth_data.VenueDepth(TOTAL, empty, empty)
            lines.set_data(f"{TOTAL} bids", *self._xy(total.bids))
            lines.set_data(f"{TOTAL} asks", *self._xy(total.asks))
        self._mid_line.setPos(mid)
        self._rescale_y(lo, hi)
        self._draw_legs()
        if self._hover_pos is not None and not self._tip_held:
            self._hover = float(self.plot.getPlotItem().vb.mapSceneToView(self._hover_pos).x())
            self._show_tip(self._hover)
        elif self._tip.isVisible() and self._hover is not None:
            self._place_tip(self._hover)  # held: what it says stays, where it is follows the view
        self.frames += 1
        self.dirty = False

    def _recentre_x(self, mid: float) -> None:
        half = mid * self.band_bps / 1e4
        if self._mid is None or abs(mid - self._mid) > half * 0.2:
            self._mid = mid
            self.plot.setXRange(mid - half, mid + half, padding=0)

    def order_size(self) -> float | None:
        """The order asked for in the chart's unit (base, or USDT at its average price): where
        the curves cross it is what it takes. Not what the plan fills: capped by margin, a 20 M
        DOGE sell filled 2,500 and the chart framed 7 k DOGE of books holding millions a tick."""
        plan = self._plan
        if plan is None or not plan.filled or plan.avg_price <= 0:
            return None
        asked = plan.requested if plan.requested > 0 else plan.filled
        if plan.unit is AmountUnit.QUOTE:
            return asked if self.quote else asked / plan.avg_price
        return asked * plan.avg_price if self.quote else asked

    def _rescale_y(self, lo: float, hi: float) -> None:
        ymax = 0.0
        for d in ([self._total] if self._total else []) + list(self._depths.values()):
            ymax = max(ymax, depth_data.cum_at(d.bids, lo, bid=True), depth_data.cum_at(d.asks, hi, bid=False))
        order = self.order_size()
        if order is not None and self.frame_order.isChecked():
            ymax = min(ymax, FRAME_ORDER_X * order / 1.2) if ymax > 0 else FRAME_ORDER_X * order / 1.2
        # a new y range re-renders the axis: only when the depth outgrows it or shrinks well below
        if ymax > 0 and not (self._ymax * 0.7 <= ymax * 1.05 <= self._ymax):
            self._ymax = ymax * 1.2
            if self.log_scale.isChecked():
                bottom = math.log10(self._floor)
                self.plot.setYRange(bottom, max(math.log10(self._ymax), bottom + 1), padding=0)
            else:
                self.plot.setYRange(0, self._ymax, padding=0)
        self._place_order_line()

    def _restyle(self) -> None:
        for v, sample in self._curves.items():
            if v == TOTAL:
                continue
            colour = theme.GREY if v in self._stale else theme.venue_colour(v)
            style = Qt.PenStyle.DotLine if v in self._stale else Qt.PenStyle.SolidLine
            pen = pg.mkPen(colour, width=1, style=style)
            sample.setPen(pen)
            self._lines.set_pen(f"{v} bids", pen)
            self._lines.set_pen(f"{v} asks", pen)
            box = self._venue_boxes.get(v)
            if box is not None:
                box.setText(f"{v} (stale)" if v in self._stale else v)
                box.setStyleSheet(f"QCheckBox {{ color: {colour}; }}")
        for sample, _label in self.legend.items:  # the legend is cached as a pixmap: redraw it
            sample.update()

    # -- planned legs -------------------------------------------------------------------------
    def set_plan(self, plan: Plan | None) -> None:
        self._plan = plan
        self._place_order_line()
        if self.frame_order.isChecked():
            self.dirty = True  # the y-axis follows the order's size at the next frame
        self._draw_legs()

    def _place_order_line(self) -> None:
        order = self.order_size()
        self._order_line.setVisible(order is not None)
        if order is not None:
            self._order_line.setPos(float(self._y(np.array([order]))[0]))

    def _draw_legs(self) -> None:
        bands: list[tuple[float, float, str]] = []
        plan = self._plan
        fee = self.fee_adjusted.isChecked()
        for leg in plan.legs if plan else ():
            book, inst = self._books.get(leg.venue), self._insts.get(leg.venue)
            buy = plan is not None and plan.side == "buy"
            start = (book.best_ask if buy else book.best_bid) if book else None
            if start is None or inst is None:
                continue
            adj = (1 + float(inst.taker_fee) * (1 if buy else -1)) if fee else 1.0
            bands.append((start * adj, leg.worst_price * adj, theme.venue_colour(leg.venue)))
        ylo, yhi = self.plot.viewRange()[1]
        self._legs.set_bands(bands, (ylo, yhi))

    # -- mouse --------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.plot and event.type() == QEvent.Type.Leave:
            self._hide_hover()
        return super().eventFilter(watched, event)

    def _on_move(self, pos: QPointF) -> None:
        vb = self.plot.getPlotItem().vb
        # the data area only: over an axis or the margins no price is under the pointer
        if not vb.sceneBoundingRect().contains(pos):
            self._hide_hover()
            return
        self._hover_pos = pos
        self._tip_held = False
        self._hover = float(vb.mapSceneToView(pos).x())
        self._show_tip(self._hover)

    @property
    def mid(self) -> float | None:
        value = self._mid_line.value()
        return float(value) if value else None

    def hover_at(self, price: float) -> None:
        """The pointer at ``price`` (README screenshots): crosshair and tooltip as for a real one."""
        vb = self.plot.getPlotItem().vb
        ylo, yhi = self.plot.viewRange()[1]
        self._on_move(vb.mapViewToScene(QPointF(price, (ylo + yhi) / 2)))

    def _hide_hover(self) -> None:
        self._hover = None  # also keeps the next frame from showing the tip again
        self._hover_pos = None
        self._tip_held = False
        self._shown = None
        self._tip.hide()
        self._vline.hide()

    @property
    def books(self) -> Mapping[str, BookSnapshot]:
        """The books the curves (and the tooltip) were last drawn from: a click routes on these."""
        return self._books

    @property
    def instruments(self) -> Mapping[str, Instrument]:
        return self._insts

    def _show_tip(self, price: float) -> None:
        self._vline.setPos(price)
        self._vline.show()
        mid = self._mid_line.value()
        if not mid:
            return
        bid = price < mid
        side = Side.SELL if bid else Side.BUY
        sweep = self.sweep_source(price, side) if self.sweep_source is not None else None
        self._shown = sweep
        self._shown_at = price  # the pointer's price: the sweep's own is that price put on the tick
        bps = (price - mid) / mid * 1e4
        head = f"<b>{format_price(price, self._tick())}</b> &nbsp; {bps:+.1f} bps from mid"
        if sweep is None:
            self._tip.setHtml(f"<div style='color:{theme.TEXT}'>{head}</div>")
        else:
            self._tip.setHtml(f"<div style='color:{theme.TEXT}'>{head}{self._sweep_html(sweep)}</div>")
        self._tip.show()
        self._place_tip(price)

    def _place_tip(self, price: float) -> None:
        """Right of the pointer, or left of it where the right side is too narrow; inside the
        plot whatever its width (near both edges at 1024 wide it was cut at the right one)."""
        vb = self.plot.getPlotItem().vb
        area = vb.boundingRect()
        x = vb.mapFromView(QPointF(price, 0.0)).x()
        width = self._tip.boundingRect().width()
        gap = 8.0
        right_room, left_room = area.right() - x - gap, x - gap - area.left()
        # the right when it fits there, else the left; too wide for both: the roomier side
        right = right_room >= width or (left_room < width and right_room >= left_room)
        left = x + gap if right else x - gap - width
        self._tip.setPos(max(area.left(), min(left, area.right() - width)), area.top() + 2)

    def _sweep_html(self, sweep: Sweep) -> str:
        """What a click here fills in: per venue and in total, routable (caps, lots, minimums)."""
        quote = self.quote
        # base amounts with the digits their lots need (15,602,535 DOGE, 1.234 BTC), a notional whole
        dp = 0 if quote else amount_digits([float(r.base) for r in sweep.venues if not r.excluded])
        rows = []
        for r in sweep.venues:
            colour = theme.GREY if r.excluded or r.venue in self._stale else theme.venue_colour(r.venue)
            amt = r.notional if quote else float(r.base)
            cell = f"{amt:,.{dp}f}" if not r.excluded else _short(r.excluded)
            rows.append(f"<tr><td style='color:{colour}'>{r.venue}</td><td align=right>{cell}</td></tr>")
        total = sweep.total_notional if quote else float(sweep.total_base)
        verb = "buy" if sweep.side is Side.BUY else "sell"
        what = "all-in price" if sweep.fee_adjusted else "price"
        return (f"<table>{''.join(rows)}<tr><td><b>routable</b></td><td align=right><b>{total:,.{dp}f}</b>"
                f"</td></tr></table><span style='color:{theme.MUTED}'>{'bids' if sweep.side is Side.SELL else 'asks'}"
                f", {'USDT' if quote else 'base'}, within caps and lots<br>click: {verb} up to here, "
                f"{what} never {'above' if sweep.side is Side.BUY else 'below'} "
                f"{format_price(sweep.price, self._tick())}</span>")

    def _tick(self) -> Decimal | None:
        """The symbol's display tick (the finest of its venues'): DOGE's 0.00001, where ``,.2f`` wrote
        every price as 0.15."""
        return display_tick(i.price_tick for i in self._insts.values())

    def _on_click(self, ev: object) -> None:
        if getattr(ev, "button", lambda: None)() != Qt.MouseButton.LeftButton:
            return
        pos = ev.scenePos()  # type: ignore[attr-defined]
        if not self.plot.sceneBoundingRect().contains(pos):
            return
        self.click_at(float(self.plot.getPlotItem().vb.mapSceneToView(pos).x()))

    def click_at(self, price: float) -> None:
        """A click at ``price``: the tooltip on the screen for it is held as it is, and its figure
        is what the click fills in (``shown_sweep``); without one it is made for ``price`` first."""
        if self.shown_sweep(price) is None:
            self._show_tip(price)
        self._hover = price
        self._tip_held = True
        self.price_clicked.emit(price)

    def shown_sweep(self, price: float) -> Sweep | None:
        """The sweep the tooltip shows, if it is on the screen for ``price``."""
        shown = self._shown
        if shown is None or not self._tip.isVisible() or self._shown_at != price:
            return None
        return shown


def _mid(books: Mapping[str, BookSnapshot], stale: set[str]) -> float | None:
    mids = sorted(m for v, b in books.items() if v not in stale and (m := b.mid) is not None)
    if not mids:
        mids = sorted(m for b in books.values() if (m := b.mid) is not None)
    return float(np.median(mids)) if mids else None


def _short(reason: str) -> str:
    return reason.split(":")[0][:22]
