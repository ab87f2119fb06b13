"""Price impact: average taker fill price (fees in) against order size, for each venue alone and for
the routed split, so the trader sees at which size splitting starts to pay."""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.instrument import Instrument
from sor_desktop.ui import depth_data, theme


class Pending(enum.Enum):
    PENDING = "pending"  # the size is being planned (off the Qt thread): ask again on a later frame


PENDING = Pending.PENDING

# size (base) -> the routed plan's average all-in price, None, or PENDING. The caller plans every
# size of a pass on the books the single-venue curves were drawn from, so the routed line compares
# like with like.
RoutedPrice = Callable[[float], float | None | Pending]

POINTS = 16
SHORT_PX = 230  # under this height the axis titles go (the key names the axes)


class ImpactChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # sizes as 500k / 1.2M: a DOGE axis read "1e+06"
        self.plot = pg.PlotWidget(axisItems={"bottom": theme.CompactAxis("bottom")})
        self.plot.setMenuEnabled(False)
        self.plot.showGrid(x=True, y=True, alpha=0.15)
        self.plot.setLabel("bottom", "order size (base)")
        self.plot.setLabel("left", _y_title(None))
        # the key is a line above the plot: inside it, in a short dock, it covered the curves
        self.key = QLabel()
        self.key.setTextFormat(Qt.TextFormat.RichText)
        self.key.setWordWrap(True)
        self._key_state: tuple[tuple[tuple[str, bool], ...], float | None] | None = None
        self._hold: float | None = None  # the holding time the curves count funding over (None: none)
        self._key_insts: Mapping[str, Instrument] = {}
        self._key_stale: set[str] = set()
        self._short = False
        theme.cache_axes(self.plot)
        self._curves: dict[str, pg.PlotDataItem] = {}
        # past a venue's margin cap its curve goes on dashed, from book depth: the README's "book
        # depth only", and the point where margin, not liquidity, stops the venue
        self._capped: dict[str, pg.PlotDataItem] = {}
        self._routed = self.plot.plot([], [], pen=pg.mkPen(theme.CONSOLIDATED, width=2.5),
                                      symbol="o", symbolSize=4, symbolBrush=theme.CONSOLIDATED)
        self._pass: _RoutedPass | None = None
        self._marker = pg.InfiniteLine(angle=90, pen=pg.mkPen(theme.ACCENT, style=Qt.PenStyle.DashLine))
        self.plot.addItem(self._marker, ignoreBounds=True)
        self._marker.hide()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.key)
        lay.addWidget(self.plot)
        self._show_key({}, set())

    def refresh(
        self,
        books: Mapping[str, BookSnapshot],
        insts: Mapping[str, Instrument],
        stale: set[str],
        *,
        buy: bool,
        max_size: float,
        routed: RoutedPrice | None,
        order_size: float | None = None,
        caps: Mapping[str, float] | None = None,
        funding: Mapping[str, float] | None = None,
        hold_hours: float | None = None,
    ) -> None:
        """Redraw the single-venue curves now and start a new pass of the routed curve, which
        ``step`` fills in a few sizes per frame (each size is a full router plan).

        ``caps``: the most base each venue may take (free margin, reduce-only), as the router caps
        it; a venue's curve is solid up to there and dashed beyond (book depth the margin does not
        reach), so it never promises a price the routed split cannot get.

        ``funding``: with a holding time (``hold_hours``), each venue's funding over it per base
        unit (+ paid), which the router adds to the venue's cost: the venues are drawn with it, as
        the routed split (``routed``) is priced, so a venue passed over for its funding is not drawn
        cheaper than the split."""
        if max_size <= 0:
            return
        sizes = np.linspace(max_size / POINTS, max_size, POINTS)
        ref = _reference(books, buy)
        if ref is None:
            return
        sign = 1.0 if buy else -1.0  # plot cost in bps: up is always worse for the trader
        hold = hold_hours if funding else None
        if hold != self._hold:
            self._hold = hold
            self.plot.setLabel("left", _y_title(hold))
            self.plot.getAxis("left").showLabel(not self._short)  # setLabel shows it again
        self._show_key(insts, stale)
        for v in {*self._curves, *self._capped} - set(books):  # no book there now (mexc on DOGE)
            for item in (self._curves.get(v), self._capped.get(v)):
                if item is not None:
                    item.setData([], [])
        for v, book in books.items():
            inst = insts.get(v)
            if inst is None:
                continue
            curve = self._curves.get(v)
            if curve is None:
                curve = self._curves[v] = self.plot.plot([], [])
            colour = theme.GREY if v in stale else theme.venue_colour(v)
            style = Qt.PenStyle.DotLine if v in stale else Qt.PenStyle.SolidLine
            curve.setPen(pg.mkPen(colour, width=1.5, style=style))
            dashed = self._capped.get(v)
            if dashed is None:
                dashed = self._capped[v] = self.plot.plot([], [])  # no legend entry: the solid one names it
            dashed.setPen(pg.mkPen(colour, width=1, style=Qt.PenStyle.DashLine))
            px = depth_data.avg_price_curve(book, inst, sizes, buy=buy) + sign * (funding or {}).get(v, 0.0)
            bps = sign * (px - ref) / ref * 1e4
            deep = np.isfinite(px)
            cap = (caps or {}).get(v)
            within = deep & (sizes <= cap * (1 + 1e-9)) if cap is not None else deep
            curve.setData(sizes[within], bps[within])
            beyond = deep & ~within
            if beyond.any() and within.any():  # joined to the last point the margin reaches
                beyond[np.flatnonzero(within)[-1]] = True
            dashed.setData(sizes[beyond], bps[beyond])
        if routed is None:
            self._pass = None
            self._routed.setData([], [])
        else:
            self._pass = _RoutedPass(sizes, ref, sign, routed)
        if order_size:
            self._marker.setPos(order_size)
            self._marker.show()
        else:
            self._marker.hide()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt name)
        """In a short dock (a 720-high screen) the axis titles took most of the height and the
        plot was 50 px of overlapping ticks: they go, and the key says what the axes are."""
        super().resizeEvent(event)
        short = event.size().height() < SHORT_PX
        if short != self._short:
            self._short = short
            for side in ("left", "bottom"):
                self.plot.getAxis(side).showLabel(not short)
            self._key_state = None
            self._show_key(self._key_insts, self._key_stale)

    def _show_key(self, insts: Mapping[str, Instrument], stale: set[str]) -> None:
        self._key_insts, self._key_stale = insts, stale
        venues = tuple((v, v in stale) for v in sorted(insts))
        state = (venues, self._hold)
        if state == self._key_state:
            return
        self._key_state = state
        parts = [f"<span style='color:{theme.CONSOLIDATED}'>━ routed split</span>"]
        parts += [f"<span style='color:{theme.GREY if old else theme.venue_colour(v)}'>━ {v}"
                  f"{' (stale)' if old else ''}</span>" for v, old in venues]
        parts.append(f"<span style='color:{theme.MUTED}'>╌ past the margin cap</span>")
        if self._short:
            parts.append(f"<span style='color:{theme.MUTED}'>y: bps{_with_funding(self._hold)}</span>")
        elif self._hold:
            parts.append(f"<span style='color:{theme.MUTED}'>with {_hours(self._hold)} funding</span>")
        self.key.setText("&nbsp;&nbsp;".join(parts))

    def step(self, n: int = 2) -> None:
        """Plan ``n`` more sizes of the routed curve; draw it when the pass is complete. A size
        still being planned is asked again on the next step."""
        p = self._pass
        if p is None or p.done:
            return
        for _ in range(n):
            if p.done:
                break
            size = float(p.sizes[p.next])
            price = p.routed(size)
            if price is PENDING:
                break
            if price is not None:
                p.points.append((size, p.sign * (price - p.ref) / p.ref * 1e4))
            p.next += 1
        if p.done:
            # a pass with no point (no venue can fill the order) clears the last pass's line
            arr = np.asarray(p.points, dtype=float).reshape(-1, 2)
            self._routed.setData(arr[:, 0], arr[:, 1])


class _RoutedPass:
    __slots__ = ("sizes", "ref", "sign", "routed", "next", "points")

    def __init__(self, sizes: np.ndarray, ref: float, sign: float, routed: RoutedPrice) -> None:
        self.sizes, self.ref, self.sign, self.routed = sizes, ref, sign, routed
        self.next = 0
        self.points: list[tuple[float, float]] = []

    @property
    def done(self) -> bool:
        return self.next >= len(self.sizes)


def _reference(books: Mapping[str, BookSnapshot], buy: bool) -> float | None:
    """Best price across venues on the side the order takes (the zero of the bps axis)."""
    bid, ask = depth_data.best_prices(books)
    return ask if buy else bid


def _hours(hold: float) -> str:
    return f"{hold:g} h"


def _with_funding(hold: float | None) -> str:
    return f", with {_hours(hold)} funding" if hold else ""


def _y_title(hold: float | None) -> str:
    """The y axis: all-in bps (a longer title was cut on a short dock)."""
    return f"bps, fee + {_hours(hold)} funding" if hold else "bps vs best, incl. fee"
