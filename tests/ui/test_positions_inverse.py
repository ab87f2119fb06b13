"""An inverse position (margined and settled in the coin) has a Positions row of its own, with
its PnL and free margin in the coin, beside the venue's row in the window's symbol."""

from __future__ import annotations

from decimal import Decimal

from sor_desktop.core.account import Balance, Position
from sor_desktop.core.orders import Side
from sor_desktop.engine.session_events import AccountUpdate
from sor_desktop.ui.positions import COLUMNS, FREE_COL, UPNL_COL, Positions


def _row(panel: Positions, key: str) -> list[str]:
    r = panel.rows[key]
    return [panel.table.item(r, c).text() if panel.table.item(r, c) else "" for c in range(len(COLUMNS))]


def test_inverse_position_row_in_the_coin_and_flat_once_closed(qtbot) -> None:
    panel = Positions()
    qtbot.addWidget(panel)
    linear = Position("bybit", "BTC/USDT:USDT", Side.BUY, Decimal("1.5"), Decimal("1.5"), Decimal(60_000),
                      Decimal(60_100), Decimal(150))
    inverse = Position("bybit", "BTC/USD:BTC", Side.SELL, Decimal(120_000), Decimal(2), Decimal(60_000),
                       Decimal(60_100), Decimal("-0.0000333"))
    balances = (Balance("bybit", "USDT", Decimal(25_150), Decimal(16_000), Decimal(9_150)),
                Balance("bybit", "BTC", Decimal("0.9999667"), Decimal("0.8"), Decimal("0.2")))
    panel.on_account(AccountUpdate("bybit", balances, (linear, inverse)))
    lin, inv = _row(panel, "bybit"), _row(panel, "bybit BTC/USD:BTC")
    assert lin[1] == "+1.5" and lin[FREE_COL] == "16,000.00"  # USDT only: the BTC wallet is not added in
    assert inv[1] == "-2" and inv[UPNL_COL] == "-0.00003330 BTC" and inv[FREE_COL] == "0.800000 BTC"
    assert "net -0.5 BTC" in panel.net_label.text() and "on 1 venue" in panel.net_label.text()  # both count
    panel.on_account(AccountUpdate("bybit", balances, (linear,)))
    assert _row(panel, "bybit BTC/USD:BTC")[1] == "flat"  # closed since: says so, not a stale short
