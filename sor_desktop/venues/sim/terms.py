"""The simulated accounts' futures terms: each venue's fee tier, a funding rate that moves on the
venue's own interval, and leverage brackets, so routing with real fees, funding and risk limits is
seen and tested without keys.

- Fees: the account's tier per venue (below the market's default where the venue has VIP tiers).
  The matching engine charges these (``account_instruments``), and ``fetch_terms`` reports them as
  the account's own, except on BingX, whose fee the live API does not give: there the default is
  charged and reported as the default, as a live account would see it.
- Funding: ``rate(t) = base + swing x sin(2 pi t / period + phase)``, a smooth wander over hours
  (fixed by the venue, so a run is reproducible), settled every ``interval_hours`` on the UTC grid:
  Binance, Bybit and WEEX 8 h, BingX 4 h, MEXC 1 h for the alt coins and 8 h for BTC/ETH.
- Brackets: Binance's published BTCUSDT shape scaled by the venue's depth (thinner venues cut
  leverage earlier), the same for every symbol scaled by its price class. An inverse market
  (Bybit ``BTC/USD:BTC``) has the same tiers in USD notional (its contracts x 1 USD: a bracket's
  cap is in quote units; Bybit itself states inverse risk limits in BTC), at most the 100x its
  recorded market allows. Its funding settles on Bybit's 8 h grid like the linear one, its rate
  wandering on its own (the phase follows the symbol).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from decimal import Decimal

from sor_desktop.core.brackets import Bracket, checked
from sor_desktop.core.funding import HOUR_MS, Funding
from sor_desktop.core.instrument import Instrument, linear_by_symbol
from sor_desktop.core.venue_terms import FeeRates, VenueTerms


@dataclass(frozen=True, slots=True)
class TermsProfile:
    taker: str | None  # the account's tier; None: the venue does not say (default charged)
    maker: str | None
    funding_base: float  # mean rate per settlement
    funding_swing: float
    funding_period_h: float
    phase: float
    interval_hours: float
    bracket_scale: float  # notional caps against Binance's


PROFILES: dict[str, TermsProfile] = {
    "binanceusdm": TermsProfile("0.00032", "0.00016", 0.00010, 0.00008, 31.0, 0.0, 8, 1.0),
    "bybit": TermsProfile("0.00045", "0.0001", 0.00006, 0.00012, 23.0, 1.3, 8, 0.8),
    "bingx": TermsProfile(None, None, 0.00012, 0.00020, 17.0, 2.1, 4, 0.3),
    "weex": TermsProfile("0.0004", "0.0002", -0.00002, 0.00015, 27.0, 3.7, 8, 0.2),
    "mexc": TermsProfile("0.0002", "0.0", 0.00004, 0.00010, 19.0, 4.4, 8, 0.5),
}
FAST_FUNDING = {("mexc", "SOL/USDT:USDT"), ("mexc", "XRP/USDT:USDT"), ("mexc", "DOGE/USDT:USDT")}

# Binance BTCUSDT's first tiers (notional cap, max leverage, mmr, maintenance amount)
_TIERS = ((50_000, 125, 0.004, 0.0), (500_000, 100, 0.005, 50.0), (8_000_000, 50, 0.01, 2_550.0),
          (50_000_000, 20, 0.025, 122_550.0), (80_000_000, 10, 0.05, 1_372_550.0))
INVERSE_MAX_LEVERAGE = 100  # Bybit BTC/USD:BTC, recorded market limits.leverage.max
_PRICE_CLASS = {"BTC": 1.0, "ETH": 0.5, "SOL": 0.1, "XRP": 0.05, "DOGE": 0.05}


def profile(venue: str) -> TermsProfile:
    return PROFILES.get(venue, TermsProfile(None, None, 0.0001, 0.0, 24.0, 0.0, 8, 0.2))


def interval_hours(venue: str, symbol: str) -> float:
    return 1.0 if (venue, symbol) in FAST_FUNDING else profile(venue).interval_hours


def funding_at(venue: str, symbol: str, t_ms: int) -> Funding:
    p = profile(venue)
    hours = t_ms / HOUR_MS
    shift = sum(map(ord, symbol)) % 7 / 7  # symbols of one venue do not move in lockstep
    rate = p.funding_base + p.funding_swing * math.sin(2 * math.pi * (hours / p.funding_period_h + shift) + p.phase)
    interval = interval_hours(venue, symbol) * HOUR_MS
    nxt = int((t_ms // interval + 1) * interval)
    return Funding(round(rate, 8), interval_hours(venue, symbol), nxt)


def brackets(venue: str, symbol: str) -> tuple[Bracket, ...]:
    scale = profile(venue).bracket_scale * _PRICE_CLASS.get(symbol.split("/")[0], 0.05)
    most = INVERSE_MAX_LEVERAGE if linear_by_symbol(symbol) is False else math.inf
    out, floor = [], 0.0
    for cap, lev, mmr, cum in _TIERS:
        out.append(Bracket(cap * scale, min(lev, most), mmr, cum * scale, floor))
        floor = cap * scale
    return checked(out)


def account_fee(venue: str, instrument: Instrument) -> FeeRates:
    p = profile(venue)
    if p.taker is None or p.maker is None:
        return FeeRates(float(instrument.taker_fee), float(instrument.maker_fee), False,
                        "the venue does not give the account's rate")
    return FeeRates(float(p.taker), float(p.maker), True, "simulated account tier")


def account_instruments(venue: str, instruments: dict[str, Instrument]) -> dict[str, Instrument]:
    """The instruments at the account's fee tier: what the simulated venue charges."""
    fee = profile(venue)
    if fee.taker is None or fee.maker is None:
        return dict(instruments)
    return {s: replace(i, taker_fee=Decimal(fee.taker), maker_fee=Decimal(fee.maker)) for s, i in instruments.items()}


def terms(venue: str, instrument: Instrument, t_ms: int, mark: float | None) -> VenueTerms:
    symbol = instrument.symbol
    return VenueTerms(venue, symbol, account_fee(venue, instrument), funding_at(venue, symbol, t_ms),
                      brackets(venue, symbol), mark, t_ms)
