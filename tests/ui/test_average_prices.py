"""Averages (entry, fill average, previewed average) are written with more figures than the tick,
as Binance and Bybit write them: rounded to the tick, a DOGE entry of 0.1498366 read 0.14984 beside
a mark of 0.14985 (a mid) and a uPnL of +13.06 that neither explained."""

from __future__ import annotations

import time
from decimal import Decimal

from sor_desktop.core.account import Balance, Position
from sor_desktop.core.orders import OrderStatus, Side
from sor_desktop.core.price_format import format_average
from sor_desktop.engine.session_events import AccountUpdate, LegUpdate, RouteStarted
from sor_desktop.ui.blotter import Blotter
from sor_desktop.ui.positions import COLUMNS, Positions

DOGE_TICK = Decimal("0.00001")


def test_format_average() -> None:
    assert format_average(0.1498366, DOGE_TICK) == "0.1498366"
    assert format_average(0.14985, DOGE_TICK) == "0.14985"  # on the tick: the tick's figures
    assert format_average(60241.37125, Decimal("0.1")) == "60,241.371"
    assert format_average(60241.5, Decimal("0.1")) == "60,241.5"
    assert format_average(60241.0, Decimal("0.1")) == "60,241.0"


def test_a_doge_entry_and_mark_say_what_the_upnl_is(qapp) -> None:
    panel = Positions()
    panel.tick = DOGE_TICK
    entry, mark, size = Decimal("0.1498366"), Decimal("0.149850"), Decimal("1000000")
    pos = Position("binanceusdm", "DOGE/USDT:USDT", Side.BUY, size, size, entry, mark,
                   unrealized_pnl=(mark - entry) * size)
    panel.on_account(AccountUpdate("binanceusdm", (Balance("binanceusdm", "USDT", Decimal(100000), Decimal(90000), Decimal(10000)),),
                                   (pos,)))
    row = panel.rows["binanceusdm"]
    cell = {c: panel.table.item(row, COLUMNS.index(c)).text() for c in ("entry", "mark", "uPnL")}
    assert cell == {"entry": "0.1498366", "mark": "0.14985", "uPnL": "+13.40"}, cell


def test_the_blotter_writes_fill_averages_past_the_tick(window, qapp) -> None:
    window.routing.amount.setText("1")
    window.refresh_preview()
    plan = window._preview.plan
    blotter = Blotter()
    blotter.tick = Decimal("0.1")
    blotter.on_route(RouteStarted("r1", plan, time.time()))
    leg = plan.legs[0]
    blotter.on_leg(LegUpdate("r1", 0, leg.venue, leg.symbol, plan.side, OrderStatus.FILLED, leg.contracts_dec,
                             leg.contracts_dec, leg.amount_base, 60241.37125, leg.avg_price))
    child = blotter.routes["r1"].items[0]
    assert child.text(5) == "60,241.371"
    assert child.text(6) == format_average(leg.avg_price, Decimal("0.1"))
