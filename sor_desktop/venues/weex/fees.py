"""The fee WEEX charged a contract order. Its order answers (place, query, open orders, history)
carry no fee field (venue-data fetchOrder/fetchOpenOrders swap entries; ccxt 4.5.90
``weex.parse_order`` sets ``fee`` None); its trades do: ``GET /capi/v3/userTrades`` (ccxt
``weex.fetch_my_trades``, params passed through) with ``commission``/``commissionAsset`` per trade
(venue-data fetchMyTrades swap entry). ``orderId`` narrows the list to the order (WEEX's
trade-details filters); the trades are matched on ``orderId`` here as well, so a venue that ignored
the filter gives no wrong sum. Loopback-proven and the trade shape recorded; not checked live."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sor_desktop.venues.trade_fees import trades_fee


async def order_fee(ex: Any, order: Mapping[str, Any], symbol: str, filled: Decimal) -> Decimal | None:
    order_id = order.get("id")
    if order_id in (None, ""):
        return None
    trades = await ex.fetch_my_trades(symbol, None, None, {"orderId": order_id})
    return trades_fee(trades, str(order_id), filled, ex.market(symbol)["settle"])
