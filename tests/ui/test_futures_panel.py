"""Issue 14 in the window: the holding time (off by default) and liquidation distance go into the
request; the preview shows funding and liquidation columns and the saving split; the venue chips'
tooltips say each venue's fee (yours or the default) and funding."""

from __future__ import annotations

from dataclasses import replace

from sor_desktop.core.price_format import format_price
from sor_desktop.ui.preview_table import COLUMNS, totals_text


def _terms(window, sim_session, loop):
    s = sim_session.session
    loop.run_until_complete(sim_session.clock.drive(s.terms.refresh(s.venues, s.symbol, sim_session.clock.time())))


def test_hold_time_is_off_by_default_and_funding_columns_follow_it(window, sim_session, loop):
    _terms(window, sim_session, loop)
    panel = window.routing
    assert panel.futures.hold_hours() is None and panel.futures.min_liq_distance() == 0.05
    panel.amount.setText("3")
    window.refresh_preview()
    table = panel.preview.table
    fund, liq = COLUMNS.index("fund."), COLUMNS.index("liq.")
    assert window._preview.request.hold_hours is None
    assert table.isColumnHidden(fund)
    assert not table.isColumnHidden(liq)  # the sim venues have brackets: liquidation is known
    panel.futures.hold.setValue(24)
    window.refresh_preview()
    plan = window._preview.plan
    assert window._preview.request.hold_hours == 24 and plan.funding is not None
    assert not table.isColumnHidden(fund)
    first = plan.legs[0]
    assert table.item(0, fund).text() == f"{first.funding:+.2f}"
    assert table.item(0, liq).text() == format_price(first.liquidation_price, window.tick)  # by the tick
    assert "funding over 24 h" in panel.preview.totals.text()
    if plan.savings_parts is not None and not plan.single_venue_is_best and plan.savings_quote > 0:
        # beside "against X alone", or "on that much" when no single venue fills the order
        assert "(price " in panel.preview.totals.text()
    # the split of a saving into price, fee and funding (the sim's cheapest venue often wins alone)
    assert plan.best_single is not None
    shown = replace(plan, single_venue_is_best=False, savings_quote=3.0,
                    best_single=replace(plan.best_single, filled=plan.filled),
                    savings_parts={"price": 2.5, "fee": 1.0, "funding": -0.5})
    assert "alone (price +2.50 · fee +1.00 · funding -0.50)" in totals_text(shown, "BTC")
    # without a hold there is no funding to split out
    assert "alone (price +2.50 · fee +1.00)" in totals_text(replace(shown, hold_hours=None), "BTC")
    panel.futures.liq.setValue(0)
    window.refresh_preview()
    assert window._preview.request.min_liq_distance is None


def test_chip_tooltips_say_the_fee_and_funding(window, sim_session, loop):
    before = window.chips["binanceusdm"]
    window._refresh_health()
    assert "not read yet" in before.toolTip()
    _terms(window, sim_session, loop)
    window._refresh_health()
    assert "your fee 0.032 %" in window.chips["binanceusdm"].toolTip()
    tip = window.chips["bingx"].toolTip()
    assert "default fee" in tip and "/ 4 h, next" in tip
    assert "your leverage" not in tip  # not read: the margin is counted at Settings' leverage


def test_chip_tooltip_says_the_accounts_own_leverage_where_read() -> None:
    from sor_desktop.core.venue_terms import FeeRates, VenueTerms
    from sor_desktop.ui.futures_inputs import terms_tooltip

    fee = FeeRates(0.0004, 0.0002, True, "test")
    assert "your leverage 7x" in terms_tooltip(VenueTerms("bybit", "BTC/USDT:USDT", fee, leverage=7.0))
    assert "leverage" not in terms_tooltip(VenueTerms("bybit", "BTC/USDT:USDT", fee))


def test_positions_show_the_estimated_liquidation_price(window, sim_session, loop):
    from decimal import Decimal

    from sor_desktop.core.account import Balance, Position
    from sor_desktop.core.brackets import liquidation_price
    from sor_desktop.core.orders import Side
    from sor_desktop.engine.session_events import AccountUpdate
    from sor_desktop.ui.positions import LIQ_COL

    _terms(window, sim_session, loop)
    window._refresh_health()  # passes the venues' brackets and the session's leverage on
    s = sim_session.session
    pos = Position("bybit", s.symbol, Side.BUY, Decimal("1.5"), Decimal("1.5"), Decimal("60000"),
                   mark_price=Decimal("60100"), leverage=Decimal("20"))
    bal = Balance("bybit", "USDT", Decimal("10000"), Decimal("5000"), Decimal("5000"))
    s.emit(AccountUpdate("bybit", (bal,), (pos,)))
    row = window.positions.rows["bybit"]
    tiers = s.terms.for_symbol(s.symbol)["bybit"].brackets
    want = liquidation_price(Side.BUY, 60000.0, 1.5, 20.0, tiers, 60100.0)
    assert window.positions.table.item(row, LIQ_COL).text() == format_price(want, window.tick)
    assert 56_000 < want < 58_000  # a 20x long: about 4.5 % below its entry


def test_an_inverse_market_switches_off_on_its_own_under_advanced(window) -> None:
    from sor_desktop.core.orders import Side
    from sor_desktop.engine.preview import PreviewRequest

    key = "bybit BTC/USD:BTC"
    panel = window.routing
    panel.set_companions([key])
    box = panel.companion_boxes[key]
    assert box.isChecked() and box.parent() is panel._advanced_row  # folded away: no sixth venue box
    box.setChecked(False)
    req = panel.request(window.session.symbol, 1e9)
    assert req.switched_off == frozenset({key}) and "bybit" in (req.included or set())
    # the venue inputs leave that market out, and only it
    from sor_desktop.core.book import BookSnapshot
    from sor_desktop.core.instrument import Instrument
    from sor_desktop.engine.preview import venue_inputs

    inv = Instrument.from_market({"symbol": "BTC/USD:BTC", "base": "BTC", "quote": "USD", "settle": "BTC",
                                  "linear": False, "inverse": True, "contractSize": 1,
                                  "precision": {"price": 0.5, "amount": 1}}, "bybit")
    books = {**window.session.route_books(), key: BookSnapshot.from_lists("bybit", inv.symbol, 0, [[59_999, 9]],
                                                                          [[60_001, 9]])}
    insts = {**window.session.symbol_instruments(), key: inv}
    out = {vi.instrument.symbol + "@" + vi.instrument.venue: vi.excluded
           for vi in venue_inputs(PreviewRequest(window.session.symbol, Side.BUY, "1", included=req.included,
                                                 switched_off=req.switched_off), insts, books, {})}
    assert out["BTC/USD:BTC@bybit"] == "switched off in the panel"
    assert out[f"{window.session.symbol}@bybit"] is None
    panel.set_companions([])
    assert key not in panel.companion_boxes


def test_with_a_hold_a_venue_whose_funding_is_unknown_says_so(window, sim_session, loop):
    """Before the venues' terms are read, a 24 h hold showed "funding over 24 h +0.00" and each
    leg's funding as +0.00: unknown read as nil."""
    panel = window.routing
    panel.futures.hold.setValue(24)
    panel.amount.setText("3")
    window.refresh_preview()
    plan = window._preview.plan
    assert plan is not None and plan.funding_unknown == tuple(sorted({lg.venue for lg in plan.legs}))
    assert "funding unknown on" in panel.preview.totals.text()
    fund = COLUMNS.index("fund.")
    assert all(panel.preview.table.item(r, fund).text() == "?" for r in range(len(plan.legs)))
    _terms(window, sim_session, loop)
    window.refresh_preview()
    plan = window._preview.plan
    assert plan.funding_unknown == () and "funding unknown" not in panel.preview.totals.text()
    assert panel.preview.table.item(0, fund).text() == f"{plan.legs[0].funding:+,.2f}"
