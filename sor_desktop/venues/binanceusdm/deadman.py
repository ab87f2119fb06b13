"""Binance USDⓈ-M's countdown cancel-all: the venue's own dead-man switch, per symbol.

``POST /fapi/v1/countdownCancelAll`` with ``symbol`` and ``countdownTime`` (ms): when the countdown
runs out, every open order of that symbol is cancelled; sending it again restarts the countdown;
``countdownTime=0`` switches it off. Source: Binance USDⓈ-M "Auto-Cancel All Open Orders (TRADE)",
https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Auto-Cancel-All-Open-Orders ;
ccxt 4.5.90 ``binance.py`` lists it as ``fapiPrivate`` POST ``countdownCancelAll``. The engine's
watchdog refreshes it while the app runs, so it fires only if the app itself dies or hangs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


async def arm(ex: Any, market_ids: Sequence[str], seconds: float) -> None:
    """(Re)start the countdown of each symbol; ``seconds`` 0 switches it off."""
    for market_id in market_ids:
        await ex.fapiPrivatePostCountdownCancelAll({"symbol": market_id, "countdownTime": int(seconds * 1000)})
