"""Routes that cannot be sent now say so on the Route button, before any confirmation."""

from __future__ import annotations

from sor_desktop.engine.executor import RouteWait
from sor_desktop.ui.routing_panel import ROUTE_TEXT


def test_route_waits_while_earlier_orders_are_unresolved(window, sim_session, monkeypatch) -> None:
    """A run that left orders of unknown outcome: the next window offered Route and the
    confirmation as usual, and only after Send said "blocked: 1 earlier order(s) have no known
    outcome yet"."""
    why: list[RouteWait | None] = [RouteWait("waiting: earlier orders unresolved",
                                             "1 earlier order(s) on mexc of unknown outcome, being resolved")]
    monkeypatch.setattr(sim_session.session.executor, "blocked", lambda: why[0])
    window.routing.amount.setText("1")
    window.refresh_preview()
    window._refresh_health()
    route = window.routing.route
    assert not route.isEnabled() and route.text() == "Route  (waiting: earlier orders unresolved)" and "mexc" in route.toolTip()
    asked: list[object] = []
    window.routing.route_requested.connect(asked.append)
    window.routing.request_route()  # Enter
    assert asked == [] and window.confirm is None
    window.refresh_preview()  # a new preview does not turn it back on
    assert not route.isEnabled()
    why[0] = None
    window._refresh_health()
    assert route.isEnabled() and route.text() == ROUTE_TEXT and route.toolTip() == ""


def test_flatten_waits_too_and_says_why(window, sim_session, monkeypatch) -> None:
    monkeypatch.setattr(sim_session.session.executor, "blocked",
                        lambda: RouteWait("waiting: earlier orders unresolved", "1 earlier order(s) on bybit of unknown outcome"))
    window.flatten()
    assert window.confirm is None
    assert "flatten waits: 1 earlier order(s) on bybit" in window.notice.text()


def test_a_refused_journal_is_not_called_unresolved_orders(window, sim_session) -> None:
    """A damaged journal, or one that failed a write after a send, stops every route until a
    restart: the button said "waiting: earlier orders unresolved", a wait for nothing."""
    sim_session.session.executor.refuse("the journal could not record an answer: disk full")
    window.routing.amount.setText("1")
    window.refresh_preview()
    window._refresh_health()
    route = window.routing.route
    assert not route.isEnabled()
    assert "unresolved" not in route.text() and "journal" in route.text()
    assert "disk full" in route.toolTip()
    window.flatten()
    assert window.confirm is None and "disk full" in window.notice.text()


def test_what_the_window_tells_the_trader_is_in_the_log_file_too(window, sim_session, monkeypatch, caplog) -> None:
    """A flatten that waits, or cannot close a position, was said only on screen: the log file,
    where a trader looks afterwards, did not have it."""
    import logging

    caplog.set_level(logging.INFO)
    monkeypatch.setattr(sim_session.session.executor, "blocked",
                        lambda: RouteWait("waiting: earlier orders unresolved", "1 earlier order(s) on weex"))
    window.flatten()
    assert any(r.levelno == logging.WARNING and "flatten waits: 1 earlier order(s) on weex" in r.getMessage()
               for r in caplog.records)
    window.alert("error", "close BTC/USDT:USDT on bybit: no book yet")
    assert any(r.levelno == logging.ERROR and "no book yet" in r.getMessage() for r in caplog.records)
    assert window.log_panel.text.toPlainText().count("flatten waits") == 1
