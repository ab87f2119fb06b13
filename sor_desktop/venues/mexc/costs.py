"""MEXC contract risk tiers and mark price.

MEXC has no tier table endpoint: ``GET /api/v1/contract/detail?symbol=`` (public) describes the
tiers by ``riskBaseVol`` (the first tier's cap), ``riskIncrVol`` (each further tier's width),
``maintenanceMarginRate`` / ``initialMarginRate`` (the first tier's) raised by ``riskIncrMmr`` /
``riskIncrImr`` per tier, up to ``riskLevelLimit`` tiers (and ``maxVol``). The volumes are
**contracts** (``contractSize`` base each): ccxt 4.5.90's ``fetch_leverage_tiers`` reads them as
notionals and skips ``riskBaseVol``, so the tiers are built here, priced into USDT at the fair
(mark) price from ``GET /api/v1/contract/fair_price/{symbol}``. Max leverage of a tier is
1 / its initial margin rate. No maintenance amount is given (0).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sor_desktop.core.brackets import Bracket, BracketError, checked

BRACKETS_NEED_KEYS = False


async def funding_interval_hours(ex: Any, symbol: str, guard: Any) -> float | None:
    return None  # the funding answer's collectCycle (hours), as ccxt parses it


async def mark_price(ex: Any, symbol: str, guard: Any) -> float | None:
    raw = await guard(ex.contractPublicGetFairPriceSymbol({"symbol": ex.market(symbol)["id"]}))
    value: Any = ((raw or {}).get("data") or {}).get("fairPrice")
    try:
        mark = float(value)
    except (TypeError, ValueError):
        return None
    return mark if mark > 0 else None


async def brackets(ex: Any, symbol: str, guard: Any, mark: float | None = None) -> tuple[Bracket, ...] | None:
    market = ex.market(symbol)
    raw = await guard(ex.contractPublicGetDetail({"symbol": market["id"]}))
    data = (raw or {}).get("data")
    rows = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
    detail = next((r for r in rows if r.get("symbol") == market["id"]), None)
    if detail is None:
        return None
    if mark is None:  # fetch_terms passes the fair price it already read
        mark = await mark_price(ex, symbol, guard)
    if mark is None:
        raise BracketError("MEXC's tiers are counted in contracts and its fair price is not known")
    return tiers_from_detail(detail, mark)


def tiers_from_detail(detail: dict[str, Any], mark: float) -> tuple[Bracket, ...]:
    def num(key: str) -> Decimal:
        try:
            return Decimal(str(detail[key]))
        except (KeyError, ArithmeticError) as exc:
            raise BracketError(f"MEXC contract detail lacks a number {key!r}") from exc

    size, max_vol = num("contractSize"), num("maxVol")
    mmr, imr, base, incr = num("maintenanceMarginRate"), num("initialMarginRate"), num("riskBaseVol"), num("riskIncrVol")
    levels = max(1, int(num("riskLevelLimit")))
    per_contract = float(size) * mark
    out, floor_vol, cap_vol = [], Decimal(0), base
    for _ in range(levels):
        cap_vol = min(cap_vol, max_vol) if max_vol > 0 else cap_vol
        if imr <= 0 or cap_vol <= floor_vol:
            break
        out.append(Bracket(float(cap_vol) * per_contract, float(1 / imr), float(mmr), 0.0, float(floor_vol) * per_contract))
        floor_vol, cap_vol = cap_vol, cap_vol + incr
        mmr, imr = mmr + num("riskIncrMmr"), imr + num("riskIncrImr")
    if not out:
        raise BracketError("MEXC contract detail gives no tier")
    return checked(out)
