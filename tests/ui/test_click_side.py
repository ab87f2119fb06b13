"""Click to route on the depth chart: the side of the book clicked against the side chosen."""

from __future__ import annotations

from decimal import Decimal

from sor_desktop.core.orders import Side
from sor_desktop.ui import depth_data


def _best(window):
    insts = window.session.symbol_instruments()
    return depth_data.best_prices(window.session.store.books(window.session.symbol, insts))


def test_a_click_on_the_bid_side_of_a_buy_keeps_side_and_amount_and_says_why(window):
    window.routing.amount.setText("2")
    bid, _ask = _best(window)
    window.depth_chart.price_clicked.emit(bid * (1 - 5e-4))
    assert window.routing.side is Side.BUY
    assert window.routing.amount.text() == "2"
    hint = window.routing.click_hint
    assert not hint.isHidden() and "Bid side" in hint.text() and "S to sell" in hint.text()
    window.routing.pick_side("sell")  # acting on it clears the message
    assert hint.isHidden()


def test_a_click_on_the_ask_side_of_a_sell_keeps_side_and_amount(window):
    window.routing.pick_side("sell")
    window.routing.amount.setText("1.5")
    _bid, ask = _best(window)
    window.depth_chart.price_clicked.emit(ask * (1 + 5e-4))
    assert window.routing.side is Side.SELL and window.routing.amount.text() == "1.5"
    assert "Ask side" in window.routing.click_hint.text() and "B to buy" in window.routing.click_hint.text()


def test_a_click_on_the_chosen_side_fills_the_sweep_amount(window):
    window.depth_chart.refresh(window.session.store.books(window.session.symbol, window.session.symbol_instruments()),
                               window.session.symbol_instruments(), set())
    _bid, ask = _best(window)
    price = ask * (1 + 5e-4)
    window.depth_chart.price_clicked.emit(price)
    expected = window.sweep_at(price, Side.BUY).total_base
    assert expected > 0 and Decimal(window.routing.amount.text()) == expected
    assert window.routing.click_hint.isHidden()
