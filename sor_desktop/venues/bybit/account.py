"""Bybit v5 account rules: the position mode and the scopes of "every open order".

Position mode is per symbol. ``GET /v5/position/list?category=&symbol=`` lists the symbol's
position slots, empty ones included: one with ``positionIdx`` 0 in one-way mode, two (1: the
long side, 2: the short side) in hedge mode (Bybit v5 "Get Position Info"; ccxt 4.5.90
``bybit.parse_position`` reads ``hedged`` the same way). Under the unified account (UTA 2.0)
only USDT perpetuals can be hedge-mode; USDC and inverse perpetuals are one-way only (Bybit v5
"Switch Position Mode"). A hedge-mode order carries ``positionIdx`` 1/2 (ccxt's ``hedged``
param, ``ccxt_orders.position_params``).

Open orders: ccxt's ``fetch_open_orders(None)`` asks ``category=linear&settleCoin=USDT`` only
(``bybit.fetch_open_orders``: ``defaultSettle`` USDT, subType linear; with subType inverse it
still sends settleCoin USDT), so a cancel-all without a symbol would miss USDC-settled and
inverse (coin-margined) orders. One call per (category, settle coin) of the loaded swaps covers
them all.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sor_desktop.core.account import PositionMode
from sor_desktop.core.instrument import Instrument
from sor_desktop.venues.ccxt_account import AccountRules


async def read_position_mode(ex: Any, symbol: str) -> PositionMode | None:
    market = ex.market(symbol)
    response = await ex.privateGetV5PositionList({
        "category": "linear" if market["linear"] else "inverse", "symbol": market["id"]})
    rows = (response.get("result") or {}).get("list") or []
    indexes = {str(row.get("positionIdx")) for row in rows if isinstance(row, Mapping)}
    if indexes & {"1", "2"}:
        return PositionMode.HEDGE
    if "0" in indexes:
        return PositionMode.ONE_WAY
    return None


def open_order_scopes(instruments: Mapping[str, Instrument]) -> list[dict[str, Any]]:
    groups = sorted({("linear" if i.linear else "inverse", i.settle) for i in instruments.values()})
    return [{"subType": sub, "settleCoin": settle} for sub, settle in groups] or [{}]


RULES = AccountRules(read_position_mode=read_position_mode, open_order_scopes=open_order_scopes)
