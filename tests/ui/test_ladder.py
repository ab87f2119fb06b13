"""The ladder a trader can trade from: centred on the spread and kept there, rows grouped by
multiples of the tick, the venue names of every other panel, stale venues out of the totals,
crossed levels marked with what they are worth after fees, a click sweeps to the row's price."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from PySide6.QtCore import Qt

from sor_desktop.core.book import BookSnapshot
from sor_desktop.ui.ladder import crossed, merge_levels


def _frames(w, n: int = 40) -> None:
    for _ in range(n):
        w.on_frame()


def _visible_rows(ladder) -> range:
    view = ladder.view
    top = view.rowAt(0)
    bottom = view.rowAt(view.viewport().height() - 1)
    return range(top, (bottom if bottom >= 0 else ladder.model.rowCount() - 1) + 1)


def test_centred_on_the_spread_and_kept_there_until_scrolled(window, sim_session, loop) -> None:
    _frames(window)
    lad = window.ladder
    m = lad.model
    assert m.rowCount() > 20  # more than the view holds: centring matters
    rows = _visible_rows(lad)
    spread = m.spread_row()
    assert spread in rows and abs((rows.start + rows.stop) / 2 - spread) <= 2, (rows, spread)
    # books move: still centred
    sim_session.step(loop, 30)
    _frames(window)
    assert m.spread_row() in _visible_rows(lad)
    # the trader scrolls away: it stays there
    lad.view.verticalScrollBar().setValue(0)
    sim_session.step(loop, 5)
    _frames(window)
    assert lad.view.verticalScrollBar().value() == 0 and not lad.centred
    lad.recentre()
    assert m.spread_row() in _visible_rows(lad)


def test_rows_are_multiples_of_the_tick_and_the_selector_changes_them(window) -> None:
    _frames(window)
    lad = window.ladder
    tick = lad.tick
    assert tick is not None
    step = lad.step()
    assert step is not None and (Decimal(str(step)) / tick) % 1 == 0
    prices = lad.model.prices
    assert all(abs(p / step - round(p / step)) < 1e-6 for p in prices)
    lad.group.setCurrentIndex(0)  # one tick
    assert lad.step() == float(tick)
    assert all(abs(p / float(tick) - round(p / float(tick))) < 1e-6 for p in lad.model.prices)


def test_venue_columns_use_the_venue_ids(window) -> None:
    _frames(window)
    m = window.ladder.model
    heads = [m.headerData(c, Qt.Orientation.Horizontal).split("\n")[0] for c in range(m.columnCount())]
    assert "binanceusdm" in heads and "binance" not in heads


def test_stale_venue_is_out_of_the_totals(window, sim_session, loop) -> None:
    _frames(window)
    m = window.ladder.model
    victim = m.venues[0]
    window.ladder.refresh(window.session.store.books(window.session.symbol, window.session.symbol_instruments()),
                          window.session.symbol_instruments(), {victim})
    live = [c for c, v in enumerate(m.venues) if v != victim]
    assert np.allclose(m.totals, m.amounts[:, live].sum(axis=1))
    assert m.amounts[:, 0].sum() > 0  # still shown (greyed), just not counted


def _book(venue: str, bid: float, ask: float) -> BookSnapshot:
    return BookSnapshot(venue, "BTC/USDT:USDT", 1, np.array([[bid, 1.0]]), np.array([[ask, 1.0]]))


def test_crossed_levels_are_marked_with_the_edge_after_fees(window) -> None:
    insts = window.session.symbol_instruments()
    a, b = sorted(insts)[:2]
    books = {a: _book(a, 59990.0, 60000.0), b: _book(b, 60012.0, 60020.0)}  # b bids 12 over a's ask
    x = crossed(books, insts)
    assert x is not None and (x.buy_venue, x.sell_venue) == (a, b)
    fees = (float(insts[a].taker_fee) + float(insts[b].taker_fee)) * 1e4
    assert abs(x.edge_bps - 2.0) < 1e-9 and abs(x.after_fees_bps - (2.0 - fees)) < 1e-9
    lad = window.ladder
    lad.set_tick(Decimal("0.1"), 60000.0)
    lad.group.setCurrentIndex(lad.group.findData(10))
    lad.refresh(books, insts, set())
    m = lad.model
    marked = [m.prices[r] for r in range(m.rowCount()) if m.is_crossed(r)]
    assert 60000.0 in marked and 60012.0 in marked
    assert "after fees" in lad.cross_label.text()
    assert crossed({a: books[a]}, insts) is None


def test_uncrossed_books_mark_nothing() -> None:
    books = {"x": _book("x", 99.0, 100.0), "y": _book("y", 99.5, 100.5)}
    assert crossed(books, {}) is None
    px, sides, amounts, totals = merge_levels(books, {}, 0.5)
    assert px == []  # no instruments: nothing to size


def test_click_a_row_sweeps_to_its_price(window) -> None:
    _frames(window)
    m = window.ladder.model
    ask_row = max(r for r in range(m.rowCount()) if m.sides[r] == "asks" and m.totals[r] > 0 and
                  r < m.spread_row() - 3)
    price = m.prices[ask_row]
    window.ladder.sweep_requested.emit(price)
    assert Decimal(window.routing.limit.text()) == Decimal(repr(price))  # the row's price, a hard limit
    expected = window.sweep_at(price, window.routing.side)  # what the depth chart's click would take
    assert expected is not None and window.routing.amount.text() == expected.amount_text


def test_every_venue_name_fits_its_column_at_1280x720(window, qtbot) -> None:
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.width() == 1280, timeout=2000)
    window.default_sizes()
    _frames(window)
    qtbot.wait(50)
    header = window.ladder.view.horizontalHeader()
    fm = header.fontMetrics()
    m = window.ladder.model
    for c, v in enumerate(m.venues, start=1):
        assert header.sectionSize(c) >= fm.horizontalAdvance(v), v
    assert window.ladder.view.horizontalScrollBar().maximum() == 0  # and no column pushed out of view


def test_own_working_orders_sit_on_the_row_of_their_limit_until_done(window) -> None:
    from sor_desktop.core.orders import OrderStatus, Side
    from sor_desktop.engine.preview import PreviewRequest
    from sor_desktop.engine.session_events import LegUpdate, RouteStarted

    _frames(window)
    m = window.ladder.model
    mine = m.columnCount() - 1
    assert m.headerData(mine, Qt.Orientation.Horizontal).split("\n")[0] == "own"
    plan = window.session.preview(PreviewRequest(window.session.symbol, Side.BUY, "3")).plan
    assert plan is not None and len(plan.legs) >= 2
    window._on_event(RouteStarted("r1", plan, 0.0))
    rows = {r: m.data(m.index(r, mine)) for r in range(m.rowCount()) if m.data(m.index(r, mine))}
    assert all(t[0] == "B" for t in rows.values())  # buys
    assert sum(int(t[1:].rstrip("?")) for t in rows.values()) == len(plan.legs)
    for lg in plan.legs:  # each on the row nearest its limit price, named in the tooltip
        r = min(range(m.rowCount()), key=lambda r: abs(m.prices[r] - float(lg.limit_price)))
        assert r in rows and lg.venue in m.data(m.index(r, 0), Qt.ItemDataRole.ToolTipRole)
    first = plan.legs[0]
    window._on_event(LegUpdate("r1", 0, first.venue, first.symbol, Side.BUY, OrderStatus.UNKNOWN, first.contracts_dec))
    assert any(str(m.data(m.index(r, mine))).endswith("?") for r in range(m.rowCount()))
    for i, lg in enumerate(plan.legs):
        window._on_event(LegUpdate("r1", i, lg.venue, lg.symbol, Side.BUY, OrderStatus.FILLED, lg.contracts_dec,
                                   lg.contracts_dec))
    assert not any(m.data(m.index(r, mine)) for r in range(m.rowCount()))


def test_an_inverse_market_counts_in_base_under_a_short_header() -> None:
    from sor_desktop.core.instrument import Instrument
    from sor_desktop.ui.ladder import column_name

    lin = Instrument.from_market({"symbol": "BTC/USDT:USDT", "base": "BTC", "quote": "USDT", "linear": True,
                                  "contractSize": 1, "precision": {"price": 0.1, "amount": 0.001}}, "bybit")
    inv = Instrument.from_market({"symbol": "BTC/USD:BTC", "base": "BTC", "quote": "USD", "settle": "BTC",
                                  "inverse": True, "linear": False, "contractSize": 1,
                                  "precision": {"price": 0.5, "amount": 1}}, "bybit")
    books = {"bybit": BookSnapshot.from_lists("bybit", lin.symbol, 0, [[59_999.0, 1.0]], [[60_001.0, 2.0]]),
             "bybit BTC/USD:BTC": BookSnapshot.from_lists("bybit", inv.symbol, 0, [[59_999.0, 30_000]],
                                                          [[60_001.0, 120_002]])}
    prices, sides, amounts, totals = merge_levels(books, {"bybit": lin, "bybit BTC/USD:BTC": inv}, 1.0)
    ask = prices.index(60_001.0)
    assert list(amounts[ask]) == [2.0, 120_002 / 60_001.0] and totals[ask] == 4.0  # 120,002 USD = 2 BTC
    assert column_name("bybit BTC/USD:BTC") == "bybit inv." and column_name("bybit") == "bybit"


def test_each_venue_column_says_its_funding_under_its_name(window, sim_session, loop, qtbot) -> None:
    from sor_desktop.ui.ladder import funding_short

    s = sim_session.session
    loop.run_until_complete(sim_session.clock.drive(s.terms.refresh(s.venues, s.symbol, sim_session.clock.time())))
    window.resize(1600, 1000)
    qtbot.waitUntil(lambda: window.height() == 1000, timeout=2000)
    _frames(window)
    window._refresh_health()
    m = window.ladder.model
    terms = s.terms.for_symbol(s.symbol)
    venue = next(v for v in m.venues if v in terms and terms[v].funding is not None)
    f = terms[venue].funding
    c = m.venues.index(venue) + 1
    assert m.headerData(c, Qt.Orientation.Horizontal) == f"{venue}\n{funding_short(f.rate, f.interval_hours)}"
    assert funding_short(0.0001, 8) == "+1.0/8h" and funding_short(-0.00007, 4) == "-0.7/4h"
    assert funding_short(-0.000002, 8) == "0.0/8h"  # a rate that rounds to nothing has no sign
    assert "next" in m.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    # at 720 high the line goes (the split keeps its room); the chips and Positions still say it
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.height() == 720, timeout=2000)
    window._refresh_health()
    assert m.headerData(c, Qt.Orientation.Horizontal) == venue


def test_memecoin_and_tiny_amounts_fit_and_read_at_a_glance(qtbot) -> None:
    """DOGE rows hold millions (4,444,944 was cut to "4,444,9..." at 1280x720) and a BTC row can
    hold 0.0004 (shown as "0.000"): three significant figures with k/M/B, every amount's text
    inside its column, the exact amount in the cell's tooltip."""
    from sor_desktop.core.instrument import Instrument
    from sor_desktop.ui.ladder import Ladder, _amount

    assert [_amount(v) for v in (4_444_944, 725_130, 186_067, 12_345, 9_999, 1_234, 0.0004, 0.000123, 2.5e12)] == [
        "4.44M", "725k", "186k", "12.3k", "10k", "1,234", "0.0004", "0.00012", "2.5T"]
    venues = ["binanceusdm", "bingx", "bybit", "weex", "mexc"]
    insts = {v: Instrument.from_market({"symbol": "DOGE/USDT:USDT", "base": "DOGE", "quote": "USDT", "linear": True,
                                        "contractSize": 1, "precision": {"price": 0.00001, "amount": 1}}, v)
             for v in venues}
    rng = np.random.default_rng(3)
    books = {v: BookSnapshot.from_lists(
        v, "DOGE/USDT:USDT", 0,
        [[0.14995 - 0.00002 * k, float(rng.integers(1, 9_000_000))] for k in range(40)],
        [[0.14997 + 0.00002 * k, float(rng.integers(1, 9_000_000))] for k in range(40)]) for v in venues}
    lad = Ladder()
    qtbot.addWidget(lad)
    lad.resize(600, 400)  # the ladder's share of a 1280x720 window
    lad.show()
    qtbot.waitExposed(lad)
    lad.refresh(books, insts, set())
    m, fm, header = lad.model, lad.view.fontMetrics(), lad.view.horizontalHeader()
    margin = lad.view.itemDelegate()._margin
    shown = 0
    for r in range(m.rowCount()):
        for c in range(1, len(m.venues) + 2):
            text = m.cell(r, c)[0]
            if text:
                shown += 1
                assert fm.horizontalAdvance(text) + 2 * margin <= header.sectionSize(c), (text, c)  # not elided
    assert shown > 100
    row = next(r for r in range(m.rowCount()) if m.amounts[r, 0] >= 1_000_000)
    tip = m.data(m.index(row, 1), Qt.ItemDataRole.ToolTipRole)
    assert f"binanceusdm: {m.amounts[row, 0]:,.10g}" in tip and "click: sweep" in tip


def test_without_a_tick_the_row_step_says_so_instead_of_an_empty_box(window) -> None:
    """Offline (no venue's market read yet) "rows of" stood beside an empty, live box."""
    lad = window.ladder
    lad.set_tick(None)
    assert not lad.group.isEnabled() and lad.group.currentIndex() == -1
    assert lad.group.placeholderText() and "tick" in lad.group.toolTip()
    lad.set_tick(Decimal("0.1"), 60000.0)
    assert lad.group.isEnabled() and lad.group.currentIndex() >= 0
