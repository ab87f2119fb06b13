"""The confirmation is not a frozen snapshot (issue 10): the typed-amount field has the keyboard
when it opens, the quote age is shown, and when the books move so that the plan changes (or a
limit gets worse than shown by more than the slippage) it re-plans and shows the difference
before anything can be sent; what is sent is the plan on screen."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt

from sor_desktop.engine.margin_caps import leg_margin
from sor_desktop.ui.plan_drift import plan_changes


def _settle(loop, session) -> None:
    pending = [t for t in session.tasks if t.get_name().startswith("route:")]
    if pending:
        loop.run_until_complete(asyncio.wait(pending, timeout=10))


def _open(window, amount: str, type_above: float = 1000.0):
    window.prefs.type_above_notional = type_above
    window.routing.amount.setText(amount)
    window.refresh_preview()
    window.routing.request_route()
    assert window.confirm is not None
    return window.confirm


def test_the_typed_field_has_focus_and_takes_the_first_keystroke(window, qtbot):
    dlg = _open(window, "1")
    assert dlg.typed is not None
    assert dlg.focusWidget() is dlg.typed
    assert dlg.typed.placeholderText() == ""  # grey text there looked like the amount was typed
    qtbot.keyClicks(dlg.focusWidget(), dlg.expected)
    assert dlg.typed.text() == dlg.expected and dlg.send.isEnabled()
    dlg.reject()


def test_without_typing_send_has_focus(window):
    dlg = _open(window, "0.01", type_above=1e9)
    assert dlg.typed is None and dlg.focusWidget() is dlg.send
    dlg.reject()


def test_the_quote_age_is_shown_and_grows(window, sim_session, loop):
    dlg = _open(window, "0.5", type_above=1e9)
    dlg._show_age()
    assert dlg.age.text().startswith("quotes 0.0 s old")
    loop.run_until_complete(sim_session.clock.advance(2.5))  # no new books: the quotes age
    dlg._show_age()
    assert dlg.age.text().startswith("quotes 2.5 s old")
    dlg.reject()


def _move_until_changed(window, sim_session, loop, dlg, most_s: float = 120.0):
    t = 0.0
    while t < most_s:
        sim_session.step(loop, 2.0)
        t += 2.0
        fresh = window._requote(window._preview.request).plan
        if plan_changes(dlg.plan, fresh, dlg.plan.slippage_bps):
            return
    raise AssertionError("the simulated books never changed the plan")


def test_books_that_change_the_plan_replan_before_send(window, sim_session, loop):
    session = sim_session.session
    window.routing.slippage.setValue(0.5)
    dlg = _open(window, "4")
    shown = dlg.plan
    dlg.typed.setText(dlg.expected)
    _move_until_changed(window, sim_session, loop, dlg)
    dlg.accept()  # the first Send only shows what changed
    assert window.confirm is dlg and dlg.result() != dlg.DialogCode.Accepted
    assert dlg.plan is not shown and dlg.changes
    assert not dlg.change_note.isHidden() and "re-planned" in dlg.change_note.text()
    assert dlg.changes[0] in dlg.change_note.text()
    shown_rows = [(dlg.table.item(r, 0).text(), dlg.table.item(r, 2).text()) for r in range(dlg.table.rowCount())]
    assert shown_rows == [(lg.venue, f"{lg.contracts_dec:,f}") for lg in dlg.plan.legs]
    assert not dlg.send.isEnabled()  # held a moment, and the amount typed for the old plan is gone if it changed
    dlg._release()
    if dlg.typed is not None and not dlg.send.isEnabled():
        dlg.typed.setText(dlg.expected)
    assert dlg.send.isEnabled()
    replanned = dlg.plan
    dlg.accept()
    assert window.confirm is None
    _settle(loop, session)
    (r,) = window.blotter.routes.values()
    assert r.started.plan is replanned  # the plan on screen is the one sent


def test_unchanged_books_send_the_plan_shown(window, sim_session, loop):
    dlg = _open(window, "0.3", type_above=1e9)
    shown = dlg.plan
    dlg.accept()
    _settle(loop, sim_session.session)
    (r,) = window.blotter.routes.values()
    assert r.started.plan is shown and not dlg.changes


def test_a_limit_worse_by_more_than_the_slippage_is_a_change(window):
    from dataclasses import replace

    window.routing.amount.setText("1")
    window.refresh_preview()
    plan = window._preview.plan
    lg = plan.legs[0]
    worse = replace(lg, limit_price=f"{float(lg.limit_price) * (1 + 6e-4):.1f}")
    fresh = replace(plan, legs=(worse, *plan.legs[1:]))
    assert plan_changes(plan, fresh, 5.0) and "worse" in plan_changes(plan, fresh, 5.0)[0]
    better = replace(lg, limit_price=f"{float(lg.limit_price) * (1 - 6e-4):.1f}")
    assert plan_changes(plan, replace(plan, legs=(better, *plan.legs[1:])), 5.0) == []
    assert plan_changes(plan, None, 5.0)


def test_enter_in_the_dialog_does_not_bypass_the_typed_check(window, qtbot):
    dlg = _open(window, "1")
    qtbot.keyClick(dlg.typed, Qt.Key.Key_Return)
    assert window.confirm is dlg
    dlg.reject()


def test_a_few_lots_moving_between_venues_do_not_replan(window):
    """Seen in the real window: 0.037 -> 0.039 BTC on one venue of a 2.5 BTC buy re-planned the
    dialog every second, and Send was never enabled long enough to press."""
    window.routing.amount.setText("2.5")
    window.refresh_preview()
    plan = window._preview.plan
    if len(plan.legs) < 2:
        pytest.skip("needs a split")
    a, b = plan.legs[0], plan.legs[1]
    nudged = (replace(a, amount_base=a.amount_base + 0.002), replace(b, amount_base=b.amount_base - 0.002))
    assert plan_changes(plan, replace(plan, legs=(*nudged, *plan.legs[2:])), 5.0) == []
    moved = (replace(a, amount_base=a.amount_base + 0.5), replace(b, amount_base=b.amount_base - 0.5))
    assert plan_changes(plan, replace(plan, legs=(*moved, *plan.legs[2:])), 5.0)
    assert plan_changes(plan, replace(plan, filled=plan.filled - 0.5), 5.0)


def test_a_small_leg_moving_to_another_venue_does_not_replan(window):
    """Seen next: a 1.5 % leg flipping between binanceusdm and bingx every second."""
    window.routing.amount.setText("2.5")
    window.refresh_preview()
    plan = window._preview.plan
    big = max(plan.legs, key=lambda lg: lg.amount_base)
    small = replace(big, venue="elsewhere", amount_base=0.02 * plan.filled)
    assert plan_changes(plan, replace(plan, legs=(*plan.legs, small)), 5.0) == []
    large = replace(big, venue="elsewhere", amount_base=0.3 * plan.filled)
    assert plan_changes(plan, replace(plan, legs=(*plan.legs, large)), 5.0)


def test_after_a_replan_enter_sends_the_new_plan_and_never_cancels(window, sim_session, loop, qtbot):
    """Seen in the window: a re-plan disabled Send for the hold, Qt moved the keyboard to Cancel
    (an auto-default button), so the trader's Enter on the new plan closed the dialog and sent
    nothing, with no word about it."""
    window.routing.slippage.setValue(0.5)
    dlg = _open(window, "0.5", type_above=1e9)
    dlg.show()
    _move_until_changed(window, sim_session, loop, dlg)
    assert not dlg.check_now() and not dlg.send.isEnabled()
    qtbot.keyClick(dlg.focusWidget() or dlg, Qt.Key.Key_Return)  # Enter while held: neither sends nor cancels
    assert window.confirm is dlg and dlg.isVisible()
    dlg._release()
    assert dlg.send.isEnabled() and dlg.focusWidget() is dlg.send
    replanned = dlg.plan
    qtbot.keyClick(dlg.focusWidget(), Qt.Key.Key_Return)
    assert window.confirm is None and dlg.result() == dlg.DialogCode.Accepted
    _settle(loop, sim_session.session)
    (r,) = window.blotter.routes.values()
    assert r.started.plan is replanned


def test_a_leg_its_venue_no_longer_carries_is_replanned_before_send(window, sim_session, loop):
    """A leg can outgrow its venue's free margin while the shares barely move (the mark fell under
    a buy that used all of it: MEXC rejected 2.46 BTC "needs 15017.41, free 15000.00" after the
    Binance leg filled). The dialog re-plans on the margin of now before Send, as for moved books."""
    session = sim_session.session
    dlg = _open(window, "3", type_above=1e9)
    shown = dlg.plan
    assert dlg.check_now() and session.send_problems(shown) == []
    leg = max(shown.legs, key=lambda lg: lg.notional)
    bal = session.balances[leg.venue][0]
    # what the venue has free shrinks to 1 % below what its leg needs (a loss elsewhere): the
    # fresh plan moves a few lots, under what counts as a changed plan
    book = session.store.books(shown.symbol, [leg.venue])[leg.venue]
    need = leg_margin(shown.side_of(leg), leg.contracts_dec, leg.limit_price_dec, book,
                      session.symbol_instruments()[leg.venue], [bal], session.positions.get(leg.venue, []),
                      leverage=session.leverage)
    assert need is not None and need.required < bal.free
    session.balances[leg.venue] = [replace(bal, free=need.required * 0.99)]
    assert plan_changes(shown, window._requote(window._preview.request).plan, shown.slippage_bps) == []
    (problem,) = session.send_problems(shown)
    assert problem.venue == leg.venue and "of margin" in problem.message
    assert not dlg.check_now()
    assert dlg.plan is not shown and str(problem) in dlg.change_note.text()
    assert session.send_problems(dlg.plan) == []  # the re-planned legs fit the margin of now
    new = {lg.venue: lg.amount_base for lg in dlg.plan.legs}
    assert new.get(leg.venue, 0.0) < leg.amount_base
    dlg._release()
    assert dlg.check_now() and dlg.send.isEnabled()
    replanned = dlg.plan
    dlg.accept()
    _settle(loop, session)
    (r,) = window.blotter.routes.values()
    assert r.started.plan is replanned


def test_a_new_split_is_no_change_while_the_shown_legs_still_fill_within_their_limits(window, sim_session):
    """Venues of near-equal prices trade the order between them as books tick: on DOGE the
    dialog re-planned every second and held Send after each. What is sent is the shown plan;
    while each of its legs still fills within its limit on the books of now, it executes as
    shown. A leg whose book no longer holds it within its limit makes the new split a change."""
    import numpy as np

    window.routing.amount.setText("3")
    window.refresh_preview()
    shown = window._preview.plan
    assert len(shown.legs) >= 2
    a, b = shown.legs[0], shown.legs[1]
    half = float(a.contracts_dec) / 2
    moved_a = replace(a, amount_base=a.amount_base / 2, contracts=f"{half:g}")
    moved_b = replace(b, amount_base=b.amount_base + a.amount_base / 2)
    fresh = replace(shown, legs=(moved_a, moved_b, *shown.legs[2:]))
    books = sim_session.session.route_books()
    assert plan_changes(shown, fresh, 5.0)  # without the books: the split moved by more than 10 %
    assert plan_changes(shown, fresh, 5.0, books) == []
    # the first leg's venue now only offers above the leg's limit
    book = books[a.venue]
    limit = float(a.limit_price_dec)
    asks = np.array([[limit * 1.001, 1e9]])
    gone = {**books, a.venue: replace(book, asks=asks) if shown.side == "buy" else replace(
        book, bids=np.array([[limit * 0.999, 1e9]]))}
    changes = plan_changes(shown, fresh, 5.0, gone)
    assert any(c.startswith(f"{a.venue}:") and "->" in c for c in changes), changes


def test_an_inverse_legs_base_moving_with_the_price_is_no_change(window):
    """An inverse leg's contracts are dollars: the same contracts are a different base amount at
    every tick. Seen in the demo flatten of a hedge with Bybit's BTC/USD:BTC: 'fills 1.8999 instead
    of 1.8999' at every re-check, and the close could never be sent. The same contracts at another
    price are the same order; fewer contracts are a change."""
    window.routing.amount.setText("1")
    window.refresh_preview()
    plan = window._preview.plan
    lg = plan.legs[0]
    inverse = replace(lg, symbol="BTC/USD:BTC", contracts="18006", amount_base=0.299905)
    shown = replace(plan, legs=(*plan.legs, inverse), filled=plan.filled + inverse.amount_base)
    ticked = replace(inverse, amount_base=0.299905 * (1 - 2e-4))  # 12 USD of price: 3.3 of its contracts
    fresh = replace(shown, legs=(*plan.legs, ticked), filled=plan.filled + ticked.amount_base)
    assert plan_changes(shown, fresh, 5.0) == []
    fewer = replace(inverse, contracts="17006", amount_base=0.299905 * 17006 / 18006)
    short = replace(shown, legs=(*plan.legs, fewer), filled=plan.filled + fewer.amount_base)
    assert any(c.startswith("fills") for c in plan_changes(shown, short, 5.0))
    # without an inverse leg a base amount that moved is a change, however little
    assert plan_changes(plan, replace(plan, filled=plan.filled * (1 + 3e-5)), 5.0)


def test_a_total_moved_by_the_margin_caps_is_no_change_while_the_shown_legs_still_fill(window, sim_session):
    """A margin-capped plan's total follows the mark: a DOGE sell capped at 5,893,456 was
    re-planned to 5,893,131 at every re-check, with a new amount to type each time. While every
    shown leg still fills within its limit, the shown plan is what is sent (its margin is the
    dialog's own check); without books to show that, a new total is a change."""
    window.routing.amount.setText("3")
    window.refresh_preview()
    shown = window._preview.plan
    last = shown.legs[-1]
    less = replace(last, amount_base=last.amount_base * 0.999)
    fresh = replace(shown, legs=(*shown.legs[:-1], less), filled=shown.filled - last.amount_base * 0.001)
    books = sim_session.session.route_books()
    assert any(c.startswith("fills") for c in plan_changes(shown, fresh, 5.0))
    assert plan_changes(shown, fresh, 5.0, books) == []


def test_the_changes_write_their_figures_grouped() -> None:
    """"limit 60285 -> 60295.5" and "16000 contracts" beside the dialog's grouped figures."""
    from sor_desktop.core.orders import Side
    from sor_desktop.core.plan import AmountUnit, Leg, Plan
    from sor_desktop.ui.plan_drift import plan_changes

    def plan(*legs: tuple[str, str, str]) -> Plan:
        out = tuple(Leg(v, "BTC/USDT:USDT", c, 1.6, 60_280.0, 60_280.0, p, 96_448.0, 19.0, 96_467.0, share=1.0)
                    for v, c, p in legs)
        return Plan(Side.BUY, AmountUnit.BASE, "BTC/USDT:USDT", 1.6, 1.6, 60_280.0, 96_448.0, 19.0, 96_467.0,
                    out, None, 0.0, 0.0, 0.0, None)

    moved = " | ".join(plan_changes(plan(("mexc", "16000", "60285")), plan(("mexc", "16000", "60295.5")), 0.1))
    assert "limit 60,285 -> 60,295.5" in moved, moved
    gone = " | ".join(plan_changes(plan(("mexc", "16000", "60285")), plan(("bybit", "1.6", "60285")), 0.1))
    assert "was 16,000 contracts" in gone, gone


def test_a_dialog_whose_books_came_back_is_not_dead_for_good(window, qtbot):
    """One re-check on books past the swept limit ("no venue can fill this order on the current
    books") left the dialog dead for good, though the books came back and the preview behind it
    filled again: it asks again, and offers the plan once one fills."""
    from sor_desktop.ui.confirm_dialog import ConfirmDialog, Quote

    window.routing.amount.setText("0.5")
    window.refresh_preview()
    plan = window._preview.plan
    answers = [Quote(None, None), Quote(plan, 0.0)]
    dlg = ConfirmDialog(plan, base="BTC", mode="simulated", type_above=1e9, replan=lambda: answers.pop(0))
    qtbot.addWidget(dlg)
    assert not dlg.check_now() and not dlg.send.isEnabled()
    assert "books moved" in dlg.change_note.text()
    dlg.check_now()  # the books came back: the shown plan stands again, after the pause
    dlg._release()
    assert dlg.send.isEnabled()
    dlg.reject()


def _shifted(books, by: float):
    """Every book's prices moved by ``by`` (quotes, sizes kept)."""
    import numpy as np

    out = {}
    for key, b in books.items():
        asks = np.column_stack([b.asks[:, 0] + by, b.asks[:, 1]]) if len(b.asks) else b.asks
        bids = np.column_stack([b.bids[:, 0] + by, b.bids[:, 1]]) if len(b.bids) else b.bids
        out[key] = replace(b, asks=asks, bids=bids)
    return out


def test_the_shown_legs_are_priced_on_the_books_of_now(window, sim_session):
    """The dialog read "all-in cost 239,986.61" while the books behind it had moved to 240,001.92,
    and the route filled 1.28 bps worse than it said: what the shown legs cost on the current
    books (their limits still bound them) is worked out from the books it re-checks against."""
    from sor_desktop.ui.plan_drift import shown_legs_now

    window.routing.amount.setText("3")
    window.refresh_preview()
    shown = window._preview.plan
    books = sim_session.session.route_books()
    same = shown_legs_now(shown, books)
    assert same is not None and same.cost == pytest.approx(shown.total_cost, rel=2e-5)
    up = shown_legs_now(shown, _shifted(books, 2.0))  # 2 USDT dearer a BTC, well within the 5 bps limits
    assert up is not None
    assert up.avg_price == pytest.approx(same.avg_price + 2.0, abs=1e-6)
    fee = sum(lg.fee for lg in shown.legs) / sum(lg.notional for lg in shown.legs)
    assert up.cost - same.cost == pytest.approx(2.0 * shown.filled * (1 + fee), rel=1e-6)
    far = shown_legs_now(shown, _shifted(books, 1000.0))  # past every limit: nothing to price
    assert far is None


def test_the_dialog_says_what_the_shown_legs_cost_now(window, sim_session):
    from sor_desktop.ui.confirm_dialog import Quote

    dlg = _open(window, "3")
    shown = dlg.plan
    books = sim_session.session.route_books()
    dlg.replan = lambda: Quote(shown, 0.0, _shifted(books, 2.0))
    assert dlg.check_now()  # the shown plan stands: its legs still fill within their limits
    text = dlg.now_note.text()
    assert dlg.now_note.isVisibleTo(dlg) and "on the books now" in text and "worse" in text, text
    extra = 2.0 * shown.filled
    assert f"{extra:,.2f}"[:4] in text.replace(",", ""), text
    dlg.replan = lambda: Quote(shown, 0.0, books)
    assert dlg.check_now()
    assert "worse" not in dlg.now_note.text() or "0.00" in dlg.now_note.text()
    dlg.reject()


def test_a_note_that_appears_grows_the_dialog_instead_of_covering_the_legs(window, sim_session, qtbot):
    """With the note on the books of now (or a re-plan's changes) shown, the totals were drawn
    over the last two leg rows: the dialog did not grow for them."""
    from sor_desktop.ui.confirm_dialog import Quote

    dlg = _open(window, "3")
    dlg.show()
    qtbot.waitExposed(dlg)
    shown = dlg.plan
    books = sim_session.session.route_books()
    dlg.replan = lambda: Quote(shown, 0.0, _shifted(books, 2.0))
    assert dlg.check_now()
    qtbot.wait(50)
    assert dlg.now_note.isVisible()
    table, totals, note = dlg.table.geometry(), dlg.totals.geometry(), dlg.now_note.geometry()
    assert table.bottom() < totals.top() and totals.bottom() <= note.top(), (table, totals, note)
    assert dlg.table.height() >= dlg.table.minimumHeight()
    dlg.reject()
