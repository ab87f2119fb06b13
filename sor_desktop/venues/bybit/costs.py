"""Bybit v5 funding interval and risk-limit tiers.

- Interval: the instrument's ``fundingInterval`` in minutes (``/v5/market/instruments-info``,
  which ccxt keeps in ``market['info']``; Bybit lists 60, 240 and 480).
- Tiers: public ``GET /v5/market/risk-limit?category=&symbol=`` (Bybit "Get Risk Limit"; ccxt
  ``publicGetV5MarketRiskLimit``), one symbol rather than ccxt ``fetch_leverage_tiers``, which
  pages through every symbol of the category. ``riskLimitValue`` is the tier's cap (the previous
  tier's is its floor), ``maintenanceMargin`` the rate, ``mmDeduction`` the maintenance amount,
  ``maxLeverage``. Bybit's own tiers are for the account's risk limit; these are the public table.
  An inverse market's ``riskLimitValue`` is in the coin: priced at the ticker's mark into USD,
  and its rates may be percents (``maintenance_rate``).
"""

from __future__ import annotations

from typing import Any

from sor_desktop.core.brackets import Bracket, checked

BRACKETS_NEED_KEYS = False


async def funding_interval_hours(ex: Any, symbol: str, guard: Any) -> float | None:
    info = ex.market(symbol).get("info") or {}
    minutes = info.get("fundingInterval")
    if minutes is None:
        return None
    try:
        value = float(minutes)
    except (TypeError, ValueError):
        return None
    return value / 60 if value > 0 else None


def maintenance_rate(row: dict[str, Any]) -> Any:
    """The tier's maintenance margin as a fraction. Bybit's inverse example gives percents
    (``maintenanceMargin`` "0.5", ``initialMargin`` "1" at ``maxLeverage`` "100": 1 % is 1/100),
    its linear ones fractions ("0.005" at 100x). A maintenance rate is always below the initial
    rate 1 / max leverage, so a value at or above it can only be a percent."""
    mm: Any = row.get("maintenanceMargin")
    try:
        value, leverage = float(mm), float(row.get("maxLeverage") or 0)
    except (TypeError, ValueError):
        return mm  # Bracket.from_json names the bad value
    return value / 100 if leverage > 0 and value >= 1 / leverage else value


async def brackets(ex: Any, symbol: str, guard: Any, mark: float | None = None) -> tuple[Bracket, ...] | None:
    market = ex.market(symbol)
    category = "linear" if market.get("linear") else "inverse"
    raw = await guard(ex.publicGetV5MarketRiskLimit({"category": category, "symbol": market["id"]}))
    rows = [r for r in ((raw or {}).get("result") or {}).get("list") or [] if r.get("symbol") == market["id"]]
    if not rows:
        return None
    rows.sort(key=lambda r: float(r.get("riskLimitValue") or 0))
    # an inverse market's risk limit is counted in the coin ("150" BTC for BTCUSD in Bybit's v5
    # Get Risk Limit example); the tiers are USD notionals everywhere else: priced at the mark
    per_unit = 1.0
    if category == "inverse":
        if mark is None:  # the funding answer's mark (the same v5 ticker) when the caller has it
            ticker = await guard(ex.fetch_ticker(symbol))
            mark = (ticker or {}).get("mark") or (ticker or {}).get("last")
        if not mark:
            return None  # a tier in BTC read as USD would cap every leg at a few hundred dollars
        per_unit = float(mark)
    out, floor = [], 0.0
    for r in rows:
        cap = float(r["riskLimitValue"]) * per_unit
        out.append(Bracket.from_json({"floor": floor, "cap": cap, "max_leverage": r.get("maxLeverage"),
                                      "mmr": maintenance_rate(r), "maint_amount": r.get("mmDeduction") or 0}))
        floor = cap
    return checked(out)
