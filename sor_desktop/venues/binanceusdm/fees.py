"""The fee Binance USDⓈ-M charged an order. Its order answers (``POST``/``GET /fapi/v1/order``)
carry no commission; the order's trades do: "Account Trade List" ``GET /fapi/v1/userTrades`` with
``symbol`` and ``orderId`` ("orderId can only be used in combination with symbol"), each trade's
``commission`` in ``commissionAsset``. ccxt 4.5.90 ``binance.fetch_my_trades`` passes ``orderId``
through and ``parse_trade`` reads ``commission``/``commissionAsset`` as the trade's fee (the
recorded venue-data fetchMyTrades swap entry replays to it). Loopback-proven; a fee paid in BNB
(the BNB discount) is not in the settle coin and is left to the estimate."""

from __future__ import annotations

from sor_desktop.venues.trade_fees import order_fee_from_trades as order_fee

__all__ = ["order_fee"]
