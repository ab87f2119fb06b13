"""The depth chart at a glance: the y-axis frames the order (about 3x its size, a toggle back to
the whole range), ranges from ±2 bps, the order's size as a horizontal line."""

from __future__ import annotations

from sor_desktop.ui.depth_chart import BANDS_BPS


def _frames(w, n: int = 3) -> None:
    for _ in range(n):
        w.depth_chart.dirty = True
        w.on_frame()


def test_the_y_axis_frames_a_4_btc_order(window) -> None:
    _frames(window)
    full = window.depth_chart.plot.viewRange()[1][1]
    window.routing.amount.setText("4")
    window.refresh_preview()
    _frames(window)
    top = window.depth_chart.plot.viewRange()[1][1]
    assert full > 40  # the whole range's depth: ~hundreds of BTC
    assert 10 <= top <= 13, top  # about 3x the order
    line = window.depth_chart._order_line
    assert line.isVisible() and abs(line.value() - window._preview.plan.filled) < 1e-9
    window.depth_chart.frame_order.setChecked(False)
    _frames(window)
    assert window.depth_chart.plot.viewRange()[1][1] > 40  # back to the full view


def test_ranges_start_at_2_bps(window) -> None:
    assert BANDS_BPS[0] == 2
    dc = window.depth_chart
    dc.band.setCurrentIndex(0)
    _frames(window)
    lo, hi = dc.plot.viewRange()[0]
    assert abs((hi - lo) / 2 / dc.mid * 1e4 - 2) < 0.1


def test_the_legend_covers_nothing_by_default(window) -> None:
    dc = window.depth_chart
    assert not dc.legend.isVisible()
    names = {b.text() for b in dc._venue_boxes.values()}
    assert names == set(window.session.symbol_instruments())  # the coloured names above the plot
    dc.show_legend.setChecked(True)
    assert dc.legend.isVisible()


def test_the_order_line_is_the_amount_asked_for_not_what_the_margin_lets_fill(window) -> None:
    """Capped by margin, a 20 M DOGE sell filled 2,500: the chart framed 7 k DOGE of books that
    hold millions a tick, and its order line marked the 2,500. The line is what was asked."""
    from dataclasses import replace

    from sor_desktop.core.plan import AmountUnit

    window.routing.amount.setText("4")
    window.refresh_preview()
    plan = window._preview.plan
    capped = replace(plan, filled=plan.filled / 100, unfilled=plan.filled * 0.99)
    window.depth_chart.set_plan(capped)
    assert abs(window.depth_chart.order_size() - plan.requested) < 1e-9
    notional = replace(capped, unit=AmountUnit.QUOTE, requested=100_000.0)
    window.depth_chart.set_plan(notional)
    assert abs(window.depth_chart.order_size() - 100_000.0 / plan.avg_price) < 1e-6
