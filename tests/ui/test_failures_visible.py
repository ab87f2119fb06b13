"""Every failure in front of the trader (issue 10: rejected legs wrote no Log line and no notice).
A rejected, unknown, expired-unfilled or partly filled leg: its blotter row tinted with the venue's
code and words, a Log line, a status-bar notice (a reject's stays until dismissed); the route's
summary says "partly filled: X of Y" in the blotter and the status bar."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt

from sor_desktop.core.orders import OrderStatus
from sor_desktop.ui.blotter import FAILURE_TINT


def _settle(loop, session) -> None:
    pending = [t for t in session.tasks if t.get_name().startswith("route:")]
    if pending:
        loop.run_until_complete(asyncio.wait(pending, timeout=10))


def _route(window, sim_session, loop, amount: str = "3", plan_edit=None):
    window.prefs.skip_confirm = True
    window.prefs.type_above_notional = 1e9  # nothing to type: sent on Enter
    window.routing.amount.setText(amount)
    window.refresh_preview()
    plan = window._preview.plan
    if plan_edit is not None:
        plan = plan_edit(plan)
        window._send(plan)
    else:
        window.routing.request_route()
    _settle(loop, sim_session.session)
    (r,) = window.blotter.routes.values()
    return plan, r


def _row_of(r, venue):
    i = next(i for i, lg in enumerate(r.started.plan.legs) if lg.venue == venue)
    return r.items[i]


def test_a_rejected_leg_is_seen_everywhere_and_its_notice_stays(window, sim_session, loop):
    window.routing.amount.setText("3")
    window.refresh_preview()
    victim = window._preview.plan.legs[0].venue
    sim_session.market.venue(victim).faults.reject_next("2005 Insufficient balance")
    plan, r = _route(window, sim_session, loop)
    row = _row_of(r, victim)
    assert row.text(2) == "rejected"
    assert row.text(9) == "[2005] Insufficient balance"
    assert row.background(0).color().name() == FAILURE_TINT["rejected"]
    assert row.background(9).color().name() == FAILURE_TINT["rejected"]
    others = [_row_of(r, lg.venue) for lg in plan.legs if lg.venue != victim]
    assert all(o.background(0).style() == Qt.BrushStyle.NoBrush for o in others)  # filled legs: not tinted
    logged = window.log_panel.text.toPlainText()
    assert f"{victim} rejected: [2005] Insufficient balance" in logged
    # the reject stays in the status bar, whatever notices come after it, until dismissed
    assert window.alerts.showing and not window.alerts_strip.isHidden()
    assert victim in window.alerts.label.text() and "2005" in window.alerts.label.text()
    # the leg was rejected, not the route (the others filled): "route … rejected" said the opposite
    assert "leg rejected" in window.alerts.label.text() and " rejected: " not in window.alerts.label.text()
    window.notify("info", "something else happened")
    assert window.alerts.showing and not window.alerts_strip.isHidden() and "2005" in window.alerts.label.text()
    # the route's summary: blotter and status bar
    filled = sum(lg.amount_base for lg in plan.legs if lg.venue != victim)
    summary = f"partly filled: {filled:g} of 3"
    assert window.blotter.route_status(next(iter(window.blotter.routes))) == summary
    assert summary in logged
    window.alerts.dismiss()
    assert not window.alerts.showing and window.alerts_strip.isHidden()


def test_a_route_summary_shows_in_the_status_bar(window, sim_session, loop):
    window.routing.amount.setText("3")
    window.refresh_preview()
    victim = window._preview.plan.legs[-1].venue
    sim_session.market.venue(victim).faults.reject_next("price protection")
    _route(window, sim_session, loop)
    assert "partly filled: " in window.notice.text() and " of 3" in window.notice.text()


def test_an_expired_unfilled_leg_is_shown(window, sim_session, loop):
    def far_limit(plan):
        lg = plan.legs[0]
        low = f"{float(lg.limit_price) * 0.99:.1f}"  # a buy's IOC far below the asks: nothing fills
        return replace(plan, legs=(replace(lg, limit_price=low), *plan.legs[1:]))

    plan, r = _route(window, sim_session, loop, "1", far_limit)
    row = r.items[0]
    u = r.legs[0]
    if u.status is OrderStatus.REJECTED:  # a venue that refuses limits far from the book says so instead
        pytest.skip(f"{plan.legs[0].venue} refuses such a limit: {u.reason}")
    assert row.text(2) == "expired unfilled"
    assert row.background(2).color().name() == FAILURE_TINT["expired unfilled"]
    assert f"{plan.legs[0].venue} expired unfilled" in window.log_panel.text.toPlainText()
    assert "expired unfilled" in window.log_panel.text.toPlainText()


def test_a_partly_filled_leg_is_shown(window, sim_session, loop):
    def at_best(plan):
        lg = max(plan.legs, key=lambda x: float(x.contracts))
        book = window.session.store.book(lg.venue, window.session.symbol)
        best = book.best_ask
        inst = window.session.symbol_instruments()[lg.venue]
        # limit at the best ask, for more than that level holds: the rest expires
        more = inst.format_amount(inst.round_amount_down(
            __import__("decimal").Decimal(repr(float(book.asks[0, 1]) * 3))))
        legs = tuple(replace(x, limit_price=inst.format_price(inst.round_price(
            __import__("decimal").Decimal(repr(best)), up=False)), contracts=more) if x is lg else x
            for x in plan.legs)
        return replace(plan, legs=legs)

    plan, r = _route(window, sim_session, loop, "3", at_best)
    text = window.log_panel.text.toPlainText()
    partly = [u for u in r.legs.values() if u.failure == "partly filled"]
    assert partly, [(u.venue, u.status, u.failure) for u in r.legs.values()]
    u = partly[0]
    row = r.items[u.leg]
    assert row.text(2).startswith("partly filled")
    assert row.background(0).color().name() == FAILURE_TINT["partly filled"]
    assert f"{u.venue} partly filled" in text


def test_a_blocked_route_stays_on_screen(window, sim_session, loop):
    session = sim_session.session
    window.routing.amount.setText("1")
    window.refresh_preview()
    plan = window._preview.plan
    window._send(plan)
    _settle(loop, session)
    window.routing._rearm()
    window._send(replace(plan))  # another object, same legs: a double click as far as the executor knows
    _settle(loop, session)
    assert any("not sent" in t for t in window.alerts.texts()), window.alerts.texts()
    assert "not sent" in window.log_panel.text.toPlainText()


def test_the_panel_gets_one_line_per_failure_in_the_app(window, sim_session, loop, tmp_path):
    """In the app the Qt log handler also feeds the panel: the executor's own line for a failed
    leg (which goes to the log file) must not show a second time."""
    import logging

    from sor_desktop import logs
    from sor_desktop.ui.log_panel import QtLogHandler

    logs.setup(log_file=tmp_path / "x.log")  # the file handler and its redacting filter, as in the app
    handler = QtLogHandler(logging.WARNING)
    got: list[str] = []
    handler.relay.record.connect(lambda level, text: got.append(text))
    logging.getLogger().addHandler(handler)
    try:
        window.routing.amount.setText("3")
        window.refresh_preview()
        victim = window._preview.plan.legs[0].venue
        sim_session.market.venue(victim).faults.reject_next("2005 Insufficient balance")
        _route(window, sim_session, loop)
    finally:
        logging.getLogger().removeHandler(handler)
    assert not [t for t in got if "rejected" in t], got
    assert "[2005]" in (tmp_path / "x.log").read_text()  # the file has it
