"""The fee WEEX charged a contract order. Its order answers (place, query, open orders, history)
carry no fee field (venue-data fetchOrder/fetchOpenOrders swap entries; ccxt 4.5.90
``weex.parse_order`` sets ``fee`` None); its trades do: ``GET /capi/v3/userTrades`` (ccxt
``weex.fetch_my_trades``, params passed through) with ``commission``/``commissionAsset`` per trade
(venue-data fetchMyTrades swap entry). ``orderId`` narrows the list to the order (WEEX's
trade-details filters); the trades are matched on ``orderId`` here as well, so a venue that ignored
the filter gives no wrong sum. Loopback-proven and the trade shape recorded; not checked live."""

from __future__ import annotations

from sor_desktop.venues.trade_fees import order_fee_from_trades as order_fee

__all__ = ["order_fee"]
