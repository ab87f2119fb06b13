"""The depth chart's curves follow the books, the view and the toggles, and are drawn from what
the book says (hand-made books, no session)."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from PySide6.QtCore import QPointF

from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.instrument import Instrument
from sor_desktop.ui.depth_chart import DepthChart


def inst(venue: str) -> Instrument:
    d = Decimal
    return Instrument(venue, "X/USDT:USDT", "X", "X", "USDT", "USDT", True, d("1"), d("0.1"), d("0.001"),
                      None, None, None, d("0.001"), d(0))


def book(venue: str, bid_size: float) -> BookSnapshot:
    return BookSnapshot.from_lists(venue, "X/USDT:USDT", 0, [[99.99, bid_size], [99.98, 1]],
                                   [[100.01, 1], [100.02, 2]])


def top_of_curve(chart: DepthChart, name: str) -> float:
    path = chart._lines.path(name)
    assert path is not None
    return path.boundingRect().bottom()  # the largest cumulative amount drawn (y grows upwards in data)


@pytest.fixture
def chart(qtbot):
    c = DepthChart()
    qtbot.addWidget(c)
    c.resize(800, 400)
    return c


def test_curves_follow_new_books_and_toggles_but_not_an_unchanged_book(chart):
    insts = {"a": inst("a"), "b": inst("b")}
    chart.refresh({"a": book("a", 2.0), "b": book("b", 3.0)}, insts, set())
    assert top_of_curve(chart, "a bids") == pytest.approx(3.0)  # 2 at the best, then 1
    assert top_of_curve(chart, "all venues bids") == pytest.approx(7.0)
    kept = chart._lines.path("a bids")
    b_new = book("b", 5.0)
    chart.refresh({"a": chart._books["a"], "b": b_new}, insts, set())
    assert chart._lines.path("a bids") is kept  # same book, same view: not rebuilt
    assert top_of_curve(chart, "b bids") == pytest.approx(6.0)
    assert top_of_curve(chart, "all venues bids") == pytest.approx(9.0)
    chart.unit.setCurrentIndex(1)  # USDT: the unchanged book is drawn again, in quote units
    assert top_of_curve(chart, "a bids") == pytest.approx(2 * 99.99 + 99.98)
    chart._venue_boxes["b"].setChecked(False)
    assert chart._lines.path("b bids") is None
    assert top_of_curve(chart, "all venues bids") == pytest.approx(2 * 99.99 + 99.98)


def test_crosshair_and_tip_follow_the_pointer_in_and_out_of_the_plot(chart, qtbot):
    """QA: the crosshair and its tooltip stayed after the pointer left, showing a price no longer
    under it. They go when the pointer leaves the plot (or the data area) and come back on a move."""
    from PySide6.QtCore import QEvent, QPointF
    from PySide6.QtWidgets import QApplication

    chart.show()
    qtbot.waitExposed(chart)
    chart.refresh({"a": book("a", 2.0)}, {"a": inst("a")}, set())
    vb = chart.plot.getPlotItem().vb
    inside = vb.sceneBoundingRect().center() + QPointF(20, 0)  # right of mid: the asks side
    scene = chart.plot.scene()

    def on_screen() -> bool:
        return chart._tip.isVisible() and chart._vline.isVisible()

    scene.sigMouseMoved.emit(inside)
    assert on_screen()
    assert chart._vline.value() == pytest.approx(vb.mapSceneToView(inside).x())
    QApplication.sendEvent(chart.plot, QEvent(QEvent.Type.Leave))
    assert not chart._tip.isVisible() and not chart._vline.isVisible()
    chart.refresh({"a": book("a", 3.0)}, {"a": inst("a")}, set())  # a new frame does not bring them back
    assert not chart._tip.isVisible() and not chart._vline.isVisible()

    scene.sigMouseMoved.emit(inside)  # back in: shown again
    assert on_screen()
    left_axis = chart.plot.getPlotItem().getAxis("left").sceneBoundingRect().center()
    scene.sigMouseMoved.emit(left_axis)  # over the axis, off the data area: no price under the pointer
    assert not chart._tip.isVisible() and not chart._vline.isVisible()


def test_log_scale_draws_log10_amounts_from_one_lot_and_labels_the_axis_in_amounts(chart):
    """Issue 16: optional log scale. The curves start at 0 (drawn at one lot of the finest venue,
    not at -inf), the axis top follows the deepest curve, ticks read as amounts, and switching
    back restores the linear curves."""
    insts = {"a": inst("a"), "b": inst("b")}
    books = {"a": book("a", 2.0), "b": book("b", 300.0)}
    chart.refresh(books, insts, set())
    linear_top = top_of_curve(chart, "all venues bids")
    assert linear_top == pytest.approx(304.0)
    chart.log_scale.setChecked(True)
    chart.refresh(books, insts, set())
    assert top_of_curve(chart, "all venues bids") == pytest.approx(math.log10(304.0))
    bottom = chart._lines.path("a bids").boundingRect().top()
    assert bottom == pytest.approx(math.log10(0.001))  # the curve's 0 at one lot (0.001)
    ylo, yhi = chart.plot.viewRange()[1]
    assert ylo == pytest.approx(math.log10(0.001))
    assert yhi >= math.log10(304.0)
    axis = chart.plot.getPlotItem().getAxis("left")
    assert axis.tickStrings([2.0, 0.0], 1.0, 1.0) == ["100", "1"]
    chart.log_scale.setChecked(False)
    chart.refresh(books, insts, set())
    assert top_of_curve(chart, "all venues bids") == pytest.approx(linear_top)
    assert axis.tickStrings([100.0], 1.0, 1.0) == ["100"]


def test_a_new_symbol_keeps_only_its_own_venues(chart):
    """After BTC, SOL's chart still offered Bybit's BTC/USD:BTC (a toggle, a legend entry and a
    curve added when its book came, never taken away)."""
    insts = {"a": inst("a"), "b inv": inst("b inv")}
    chart.refresh({"a": book("a", 2.0), "b inv": book("b inv", 3.0)}, insts, set())
    assert set(chart._venue_boxes) == {"a", "b inv"} and chart._lines.path("b inv bids") is not None
    chart._venue_boxes["b inv"].setChecked(False)
    chart.keep_venues({"a"})
    assert set(chart._venue_boxes) == {"a"} and "b inv" not in chart._curves
    assert chart._lines.path("b inv bids") is None
    assert [label.text for _, label in chart.legend.items] == ["all venues", "a"]
    chart.refresh({"a": book("a", 2.0)}, {"a": inst("a")}, set())
    assert top_of_curve(chart, "all venues bids") == pytest.approx(3.0)
    # it comes back, switched on, if the next symbol has it again
    chart.refresh({"a": book("a", 2.0), "b inv": book("b inv", 3.0)}, insts, set())
    assert chart._venue_boxes["b inv"].isChecked() and top_of_curve(chart, "all venues bids") == pytest.approx(7.0)


def test_a_venue_back_after_a_symbol_takes_its_place_in_order(chart):
    """After DOGE (no mexc), BTC's mexc toggle came back after weex and Bybit's inverse market."""
    chart.set_venues(["binanceusdm", "bingx", "mexc", "weex", "bybit BTC/USD:BTC"])
    chart.keep_venues({"binanceusdm", "bingx", "weex"})
    chart.set_venues(["binanceusdm", "bingx", "mexc", "weex", "bybit BTC/USD:BTC"])
    lay = chart._toggles
    texts = [lay.itemAt(i).widget().text() for i in range(1, lay.count())]
    assert texts == ["binanceusdm", "bingx", "mexc", "weex", "bybit BTC/USD:BTC"]


def _long_sweep(price, side):
    from sor_desktop.core.orders import Side
    from sor_desktop.engine.preview import Sweep, SweepVenue
    rows = tuple(SweepVenue(f"venue number {i}", Decimal("12.3456"), 1234.5) for i in range(5))
    return Sweep(side if isinstance(side, Side) else Side(side), price, False, rows)


@pytest.mark.parametrize("width", [560, 800])
def test_the_tooltip_stays_inside_the_plot_and_over_the_legend(chart, qtbot, width):
    """Seen at 1280x720: the tooltip was cut off at the chart's right edge (a pointer just left of
    the middle put it right of the pointer, wider than what was left), and the legend, when
    ticked, was drawn over it."""
    chart.resize(width, 400)
    chart.show()
    qtbot.waitExposed(chart)
    chart.sweep_source = _long_sweep
    chart.show_legend.setChecked(True)
    chart.refresh({"a": book("a", 2.0)}, {"a": inst("a")}, set())
    vb = chart.plot.getPlotItem().vb
    area = vb.sceneBoundingRect()
    for frac in (0.02, 0.3, 0.45, 0.49, 0.55, 0.7, 0.98):
        pos = QPointF(area.left() + frac * area.width(), area.center().y())
        chart._on_move(pos)
        chart._tip.updateTransform(force=True)  # as before a paint (sigPrepareForPaint)
        tip = chart._tip.sceneBoundingRect()
        assert tip.width() > 150  # the long tooltip
        assert area.left() - 0.5 <= tip.left() and tip.right() <= area.right() + 0.5, (frac, tip, area)
        assert not tip.contains(pos)  # beside the pointer, not under it
    chart._on_move(QPointF(area.left() + 0.05 * area.width(), area.center().y()))  # over the legend
    chart._tip.updateTransform(force=True)
    both = chart._tip.sceneBoundingRect().intersected(chart.legend.sceneBoundingRect())
    assert not both.isEmpty()
    stack = [i for i in chart.plot.scene().items(both.center()) if i.isVisible()]  # topmost first

    def depth(item) -> int:
        return next(n for n, i in enumerate(stack) if i is item or item.isAncestorOf(i))

    assert depth(chart._tip) < depth(chart.legend)  # the tooltip is drawn over the legend
