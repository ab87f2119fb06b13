"""Instrument specs and fee rates of the simulated venues, as ccxt 4.5 unified market dicts.

The figures are the venues' real ones as ccxt reports them (tick-size precision; the recorded
ccxt fixtures for binanceusdm and bingx carried decimal places, converted here to ticks). Rows
marked ``recorded=False`` are not in the recorded fixtures (SOL on binanceusdm, bybit and weex);
they follow the venues' published contract specs and are kept apart so nobody mistakes them for
recorded data.

One inverse (coin-settled) row: Bybit ``BTC/USD:BTC`` (id BTCUSD), a contract is 1 USD, the
margin and PnL are BTC. Its figures are ccxt's recorded Bybit market
(``/work/shared/venue-data/markets/bybit.json``, ``"BTC/USD:BTC"``: tick 0.1, step 1, min 1, max
25,000,000 contracts, leverage up to 100, taker 0.0006, maker 0.0001). ``SYMBOLS`` (the window's
list) stays the linear symbols; ``symbols_of`` lists the inverse row too, so the venue offers it.

``contractSize`` is what ccxt advertises. WEEX counts book and order quantities in coins even
though it advertises 0.0001 BTC: ``venues.quirks`` overrides the unit when an ``Instrument`` is
built, exactly as for the live venue. MEXC really counts in contracts (0.0001 BTC, 0.01 ETH, 0.1 SOL).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SYMBOLS: tuple[str, ...] = (
    "BTC/USDT:USDT",
    "ETH/USDT:USDT",
    "SOL/USDT:USDT",
    "XRP/USDT:USDT",
    "DOGE/USDT:USDT",
)


@dataclass(frozen=True, slots=True)
class Spec:
    venue: str
    symbol: str
    venue_symbol: str
    contract_size: str
    tick: str
    step: str
    min_amount: str | None
    max_amount: str | None
    min_cost: str | None
    max_leverage: int | None
    taker: str
    maker: str
    recorded: bool = True
    inverse: bool = False  # coin-settled: a contract is ``contract_size`` quote (USD), margined in the base


def _rows() -> list[Spec]:
    s = Spec
    return [
        # binanceusdm: BTCUSDT style ids, min notional 5 USDT
        s("binanceusdm", "BTC/USDT:USDT", "BTCUSDT", "1", "0.1", "0.001", "0.001", "1000", "5", None, "0.0004", "0.0002"),
        s("binanceusdm", "ETH/USDT:USDT", "ETHUSDT", "1", "0.01", "0.001", "0.001", "10000", "5", None, "0.0004", "0.0002"),
        s("binanceusdm", "SOL/USDT:USDT", "SOLUSDT", "1", "0.01", "1", "1", "1000000", "5", None, "0.0004", "0.0002",
          recorded=False),
        s("binanceusdm", "XRP/USDT:USDT", "XRPUSDT", "1", "0.0001", "0.1", "0.1", "10000000", "5", None, "0.0004", "0.0002"),
        s("binanceusdm", "DOGE/USDT:USDT", "DOGEUSDT", "1", "0.00001", "1", "1", "50000000", "5", None, "0.0004", "0.0002"),
        # bybit linear: min order value 5 USDT (info.lotSizeFilter.minNotionalValue, venues/bybit/minimums.py)
        s("bybit", "BTC/USDT:USDT", "BTCUSDT", "1", "0.1", "0.001", "0.001", "1190", "5", 100, "0.0006", "0.0001"),
        s("bybit", "ETH/USDT:USDT", "ETHUSDT", "1", "0.01", "0.01", "0.01", "7240", "5", 100, "0.0006", "0.0001"),
        s("bybit", "SOL/USDT:USDT", "SOLUSDT", "1", "0.01", "0.1", "0.1", "79770", "5", 100, "0.0006", "0.0001",
          recorded=False),
        s("bybit", "XRP/USDT:USDT", "XRPUSDT", "1", "0.0001", "1", "1", "10965300", "5", 75, "0.0006", "0.0001"),
        s("bybit", "DOGE/USDT:USDT", "DOGEUSDT", "1", "0.00001", "1", "1", "43678900", "5", 75, "0.0006", "0.0001"),
        # bybit inverse: 1 USD contracts settled in BTC (recorded market "BTC/USD:BTC"); its minimum is
        # 1 contract, no USDT order value (minNotionalValue is empty there)
        s("bybit", "BTC/USD:BTC", "BTCUSD", "1", "0.1", "1", "1", "25000000", None, 100, "0.0006", "0.0001",
          inverse=True),
        # bingx: the recorded markets' limits are empty; the min order value is info.tradeMinUSDT, 2 USDT
        # (venues/bingx/minimums.py)
        s("bingx", "BTC/USDT:USDT", "BTC-USDT", "1", "0.1", "0.0001", None, None, "2", 125, "0.0005", "0.0002"),
        s("bingx", "ETH/USDT:USDT", "ETH-USDT", "1", "0.01", "0.01", None, None, "2", 125, "0.0005", "0.0002"),
        s("bingx", "SOL/USDT:USDT", "SOL-USDT", "1", "0.001", "1", None, None, "2", 5, "0.0005", "0.0002"),
        s("bingx", "DOGE/USDT:USDT", "DOGE-USDT", "1", "0.00001", "1", None, None, "2", 5, "0.0005", "0.0002"),
        # weex: advertised contract sizes; quantities are coins (see venues.quirks)
        s("weex", "BTC/USDT:USDT", "BTCUSDT", "0.0001", "0.1", "0.0001", "0.0001", "1200", None, 400, "0.0008", "0.0002"),
        s("weex", "ETH/USDT:USDT", "ETHUSDT", "0.001", "0.01", "0.001", "0.001", "1000000", None, 400, "0.0008", "0.0002"),
        s("weex", "SOL/USDT:USDT", "SOLUSDT", "0.1", "0.01", "0.1", "0.1", "500000", None, 200, "0.0008", "0.0002",
          recorded=False),
        s("weex", "DOGE/USDT:USDT", "DOGEUSDT", "100", "0.00001", "100", "100", "200200000", None, 200, "0.0008", "0.0002"),
        # mexc: amounts in contracts of contractSize
        s("mexc", "BTC/USDT:USDT", "BTC_USDT", "0.0001", "0.1", "1", "1", "530000", None, 200, "0.0002", "0"),
        s("mexc", "ETH/USDT:USDT", "ETH_USDT", "0.01", "0.01", "1", "1", "82000", None, 200, "0.0002", "0"),
        s("mexc", "SOL/USDT:USDT", "SOL_USDT", "0.1", "0.001", "1", "1", "200000", None, 200, "0.0002", "0"),
        s("mexc", "XRP/USDT:USDT", "XRP_USDT", "1", "0.0001", "1", "1", "1050000", None, 200, "0.0002", "0"),
    ]


SPECS: dict[tuple[str, str], Spec] = {(r.venue, r.symbol): r for r in _rows()}
VENUES: tuple[str, ...] = ("binanceusdm", "bybit", "bingx", "weex", "mexc")


def symbols_of(venue: str) -> list[str]:
    return [sym for (v, sym) in SPECS if v == venue]


def _num(text: str | None) -> float | int | None:
    if text is None:
        return None
    value = float(text)
    return int(value) if value.is_integer() and "." not in text else value


def market_dict(venue: str, symbol: str) -> dict[str, Any]:
    """The ccxt unified market dict of a simulated instrument (what ``load_markets`` would give)."""
    try:
        spec = SPECS[(venue, symbol)]
    except KeyError:
        raise KeyError(f"the simulated market has no {symbol} on {venue}") from None
    base, rest = symbol.split("/")
    quote, settle = rest.split(":")
    return {
        "id": spec.venue_symbol,
        "symbol": symbol,
        "base": base,
        "quote": quote,
        "settle": settle,
        "baseId": base,
        "quoteId": quote,
        "settleId": settle,
        "type": "swap",
        "spot": False,
        "margin": False,
        "swap": True,
        "future": False,
        "option": False,
        "active": True,
        "contract": True,
        "linear": not spec.inverse,
        "inverse": spec.inverse,
        "subType": "inverse" if spec.inverse else "linear",
        "taker": _num(spec.taker),
        "maker": _num(spec.maker),
        "contractSize": _num(spec.contract_size),
        "expiry": None,
        "precision": {"amount": _num(spec.step), "price": _num(spec.tick)},
        "limits": {
            "leverage": {"min": 1, "max": spec.max_leverage},
            "amount": {"min": _num(spec.min_amount), "max": _num(spec.max_amount)},
            "price": {"min": None, "max": None},
            "cost": {"min": _num(spec.min_cost), "max": None},
        },
        "percentage": True,
        "tierBased": False,
        "info": {"simulated": True, "recorded_spec": spec.recorded},
    }
