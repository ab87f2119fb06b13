"""Which account rules a venue gets: its own ``venues/<id>/account.py`` functions, else the
defaults (mode unknown; ccxt's ``hedged`` flag in hedge mode)."""

from __future__ import annotations

from decimal import Decimal

from sor_desktop.core.account import PositionMode
from sor_desktop.core.orders import OrderRequest, Side
from sor_desktop.venues.binanceusdm import account as binance_account
from sor_desktop.venues.bybit import account as bybit_account
from sor_desktop.venues.ccxt_account import DEFAULT, account_rules
from sor_desktop.venues.ccxt_orders import position_params

CLOSE = OrderRequest("bybit", "BTC/USDT:USDT", Side.SELL, Decimal("0.001"), "c-1", limit_price=Decimal(1),
                     reduce_only=True)


def test_a_venue_with_its_own_account_module_uses_its_reader() -> None:
    assert account_rules("binanceusdm").read_position_mode is binance_account.read_position_mode
    assert account_rules("bybit").read_position_mode is bybit_account.read_position_mode


def test_a_venue_without_one_gets_the_defaults() -> None:
    assert account_rules("kraken") == DEFAULT  # a ccxt id with no package here
    assert DEFAULT.read_position_mode is None


def test_default_params_name_the_side_only_in_hedge_mode() -> None:
    assert position_params(PositionMode.HEDGE, CLOSE) == {"hedged": True}
    assert position_params(PositionMode.ONE_WAY, CLOSE) == {}
    assert position_params(None, CLOSE) == {}  # unknown: reduceOnly alone, as before
