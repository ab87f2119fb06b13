"""The confirmation writes a route's prices with its venues' tick, as the preview and the blotter
do: with every limit on a round figure the limits' trimmed strings gave the tick ("60,241" next to
"60,244.5"; a DOGE limit of 0.1499 on a 0.00001 tick)."""

from __future__ import annotations

from dataclasses import replace

from sor_desktop.ui.confirm_dialog import ConfirmDialog


def _cells(dlg: ConfirmDialog, col: int) -> list[str]:
    return [dlg.table.item(r, col).text() for r in range(dlg.table.rowCount())]


def test_round_limits_keep_the_tick(window, qtbot) -> None:
    window.routing.amount.setText("30")
    window.refresh_preview()
    plan = window._preview.plan
    assert len(plan.legs) >= 2
    legs = list(plan.legs)
    legs[0] = replace(legs[0], limit_price="60241", avg_price=60238.04)
    legs[1:] = [replace(lg, limit_price="60244") for lg in legs[1:]]
    dlg = ConfirmDialog(replace(plan, legs=tuple(legs)), base="BTC", mode="sim", type_above=1e12, parent=window)
    qtbot.addWidget(dlg)
    limits = _cells(dlg, 5)
    assert limits[0] == "60,241.0" and set(limits[1:]) == {"60,244.0"}, limits
    assert _cells(dlg, 4)[0] == "60,238.0"


def test_the_window_passes_its_tick(window, qtbot) -> None:
    """The same tick as the preview table and the blotter (the window's display tick)."""
    window.routing.amount.setText("1")
    window.refresh_preview()
    plan = window._preview.plan
    legs = tuple(replace(lg, limit_price="60241", tick=None) for lg in plan.legs)  # a tick not known
    dlg = ConfirmDialog(replace(plan, legs=legs), base="BTC", mode="sim", type_above=1e12, parent=window,
                        tick=window.tick)
    qtbot.addWidget(dlg)
    assert set(_cells(dlg, 5)) == {"60,241.0"}
    assert f"avg price <b>{_cells(dlg, 4)[0]}</b>" in dlg.totals.text() or len(plan.legs) > 1
