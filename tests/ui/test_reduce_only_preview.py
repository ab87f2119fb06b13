"""Reduce-only in the window: the preview's legs close the positions held in their own contracts
(MEXC counts contracts of 0.0001 BTC), and the unfilled line names reduce-only and the venue
count when those limit the fill, not the venue caps."""

from __future__ import annotations

from decimal import Decimal

from tests.ui.test_route_flow import settle


def test_a_reduce_only_sell_past_the_positions_says_reduce_only_and_max_venues(window, sim_session, loop) -> None:
    session = sim_session.session
    window.prefs.skip_confirm = True
    window.prefs.type_above_notional = 1e9
    window.routing.amount.setText("3")
    window.refresh_preview()
    assert len(window._preview.plan.legs) >= 2
    window.routing.request_route()
    settle(loop, session)
    loop.run_until_complete(session.refresh_accounts())
    held = {v: p.contracts for v, ps in session.positions.items() for p in ps if p.contracts}
    window.routing.pick_side("sell")
    window.routing.reduce_only.setChecked(True)
    window.routing.amount.setText("20")
    window.routing.max_venues.setValue(1)
    window.refresh_preview()
    plan = window._preview.plan
    (leg,) = plan.legs
    assert Decimal(leg.contracts) == held[leg.venue]
    text = window.routing.preview.totals.text()
    assert "reduce-only" in text and "max venues (1)" in text and "venue caps" not in text, text
