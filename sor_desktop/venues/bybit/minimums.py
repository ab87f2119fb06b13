"""Bybit's minimum order value, which a ccxt market dict may leave out of ``limits.cost.min``.

Bybit v5 "Get Instruments Info" (https://bybit-exchange.github.io/docs/v5/market/instrument),
linear/inverse response: ``lotSizeFilter.minNotionalValue`` "Minimum notional value", in the quote
coin (USDT on USDT perpetuals: "5" on every linear market recorded in ../shared/venue-data). An
order below it is refused: retCode 110094, "Order notional value below the lower limit" in ccxt
4.5.90's table (bybit.py, InvalidOrder); Bybit's "Derivatives Trading Rules" exempt closing
orders, as the simulated venue does for reduce-only ones.

ccxt 4.5.90 reads it into ``limits.cost.min`` for linear markets only (bybit.fetch_future_markets);
the recorded markets, from an older ccxt, have null there, so it is read from ``info`` here.
Inverse contracts (``BTC/USD:BTC``) count 1 USD contracts, their minimum is ``minOrderQty``
(contracts); their ``minNotionalValue`` is empty in the recording and is never read as a USDT
figure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

FIELD = "info.lotSizeFilter.minNotionalValue"


def min_order_value(market: Mapping[str, Any]) -> Any:
    """The raw ``minNotionalValue`` of a linear market, or None (inverse, or absent)."""
    info = market.get("info")
    if not isinstance(info, Mapping):
        return None
    linear = market.get("linear")
    if linear is None:  # a market dict without ccxt's flags: Bybit's own contract type
        linear = str(info.get("contractType") or "").startswith("Linear")
    if not linear:
        return None
    lot = info.get("lotSizeFilter") or {}
    return lot.get("minNotionalValue") if isinstance(lot, Mapping) else None
