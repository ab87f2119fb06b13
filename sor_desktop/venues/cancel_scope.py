"""Where a cancel-all without a symbol looks for our open orders: the venue's futures markets only.

ccxt's ``fetch_open_orders(None)`` / ``cancel_all_orders(None)`` go to the *spot* API on BingX
(``defaultType: spot``: ``/openApi/spot/v1/trade/openOrders``), WEEX (``api/v3/openOrders``) and
MEXC (``/api/v3/openOrders``), so a kill switch would cancel a trader's unrelated spot orders and
leave the perpetual ones open. So the open orders are listed with the market type passed
explicitly, once per group of the venue's swap markets ccxt needs told apart (Bybit: category
and settle coin, ccxt ``bybit.fetch_open_orders`` needs ``settleCoin`` without a symbol; BingX:
USDⓈ-M ``swap/v2`` or coin-M ``cswap``); then each symbol found is cancelled with
``cancel_all_orders(symbol)``, whose swap market routes to the futures endpoint.

Scope, stated: every open order on the venue's swap markets this app loaded (all of them, not
only the symbols traded in this session).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sor_desktop.core.instrument import Instrument


def open_order_scopes(venue_id: str, instruments: Iterable[Instrument]) -> list[dict[str, Any]]:
    """The ``params`` of each ``fetch_open_orders(None, ...)`` call that lists the venue's
    futures open orders (one call per entry)."""
    insts = list(instruments)
    kinds = sorted({"linear" if i.linear else "inverse" for i in insts}) or ["linear"]
    if venue_id == "bybit":
        groups = sorted({("linear" if i.linear else "inverse", i.settle) for i in insts}) or [("linear", "USDT")]
        return [{"type": "swap", "subType": sub, "settleCoin": settle} for sub, settle in groups]
    if venue_id in ("bingx", "binanceusdm"):
        return [{"type": "swap", "subType": sub} for sub in kinds]
    return [{"type": "swap"}]
