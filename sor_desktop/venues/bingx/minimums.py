"""BingX's minimum order value, which a ccxt market dict may leave out of ``limits.cost.min``.

BingX "USDT-M Perp Futures symbols" (``GET /openApi/swap/v2/quote/contracts``, docs-v3): ``tradeMinUSDT``
"The minimum trading unit(USDT)", beside ``tradeMinQuantity`` "The minimum trading unit(COIN)".
"2" on every market recorded in ../shared/venue-data. An order below it is refused: ccxt 4.5.90's
table (bingx.py) has 110425 "Please ensure that the minimum nominal value of the order placed must
be greater than 2u" (InvalidOrder).

ccxt 4.5.90 reads it into ``limits.cost.min`` (bingx.parse_market: ``minNotional``, ``tradeMinUSDT``,
``minTradeValue``); the recorded markets, from an older ccxt, have ``cost: {}``, so it is read from
``info`` here. USDT-M (linear) only: coin-M contracts are another API.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

FIELD = "info.tradeMinUSDT"


def min_order_value(market: Mapping[str, Any]) -> Any:
    """The raw ``tradeMinUSDT`` of a USDT-M market, or None."""
    if market.get("inverse") is True:
        return None
    info = market.get("info")
    return info.get("tradeMinUSDT") if isinstance(info, Mapping) else None
