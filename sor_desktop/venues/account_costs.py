"""Fetch one account's futures terms on a ccxt venue: fee rates, funding and brackets
(``core.venue_terms.VenueTerms``).

Each part is fetched on its own; a part that cannot be had leaves the others standing and is named
in ``VenueTerms.missing`` with the reason (and logged), never guessed:

- fee: ccxt ``fetch_trading_fee`` (Binance ``GET /fapi/v1/commissionRate``, Bybit
  ``GET /v5/account/fee-rate``, BingX's swap commission rate, WEEX ``/capi/v3/account/commissionRate``)
  with keys; without keys, or where ccxt has no such call for perpetuals (MEXC in ccxt 4.5.90: spot
  only), the market's default taker/maker, marked so.
- funding: ccxt ``fetch_funding_rate`` (rate, next time, mark). The interval comes from the
  answer when ccxt parses one, else from the venue's own source (``<venue>/costs.py``:
  Binance ``/fapi/v1/fundingInfo`` then the spacing of the last two settlements; Bybit the
  instrument's ``fundingInterval``). With no interval, no funding: an assumed 8 h is not used.
- brackets: the venue's own call (``<venue>/costs.py``: Binance, Bybit, BingX's
  ``/openApi/swap/v1/maintMarginRatio`` with its maintenance amount, MEXC's contract detail counted
  in contracts), else ccxt ``fetch_market_leverage_tiers`` / ``fetch_leverage_tiers``; WEEX: none.
- leverage: the account's own for the symbol, with keys, position or not: Binance's
  ``GET /fapi/v1/symbolConfig`` for the one symbol (ccxt's ``fetch_leverages`` would first load
  every symbol's brackets), else ccxt ``fetch_leverage`` (Bybit ``/v5/position/list``, BingX
  ``/openApi/swap/v2/trade/leverage``, MEXC ``/api/v1/private/position/leverage``, WEEX
  ``/capi/v3/account/symbolConfig``); the lower of long and short where they differ.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from sor_desktop.core.brackets import Bracket, BracketError, checked
from sor_desktop.core.funding import Funding, FundingError
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.venue_terms import FeeRates, VenueTerms
from sor_desktop.venues.binanceusdm import costs as binance_costs
from sor_desktop.venues.bingx import costs as bingx_costs
from sor_desktop.venues.bybit import costs as bybit_costs
from sor_desktop.venues.errors import VenueError
from sor_desktop.venues.mexc import costs as mexc_costs

log = logging.getLogger(__name__)

Guard = Callable[[Awaitable[Any]], Awaitable[Any]]  # awaits one ccxt call, errors mapped to VenueError

# where the account's fee comes from, per venue (what README lists)
FEE_SOURCES = {"binanceusdm": "GET /fapi/v1/commissionRate", "bybit": "GET /v5/account/fee-rate",
               "bingx": "GET /openApi/swap/v2/user/commissionRate", "weex": "GET /capi/v3/account/commissionRate"}
VENUE_PARTS: dict[str, Any] = {"binanceusdm": binance_costs, "bybit": bybit_costs, "bingx": bingx_costs,
                               "mexc": mexc_costs}
# venues whose account fee for perpetuals cannot be had through ccxt 4.5.90, and why
FEE_NOT_GIVEN = {"mexc": "ccxt's mexc.fetch_trading_fee reads the spot commission only (swap: NotSupported)"}


async def fetch_terms(ex: Any, venue_id: str, instrument: Instrument, *, has_keys: bool, guard: Guard) -> VenueTerms:
    symbol = instrument.symbol
    missing: list[str] = []
    fee = await _fee(ex, venue_id, instrument, has_keys, guard, missing)
    funding, mark = await _funding(ex, venue_id, symbol, guard, missing)
    part: Any = VENUE_PARTS.get(venue_id)
    if mark is None and hasattr(part, "mark_price"):  # MEXC's funding answer has no mark
        try:
            mark = await part.mark_price(ex, symbol, guard)
        except VenueError as exc:
            missing.append(f"mark price: {exc.message}")
    brackets = await _brackets(ex, venue_id, symbol, has_keys, guard, missing, mark)
    if brackets is not None:
        missing.extend(getattr(part, "BRACKET_NOTES", ()))
    leverage = await _leverage(ex, venue_id, symbol, has_keys, guard, missing)
    for what in missing:
        log.warning("%s %s: %s", venue_id, symbol, what)
    return VenueTerms(venue_id, symbol, fee, funding, brackets, mark, int(time.time() * 1000), tuple(missing),
                      leverage)


async def _leverage(ex: Any, venue_id: str, symbol: str, has_keys: bool, guard: Guard,
                    missing: list[str]) -> float | None:
    if not has_keys:
        return None  # no account to ask: the window's leverage setting stands for it
    part: Any = VENUE_PARTS.get(venue_id)
    try:
        if hasattr(part, "account_leverage"):
            got = await part.account_leverage(ex, symbol, guard)
        elif ex.has.get("fetchLeverage") is True:
            raw = await guard(ex.fetch_leverage(symbol))
            sides = [raw.get(k) for k in ("longLeverage", "shortLeverage")] if isinstance(raw, Mapping) else []
            got = min((float(x) for x in sides if isinstance(x, int | float) and x > 0), default=None)
        else:
            missing.append("leverage: the venue's API (through ccxt) gives no account leverage")
            return None
    except VenueError as exc:
        missing.append(f"leverage: {exc.message}")
        return None
    except (KeyError, TypeError, ValueError) as exc:
        missing.append(f"leverage: the venue's answer is not the documented shape ({exc!r})")
        return None
    if got is None or not 1 <= got <= 1000:
        missing.append(f"leverage: the answer has no usable leverage ({got!r})")
        return None
    return got


def _default_fee(instrument: Instrument, why: str) -> FeeRates:
    return FeeRates(float(instrument.taker_fee), float(instrument.maker_fee), False, why)


async def _fee(ex: Any, venue_id: str, instrument: Instrument, has_keys: bool, guard: Guard,
               missing: list[str]) -> FeeRates:
    if not has_keys:
        return _default_fee(instrument, "no keys: the market's default")
    if venue_id in FEE_NOT_GIVEN:
        missing.append(f"fee: {FEE_NOT_GIVEN[venue_id]}")
        return _default_fee(instrument, "the venue does not give the account's perpetual rate")
    if not ex.has.get("fetchTradingFee"):
        missing.append("fee: the venue's API (through ccxt) gives no account fee rate")
        return _default_fee(instrument, "the venue does not give the account's rate")
    try:
        raw = await guard(ex.fetch_trading_fee(instrument.symbol))
    except VenueError as exc:
        missing.append(f"fee: {exc.message}")
        return _default_fee(instrument, f"fetch failed: {exc.message}")
    taker, maker = _rate(raw, "taker"), _rate(raw, "maker")
    if taker is None:
        missing.append(f"fee: the answer has no taker rate ({raw!r:.120})")
        return _default_fee(instrument, "the venue's answer had no taker rate")
    own_maker = maker if maker is not None else float(instrument.maker_fee)
    return FeeRates(taker, own_maker, True, FEE_SOURCES.get(venue_id, "ccxt fetch_trading_fee"))


def _rate(raw: Any, key: str) -> float | None:
    value = raw.get(key) if isinstance(raw, Mapping) else None
    try:
        rate = float(value) if value is not None else None
    except (TypeError, ValueError):
        return None
    return rate if rate is not None and -0.01 < rate < 0.1 else None


def _interval_hours(text: Any) -> float | None:
    """ccxt's ``interval`` ('8h', '4h', '1h') in hours."""
    if isinstance(text, str) and text.endswith("h"):
        try:
            hours = float(text[:-1])
        except ValueError:
            return None
        return hours if hours > 0 else None
    return None


async def _funding(ex: Any, venue_id: str, symbol: str, guard: Guard, missing: list[str]
                   ) -> tuple[Funding | None, float | None]:
    if not ex.has.get("fetchFundingRate"):
        missing.append("funding: the venue's API (through ccxt) gives no funding rate")
        return None, None
    try:
        raw = await guard(ex.fetch_funding_rate(symbol))
    except VenueError as exc:
        missing.append(f"funding: {exc.message}")
        return None, None
    mark = raw.get("markPrice")
    mark_f = float(mark) if isinstance(mark, int | float) and mark > 0 else None
    # the predicted rate of the next settlement where the venue gives one beside the last (WEEX's
    # forecastFundingRate); elsewhere fundingRate is already the rate the next settlement uses
    rate = raw.get("nextFundingRate") if isinstance(raw.get("nextFundingRate"), int | float) else raw.get("fundingRate")
    if not isinstance(rate, int | float):
        missing.append("funding: the answer has no rate")
        return None, mark_f
    hours = _interval_hours(raw.get("interval"))
    part = VENUE_PARTS.get(venue_id)
    if hours is None and part is not None:
        try:
            hours = await part.funding_interval_hours(ex, symbol, guard)
        except VenueError as exc:
            missing.append(f"funding interval: {exc.message}")
            return None, mark_f
    if hours is None:
        missing.append("funding: the venue does not say its interval (not assumed)")
        return None, mark_f
    # ccxt puts the next settlement in nextFundingTimestamp for BingX and WEEX (whose
    # fundingTimestamp is the answer's own time) and in fundingTimestamp for the others
    nxt = raw.get("nextFundingTimestamp") or raw.get("fundingTimestamp")
    try:
        return Funding(float(rate), hours, int(nxt) if isinstance(nxt, int | float) and nxt > 0 else None), mark_f
    except FundingError as exc:
        missing.append(f"funding: {exc}")
        return None, mark_f


def brackets_from_tiers(tiers: Sequence[Mapping[str, Any]], maint_key: str | None) -> tuple[Bracket, ...]:
    """ccxt leverage tiers (``minNotional``, ``maxNotional``, ``maintenanceMarginRate``,
    ``maxLeverage``; the venue's maintenance amount from ``info[maint_key]``) as checked brackets."""
    out = []
    for t in tiers:
        info = t.get("info") or {}
        out.append(Bracket.from_json({
            "floor": t.get("minNotional") or 0.0, "cap": t.get("maxNotional"), "mmr": t.get("maintenanceMarginRate"),
            "max_leverage": t.get("maxLeverage"),
            "maint_amount": _number(info.get(maint_key)) if maint_key else 0.0,
        }))
    return checked(out)


def _number(value: Any) -> float:
    try:
        return float(value) if value not in (None, "") else 0.0
    except (TypeError, ValueError):
        return 0.0


async def _brackets(ex: Any, venue_id: str, symbol: str, has_keys: bool, guard: Guard,
                    missing: list[str], mark: float | None) -> tuple[Bracket, ...] | None:
    part = VENUE_PARTS.get(venue_id)
    try:
        if part is not None:
            if part.BRACKETS_NEED_KEYS and not has_keys:
                missing.append("brackets: the venue gives them to signed requests only (no keys)")
                return None
            return await part.brackets(ex, symbol, guard, mark)
        if ex.has.get("fetchMarketLeverageTiers") is True:  # one market (BingX); 'emulated' fetches all
            tiers = await guard(ex.fetch_market_leverage_tiers(symbol)) or []
        elif ex.has.get("fetchLeverageTiers"):
            tiers = (await guard(ex.fetch_leverage_tiers([symbol]))).get(symbol) or []
        else:
            missing.append("brackets: the venue's API (through ccxt) gives no leverage tiers")
            return None
        return brackets_from_tiers(tiers, None) if tiers else None
    except VenueError as exc:
        missing.append(f"brackets: {exc.message}")
    except BracketError as exc:
        missing.append(f"brackets: {exc}")
    except (KeyError, TypeError, ValueError) as exc:
        missing.append(f"brackets: the venue's answer is not the documented shape ({exc!r})")
    return None
