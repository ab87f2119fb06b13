"""BingX perpetual swap's cancel-all-after: the venue's own dead-man switch, account-wide.

``POST /openApi/swap/v2/trade/cancelAllAfter`` with ``type`` ACTIVATE (and ``timeOut`` in seconds,
10 to 120) or CLOSE: when the timer runs out every USDⓈ-M perpetual pending order is cancelled;
activating again pushes the trigger time back. Source: BingX swap API "Cancel All After",
https://bingx-api.github.io/docs-v3/#/en/Swap/Trades%20Endpoints/Cancel%20All%20After , and
ccxt 4.5.90 ``bingx.cancel_all_orders_after`` (swap, linear only; inverse is NotSupported there).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

MIN_S, MAX_S = 10, 120  # the range BingX accepts for timeOut


async def arm(ex: Any, market_ids: Sequence[str], seconds: float) -> None:
    """(Re)start the account's timer (``market_ids`` unused: it covers every perpetual);
    ``seconds`` 0 switches it off."""
    if seconds <= 0:
        await ex.swapV2PrivatePostTradeCancelAllAfter({"type": "CLOSE", "timeOut": 0})
        return
    timeout = max(MIN_S, min(MAX_S, int(seconds)))
    await ex.swapV2PrivatePostTradeCancelAllAfter({"type": "ACTIVATE", "timeOut": timeout})
