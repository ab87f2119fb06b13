"""An order's fee from its trades (ccxt's unified trades), for venues whose order answers carry
none (Binance USDⓈ-M, WEEX: ``quirks``). The trades count only when they are the whole fill and
every fee is in the settle coin: a trade not listed yet, or a fee paid in another coin (Binance's
BNB discount), would make a partial or mixed sum look like the fee paid."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from sor_desktop.venues.ccxt_convert import dec


def trades_fee(trades: Iterable[Mapping[str, Any]], order_id: str, filled: Decimal, settle: str) -> Decimal | None:
    """The fee of order ``order_id``'s trades, when they add up to ``filled`` and every fee has a
    cost in ``settle``; else None (not known from them)."""
    amount = Decimal(0)
    total = Decimal(0)
    for trade in trades:
        if str(trade.get("order")) != order_id:
            continue
        got = dec(trade.get("amount"))
        if got is None:
            return None
        amount += got
        fees = trade.get("fees") or ([trade["fee"]] if trade.get("fee") else [])
        if not fees:
            return None
        for f in fees:
            cost = dec((f or {}).get("cost"))
            if cost is None or (cost != 0 and str((f or {}).get("currency")) != settle):
                return None
            total += cost
    return total if amount == filled and filled > 0 else None


async def order_fee_from_trades(ex: Any, order: Mapping[str, Any], symbol: str, filled: Decimal) -> Decimal | None:
    """The fee of ``order`` from its trades, asked by order id (ccxt ``fetch_my_trades`` with
    ``orderId``, which Binance USDⓈ-M and WEEX both take), or None."""
    order_id = order.get("id")
    if order_id in (None, ""):
        return None
    trades = await ex.fetch_my_trades(symbol, None, None, {"orderId": order_id})
    return trades_fee(trades, str(order_id), filled, ex.market(symbol)["settle"])
