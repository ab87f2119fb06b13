"""A fill's average price is the venue's, in the unit the app counts: WEEX counts its BTC
contracts in coins (quirks), while ccxt's fallback average, when the answer's ``avgPrice`` is 0,
divides the quote by the market's advertised contract size (0.0001 BTC)."""

from __future__ import annotations

from decimal import Decimal

import ccxt
import pytest

from sor_desktop.venues import ccxt_convert as convert
from tests.shared_data import load_markets

pytestmark = pytest.mark.shared


def _weex_answer(avg: str) -> dict[str, str | bool]:
    return {"avgPrice": avg, "clientOrderId": "sorweex0000000000l0", "cumQuote": "300.05", "executedQty": "0.005",
            "orderId": "737191855984214377", "origQty": "0.005", "price": "60020.0", "reduceOnly": False,
            "side": "BUY", "positionSide": "LONG", "status": "FILLED", "timeInForce": "IOC", "type": "LIMIT",
            "symbol": "BTCUSDT", "time": "1775760234829", "updateTime": "1775760234900"}


@pytest.mark.parametrize("avg", ["0.00000", "60010.0"])
def test_weex_average_is_the_quote_over_the_coins(avg: str) -> None:
    ex = ccxt.weex({"apiKey": "k", "secret": "s", "password": "p"})
    ex.set_markets(load_markets("weex"))
    parsed = ex.parse_order(_weex_answer(avg), ex.market("BTC/USDT:USDT"))
    report = convert.order_report("weex", parsed, symbol="BTC/USDT:USDT")
    assert report.filled_contracts == Decimal("0.005")
    assert report.avg_price is not None and abs(report.avg_price - Decimal("60010")) < Decimal("0.01"), report.avg_price


def test_an_average_the_venue_gives_is_kept() -> None:
    order = {"symbol": "BTC/USDT:USDT", "status": "closed", "side": "buy", "amount": 0.5, "filled": 0.5,
             "average": 60001.5, "id": "1", "clientOrderId": "c", "info": {}}
    assert convert.order_report("bybit", order).avg_price == Decimal("60001.5")
