"""The depth chart's fee-adjusted prices, its sweep and the ladder's crossed edge charge each
account's own taker rate, as the router does: they charged the market's default rate, so the
chart showed a price the preview then did not pay."""

from __future__ import annotations

import dataclasses

import pytest

VENUE = "binanceusdm"
DEAR = 0.02  # 2 %: far from any default, so the drawn prices say which rate was used


@pytest.fixture
def dear_terms(window, sim_session, loop, monkeypatch):  # type: ignore[no-untyped-def]
    session = sim_session.session
    loop.run_until_complete(session.terms.refresh(session.venues, session.symbol, 0.0))
    terms = session.terms.for_symbol(session.symbol)
    assert terms[VENUE].fee.own
    terms[VENUE] = dataclasses.replace(terms[VENUE], fee=dataclasses.replace(terms[VENUE].fee, taker=DEAR))
    monkeypatch.setattr(session.terms, "for_symbol", lambda symbol: dict(terms))
    return terms


def test_the_fee_adjusted_depth_curve_starts_at_the_best_ask_plus_the_accounts_own_fee(window, dear_terms) -> None:
    chart = window.depth_chart
    chart.fee_adjusted.setChecked(True)
    chart.dirty = True
    window.on_frame()
    ask = window.session.route_books()[VENUE].best_ask
    assert ask is not None
    assert float(chart._depths[VENUE].asks.prices[0]) == pytest.approx(ask * (1 + DEAR), rel=1e-12)


def test_the_ladders_crossed_edge_nets_the_accounts_own_fees(window, dear_terms) -> None:
    from sor_desktop.ui.ladder import crossed

    window.on_frame()
    books = window.session.route_books()
    insts = window.session.instruments_at_own_fees()
    assert float(insts[VENUE].taker_fee) == pytest.approx(DEAR)
    for v, t in dear_terms.items():
        if t.fee.own and v in insts:
            assert float(insts[v].taker_fee) == pytest.approx(t.fee.taker)
    # a cross made by hand: the net edge takes 2 % for the Binance side
    ask_book = books[VENUE]
    other = next(v for v in books if v != VENUE)
    bid = dataclasses.replace(books[other], bids=ask_book.asks[:1].copy() * [[1.001, 1.0]])
    got = crossed({VENUE: ask_book, other: bid}, insts)
    assert got is not None
    fees = (DEAR + float(insts[other].taker_fee)) * 1e4
    assert got.after_fees_bps == pytest.approx(got.edge_bps - fees)


def test_the_impact_charts_venue_curves_charge_the_accounts_own_fee(window, dear_terms, monkeypatch) -> None:
    from sor_desktop.ui import impact_chart

    real = impact_chart.depth_data.avg_price_curve
    charged: dict[str, float] = {}

    def spy(book, inst, sizes, *, buy):  # type: ignore[no-untyped-def]
        charged[inst.venue] = float(inst.taker_fee)
        return real(book, inst, sizes, buy=buy)

    monkeypatch.setattr(impact_chart.depth_data, "avg_price_curve", spy)
    assert window._refresh_impact()
    assert charged[VENUE] == pytest.approx(DEAR)


def test_the_instruments_at_own_fees_are_the_same_objects_while_nothing_changes(window, dear_terms) -> None:
    """The depth chart keeps a venue's curves while its book and instrument are the very objects it
    drew (slow feeds): new instruments at every frame redrew every venue at every frame."""
    first = window.session.instruments_at_own_fees()
    again = window.session.instruments_at_own_fees()
    assert first[VENUE] is again[VENUE] and float(first[VENUE].taker_fee) == pytest.approx(DEAR)
    assert all(first[v] is again[v] for v in first)
