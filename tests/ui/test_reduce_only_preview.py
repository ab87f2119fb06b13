"""Reduce-only in the window: the preview's legs close the positions held in their own contracts
(MEXC counts contracts of 0.0001 BTC), and the unfilled line names reduce-only and the venue
count when those limit the fill, not the venue caps."""

from __future__ import annotations

from decimal import Decimal

from tests.ui.test_flatten import _long_on_two_venues


def test_a_reduce_only_sell_past_the_positions_says_reduce_only_and_max_venues(window, sim_session, loop) -> None:
    session = sim_session.session
    _long_on_two_venues(window, sim_session, loop)
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
