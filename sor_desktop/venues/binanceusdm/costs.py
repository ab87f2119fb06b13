"""Binance USDⓈ-M funding interval and leverage brackets.

- Interval: ``GET /fapi/v1/fundingInfo`` lists the symbols whose interval (``fundingIntervalHours``)
  or caps were adjusted (Binance "Get Funding Rate Info"; ccxt ``fapiPublicGetFundingInfo``). A
  symbol not listed: the spacing of its last two settlements, ``GET /fapi/v1/fundingRate``
  (``fundingTime``; ccxt ``fapiPublicGetFundingRate``), so the interval is read, not assumed.
- Brackets: signed ``GET /fapi/v1/leverageBracket?symbol=`` (Binance "Notional and Leverage
  Brackets"; ccxt ``fapiPrivateGetLeverageBracket``): ``notionalFloor``/``notionalCap``,
  ``initialLeverage``, ``maintMarginRatio`` and ``cum`` (the maintenance amount). With a symbol
  the answer is one object, without it a list: both are read.
"""

from __future__ import annotations

from typing import Any

from sor_desktop.core.brackets import Bracket, checked

BRACKETS_NEED_KEYS = True
HOUR_MS = 3_600_000


async def funding_interval_hours(ex: Any, symbol: str, guard: Any) -> float | None:
    market_id = ex.market(symbol)["id"]
    listed = await guard(ex.fapiPublicGetFundingInfo())
    for row in listed or []:
        if row.get("symbol") == market_id and row.get("fundingIntervalHours") is not None:
            return float(row["fundingIntervalHours"])
    history = await guard(ex.fapiPublicGetFundingRate({"symbol": market_id, "limit": 2}))
    times = sorted(int(r["fundingTime"]) for r in history or [] if r.get("fundingTime") is not None)
    if len(times) < 2 or times[1] <= times[0]:
        return None
    return round((times[1] - times[0]) / HOUR_MS)  # settlement times jitter by milliseconds


async def brackets(ex: Any, symbol: str, guard: Any, mark: float | None = None) -> tuple[Bracket, ...] | None:
    market_id = ex.market(symbol)["id"]
    raw = await guard(ex.fapiPrivateGetLeverageBracket({"symbol": market_id}))
    rows = [raw] if isinstance(raw, dict) else list(raw or [])
    entry = next((r for r in rows if r.get("symbol") == market_id), None)
    if entry is None:
        return None
    return checked([Bracket.from_json({
        "floor": b.get("notionalFloor") or 0, "cap": b.get("notionalCap"), "max_leverage": b.get("initialLeverage"),
        "mmr": b.get("maintMarginRatio"), "maint_amount": b.get("cum") or 0,
    }) for b in entry.get("brackets") or []])


async def account_leverage(ex: Any, symbol: str, guard: Any) -> float | None:
    """The account's leverage on ``symbol``, position or not: ``GET /fapi/v1/symbolConfig`` for the
    one symbol (Binance "Symbol Configuration"; rows of ``symbol``, ``marginType``, ``leverage``)."""
    market_id = ex.market(symbol)["id"]
    rows = await guard(ex.fapiPrivateGetSymbolConfig({"symbol": market_id}))
    row = next((r for r in rows or [] if isinstance(r, dict) and r.get("symbol") == market_id), None)
    return float(row["leverage"]) if row is not None else None
