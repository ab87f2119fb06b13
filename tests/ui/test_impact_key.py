"""The price impact chart names its curves in a line above the plot, never inside it (issue 16:
the in-plot legend covered the curves in a short dock)."""

from __future__ import annotations

from sor_desktop.ui import theme
from sor_desktop.ui.impact_chart import ImpactChart
from tests.ui.test_depth_chart import book, inst


def test_the_key_sits_above_the_plot_and_follows_venues_and_staleness(qtbot):
    chart = ImpactChart()
    qtbot.addWidget(chart)
    chart.resize(500, 160)  # a short dock
    chart.show()
    qtbot.waitExposed(chart)
    insts = {"a": inst("a"), "b": inst("b")}
    books = {"a": book("a", 2.0), "b": book("b", 3.0)}
    chart.refresh(books, insts, set(), buy=True, max_size=2.0, routed=None)
    assert chart.plot.getPlotItem().legend is None  # nothing drawn over the curves
    text = chart.key.text()
    assert "routed split" in text and "━ a" in text and "━ b" in text
    assert theme.venue_colour("a") in text
    chart.refresh(books, insts, {"b"}, buy=True, max_size=2.0, routed=None)
    assert "b (stale)" in chart.key.text()
    assert chart.key.geometry().bottom() <= chart.plot.geometry().top()


def test_a_venue_without_a_book_now_leaves_no_curve(qtbot):
    """BTC to DOGE: mexc (no DOGE) kept its BTC curve, a green dot at size 0 of DOGE's axis."""
    chart = ImpactChart()
    qtbot.addWidget(chart)
    insts = {"a": inst("a"), "b": inst("b")}
    chart.refresh({"a": book("a", 2.0), "b": book("b", 3.0)}, insts, set(), buy=True, max_size=2.0, routed=None,
                  caps={"b": 0.5})
    assert len(chart._curves["b"].getData()[0]) and len(chart._capped["b"].getData()[0])
    chart.refresh({"a": book("a", 2.0)}, {"a": inst("a")}, set(), buy=True, max_size=2.0, routed=None)
    for item in (chart._curves["b"], chart._capped["b"]):
        xs, _ = item.getData()
        assert xs is None or len(xs) == 0
    assert len(chart._curves["a"].getData()[0])
