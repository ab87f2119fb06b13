"""The impact view's routed-split line: one pass, one snapshot of the books; an empty pass clears it."""

from __future__ import annotations

import numpy as np

from sor_desktop.ui.impact_chart import POINTS


def _run_pass(window, move=None) -> tuple[np.ndarray, np.ndarray]:
    assert window._refresh_impact()
    window.impact.step(1)
    if move is not None:
        move()  # the market moves while the pass is still spread over frames
    window.impact.step(POINTS)
    xs, ys = window.impact._routed.getData()
    return (np.asarray(xs if xs is not None else []), np.asarray(ys if ys is not None else []))


def test_a_pass_is_planned_on_the_books_it_started_from(window, sim_session, loop):
    still_x, still_y = _run_pass(window)
    assert len(still_x) > 3
    sim = sim_session

    def move() -> None:
        for _ in range(6):
            sim.step(loop, 20.0)

    moved_x, moved_y = _run_pass(window, move)
    # same starting books as the still pass: the live books that arrived meanwhile change nothing
    np.testing.assert_allclose(moved_x, still_x)
    np.testing.assert_allclose(moved_y, still_y)
    # and the next pass does use the moved books
    next_x, next_y = _run_pass(window)
    assert next_x.shape != still_x.shape or not np.allclose(next_y, still_y)


def test_a_pass_without_points_clears_the_line(window):
    xs, _ = _run_pass(window)
    assert len(xs) > 0
    window.routing.pick_side("sell")
    window.routing.reduce_only.setChecked(True)  # no positions: no venue can fill
    xs, ys = _run_pass(window)
    assert len(xs) == 0 and len(ys) == 0


def test_a_venue_curve_ends_where_its_margin_ends(window, sim_session):
    session = sim_session.session
    assert window._refresh_impact()
    books = session.store.books(session.symbol, session.symbol_instruments())
    caps = session.margin_caps(books)
    capped = 0
    for v, curve in window.impact._curves.items():
        xs, _ = curve.getData()
        xs = np.asarray(xs if xs is not None else [])
        assert v in caps
        assert not len(xs) or xs.max() <= caps[v] * (1 + 1e-9), v  # no price beyond what it can take
        capped += len(xs) < POINTS
    assert capped  # this market has a venue whose margin ends inside the chart's sizes


def test_the_sizes_reach_twice_what_the_margin_fills_not_the_whole_book(window, monkeypatch):
    """DOGE's 50 ticks held 140 M, its margin 6 M: the routed curve was a stub at the left of an
    axis of sizes no account here could trade. The sizes stop at twice the margin's reach."""
    from dataclasses import replace

    inputs = window._inputs
    monkeypatch.setattr(window, "_inputs", lambda req, books: [replace(vi, cap_base=0.05) for vi in inputs(req, books)])
    assert window._refresh_impact()
    widest = 0.0
    for v in window.impact._curves:
        for line in (window.impact._curves[v], window.impact._capped[v]):
            xs, _ = line.getData()
            if xs is not None and len(xs):
                widest = max(widest, float(np.max(xs)))
    assert 0 < widest <= 2 * 0.05 * len(window.session.symbol_instruments()) + 1e-9, widest


def test_a_size_that_cannot_be_planned_is_in_the_log_once_a_pass(window, monkeypatch, caplog):
    """The impact view is advisory, so a failure is a gap in its line; it went to the debug log
    only, which the log file does not keep. It is a warning now, once a pass, not once a size."""
    import logging

    def broken(*_a, **_k):
        raise RuntimeError("router broke")

    monkeypatch.setattr(window.session, "preview_job", broken)
    with caplog.at_level(logging.INFO, logger="sor_desktop"):
        xs, _ = _run_pass(window)
    assert len(xs) == 0
    warned = [r for r in caplog.records if "price impact" in r.getMessage()]
    assert len(warned) == 1 and warned[0].levelno == logging.WARNING and warned[0].exc_info


def _solid(window) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    out = {}
    for v, curve in window.impact._curves.items():
        xs, ys = curve.getData()
        if xs is not None and len(xs):
            out[v] = (np.asarray(xs), np.asarray(ys))
    return out


def test_with_a_holding_time_no_venue_draws_below_the_routed_split(window, sim_session, loop):
    """With a holding time the router adds each venue's funding over it to the venue's cost, and
    passes over a venue cheap in price but dear in funding. The chart drew price and fee only: at
    small sizes the routed split sat 3 bps above the single venues it had rightly left (ETH sell,
    24 h). Every curve is on the router's basis, funding included, so the split, the cheapest plan
    there is, is never above a venue's curve where that venue can fill alone."""
    s = sim_session.session
    loop.run_until_complete(sim_session.clock.drive(s.terms.refresh(s.venues, s.symbol, sim_session.clock.time())))
    assert any(t.funding is not None for t in s.route_terms().values())
    window.routing.futures.hold.setValue(24.0)
    for side in ("sell", "buy"):
        window.routing.pick_side(side)
        xs, ys = _run_pass(window)
        assert len(xs) > 3
        solid = _solid(window)
        assert solid
        for v, (vx, vy) in solid.items():
            for x, y in zip(xs, ys, strict=True):
                at = np.flatnonzero(np.isclose(vx, x))
                if len(at):
                    assert y <= vy[at[0]] + 0.05, (side, v, x, y, vy[at[0]])
    assert "24 h funding" in window.impact.plot.getAxis("left").labelText  # the axis says what it counts
    window.routing.futures.hold.setValue(0.0)
    _run_pass(window)
    assert "funding" not in window.impact.plot.getAxis("left").labelText
