"""Positions: a venue with negative or near-zero free margin is highlighted with the reason the router
leaves it out (issue 10: Positions showed mexc free margin -8.24, not highlighted)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sor_desktop.core.account import Balance
from sor_desktop.engine.session_events import AccountUpdate
from sor_desktop.ui.positions import EXCLUDED_TINT, FREE_COL, ROUTING_COL


def _set_free(session, venue: str, free: str) -> None:
    bal = Balance(venue, "USDT", Decimal("100"), Decimal(free), Decimal("100") - Decimal(free))
    session.balances[venue] = [bal]
    session.emit(AccountUpdate(venue, (bal,), tuple(session.positions.get(venue, []))))


@pytest.mark.parametrize("free", ["-8.24", "0.3"])
def test_a_venue_without_free_margin_is_highlighted_with_why(window, sim_session, free):
    session = sim_session.session
    _set_free(session, "mexc", free)
    t = window.positions.table
    row = window.positions.rows["mexc"]
    assert t.item(row, 0).background().color().name() == EXCLUDED_TINT
    reason = t.item(row, ROUTING_COL).text()
    assert reason.startswith("excluded: free margin") and free.lstrip("-") in reason
    assert t.item(row, FREE_COL).foreground().color().name() == "#ff5c5c"
    # the same reason the router gets: the preview leaves mexc out saying so
    window.routing.amount.setText("1")
    window.refresh_preview()
    plan = window._preview.plan
    assert "mexc" not in {lg.venue for lg in plan.legs}
    assert "mexc" in window._preview.excluded or "mexc" in dict(plan.excluded)
    # money back: the highlight goes
    _set_free(session, "mexc", "5000")
    assert t.item(row, ROUTING_COL).text() == ""
    assert t.item(row, 0).background().style().name == "NoBrush"


def test_healthy_venues_are_not_highlighted(window, sim_session):
    window._refresh_margins()
    t = window.positions.table
    for venue, row in window.positions.rows.items():
        assert t.item(row, ROUTING_COL).text() == "", venue


def test_rows_holding_a_position_come_above_the_flat_ones(qtbot) -> None:
    from decimal import Decimal

    from sor_desktop.core.account import Balance, Position
    from sor_desktop.core.orders import Side
    from sor_desktop.engine.session_events import AccountUpdate
    from sor_desktop.ui.positions import Positions

    panel = Positions()
    qtbot.addWidget(panel)
    def usdt(venue: str) -> tuple[Balance, ...]:
        return (Balance(venue, "USDT", Decimal(1000), Decimal(1000), Decimal(0)),)

    for venue in ("binanceusdm", "bybit", "bingx"):
        panel.on_account(AccountUpdate(venue, usdt(venue), ()))
    long = Position("bingx", "BTC/USDT:USDT", Side.BUY, Decimal("0.5"), Decimal("0.5"), Decimal(60_000),
                    Decimal(60_010), Decimal(5), leverage=Decimal(10), margin_mode="cross")
    panel.on_account(AccountUpdate("bingx", usdt("bingx"), (long,)))
    names = [panel.table.item(r, 0).text() for r in range(panel.table.rowCount())]
    assert names == ["bingx", "binanceusdm", "bybit"]
    assert panel.table.item(panel.rows["bingx"], 1).text() == "+0.5"
    panel.on_account(AccountUpdate("bingx", usdt("bingx"), ()))  # closed: back among the flat, in arrival order
    assert [panel.table.item(r, 0).text() for r in range(panel.table.rowCount())] == ["binanceusdm", "bybit", "bingx"]
