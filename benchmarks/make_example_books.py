"""Write resources/example_books.json: five synthetic BTC/USDT perpetual books, one per venue.

The books are made up (seeded, reproducible); the market specs are the venues' real ones as
ccxt 4.5 reports them (tick, step, contract size, limits, taker/maker fees). WEEX books and orders
count coins, so its market here has contractSize 1; MEXC counts contracts of 0.0001 BTC.

    .venv/bin/python benchmarks/make_example_books.py [OUT]
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np

from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.instrument import Instrument

OUT = Path(__file__).resolve().parents[1] / "resources" / "example_books.json"
TIMESTAMP = 1_723_161_256_493


def _market(venue_id: str, step: float, size: float, taker: float, maker: float, *, min_amount: Any = None,
            max_amount: Any = None, min_cost: Any = None, native: str = "BTCUSDT") -> dict[str, Any]:
    return {
        "id": native, "symbol": "BTC/USDT:USDT", "base": "BTC", "quote": "USDT", "settle": "USDT",
        "type": "swap", "swap": True, "linear": True, "inverse": False, "contract": True,
        "contractSize": size, "precision": {"amount": step, "price": 0.1},
        "limits": {"amount": {"min": min_amount, "max": max_amount}, "cost": {"min": min_cost}},
        "taker": taker, "maker": maker,
    }


# venue: (market, price offset from the common mid in USDT, depth scale in BTC per level)
VENUES: dict[str, tuple[dict[str, Any], float, float]] = {
    "binanceusdm": (_market("binanceusdm", 0.001, 1, 0.0004, 0.0002, min_amount=0.001, max_amount=1000,
                            min_cost=5), 0.0, 1.2),
    "bybit": (_market("bybit", 0.001, 1, 0.0006, 0.0001, min_amount=0.001, max_amount=1190), 1.5, 0.9),
    "bingx": (_market("bingx", 0.0001, 1, 0.0005, 0.0002, native="BTC-USDT"), -2.0, 0.5),
    "weex": (_market("weex", 0.0001, 1, 0.0008, 0.0002, min_amount=0.0001, max_amount=1200), -4.0, 0.4),
    "mexc": (_market("mexc", 1, 0.0001, 0.0002, 0.0, min_amount=1, max_amount=530000, native="BTC_USDT"),
             3.0, 0.04),
}


def make_book(venue: str, market: dict[str, Any], offset: float, scale: float, rng: np.random.Generator,
              mid: float = 60_000.0, levels: int = 150) -> BookSnapshot:
    ins = Instrument.from_market(market, venue)
    tick = float(ins.price_tick)
    spread_ticks = int(rng.integers(1, 4))
    best_bid = round((mid + offset) / tick) * tick - tick * spread_ticks // 2
    best_ask = best_bid + tick * spread_ticks
    gaps = rng.integers(1, 16, size=(2, levels)).cumsum(axis=1) - 1
    # thin at the touch, fuller a few dollars away, noisy: roughly what BTC perp books look like
    shape = scale * (0.2 + np.log1p(np.arange(levels)) / 2)
    per_contract = float(ins.contract_size)
    sides = []
    for k, sign, best in ((0, -1, best_bid), (1, 1, best_ask)):
        prices = best + sign * gaps[k] * tick
        base = shape * rng.lognormal(0.0, 0.8, levels)
        contracts = [ins.round_amount_down(Decimal(repr(float(b / per_contract)))) for b in base]
        sides.append([[round(float(p), 1), float(c)] for p, c in zip(prices, contracts, strict=True) if c > 0])
    return BookSnapshot.from_lists(venue, "BTC/USDT:USDT", TIMESTAMP, sides[0], sides[1])


def main(out: Path = OUT) -> None:
    rng = np.random.default_rng(20240808)
    docs = [make_book(v, m, off, scale, rng).to_json(m) for v, (m, off, scale) in VENUES.items()]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(docs, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(docs)} books to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
