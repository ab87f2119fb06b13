"""Bybit v5 account rules: the position mode (see ``ccxt_account``).

Position mode is per symbol. ``GET /v5/position/list?category=&symbol=`` lists the symbol's
position slots, empty ones included: one with ``positionIdx`` 0 in one-way mode, two (1: the
long side, 2: the short side) in hedge mode (Bybit v5 "Get Position Info"; ccxt 4.5.90
``bybit.parse_position`` reads ``hedged`` the same way). Under the unified account (UTA 2.0)
only USDT perpetuals can be hedge-mode; USDC and inverse perpetuals are one-way only (Bybit v5
"Switch Position Mode"). A hedge-mode order carries ``positionIdx`` 1/2 (ccxt's ``hedged``
param, ``ccxt_orders.position_params``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sor_desktop.core.account import PositionMode


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
