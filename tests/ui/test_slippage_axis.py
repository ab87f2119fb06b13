"""The slippage chart's x axis counts routes: whole numbers only, whatever the zoom."""

from __future__ import annotations

import pytest

from sor_desktop.ui.slippage_chart import SlippageChart


@pytest.mark.parametrize(("lo", "hi", "width"), [(-0.3, 2.3, 400), (-0.5, 1.5, 600), (0.0, 40.0, 300), (3.2, 3.8, 300)])
def test_route_ticks_are_whole_numbers(qtbot, lo, hi, width):
    chart = SlippageChart()
    qtbot.addWidget(chart)
    axis = chart.plot.getPlotItem().getAxis("bottom")
    ticks = [t for _spacing, values in axis.tickValues(lo, hi, width) for t in values]
    assert all(float(t).is_integer() for t in ticks), ticks
    whole = [i for i in range(int(lo) - 1, int(hi) + 2) if lo <= i <= hi]
    assert set(whole) <= set(ticks) or len(whole) > 10  # every route labelled when there are few


def test_a_cost_analysis_row_that_does_not_parse_is_in_the_log_not_dropped_quietly(qtbot, caplog):
    """A damaged row of the journal's cost analysis was skipped without a word: the chart showed
    one route fewer and nothing said why."""
    import logging

    chart = SlippageChart()
    qtbot.addWidget(chart)
    with caplog.at_level(logging.WARNING):
        chart.load([{"legs": [{"bogus": 1}]}, {"no": "legs"}])
    assert chart.routes == []
    warned = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warned) == 1 and "2 route" in warned[0].getMessage(), [r.getMessage() for r in warned]
