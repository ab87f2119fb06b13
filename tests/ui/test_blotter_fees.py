"""The blotter's fee column: the venue's fee, an estimate marked as one, or "unknown" for a fill
whose fee nobody gave; the route's fees from its cost analysis say the same, never a paid 0."""

from __future__ import annotations

import time
from dataclasses import replace
from decimal import Decimal

from sor_desktop.core.orders import OrderStatus, Side
from sor_desktop.engine.journal import Journal
from sor_desktop.engine.session_events import LegUpdate, RouteStarted
from sor_desktop.engine.tca import route_tca
from sor_desktop.ui.blotter import COLUMNS, Blotter
from tests.engine.exec_fakes import make_plan
from tests.engine.test_journal import _leg, _report, _route

FEE = COLUMNS.index("fee")
RID = "r0000000000001"


def _update(i: int, venue: str, fee: float, estimated: bool) -> LegUpdate:
    return LegUpdate(RID, i, venue, "BTC/USDT:USDT", Side.BUY, OrderStatus.FILLED, Decimal(1), Decimal(1), 1.0,
                     100.0, 100.0, fee=fee, fee_estimated=estimated)


def test_each_legs_fee_says_where_it_came_from(qapp) -> None:
    plan = make_plan(Side.BUY, [("v0", "1", "101", 100.0), ("v1", "1", "101", 100.0), ("v2", "1", "101", 100.0)])
    blotter = Blotter()
    blotter.on_route(RouteStarted(RID, plan, time.time()))
    blotter.on_leg(_update(0, "v0", 0.05, False))
    blotter.on_leg(_update(1, "v1", 0.06, True))
    blotter.on_leg(_update(2, "v2", 0.0, True))
    items = blotter.routes[RID].items
    assert [items[i].text(FEE) for i in range(3)] == ["0.05", "~0.06 est.", "unknown"]
    assert "estimated" in items[1].toolTip(FEE) and "not known" in items[2].toolTip(FEE)


def test_the_routes_fees_are_marked_when_a_leg_is_estimated(qapp, tmp_path) -> None:
    plan = make_plan(Side.BUY, [("v0", "1", "101", 100.0), ("v1", "2", "201", 200.0)])
    with Journal(tmp_path / "j.sqlite3") as j:
        legs = [_leg(RID, 0, "v0", "1", 100.0), _leg(RID, 1, "v1", "2", 200.0)]
        j.begin_route(_route(RID), legs)
        j.record_report(legs[0].client_order_id, _report("x", OrderStatus.FILLED, "1", "1", "101", "0.05"), 1001.0)
        est = _report("x", OrderStatus.FILLED, "2", "2", "200", "0.20")
        j.record_report(legs[1].client_order_id, replace(est, fee_estimated=True), 1001.0)
        tca = route_tca(j.route(RID), j.legs(RID))  # type: ignore[arg-type]
    blotter = Blotter()
    blotter.on_route(RouteStarted(RID, plan, time.time()))
    blotter.on_tca(RID, tca)
    item = blotter.routes[RID].item
    assert item.text(FEE) == "~0.25 est."
    assert "estimated" in item.toolTip(FEE) and "~0.2500 est." in item.toolTip(FEE)
