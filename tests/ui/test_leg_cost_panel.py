"""Issue 11 in the window: the leg cost is set in the routing panel's advanced options and goes into
the request; the preview says the leg cost (and a non-zero optimality gap) it was made with; a
preview whose ticket changed and is not recomputed yet is marked, and Route waits for the new one."""

from __future__ import annotations

import math
from dataclasses import replace

from PySide6.QtCore import Qt

from sor_desktop.core.plan import DEFAULT_LEG_COST
from sor_desktop.ui import settings as settings_mod
from sor_desktop.ui.main_window import MainWindow
from sor_desktop.ui.preview_table import totals_text


def test_the_leg_cost_goes_into_the_request_and_shows_in_the_preview(window):
    panel = window.routing
    assert panel._advanced_row.isHidden()
    panel.advanced.setChecked(True)
    assert not panel._advanced_row.isHidden()
    assert panel.leg_cost.value() == DEFAULT_LEG_COST
    panel.leg_cost.setValue(25.0)
    panel.amount.setText("0.5")
    window.refresh_preview()
    assert window._preview.request.leg_cost == 25.0
    assert window._preview.plan.leg_cost == 25.0
    assert "leg cost 25.00 USDT per leg" in panel.preview.totals.text()


def test_a_higher_leg_cost_never_uses_more_venues(window):
    window.routing.amount.setText("0.5")
    window.routing.leg_cost.setValue(0.0)
    window.refresh_preview()
    free = len(window._preview.plan.legs)
    window.routing.leg_cost.setValue(500.0)
    window.refresh_preview()
    assert len(window._preview.plan.legs) <= free
    assert len(window._preview.plan.legs) == 1  # 500 USDT a leg: one venue


def test_a_non_zero_gap_is_shown(window):
    window.routing.amount.setText("0.5")
    window.refresh_preview()
    plan = window._preview.plan
    assert "of the optimum" not in totals_text(plan, "BTC") or plan.gap_bps > 0
    assert "within 0.003 bps of the optimum (proven)" in totals_text(replace(plan, gap_bps=0.003), "BTC")
    # a plan whose fill the search could not prove says so, never "within inf bps"
    unproven = totals_text(replace(plan, gap_bps=math.inf), "BTC")
    assert "not proven" in unproven and "inf" not in unproven
    # the bound's own float round-off (the sim's DOGE buy of 150,000 had 1.6e-12) is not a gap
    assert "of the optimum" not in totals_text(replace(plan, gap_bps=1.6e-12), "BTC")
    assert replace(plan, gap_bps=1.6e-12).proof == "proven optimal"
    assert replace(plan, gap_bps=2e-9).proof == "within 2e-09 bps of the optimum (proven)"


def test_the_leg_cost_is_kept_between_runs(qtbot, sim_session, tmp_path):
    path = tmp_path / "window.ini"
    w = MainWindow(sim_session.session, settings_mod.open_settings(path))
    qtbot.addWidget(w)
    w.routing.leg_cost.setValue(3.5)
    w.save_layout()
    w.close()
    again = MainWindow(sim_session.session, settings_mod.open_settings(path))
    qtbot.addWidget(again)
    assert again.routing.leg_cost.value() == 3.5
    again.close()


def test_a_preview_being_recomputed_is_marked_and_cannot_be_routed(window, qtbot):
    panel = window.routing
    panel.amount.setText("0.5")
    window.refresh_preview()
    assert not panel.preview.pending and panel.route.isEnabled()
    panel.amount.setFocus()
    qtbot.keyClicks(panel.amount, "5")  # 0.55: the preview on screen is still 0.5's
    assert panel.preview.pending and not panel.preview.pending_note.isHidden()
    assert not panel.preview.table.isEnabled() and not panel.route.isEnabled()
    qtbot.waitUntil(lambda: not panel.preview.pending, timeout=2000)  # the debounce fires: recomputed
    assert window._preview.request.amount_text == "0.55"
    assert panel.route.isEnabled() and panel.preview.table.isEnabled()


def test_enter_right_after_a_keystroke_routes_what_was_typed(window, qtbot):
    panel = window.routing
    panel.amount.setText("0.5")
    window.refresh_preview()
    panel.amount.setFocus()
    qtbot.keyClicks(panel.amount, "5")
    qtbot.keyClick(panel.amount, Qt.Key.Key_Return)  # before the debounce fires
    assert window.confirm is not None
    assert abs(window.confirm.plan.filled - 0.55) < 1e-9
    window.confirm.reject()


def test_when_no_venue_fills_it_alone_the_comparison_always_ends_with_what_it_found(window):
    """"no venue fills it alone (at most 2,630,520 DOGE, binanceusdm)" stopped there whenever the
    router's optimum of that much was that venue alone: the trader could not tell a comparison
    made from one left out."""
    from sor_desktop.core.plan import SingleVenue

    window.routing.amount.setText("0.5")
    window.refresh_preview()
    plan = window._preview.plan
    assert plan is not None and plan.legs
    alone = SingleVenue(plan.legs[0].venue, plan.avg_price, plan.total_cost / 2, plan.filled / 2)
    tie = replace(plan, best_single=alone, savings_quote=0.0, savings_bps=0.0, single_venue_is_best=False)
    text = totals_text(tie, "BTC")
    assert f"no venue fills it alone (at most 0.25 BTC, {alone.venue}): on that much, {alone.venue} alone is " \
           "as cheap as any split" in text, text
    saves = totals_text(replace(tie, savings_quote=3.0, savings_bps=0.5), "BTC")
    assert "on that much, saves" in saves
