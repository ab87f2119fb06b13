"""What each venue's cancel-all answer confirms, order by order (read in the ccxt 4.5.90 source).

A trader who pressed "cancel all" is told how many orders the venue confirmed cancelled and which
it did not; counting the orders listed before the cancel told them an order was gone that the
venue had kept. Per venue, a cancel-all of one symbol answers:

- bybit (``/v5/order/cancel-all``): ``result.list``, the orders cancelled (ccxt parses them);
- bingx (``swap/v2/trade/allOpenOrders``): ``data.success``, the orders cancelled (ccxt parses
  those and drops ``data.failed``);
- weex (``DELETE /capi/v3/allOpenOrders``): one entry per order with ``success`` and the venue's
  ``errorCode``/``errorMessage``. ccxt's ``cancel_all_orders`` raises on the first failed entry
  (``parse_order`` -> ``handle_order_or_position_error``), hiding the orders that were cancelled,
  so the implicit endpoint is called and the entries read here;
- binanceusdm (``fapi/v1/allOpenOrders``: "The operation of cancel all open order is done.") and
  mexc (``order/cancel_all``: ``{"success": true}``) name no order: the symbol's open orders are
  listed again, and an order still open is not confirmed (``CancelAnswer.confirmed`` None).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

RELIST = frozenset({"binanceusdm", "mexc"})  # answers that name no order


@dataclass(frozen=True, slots=True)
class CancelAnswer:
    confirmed: frozenset[str] | None  # venue order ids confirmed cancelled; None: list the open orders again
    refused: Mapping[str, str] = field(default_factory=dict)  # venue order id -> the venue's words


async def cancel_symbol(ex: Any, venue_id: str, symbol: str) -> CancelAnswer:
    """Cancel every open order on ``symbol`` (a swap market) and say what the answer confirms."""
    if venue_id == "weex":
        entries = await ex.contractPrivateDeleteCapiV3AllOpenOrders({"symbol": ex.market(symbol)["id"]})
        return _weex(entries)
    orders = await ex.cancel_all_orders(symbol)
    if venue_id in RELIST:
        return CancelAnswer(None)
    return CancelAnswer(frozenset(str(o["id"]) for o in orders or [] if isinstance(o, Mapping) and o.get("id")))


def _weex(entries: Any) -> CancelAnswer:
    confirmed: set[str] = set()
    refused: dict[str, str] = {}
    for e in entries if isinstance(entries, list) else []:
        if not isinstance(e, Mapping) or e.get("orderId") is None:
            continue
        oid = str(e["orderId"])
        if e.get("success") is True or str(e.get("success")).lower() == "true":
            confirmed.add(oid)
        else:
            code = e.get("errorCode")
            refused[oid] = f"{e.get('errorMessage') or 'refused'}" + (f" (code {code})" if code else "")
    return CancelAnswer(frozenset(confirmed), refused)
