"""A limit price typed in the Route panel, beside the amount: read as strictly as the amount, on the
symbol's tick (a buy's rounded down, a sell's up, never past what was typed), carried to the plan
as a hard limit no leg's IOC limit passes, shown in the preview and the confirmation. A sweep on the
depth chart fills the same field: one limit, one path.

Before it, the only limit was the depth chart's sweep: a trader could not type one."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from sor_desktop.core.orders import Side
from tests.ui.conftest import DOGE, SYMBOL


def _best(window, side: Side) -> Decimal:
    """The best price a ``side`` order takes across the venues' books, exactly."""
    insts = window.session.symbol_instruments()
    books = window.session.store.books(window.session.symbol, insts).values()
    if side is Side.BUY:
        return Decimal(repr(min(float(b.asks[0, 0]) for b in books)))
    return Decimal(repr(max(float(b.bids[0, 0]) for b in books)))


def _ticket(window, amount: str, limit: str, side: Side = Side.BUY):
    r = window.routing
    r.pick_side(str(side))
    r.amount.setText(amount)
    r.limit.setText(limit)
    window.refresh_preview()
    return window._preview


def _obeys(plan, limit: Decimal, side: Side) -> bool:
    if side is Side.BUY:
        return all(lg.limit_price_dec <= limit and lg.worst_price <= float(limit) for lg in plan.legs)
    return all(lg.limit_price_dec >= limit and lg.worst_price >= float(limit) for lg in plan.legs)


@pytest.mark.parametrize("side", [Side.BUY, Side.SELL])
def test_a_typed_limit_reaches_the_plan_and_no_leg_passes_it(window, side):
    best = _best(window, side)
    limit = best + Decimal("3") if side is Side.BUY else best - Decimal("3")  # 30 ticks into the book
    free = _ticket(window, "50", "", side)
    assert free.plan is not None and not _obeys(free.plan, limit, side)  # without it, 50 BTC goes past
    pv = _ticket(window, "50", f"{limit}", side)
    assert pv.error is None and pv.limit_error is None
    plan = pv.plan
    assert plan is not None and plan.legs and plan.limit_price == float(limit)
    assert _obeys(plan, limit, side)
    # what fills within it, and the router's own reason for the rest
    assert plan.unfilled > 0 and "within the limit price" in (plan.unfilled_reason or "")
    totals = window.routing.preview.totals.text()
    assert "filled" in totals and "unfilled" in totals and "within the limit price" in totals
    assert f"{'≤' if side is Side.BUY else '≥'} {float(limit):,.1f}" in totals
    assert window.routing.route.isEnabled()  # what fills within the limit may be sent


@pytest.mark.parametrize("text", ["1_5", "６００００", "1e3", "-60000", "0", "abc"])
def test_a_malformed_limit_routes_nothing_and_says_why(window, qtbot, text):
    r = window.routing
    pv = _ticket(window, "1", "")
    assert pv.plan is not None and r.route.isEnabled()  # the ticket routes without a limit
    pv = _ticket(window, "1", text)
    assert pv.plan is None and pv.limit_error
    assert r.preview.plan is None and not r.route.isEnabled()  # the unlimited split is not left on screen
    assert not r.limit_error.isHidden() and r.limit_error.text() == pv.limit_error
    assert "limit" in r.limit_error.text()
    routed: list[object] = []
    r.route_requested.connect(routed.append)
    r.limit.setFocus()
    qtbot.keyClick(r.limit, Qt.Key.Key_Return)
    assert routed == [] and window.confirm is None
    assert r.amount.text() == "1" and r.limit.text() == text  # nothing typed is lost
    assert r.amount_error.isHidden()  # the amount is fine: the reason is at the limit
    assert "limit price" in r.preview.totals.text() and "type an amount" not in r.preview.totals.text()
    r.limit.setText("")
    window.refresh_preview()
    assert window._preview.plan is not None and r.limit_error.isHidden() and r.route.isEnabled()


@pytest.mark.parametrize("side, typed, want, words", [
    (Side.BUY, Decimal("3.07"), Decimal("3.0"), "rounded down"),
    (Side.SELL, Decimal("-3.07"), Decimal("-3.0"), "rounded up"),  # 59,996.93 -> 59,997.0
])
def test_a_price_off_the_tick_is_rounded_to_the_safe_side_and_says_so(window, side, typed, want, words):
    base = _best(window, side)
    text = f"{base + typed}"
    pv = _ticket(window, "1", text, side)
    assert pv.plan is not None and pv.plan.limit_price == float(base + want)
    assert _obeys(pv.plan, base + want, side)
    note = window.routing.limit_note
    assert not note.isHidden() and text in note.text() and words in note.text() and "tick" in note.text()


def test_a_side_change_keeps_the_limit_and_reads_it_again(window):
    """The same typed price is a buy's ceiling rounded down and a sell's floor rounded up."""
    mid = (_best(window, Side.BUY) + _best(window, Side.SELL)) / 2
    text = f"{mid.quantize(Decimal('0.1')) + Decimal('0.04')}"
    buy = _ticket(window, "1", text, Side.BUY)
    assert buy.plan is not None and Decimal(repr(buy.plan.limit_price)) == Decimal(text).quantize(Decimal("0.1"))
    window.routing.pick_side("sell")
    assert window.routing.limit.text() == text
    window.refresh_preview()
    sell = window._preview
    assert sell.plan is not None and sell.plan.side is Side.SELL
    assert Decimal(repr(sell.plan.limit_price)) == Decimal(text).quantize(Decimal("0.1")) + Decimal("0.1")
    assert "rounded up" in window.routing.limit_note.text()


def test_a_symbol_change_clears_the_limit(doge, loop):
    """A BTC price is never kept as a DOGE limit."""
    r = doge.routing
    loop.run_until_complete(doge._switch(SYMBOL))
    r.amount.setText("1")
    r.limit.setText("60000")
    loop.run_until_complete(doge._switch(DOGE))
    assert r.limit.text() == "" and r.limit_note.isHidden() and r.limit_error.isHidden()
    assert r.request(DOGE, 1e9).limit_text == ""


def test_a_doge_limit_is_read_to_its_tick(doge):
    doge.planner.inline = True
    best = _best(doge, Side.BUY)
    text = f"{best + Decimal('0.000207')}"  # 20.7 ticks of 0.00001
    pv = _ticket(doge, "200000", text)
    want = best + Decimal("0.0002")
    assert pv.plan is not None and Decimal(repr(pv.plan.limit_price)) == want and _obeys(pv.plan, want, Side.BUY)
    assert f"{want}" in doge.routing.limit_note.text()


def test_a_sweep_fills_the_limit_field_and_the_field_is_the_limit(window):
    """One path: the click writes the field; the plan reads the field (an edit there is the limit)."""
    insts = window.session.symbol_instruments()
    window.depth_chart.refresh(window.session.store.books(SYMBOL, insts), insts, window._stale)
    price = window.depth_chart._mid_line.value() * (1 + 3.0 / 1e4)
    window.sweep_to(price)
    r = window.routing
    text = r.limit.text()
    assert text and Decimal(text) <= Decimal(repr(price)) and Decimal(text) % Decimal("0.1") == 0
    plan = window._preview.plan
    assert plan is not None and plan.limit_price == float(text) and _obeys(plan, Decimal(text), Side.BUY)
    assert plan.unfilled == pytest.approx(0.0, abs=1e-9), plan.unfilled_reason  # the amount is all there
    tighter = Decimal(text) - Decimal("1")
    r.limit.setText(f"{tighter}")  # the trader edits the swept price: that is the limit now
    window.refresh_preview()
    assert window._preview.plan.limit_price == float(tighter)
    r.limit.clear()
    window.refresh_preview()
    assert window._preview.plan.limit_price is None


def test_the_confirmation_shows_the_limit(window):
    limit = _best(window, Side.BUY) + Decimal("5")
    _ticket(window, "1", f"{limit}")
    window.routing.request_route()
    dlg = window.confirm
    assert dlg is not None
    assert f"limit ≤ {float(limit):,.1f}" in dlg.head.text()
    assert all(Decimal(dlg.table.item(r, 5).text().replace(",", "")) <= limit for r in range(dlg.table.rowCount()))
    dlg.reject()


def test_tab_goes_from_the_amount_to_the_limit_and_enter_there_routes(window, qtbot):
    r = window.routing
    window.activateWindow()
    r.amount.setFocus()
    qtbot.keyClicks(r.amount, "1")
    qtbot.keyClick(r.amount, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is r.limit
    qtbot.keyClicks(r.limit, f"{_best(window, Side.BUY) + Decimal('5')}")
    qtbot.keyClick(r.limit, Qt.Key.Key_Return)  # right after typing: the typed limit is planned first
    dlg = window.confirm
    assert dlg is not None and "limit ≤" in dlg.head.text()
    assert dlg.plan.limit_price == float(r.limit.text())
    dlg.reject()


def test_a_limit_no_venue_can_meet_says_so_once(window):
    """A buy's ceiling kept for a sell (above every bid): the router's one reason, said once with the
    venues it holds for, not five times over five lines of a short Route dock."""
    limit = _best(window, Side.BUY) + Decimal("5")
    pv = _ticket(window, "1", f"{limit}", Side.SELL)
    assert pv.plan is not None and not pv.plan.legs
    text = window.routing.preview.totals.text()
    assert text.startswith("no venue can fill this order") and text.count("every bid is below the limit price") == 1
    assert all(v in text for v in window.session.symbol_instruments())
    assert not window.routing.route.isEnabled()
