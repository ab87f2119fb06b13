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
    assert "connection refused" in text and "--sim" in text


def test_the_message_goes_once_books_arrive(window, sim_session, loop) -> None:
    window._refresh_health()
    window.on_frame()
    assert not window.depth_chart.waiting.isVisibleTo(window)
