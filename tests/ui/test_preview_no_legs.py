"""A plan with no leg says why: "no venue can fill this order" stood alone while the router knew
the reason (a minimum order value, the liquidation distance), as the README promises "any
unfilled remainder and why"."""

from __future__ import annotations

from sor_desktop.core.orders import Side
from sor_desktop.core.plan import PlanRequest
from sor_desktop.core.router import plan_route
from sor_desktop.ui.preview_table import PreviewTable
from tests.core.router_cases import venue


def test_no_leg_says_the_routers_reasons(qtbot) -> None:
    v = venue("bybit", [[0.15, 1e6]], [[0.1499, 1e6]], step="1", size="1", tick="0.0001", fee="0.00055",
              min_notional="5")
    plan = plan_route(PlanRequest(Side.SELL, 20.0, leg_cost=0.0), [v])
    assert not plan.legs
    table = PreviewTable()
    qtbot.addWidget(table)
    table.show_plan(plan, {})
    text = table.totals.text()
    assert text.startswith("no venue can fill this order") and "bybit" in text and "minimum order" in text


def test_a_legs_base_is_plain_digits() -> None:
    from sor_desktop.ui.preview_table import _base

    assert _base(1.664248e-05) == "0.00001664" and _base(4.9943813e-05) == "0.00004994"
    assert _base(2.464) == "2.464" and _base(200_000.0) == "200,000"
