"""Order plumbing per venue that ccxt's unified methods do not cover alike: finding an order
by *our* client order id, and the create-order params.

ccxt's unified ``clientOrderId`` param is what each venue's ``create_order`` reads and puts on
the wire under the venue's own name (``quirks`` lists them, checked in the ccxt source). Lookups
by client id differ: Binance and Bybit take it in the unified call or one implicit endpoint,
BingX, WEEX and MEXC need their implicit endpoints (their unified ``fetch_order`` wants the
venue's order id for swaps).

"No such order" comes back as None on every venue: ccxt's ``OrderNotFound``, or the venue's own
not-found code from its ``<venue>/errors.py`` table (WEEX -3200 arrives as ccxt's InvalidOrder,
BingX 80016/109421, MEXC 2040, Binance -2013, Bybit 110001). Whether "not found" proves "not
placed" is ``engine.reconcile``'s call (only after the venue's acceptance window).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import ccxt

from sor_desktop.core.account import PositionMode
from sor_desktop.core.orders import OrderRequest, OrderType, TimeInForce
from sor_desktop.venues.ccxt_errors import is_not_found
from sor_desktop.venues.errors import VenueError
from sor_desktop.venues.mexc import account as mexc_account

RawOrder = Mapping[str, Any] | None
Lookup = Callable[[Any, str, str], Awaitable[RawOrder]]


def create_params(request: OrderRequest) -> dict[str, Any]:
    params: dict[str, Any] = {"clientOrderId": request.client_order_id}
    if request.order_type is OrderType.LIMIT:
        params["timeInForce"] = "IOC" if request.time_in_force is TimeInForce.IOC else "GTC"
    if request.reduce_only:
        params["reduceOnly"] = True
    return params


def order_type_and_params(venue_id: str, request: OrderRequest,
                          mode: PositionMode | None = None) -> tuple[Any, dict[str, Any]]:
    """The ``type`` and ``params`` for ccxt's ``create_order``; ``mode``: the account's position
    mode, for a venue whose order shape depends on it beyond ``position_params`` (which the venue
    merges over these: ``ccxt_account``). MEXC: its side codes and position mode come from
    ``mexc.account``.

    MEXC futures take IOC as order type 3; ccxt's ``mexc.create_swap_order`` maps only
    ``limit`` (1) and ``market`` (6) and would pass ``timeInForce`` through, unread, leaving a
    resting limit order."""
    if venue_id == "mexc":
        params = mexc_account.order_params(request, mode)
        if request.order_type is OrderType.LIMIT and request.time_in_force is TimeInForce.IOC:
            return 3, params
        return request.order_type.value, params
    params = create_params(request)
    return request.order_type.value, params


async def cancel_by_client_id(ex: Any, venue_id: str, client_id: str, symbol: str) -> Mapping[str, Any]:
    """Cancel our order; returns ccxt's order dict (may be sparse).

    ccxt's bybit ``cancel_order_request`` passes params through untouched, so Bybit needs its
    wire name ``orderLinkId``; binance, bingx and weex read the unified ``clientOrderId``; ccxt's
    mexc swap cancel takes only venue order ids, so MEXC goes to ``order/cancel_with_external``."""
    if venue_id == "mexc":
        market = ex.market(symbol)
        await ex.contractPrivatePostOrderCancelWithExternal({"symbol": market["id"], "externalOid": client_id})
        return {"clientOrderId": client_id, "symbol": symbol}
    params = {"orderLinkId": client_id} if venue_id == "bybit" else {"clientOrderId": client_id}
    order: Mapping[str, Any] = await ex.cancel_order(None, symbol, params)
    return order


def _first(value: Any) -> Mapping[str, Any] | None:
    if isinstance(value, list):
        return value[0] if value and isinstance(value[0], Mapping) else None
    return value if isinstance(value, Mapping) and value else None


async def _binance(ex: Any, client_id: str, symbol: str) -> RawOrder:
    order: Mapping[str, Any] = await ex.fetch_order(None, symbol, {"origClientOrderId": client_id})
    return order


async def _bybit(ex: Any, client_id: str, symbol: str) -> RawOrder:
    market = ex.market(symbol)
    request = {"category": "linear" if market["linear"] else "inverse", "symbol": market["id"],
               "orderLinkId": client_id}
    # realtime answers open orders, and with openOnly=1 the recent 500 closed ones (Bybit "Get
    # Open & Closed Orders"; 2 for a UTA 1.0 or classic account's inverse); the history, last,
    # may lag behind a finished IOC
    closed = {**request, "openOnly": 1 if market["linear"] else 2}
    asks = [(ex.privateGetV5OrderRealtime, request), (ex.privateGetV5OrderRealtime, closed)]
    if not market["linear"]:
        asks.append((ex.privateGetV5OrderRealtime, {**request, "openOnly": 1}))  # a UTA 2.0 inverse
    asks.append((ex.privateGetV5OrderHistory, request))
    for call, params in asks:
        response = await call(dict(params))
        raw = _first((response.get("result") or {}).get("list"))
        if raw is not None:
            return ex.parse_order(raw, market)  # type: ignore[no-any-return]
    return None


async def _bingx(ex: Any, client_id: str, symbol: str) -> RawOrder:
    market = ex.market(symbol)
    response = await ex.swapV2PrivateGetTradeOrder({"symbol": market["id"], "clientOrderId": client_id})
    data = response.get("data") or {}
    raw = _first(data.get("order", data) if isinstance(data, Mapping) else data)
    return ex.parse_order(raw, market) if raw is not None else None


# WEEX "Get Order History" (GET /capi/v3/order/history, the last 90 days): ``limit`` 1-1000,
# ``page`` from 0 (weex-labs/weex-agent-skills contract-api-definitions; JKorf/Weex.Net sends both).
WEEX_HISTORY_PAGE = 1000
# pages read before giving up: 10,000 finished orders on one symbol in 90 days. Past that the
# lookup cannot tell, which keeps the leg unknown (trading waits): never "not found".
WEEX_HISTORY_PAGES = 10


def _with_client_id(rows: Any, client_id: str) -> tuple[Mapping[str, Any] | None, int]:
    """Our order among ``rows`` (a list, or one order as the single query answers), and how many rows."""
    rows = [rows] if isinstance(rows, Mapping) else rows
    rows = rows if isinstance(rows, list) else []
    found = next((r for r in rows if isinstance(r, Mapping) and str(r.get("clientOrderId")) == client_id), None)
    return found, len(rows)


async def _weex(ex: Any, client_id: str, symbol: str) -> RawOrder:
    """WEEX's contract single-order query takes the venue's ``orderId`` only (client ids are
    documented for spot: see quirks), so look for our id among the symbol's open orders, then
    page through its order history (finished IOC orders), both of which carry ``clientOrderId``.
    The history is read to its end (a short page), else the answer is "cannot tell"."""
    market = ex.market(symbol)
    raw, _ = _with_client_id(await ex.contractPrivateGetCapiV3OpenOrders({"symbol": market["id"]}), client_id)
    for page in range(WEEX_HISTORY_PAGES):
        if raw is not None:
            return ex.parse_order(raw, market)  # type: ignore[no-any-return]
        rows = await ex.contractPrivateGetCapiV3OrderHistory(
            {"symbol": market["id"], "limit": WEEX_HISTORY_PAGE, "page": page})
        raw, count = _with_client_id(rows, client_id)
        if raw is None and count < WEEX_HISTORY_PAGE:
            return None  # the whole history was read
    if raw is not None:
        return ex.parse_order(raw, market)  # type: ignore[no-any-return]
    raise VenueError("weex", f"cannot tell whether order {client_id} exists: {market['id']} has more than "
                             f"{WEEX_HISTORY_PAGES * WEEX_HISTORY_PAGE} orders in its history and ours is not "
                             "among them; its outcome stays unknown, check it on WEEX")


async def _unified(ex: Any, client_id: str, symbol: str) -> RawOrder:
    order: Mapping[str, Any] = await ex.fetch_order(None, symbol, {"clientOrderId": client_id})
    return order


LOOKUPS: dict[str, Lookup] = {
    "binanceusdm": _binance,
    "bybit": _bybit,
    "bingx": _bingx,
    "weex": _weex,
    "mexc": mexc_account.find_by_client_id,
}


async def find_by_client_id(ex: Any, venue_id: str, client_id: str, symbol: str) -> RawOrder:
    """The venue's order with our id as a ccxt order dict, or None when it has none."""
    try:
        return await LOOKUPS.get(venue_id, _unified)(ex, client_id, symbol)
    except ccxt.ExchangeError as exc:
        if is_not_found(exc, venue_id):
            return None
        raise


def position_params(mode: PositionMode | None, request: OrderRequest) -> dict[str, Any]:
    """The position fields of an order for the account's position mode (merged into
    ``create_params``).

    One-way (or unknown): nothing more; a closing order carries ``reduceOnly``. Hedge: ccxt's
    unified ``hedged`` flag, with which binance and bybit set the position side from side and
    ``reduceOnly`` (ccxt 4.5.90 ``binance.create_order_request``: ``positionSide`` LONG/SHORT,
    ``reduceOnly`` dropped, as Binance refuses it in hedge mode; ``bybit.create_order_request``:
    ``positionIdx`` 1/2). A close of a long is then a sell on the LONG side: it cannot open a
    short. Venues whose ccxt class reads something else override this in their ``account.py``.
    """
    if mode is PositionMode.HEDGE:
        return {"hedged": True}
    return {}
