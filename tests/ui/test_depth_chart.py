"""The depth chart's curves follow the books, the view and the toggles, and are drawn from what
the book says (hand-made books, no session)."""

from __future__ import annotations

from decimal import Decimal

import pytest

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
