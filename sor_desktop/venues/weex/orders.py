"""Finding a WEEX contract order by *our* client order id.

WEEX's V3 reference documents ``GET /capi/v3/order`` (Get Order Info) with ``orderId`` as its
only, required parameter (www.weex.com/api-doc/contract/Transaction_API/GetSingleOrderInfo;
Weex.Net's ``GetOrderAsync`` sends nothing else); ccxt documents its ``clientOrderId`` lookup
for spot only. An order lost to a timeout has no venue id we know, so it is looked up where the
client id is listed: the open orders (``GET /capi/v3/openOrders``), then the finished ones
(``GET /capi/v3/order/history``, pages of at most 1000, ``page`` from 0; the reference does not
say in which order, so up to ``HISTORY_PAGES`` pages are read), both filtered by symbol and
carrying ``clientOrderId``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

HISTORY_PAGE = 1000  # WEEX's maximum page size for order history
HISTORY_PAGES = 3  # how far back a lookup reads before it says "no such order"


def _match(rows: Any, client_id: str) -> Mapping[str, Any] | None:
    for row in rows if isinstance(rows, list) else []:
        if isinstance(row, Mapping) and row.get("clientOrderId") == client_id:
            return row
    return None


async def find_by_client_id(ex: Any, client_id: str, symbol: str) -> Mapping[str, Any] | None:
    """ccxt's order dict for our ``client_id`` on ``symbol``, or None when WEEX lists none."""
    market = ex.market(symbol)
    raw = _match(await ex.contractPrivateGetCapiV3OpenOrders({"symbol": market["id"]}), client_id)
    page = 0
    while raw is None and page < HISTORY_PAGES:
        rows = await ex.contractPrivateGetCapiV3OrderHistory(
            {"symbol": market["id"], "limit": HISTORY_PAGE, "page": page})
        raw = _match(rows, client_id)
        if not isinstance(rows, list) or len(rows) < HISTORY_PAGE:
            break
        page += 1
    if raw is None:
        return None
    order: Mapping[str, Any] = ex.parse_order(raw, market)
    return order
