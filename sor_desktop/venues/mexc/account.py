"""MEXC futures orders and account: position mode, side codes, and reading orders back.

From MEXC's contract API documentation (mexcdevelop/apidocs ``contract_v1_en``, "Order" and
"Get position mode"):

- ``side`` is one code for direction and intent: 1 open long, 2 close short, 3 open short,
  4 close long. A buy is 1 or 2, a sell 3 or 4; a reduce-only order is a close (2 or 4).
- ``positionMode`` 1 hedge, 2 one-way ("default: the user's current config");
  ``GET position/position_mode`` answers ``{"data": 1 | 2}``. ``reduceOnly`` is for one-way
  accounts only ("two-way positions will not accept this parameter").

ccxt 4.5.90's ``create_swap_order`` derives ``side`` from ``reduceOnly`` and its own ``hedged``
flag, and with ``hedged`` sends a reduce-only buy as 4 (close long): the wrong side. We send the
code and, when we know it, the account's mode ourselves (both override ccxt's request), so a mode
changed behind our back is refused by the venue (7002 "Position mode mis match") instead of
opening a position. Without ``reduceOnly`` in the params ccxt sends none, as it does itself for
one-way closes (its recorded request fixture: side 2/4, no reduceOnly).

Margin type: ccxt sends ``openType`` 2 (cross) unless told, and an isolated order needs its
``leverage`` ("leverage is necessary on isolated margin"). ``GET position/leverage?symbol=``
answers a row per position type (1 long, 2 short) with the account's ``openType`` and
``leverage``: each order carries that open type, and on isolated the leverage of the position it
opens or closes (``read_margin``, ``margin_params``).

Reading back: ccxt's ``parse_order`` maps side codes "1"/"2" to buy/sell (2 is a buy: close
short) and leaves 3/4 as they are, and never reads ``externalOid`` (our client id); state 5
("invalid") is left unmapped. ``parse_order`` here corrects all three.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sor_desktop.core.account import PositionMode
from sor_desktop.core.orders import OrderRequest, Side

OPEN_LONG, CLOSE_SHORT, OPEN_SHORT, CLOSE_LONG = 1, 2, 3, 4
BUY_CODES = (OPEN_LONG, CLOSE_SHORT)
MODES = {1: PositionMode.HEDGE, 2: PositionMode.ONE_WAY}
MODE_CODES = {mode: code for code, mode in MODES.items()}


async def read_margin(ex: Any, symbol: str) -> dict[str, Any] | None:
    """The account's margin on ``symbol``: ``{"openType": 1 | 2, "leverage": {1: long, 2: short}}``
    from ``position/leverage``; None when its rows do not say one open type."""
    response = await ex.contractPrivateGetPositionLeverage({"symbol": ex.market(symbol)["id"]})
    rows = [r for r in response.get("data") or [] if isinstance(r, Mapping)]
    types = {r.get("openType") for r in rows}
    if len(types) != 1 or not types <= {1, 2}:
        return None
    leverage = {int(r["positionType"]): int(r["leverage"]) for r in rows
                if r.get("positionType") in (1, 2) and isinstance(r.get("leverage"), int | float) and r["leverage"] > 0}
    return {"openType": types.pop(), "leverage": leverage}


def margin_params(margin: Mapping[str, Any] | None, request: OrderRequest) -> dict[str, Any]:
    """``openType`` (and on isolated, the leverage of the position the order opens or closes)."""
    if margin is None:
        return {}
    out: dict[str, Any] = {"openType": margin["openType"]}
    long_side = side_code(request.side, request.reduce_only) in (OPEN_LONG, CLOSE_LONG)
    lev = margin["leverage"].get(1 if long_side else 2)
    if margin["openType"] == 1 and lev:
        out["leverage"] = lev
    return out


def side_code(side: Side, reduce_only: bool) -> int:
    """The ``side`` MEXC takes: a reduce-only order closes the opposite position."""
    if side is Side.BUY:
        return CLOSE_SHORT if reduce_only else OPEN_LONG
    return CLOSE_LONG if reduce_only else OPEN_SHORT


def order_params(request: OrderRequest, mode: PositionMode | None) -> dict[str, Any]:
    """Params for ccxt's ``create_order`` (they override what ccxt builds): our client id,
    the side code, and the position mode when it is known."""
    params: dict[str, Any] = {"clientOrderId": request.client_order_id,
                              "side": side_code(request.side, request.reduce_only)}
    if mode is not None:
        params["positionMode"] = MODE_CODES[mode]
    return params


def position_mode(response: Mapping[str, Any]) -> PositionMode | None:
    """The mode in a ``position/position_mode`` answer, None when it says neither."""
    try:
        return MODES.get(int(response.get("data")))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


async def fetch_position_mode(ex: Any) -> PositionMode | None:
    """One account-wide mode (MEXC has no per-symbol setting)."""
    return position_mode(await ex.contractPrivateGetPositionPositionMode())


async def read_position_mode(ex: Any, symbol: str) -> PositionMode | None:
    """The account rule ``CcxtVenue`` calls (``ccxt_account``); one mode for every symbol."""
    return await fetch_position_mode(ex)


def parse_order(ex: Any, raw: Mapping[str, Any], market: Mapping[str, Any]) -> dict[str, Any]:
    """ccxt's order dict with the side, our client id and an invalid state put right."""
    order: dict[str, Any] = ex.parse_order(raw, market)
    code = raw.get("side")
    if code is not None and str(code) in {"1", "2", "3", "4"}:
        order["side"] = "buy" if int(code) in BUY_CODES else "sell"
    if raw.get("externalOid"):
        order["clientOrderId"] = str(raw["externalOid"])
    if str(raw.get("state")) == "5":  # invalid: the venue dropped it
        order["status"] = "rejected"
    return order


async def find_by_client_id(ex: Any, client_id: str, symbol: str) -> dict[str, Any] | None:
    """Our order by its ``externalOid`` (``GET order/external/{symbol}/{external_oid}``), None
    when the answer holds none (a "not found" code is ``ccxt_orders.find_by_client_id``'s, from
    ``mexc/errors.py``)."""
    market = ex.market(symbol)
    response = await ex.contractPrivateGetOrderExternalSymbolExternalOid(
        {"symbol": market["id"], "external_oid": client_id})
    data = response.get("data")
    raw = data[0] if isinstance(data, list) and data else data
    return parse_order(ex, raw, market) if isinstance(raw, Mapping) and raw else None
