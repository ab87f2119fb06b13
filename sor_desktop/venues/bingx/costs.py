"""BingX perpetual-swap maintenance tiers.

Signed ``GET /openApi/swap/v1/maintMarginRatio?symbol=`` (BingX "Position and Maintenance Margin
Ratio"; ccxt ``fetch_market_leverage_tiers``): per tier ``minPositionVal`` / ``maxPositionVal``
(USDT notional), ``maintMarginRatio`` and ``maintAmount`` (the maintenance amount, which ccxt
leaves in ``info``). The answer gives no leverage per tier: every tier gets the market's max
(ccxt ``limits.leverage.max``, else ``maxLongLeverage`` / ``maxShortLeverage``) and ``missing`` says so, so the liquidation
estimate is the venue's while a leg the venue would refuse for its tier's leverage is refused by
the venue, not by us. The interval comes with the funding answer (``fundingIntervalHours``).
"""

from __future__ import annotations

from typing import Any

from sor_desktop.core.brackets import Bracket, BracketError, checked

BRACKETS_NEED_KEYS = True
# what the terms say beside BingX's tiers (account_costs adds it to ``missing`` when tiers came)
BRACKET_NOTES = ("brackets: BingX gives no leverage per tier; the market's max is used for every tier",)


async def funding_interval_hours(ex: Any, symbol: str, guard: Any) -> float | None:
    return None  # only what the funding answer says (ccxt reads fundingIntervalHours)


async def brackets(ex: Any, symbol: str, guard: Any, mark: float | None = None) -> tuple[Bracket, ...] | None:
    tiers = await guard(ex.fetch_market_leverage_tiers(symbol)) or []
    if not tiers:
        return None
    market_max = _market_max_leverage(ex.market(symbol))
    out = []
    for t in tiers:
        info = t.get("info") or {}
        leverage = t.get("maxLeverage") or market_max
        if not leverage:
            raise BracketError("BingX gives no leverage per tier and the market lists no max leverage")
        out.append(Bracket.from_json({
            "floor": t.get("minNotional") or 0.0, "cap": t.get("maxNotional"),
            "mmr": t.get("maintenanceMarginRate"), "max_leverage": leverage,
            "maint_amount": info.get("maintAmount") or 0.0,
        }))
    return checked(out)


def _market_max_leverage(market: dict[str, Any]) -> float | None:
    """ccxt's ``limits.leverage.max``, else the contract's own ``maxLongLeverage`` /
    ``maxShortLeverage`` (ccxt 4.5.90 leaves the limit empty), the lower of the two."""
    listed = ((market.get("limits") or {}).get("leverage") or {}).get("max")
    if listed:
        return float(listed)
    info = market.get("info") or {}
    sides = []
    for key in ("maxLongLeverage", "maxShortLeverage"):
        try:
            sides.append(float(info[key]))
        except (KeyError, TypeError, ValueError):
            continue
    return min(sides) if sides and min(sides) > 0 else None
