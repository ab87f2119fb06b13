"""Without books (no network yet, venues down) the window says what is happening instead of empty
0-1 axes and 'type an amount to see the split'."""

from __future__ import annotations

from sor_desktop.engine.store import LinkState, VenueHealth


def test_no_books_says_so_in_the_chart_and_the_preview(window, monkeypatch) -> None:
    session = window.session
    monkeypatch.setattr(session.store, "books", lambda *a, **k: {})
    venues = sorted(session.venues)
    session.store.set_health(VenueHealth(venues[0], LinkState.DOWN, reason="connection refused"))
    for v in venues[1:]:
        session.store.set_health(VenueHealth(v, LinkState.CONNECTING))
    window.routing.amount.setText("4")
    window.refresh_preview()
    window._refresh_health()
    assert "no live books yet" in window.routing.preview.totals.text()
    waiting = window.depth_chart.waiting
    assert waiting.isVisibleTo(window)
    text = waiting.text()
    assert f"connecting to {len(venues)} venues" in text
    assert "connection refused" in text
    assert not window.depth_chart.sim_button.isVisibleTo(window)  # already the simulated market


def test_offline_paper_window_offers_the_simulated_market_on_the_same_symbol(window, monkeypatch) -> None:
    from PySide6.QtCore import QProcess
    from PySide6.QtWidgets import QMessageBox

    from sor_desktop.venues.base import Mode

    session = window.session
    monkeypatch.setattr(session, "mode", Mode.PAPER)
    monkeypatch.setattr(session.store, "books", lambda *a, **k: {})
    window._refresh_health()
    assert "simulated market" in window.depth_chart.waiting.text()
    button = window.depth_chart.sim_button
    assert button.isVisibleTo(window)
    assert button.geometry().top() >= window.depth_chart.waiting.geometry().bottom()  # under the message
    started: list[tuple[str, list[str]]] = []
    monkeypatch.setattr(QProcess, "startDetached", lambda exe, args: started.append((exe, list(args))) or True)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    button.click()
    assert started == [] and window.isVisible()  # the trader said no: nothing happens
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    button.click()
    assert started and started[0][1][-3:] == ["--sim", "--symbol", session.symbol]
    assert not window.isVisible()


def test_the_message_goes_once_books_arrive(window, sim_session, loop) -> None:
    window._refresh_health()
    window.on_frame()
    assert not window.depth_chart.waiting.isVisibleTo(window)


def test_the_no_books_line_goes_when_books_come_without_an_amount(window, sim_session, monkeypatch) -> None:
    """After a switch to SOL the preview said "no live books yet ... (0 connected)" under SOL's
    books until an amount was typed."""
    from sor_desktop.ui.main_window import SLOW_EVERY

    store = window.session.store
    real = store.books
    monkeypatch.setattr(store, "books", lambda *a, **k: {})
    window.routing.amount.setText("")
    window.refresh_preview()
    assert "no live books yet" in window.routing.preview.totals.text()
    monkeypatch.setattr(store, "books", real)  # the books come
    window._books_moved = True
    window._side_work(SLOW_EVERY, True)
    assert window.routing.preview.totals.text() == "type an amount to see the split"


def test_offline_the_empty_state_says_the_cause_once_not_five_urls(window, monkeypatch) -> None:
    """With no network the overlay listed five venues, each with its request's URL and the same
    resolver error: the words that matter, and that they are one cause, were lost in the URLs."""
    session = window.session
    monkeypatch.setattr(session.store, "books", lambda *a, **k: {})
    for v in session.venues:
        host = f"api.{v}.com"
        session.store.set_health(VenueHealth(v, LinkState.DOWN, reason=(
            f"{v}: GET https://{host}/v1/exchangeInfo?…: Cannot connect to host {host}:443 ssl:default "
            "[Name or service not known]")))
    window._refresh_health()
    text = window.depth_chart.waiting.text()
    assert "GET https://" not in text
    assert "Cannot connect to host api.bybit.com:443" in text  # each venue's own cause stays
    assert "no network" in text.lower() and text.lower().count("no network") == 1
