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


def _offline(window, monkeypatch) -> None:
    """No books, and every venue down on a resolver error behind its request's URL."""
    session = window.session
    monkeypatch.setattr(session.store, "books", lambda *a, **k: {})
    for v in session.venues:
        host = f"api.{v}.com"
        session.store.set_health(VenueHealth(v, LinkState.DOWN, reason=(
            f"{v}: GET https://{host}/v1/exchangeInfo?…: Cannot connect to host {host}:443 ssl:default "
            "[Name or service not known]")))
    window._refresh_health()


def test_offline_the_empty_state_says_the_cause_once_not_five_urls(window, monkeypatch) -> None:
    """With no network the overlay listed five venues, each with its request's URL and the same
    resolver error: the words that matter, and that they are one cause, were lost in the URLs."""
    _offline(window, monkeypatch)
    text = window.depth_chart.waiting.text()
    assert "GET https://" not in text
    assert "api.bybit.com" in text  # each venue's own host stays
    assert "no network" in text.lower() and text.lower().count("no network") == 1


def test_offline_each_venue_is_one_short_line_when_the_cause_is_shared(window, monkeypatch) -> None:
    """With no DNS every venue's line repeated "Cannot connect to host …:443 ssl:default [Name or
    service not known]", wrapped over two lines each at 1280x720: one cause said five times. Each
    venue now names only its host; the resolver's words are said once, in the shared line."""
    _offline(window, monkeypatch)
    lines = window.depth_chart.waiting.text().splitlines()
    for v in window.session.venues:
        mine = [line for line in lines if line.startswith(f"{v}:")]
        assert mine == [f"{v}: down · api.{v}.com does not resolve"]
    assert sum("Name or service not known" in line for line in lines) == 0
    assert sum("no network" in line.lower() for line in lines) == 1


def test_offline_a_venue_with_another_cause_keeps_its_words(window, monkeypatch) -> None:
    session = window.session
    monkeypatch.setattr(session.store, "books", lambda *a, **k: {})
    first, *rest = sorted(session.venues)
    session.store.set_health(VenueHealth(first, LinkState.DOWN, reason=f"{first}: 403 Forbidden from this IP"))
    for v in rest:
        session.store.set_health(VenueHealth(v, LinkState.DOWN, reason=(
            f"{v}: Cannot connect to host api.{v}.com:443 ssl:default [Name or service not known]")))
    window._refresh_health()
    text = window.depth_chart.waiting.text()
    assert "403 Forbidden from this IP" in text
    assert "no network" not in text.lower()
