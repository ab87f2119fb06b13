"""The window at the smallest supported screen, 1280x720: it fits, and no panel is cut (no visible
widget smaller than its minimum size hint); growing the window gives the panels their room back."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractScrollArea, QWidget

from sor_desktop.ui.main_window import MainWindow
from sor_desktop.ui.preview_table import COLUMNS


def _cut(w: MainWindow) -> list[str]:
    """Visible widgets squeezed below their minimum size hint (a cut-off panel, button or column)."""
    out = []
    for child in w.findChildren(QWidget):
        if not child.isVisibleTo(w) or child.window() is not w:
            continue
        # what lives inside a scroll area may be larger than the area: it scrolls
        parent, inside = child.parentWidget(), False
        while parent is not None and parent is not w:
            if isinstance(parent, QAbstractScrollArea) and parent is not child:
                inside = True
                break
            parent = parent.parentWidget()
        if inside:
            continue
        hint = child.minimumSizeHint()
        if not hint.isValid():
            continue
        size = child.size()
        if size.width() < hint.width() or size.height() < hint.height():
            out.append(f"{type(child).__name__}({child.objectName()}) {size.width()}x{size.height()} "
                       f"< {hint.width()}x{hint.height()}")
    return out


def test_window_fits_1280x720_and_nothing_is_cut(window: MainWindow, qtbot) -> None:
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.width() == 1280 and window.height() == 720, timeout=2000)
    window.default_sizes()
    for _ in range(20):
        window.on_frame()
    qtbot.wait(50)
    assert window.minimumSizeHint().width() <= 1280 and window.minimumSizeHint().height() <= 720
    assert (window.width(), window.height()) == (1280, 720)
    assert _cut(window) == []


def _at(window: MainWindow, qtbot, w: int, h: int) -> None:
    window.resize(w, h)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == (w, h), timeout=2000)
    for _ in range(20):
        window.on_frame()
    qtbot.wait(50)


def test_1280x720_leaves_room_for_a_title_bar_and_a_taskbar(window: MainWindow) -> None:
    # the window refused sizes below 1300x734: on a 1280x720 screen it was cut off
    hint = window.minimumSizeHint()
    assert hint.width() <= 1200 and hint.height() <= 640, hint


def test_at_1280x720_the_ladder_and_the_split_read_whole(window: MainWindow, qtbot) -> None:
    _at(window, qtbot, 1280, 720)
    window.default_sizes()  # as the app does once the session has started, before any amount
    window.routing.amount.setText("4")
    window.refresh_preview()
    _at(window, qtbot, 1280, 720)
    view = window.ladder.view
    rows = view.viewport().height() // view.verticalHeader().defaultSectionSize()
    assert rows >= 8, f"the ladder shows {rows} rows"  # it showed 2
    # the form and the split whole, without scrolling (the real window scrolled the split out of view)
    assert window.routing._scroll.verticalScrollBar().maximum() == 0
    table = window.routing.preview.table
    assert table.rowCount() >= 2
    cut = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())
           if not table.isColumnHidden(c) and table.columnWidth(c) < table.sizeHintForColumn(c)]
    assert cut == [], f"preview columns cut: {cut}"
    # every leg in view (a sideways scroll bar covered the second one)
    vp = table.viewport().height()
    assert all(table.rowViewportPosition(r) + table.rowHeight(r) <= vp for r in range(table.rowCount()))
    assert _cut(window) == []


def test_panels_grow_back_with_the_window(window: MainWindow, qtbot) -> None:
    window.resize(1280, 720)
    window.default_sizes()
    _at(window, qtbot, 1280, 720)
    small = window.docks["routing"].width()
    _at(window, qtbot, 1920, 1080)
    assert window.docks["routing"].width() >= small * 1.2
    assert window.docks["ladder"].height() >= 300


def test_at_1280_the_notice_has_room_beside_the_chips(window, qtbot) -> None:
    _at(window, qtbot, 1280, 720)
    window._refresh_health()
    window.notify("info", "no BTC/USDT:USDT position to close on all venues")
    qtbot.wait(20)
    assert window.notice.width() >= 300, window.notice.width()


def test_the_positions_tab_in_front_leaves_the_route_dock_its_width(window, qtbot) -> None:
    _at(window, qtbot, 1280, 720)
    window.default_sizes()
    _at(window, qtbot, 1280, 720)
    before = window.docks["routing"].width()
    window.docks["positions"].raise_()
    _at(window, qtbot, 1280, 720)
    assert window.docks["routing"].width() >= before - 2


def test_the_split_with_funding_and_liquidation_columns_shows_whole_at_1600x1000(window, sim_session, loop,
                                                                                 qtbot) -> None:
    """With a hold time the preview gains a funding and a liquidation column: the Route dock grows
    to show every column without a sideways scroll bar, and the totals under it."""
    s = sim_session.session
    loop.run_until_complete(sim_session.clock.drive(s.terms.refresh(s.venues, s.symbol, sim_session.clock.time())))
    _at(window, qtbot, 1600, 1000)
    window.default_sizes()
    window.routing.futures.hold.setValue(24)
    window.routing.amount.setText("2.5")
    window.refresh_preview()
    preview = window.routing.preview
    assert not preview.table.isColumnHidden(COLUMNS.index("fund."))
    qtbot.waitUntil(lambda: preview.missing_width() == 0, timeout=2000)
    assert window.docks["routing"].width() <= 1600 - 560  # the chart keeps its room
    # the totals (saving split, funding, leg cost) in view without scrolling the form
    qtbot.waitUntil(lambda: window.routing._scroll.verticalScrollBar().maximum() == 0, timeout=2000)


def test_at_1280x720_the_impact_plot_has_room_to_read(window: MainWindow, qtbot) -> None:
    """The impact chart's plot was 50 px of overlapping ticks under its axis titles at 720 high."""
    _at(window, qtbot, 1280, 720)
    window.default_sizes()
    _at(window, qtbot, 1280, 720)
    chart = window.impact
    assert chart.isVisibleTo(window)
    view = chart.plot.getPlotItem().getViewBox()
    assert view.height() >= 90, view.height()
    if chart.height() < 230:  # short: the axis titles gave way, the key names the y axis
        assert not chart.plot.getAxis("left").label.isVisible() and "y: bps" in chart.key.text()


def test_at_1280x720_the_split_with_liquidation_prices_fits_without_scrolling(window, sim_session, loop,
                                                                             qtbot) -> None:
    """The liquidation column (the venues' brackets known) made the split scroll sideways in the
    Route dock at 1280x720, the prices at its right out of view: the venue column gives way."""
    from sor_desktop.core.orders import Side

    s = sim_session.session
    loop.run_until_complete(sim_session.clock.drive(s.terms.refresh(s.venues, s.symbol, sim_session.clock.time())))
    _at(window, qtbot, 1280, 720)
    window.default_sizes()
    table = window.routing.preview.table
    for side, amount in ((Side.BUY, "4"), (Side.SELL, "6")):
        window.routing.pick_side(str(side))
        window.routing.amount.setText(amount)
        window.refresh_preview()
        _at(window, qtbot, 1280, 720)
        liq = table.horizontalHeaderItem(table.columnCount() - 1).text()
        assert liq == "liq." and not table.isColumnHidden(table.columnCount() - 1)
        assert table.horizontalScrollBar().maximum() == 0, f"{side} {amount}: the split scrolls sideways"
        # no number is cut: only the venue names may be elided (whole in their tooltip)
        cut = [table.horizontalHeaderItem(c).text() for c in range(1, table.columnCount())
               if not table.isColumnHidden(c) and table.columnWidth(c) < table.sizeHintForColumn(c)]
        assert cut == [], f"preview columns cut: {cut}"
        assert all(table.item(r, 0).toolTip() == table.item(r, 0).text() for r in range(table.rowCount()))
        if side is Side.BUY:  # two or three legs: the form and the split whole (four legs may scroll)
            assert window.routing._scroll.verticalScrollBar().maximum() == 0
        assert _cut(window) == []


def _liq_plan():
    from sor_desktop.core.orders import Side
    from sor_desktop.core.plan import AmountUnit, Leg, Plan

    legs = (Leg("binanceusdm", "BTC/USDT:USDT", "1.54", 1.54, 60_031.8, 60_040, "60062.5", 92_479.0, 29.58,
                92_508.0, 0.385, None, 54_267.5),
            Leg("mexc", "BTC/USDT:USDT", "24600", 2.46, 60_032.5, 60_040, "60065.1", 147_709.0, 29.54,
                147_738.0, 0.615, None, 54_290.5))
    return Plan(Side.BUY, AmountUnit.BASE, "BTC/USDT:USDT", 4, 4, 60_032.2, 240_188.0, 59.12, 240_246.0, legs,
                None, 0, 0, 0, None)


def test_the_split_gives_the_venue_columns_room_to_the_numbers_before_it_scrolls(qtbot) -> None:
    from decimal import Decimal

    from sor_desktop.ui.preview_table import COLUMNS, MIN_VENUE_WIDTH, PreviewTable

    panel = PreviewTable()
    qtbot.addWidget(panel)
    panel.tick = Decimal("0.1")
    table = panel.table
    header = table.horizontalHeader()

    def shown(width: int) -> None:
        panel.resize(width, 260)
        panel.show()
        panel.show_plan(_liq_plan(), {})
        qtbot.wait(20)
        panel.show_plan(_liq_plan(), {})

    def numbers_cut() -> list[str]:
        return [COLUMNS[c] for c in range(1, len(COLUMNS)) if not table.isColumnHidden(c)
                and table.columnWidth(c) < table.sizeHintForColumn(c)]

    shown(900)  # room for all: nothing squeezed, no scroll bar
    assert not table.isColumnHidden(COLUMNS.index("liq.")) and table.horizontalScrollBar().maximum() == 0
    assert table.columnWidth(0) >= table.sizeHintForColumn(0) and numbers_cut() == []
    roomy = table.height()
    shown(560)  # the Route dock at 1280x720: every column at its contents' width was ~585 wide
    assert table.horizontalScrollBar().maximum() == 0, "the split scrolls sideways"
    assert numbers_cut() == [] and MIN_VENUE_WIDTH <= table.columnWidth(0) < table.sizeHintForColumn(0)
    assert table.item(0, 0).toolTip() == "binanceusdm"  # an elided name reads whole in its tooltip
    assert table.height() == roomy  # no band kept for a scroll bar that is not there
    shown(420)  # narrower than the numbers alone: the venue at its least, then the scroll bar
    assert header.sectionSize(0) == MIN_VENUE_WIDTH and numbers_cut() == []
    assert table.horizontalScrollBar().maximum() > 0 and table.height() > roomy


def test_at_1280x720_the_totals_of_a_five_leg_split_stay_in_view_above_route(window, sim_session, loop,
                                                                             qtbot) -> None:
    """At 1280x720 an ETH sell of 300 split five ways with a holding time (advanced open) had its
    totals (average, all-in proceeds, saving, funding) scrolled out of the Route dock: the trader
    saw the legs and a Route button, and not what the split pays or saves."""
    s = sim_session.session
    loop.run_until_complete(sim_session.clock.drive(s.terms.refresh(s.venues, s.symbol, sim_session.clock.time())))
    _at(window, qtbot, 1280, 720)
    window.default_sizes()
    window.routing.advanced.setChecked(True)
    window.routing.futures.hold.setValue(24.0)
    window.routing.pick_side("sell")
    window.routing.amount.setText("30")
    window.refresh_preview()
    _at(window, qtbot, 1280, 720)
    plan = window.routing.preview.plan
    assert plan is not None and len(plan.legs) >= 4, plan
    totals = window.routing.preview.totals
    assert "avg price" in totals.text() and "funding over" in totals.text()
    seen = totals.visibleRegion().boundingRect()
    assert totals.isVisible() and seen.height() == totals.height() and seen.width() == totals.width()
    assert totals.height() >= totals.heightForWidth(totals.width()), "the totals are cut"
    route = window.routing.route
    assert totals.mapTo(window, totals.rect().bottomLeft()).y() <= route.mapTo(window, route.rect().topLeft()).y()
    assert _cut(window) == []


def test_at_1280x720_a_split_of_four_or_five_legs_shows_whole_with_its_totals(window, sim_session, loop,
                                                                             qtbot) -> None:
    """With the totals pinned above Route, a five-leg split at 1280x720 showed two legs and a
    scroll bar: the symbol and the side now share a row, and every leg shows."""
    s = sim_session.session
    loop.run_until_complete(sim_session.clock.drive(s.terms.refresh(s.venues, s.symbol, sim_session.clock.time())))
    _at(window, qtbot, 1280, 720)
    window.default_sizes()
    window.routing.pick_side("sell")
    window.routing.amount.setText("7")  # under the venues' margin caps: no "unfilled" line
    window.refresh_preview()
    _at(window, qtbot, 1280, 720)
    qtbot.wait(150)  # the Route dock takes the room the split asks for (``_give_preview_room``)
    plan = window.routing.preview.plan
    assert plan is not None and 4 <= len(plan.legs) <= 5, plan
    assert window.routing._scroll.verticalScrollBar().maximum() == 0, "the legs scroll"
    totals = window.routing.preview.totals
    assert totals.visibleRegion().boundingRect().height() == totals.height()
    assert _cut(window) == []
