"""Access to ``../shared`` (recorded venue data, real books). Tests using it skip when it is absent.

Legacy recorded markets (binanceusdm, bingx) carry precision as decimal places and bingx a
contractSize of 0; they are converted here, where the test data is loaded, to the tick-size form
ccxt 4.5 builds from live data. Never inside ``Instrument``.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
VENUE_DATA = SHARED / "venue-data"
REAL_BOOKS = SHARED / "real-books"
FIVE_VENUES = ("binanceusdm", "bybit", "bingx", "mexc", "weex")
LEGACY_PRECISION = {"binanceusdm", "bingx"}


def require(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} not present (../shared is only beside the project in development and CI)")
    return path


def _tick(places: Any) -> Any:
    if places is None:
        return None
    return float(f"1e-{int(places)}") if int(places) > 0 else 1.0


def normalize_legacy_market(market: dict[str, Any]) -> dict[str, Any]:
    m = copy.deepcopy(market)
    prec = m.get("precision") or {}
    for key in ("amount", "price", "base", "quote"):
        if prec.get(key) is not None:
            prec[key] = _tick(prec[key])
    if not m.get("contractSize"):
        m["contractSize"] = 1
    return m


def load_markets(venue: str, *, extras: bool = False) -> dict[str, dict[str, Any]]:
    path = require(VENUE_DATA / "markets" / ("replay-extras" if extras else "") / f"{venue}.json")
    markets = json.loads(path.read_text())
    if venue in LEGACY_PRECISION:
        markets = {s: normalize_legacy_market(m) for s, m in markets.items()}
    return markets


def real_book_files() -> list[Path]:
    return sorted(p for p in require(REAL_BOOKS).glob("*.json"))


def load_real_book(name: str) -> dict[str, Any]:
    return json.loads(require(REAL_BOOKS / name).read_text())
