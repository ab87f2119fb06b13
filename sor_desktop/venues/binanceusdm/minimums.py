"""Binance USDⓈ-M's minimum order value, read from the market's own filters.

Binance USDⓈ-M "Exchange Information" (``GET /fapi/v1/exchangeInfo``): the ``MIN_NOTIONAL``
filter's ``notional`` (5 USDT on every market recorded in ../shared/venue-data). Binance's USDⓈ-M
contract FAQ: an order under it is refused unless reduce-only; ccxt 4.5.90's table (binance.py) has
-4164 "Order's notional must be no smaller than 5.0 (unless you choose reduce only)" (InvalidOrder).

ccxt 4.5.90 already reads it into ``limits.cost.min`` (binance.parse_market: the ``MIN_NOTIONAL`` or
``NOTIONAL`` filter's ``minNotional``/``notional``), and the recorded markets have it there; it is
read here too so a market dict without ``limits.cost.min`` (hand-written, another ccxt) cannot drop it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

FIELD = "info.filters[MIN_NOTIONAL].notional"


def min_order_value(market: Mapping[str, Any]) -> Any:
    """The raw ``notional`` of the ``MIN_NOTIONAL`` filter, or None."""
    info = market.get("info")
    filters = info.get("filters") if isinstance(info, Mapping) else None
    for f in filters if isinstance(filters, list) else []:
        if isinstance(f, Mapping) and f.get("filterType") == "MIN_NOTIONAL":
            return f.get("notional", f.get("minNotional"))
    return None
