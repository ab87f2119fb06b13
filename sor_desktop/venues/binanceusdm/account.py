"""Binance USDⓈ-M account rules: the position mode.

The mode is account-wide for USDⓈ-M futures: ``GET /fapi/v1/positionSide/dual`` answers
``{"dualSidePosition": true}`` in hedge mode, false in one-way mode (Binance "Get Current
Position Mode (USER_DATA)"; ccxt 4.5.90 ``binance.fetch_position_mode`` calls it and returns
``hedged``). In hedge mode an order must name ``positionSide`` LONG/SHORT and must not carry
``reduceOnly`` (Binance error -1106 "Parameter 'reduceOnly' sent when not required"); ccxt's
``hedged`` param does both (``ccxt_orders.position_params``).
"""

from __future__ import annotations

from typing import Any

from sor_desktop.core.account import PositionMode


async def read_position_mode(ex: Any, symbol: str) -> PositionMode | None:
    info = await ex.fetch_position_mode(symbol)
    hedged = info.get("hedged") if isinstance(info, dict) else None
    if hedged is None:
        return None
    return PositionMode.HEDGE if hedged else PositionMode.ONE_WAY

