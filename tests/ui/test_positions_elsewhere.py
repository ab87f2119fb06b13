"""Positions in other symbols are said on the Positions panel (after a switch to BTC a DOGE
short on four venues had vanished, weex reading "flat"), and its flatten button names the one
symbol it closes ("Flatten all" closed BTC only)."""

from __future__ import annotations

from decimal import Decimal

from sor_desktop.core.account import Position
from sor_desktop.core.orders import Side
from sor_desktop.engine.session_events import AccountUpdate, ElsewhereUpdate
from sor_desktop.ui.positions import Positions

DOGE = "DOGE/USDT:USDT"


def _short(venue: str, amount: int) -> Position:
    return Position(venue, DOGE, Side.SELL, Decimal(amount), Decimal(amount), Decimal("0.15"))


def test_positions_in_another_symbol_are_said_until_closed(qtbot) -> None:
    panel = Positions()
    qtbot.addWidget(panel)
    panel.show()
    assert not panel.elsewhere_label.isVisible()
    panel.on_elsewhere(ElsewhereUpdate("weex", (_short("weex", 654_800),)))
    panel.on_elsewhere(ElsewhereUpdate("bybit", (_short("bybit", 45_200),)))
    panel.on_elsewhere(ElsewhereUpdate("binanceusdm", ()))
    text = panel.elsewhere_label.text()
    assert panel.elsewhere_label.isVisible()
    assert DOGE in text and "short" in text and "700,000" in text and "2 venues" in text
    assert "weex" in panel.elsewhere_label.toolTip() and "654,800" in panel.elsewhere_label.toolTip()
    panel.on_elsewhere(ElsewhereUpdate("weex", ()))
    panel.on_elsewhere(ElsewhereUpdate("bybit", ()))
    assert not panel.elsewhere_label.isVisible()


def test_a_venue_whose_other_symbols_were_not_read_is_said(qtbot) -> None:
    panel = Positions()
    qtbot.addWidget(panel)
    panel.show()
    panel.on_account(AccountUpdate("bingx", ()))
    panel.on_elsewhere(ElsewhereUpdate("bingx", (), "bingx: request timed out"))
    assert panel.elsewhere_label.isVisible() and "not read on bingx" in panel.elsewhere_label.text()
    # a venue whose account read fails says so in its own row: not twice
    panel.on_account(AccountUpdate("bingx", error="bingx: request timed out"))
    panel.on_elsewhere(ElsewhereUpdate("bingx", (), "bingx: request timed out"))
    assert not panel.elsewhere_label.isVisible()


def test_the_flatten_button_names_its_symbol(qtbot) -> None:
    panel = Positions()
    qtbot.addWidget(panel)
    panel.set_symbol("BTC/USDT:USDT")
    assert panel.flatten_button.text() == "Flatten BTC"
    assert "BTC/USDT:USDT" in panel.flatten_button.toolTip()
    panel.set_symbol(DOGE)
    assert panel.flatten_button.text() == "Flatten DOGE"
