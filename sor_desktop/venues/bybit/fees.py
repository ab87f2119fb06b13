"""The fee Bybit charged a derivatives order: the order's ``cumExecFee`` ("Cumulative executed
trading fee"), in the settle coin (USDT, or the coin of an inverse contract). ccxt 4.5.90
``bybit.parse_order`` reads only ``cumFeeDetail`` (a newer field, absent from older answers and
from the loopback's) and leaves ``fee`` None without it, though ``cumExecFee`` is there (the
recorded venue-data fetchOpenOrder swap entry carries both). Loopback-proven."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sor_desktop.venues.ccxt_convert import dec


async def order_fee(ex: Any, order: Mapping[str, Any], symbol: str, filled: Decimal) -> Decimal | None:
    info = order.get("info")
    return dec(info.get("cumExecFee")) if isinstance(info, Mapping) else None
