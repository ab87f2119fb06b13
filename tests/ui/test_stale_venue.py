"""A venue whose book stops moving turns stale: greyed in the chips, the panel, the charts and the
preview, and routed around."""

from __future__ import annotations

from sor_desktop.engine.store import LinkState
from sor_desktop.ui import theme
from sor_desktop.ui.main_window import SLOW_EVERY


def test_stale_venue_greys_out_and_drops_out_of_the_preview(window, sim_session, loop):
    window.routing.amount.setText("4")
    window.refresh_preview()
    before = {lg.venue for lg in window._preview.plan.legs}
    victim = next(lg.venue for lg in window._preview.plan.legs)
    assert len(before) >= 2

    sim_session.silent.add(victim)
    for _ in range(5):  # 5 s of virtual time with no book from the victim, the others still live
        sim_session.step(loop, 1.0)
    for _ in range(SLOW_EVERY):
        window.on_frame()

    health = sim_session.session.health_now()
    assert health[victim].state is LinkState.STALE
    assert all(h.state is LinkState.CONNECTED for v, h in health.items() if v != victim)
    chip = window.chips[victim]
    assert "stale" in chip.text() and theme.GREY in chip.styleSheet()
    box = window.routing.venue_boxes[victim]
    assert "stale" in box.text() and theme.GREY in box.styleSheet()
    assert victim in window.depth_chart._stale

    plan = window._preview.plan
    assert victim not in {lg.venue for lg in plan.legs}
    assert victim in window._preview.excluded and "stale" in window._preview.excluded[victim]
    table = window.routing.preview.table
    grey_rows = [table.item(r, 0).text() for r in range(table.rowCount()) if table.columnSpan(r, 1) > 1]
    assert victim in grey_rows

    # the books come back: the venue is routable again
    sim_session.silent.discard(victim)
    sim_session.step(loop, 0.5)
    for _ in range(SLOW_EVERY):
        window.on_frame()
    assert sim_session.session.health_now()[victim].state is LinkState.CONNECTED
    assert victim not in window._preview.excluded


def test_a_venue_switched_off_in_the_panel_is_not_routed(window, sim_session):
    window.routing.amount.setText("4")
    window.refresh_preview()
    victim = window._preview.plan.legs[0].venue
    window.routing.venue_boxes[victim].setChecked(False)
    window.refresh_preview()
    assert victim not in {lg.venue for lg in window._preview.plan.legs}
    assert window._preview.excluded[victim] == "switched off in the panel"
