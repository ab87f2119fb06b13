"""Multi-venue routing instances built from the real books in ../shared/real-books.

The books were recorded on different dates and assets, so each is rebased to a common mid:
every level keeps its offset from its own mid in bps and its notional (so the USD depth profile
is the recorded one), prices go on the venue's tick, and levels landing on the same tick merge.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from sor_desktop.core.plan import VenueInput
from tests.core.router_cases import venue
from tests.shared_data import load_real_book, real_book_files

# (amount step, contract size) as the five venues quote BTC, plus a few odd grids
LOT_SPECS = [("0.001", "1"), ("0.001", "1"), ("0.0001", "1"), ("0.0001", "1"), ("1", "0.0001"),
             ("0.002", "1"), ("5", "0.0001"), ("0.01", "1")]
FEES = ["0.0002", "0.0004", "0.0005", "0.0006", "0.0008", "0.001"]


def rebased_levels(book: dict[str, Any], mid: float, tick: float, side: str, size: float,
                   max_levels: int | None = None) -> list[list[float]]:
    raw = book[side][:max_levels] if max_levels else book[side]
    own_mid = (float(book["bids"][0][0]) + float(book["asks"][0][0])) / 2
    unit = float(book.get("contract_size") or 1.0) if book.get("qty_unit") == "contracts" else 1.0
    merged: dict[int, float] = {}
    for p, q in raw:
        p, base = float(p), float(q) * unit
        if base <= 0:
            continue
        price = mid * p / own_mid
        ticks = round(price / tick)
        # keep asks above and bids below the common mid
        ticks = max(ticks, round(mid / tick) + 1) if side == "asks" else min(ticks, round(mid / tick) - 1)
        new_price = ticks * tick
        merged[ticks] = merged.get(ticks, 0.0) + base * p / new_price / size
    keys = sorted(merged, reverse=side == "bids")
    return [[round(k * tick, 10), round(merged[k], 10)] for k in keys]


def real_instance(seed: int, *, n_venues: int | None = None, max_levels: int | None = None,
                  mid: float = 60_000.0) -> tuple[list[VenueInput], random.Random]:
    rng = random.Random(seed)
    files = real_book_files()
    k = n_venues or rng.randint(2, 5)
    chosen = [files[rng.randrange(len(files))] for _ in range(k)]
    venues = []
    for i, path in enumerate(chosen):
        step, size = rng.choice(LOT_SPECS)
        book = load_real_book(path.name)
        tick = 0.1
        spec: dict[str, Any] = {
            "step": step, "size": size, "tick": tick, "fee": rng.choice(FEES),
            "min_amount": rng.choice([None, step, str(Decimal(step) * 3)]),
            "min_notional": rng.choice([None, None, 5, 100, 2_000]),
            "max_amount": rng.choice([None, None, str(Decimal(step) * rng.randint(50, 20_000))]),
        }
        asks = rebased_levels(book, mid, tick, "asks", float(size), max_levels)
        bids = rebased_levels(book, mid, tick, "bids", float(size), max_levels)
        cap = rng.choice([None, None, round(rng.uniform(0.05, 5.0), 4)])
        venues.append(venue(f"{path.stem[:12]}#{i}", asks, bids, cap_base=cap, **spec))
    return venues, rng
