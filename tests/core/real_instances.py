"""Multi-venue routing instances built from the real books in ../shared/real-books.

The books were recorded on different dates and assets, so each is rebased to a common mid:
every level keeps its offset from its own mid in bps and its notional (so the USD depth profile
is the recorded one), prices go on the venue's tick, and levels landing on the same tick merge.
"""

from __future__ import annotations

import random
from dataclasses import replace
from decimal import Decimal
from typing import Any

from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.plan import PlanRequest, VenueInput
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


# -- adversarial lot mixes (issue 11) ----------------------------------------------------------

DEEP_BOOKS = {  # the deep recorded books of each asset (1,000 levels a side)
    "BTC": ["binanceusdm_btc_20240808T235416493Z_rest.json", "binanceusdm_btc_20240808T235516469Z_recon.json",
            "binanceusdm_btc_20240808T235616467Z_recon.json", "binanceusdm_btc_20240808T235716447Z_recon.json",
            "binanceusdm_btc_20240808T235916464Z_recon.json"],
    "ETH": ["binanceusdm_eth_20240808T235416561Z_rest.json", "binanceusdm_eth_20240808T235516522Z_recon.json",
            "binanceusdm_eth_20240808T235616549Z_recon.json", "binanceusdm_eth_20240808T235716533Z_recon.json",
            "binanceusdm_eth_20240808T235816534Z_recon.json", "binanceusdm_eth_20240808T235916534Z_recon.json"],
}
MIDS = {"BTC": 60_000.0, "ETH": 2_600.0}


def _on_step(levels: list[list[float]], step: Decimal) -> list[list[float]]:
    """Level amounts floored to the venue's amount step, as a venue's own book has them."""
    out = []
    for p, q in levels:
        steps = int(Decimal(repr(q)) / step)
        if steps > 0:
            out.append([p, float(steps * step)])
    return out


def recorded_venue(venue_id: str, asset: str, book_file: str, *, cap_base: float | None = None,
                   max_levels: int | None = None) -> VenueInput:
    """A venue with its recorded market (lots, minimums, fees as recorded: WEEX's 0.0001 contract of
    0.0001 BTC is a 1e-8 BTC lot) and a real book rebased to the asset's common mid."""
    from sor_desktop.core.book import BookSnapshot
    from sor_desktop.core.instrument import Instrument
    from tests.shared_data import load_markets

    market = load_markets(venue_id)[f"{asset}/USDT:USDT"]
    ins = Instrument.from_market(market, venue_id)
    book = load_real_book(book_file)
    size, tick = float(ins.contract_size), float(ins.price_tick)
    asks = _on_step(rebased_levels(book, MIDS[asset], tick, "asks", size, max_levels), ins.amount_step)
    bids = _on_step(rebased_levels(book, MIDS[asset], tick, "bids", size, max_levels), ins.amount_step)
    snap = BookSnapshot.from_lists(venue_id, ins.symbol, 1_700_000_000_000, bids, asks)
    return VenueInput(snap, ins, cap_base=cap_base)


def recorded_instance(seed: int, venue_ids: list[str], asset: str = "BTC") -> list[VenueInput]:
    """The given venues with their recorded markets, each on a (seeded) deep real book."""
    rng = random.Random(seed)
    files = DEEP_BOOKS[asset]
    return [recorded_venue(v, asset, files[rng.randrange(len(files))]) for v in venue_ids]


# memecoin perpetuals: price around 1e-5 USDT, orders of 1e7 to 1e9 coins; (step, contract size)
MEME_LOTS = [("1", "1"), ("100", "1"), ("1", "1000"), ("1", "10"), ("1", "100"), ("10", "1"), ("1000", "1")]


def memecoin_instance(seed: int, n_venues: int = 5, max_levels: int | None = None
                      ) -> tuple[list[VenueInput], random.Random]:
    """Real books rebased to a memecoin price (1.2345e-5 USDT), lots counted in whole coins."""
    rng = random.Random(seed)
    files = DEEP_BOOKS["BTC"] + DEEP_BOOKS["ETH"]
    venues = []
    for i in range(n_venues):
        step, size = rng.choice(MEME_LOTS)
        book = load_real_book(files[rng.randrange(len(files))])
        tick, mid = 1e-9, 1.2345e-5
        # the recorded depth in USD is kept; at this price a level holds millions of coins
        asks = _on_step(rebased_levels(book, mid, tick, "asks", float(size), max_levels), Decimal(step))
        bids = _on_step(rebased_levels(book, mid, tick, "bids", float(size), max_levels), Decimal(step))
        spec: dict[str, Any] = {
            "step": step, "size": size, "tick": "0.000000001", "fee": rng.choice(FEES),
            "min_amount": rng.choice([None, step]), "min_notional": rng.choice([None, 5]),
        }
        venues.append(venue(f"meme{i}", asks, bids, **spec))
    return venues, rng


def inverse_sized_venue(book_file: str, asset: str = "BTC") -> VenueInput:
    """Bybit's recorded inverse BTC/USD contract (1 USD, step 1) as a linear lot: 1 USD of BTC at the
    common mid, 0.00001667 BTC, a lot that divides none of the others (gcd 1e-8 with 0.001)."""
    from sor_desktop.core.book import BookSnapshot
    from sor_desktop.core.instrument import Instrument
    from tests.shared_data import load_markets

    inverse = load_markets("bybit")["BTC/USD:BTC"]
    size = round(float(inverse["contractSize"]) / MIDS[asset], 8)
    market = {**inverse, "symbol": f"{asset}/USDT:USDT", "quote": "USDT", "settle": "USDT", "linear": True,
              "inverse": False, "contractSize": size}
    ins = Instrument.from_market(market, "bybit-inv")
    book = load_real_book(book_file)
    tick = float(ins.price_tick)
    asks = _on_step(rebased_levels(book, MIDS[asset], tick, "asks", size), ins.amount_step)
    bids = _on_step(rebased_levels(book, MIDS[asset], tick, "bids", size), ins.amount_step)
    return VenueInput(BookSnapshot.from_lists("bybit-inv", ins.symbol, 1_700_000_000_000, bids, asks), ins)


RECORDED = ["binanceusdm", "bybit", "bingx", "mexc", "weex"]


def recorded_mix(seed: int) -> tuple[list[VenueInput], random.Random, str]:
    """2 to 5 of the recorded venues (and sometimes the inverse-sized lot) on deep real books."""
    rng = random.Random(seed)
    asset = rng.choice(["BTC", "BTC", "ETH"])
    names = rng.sample(RECORDED, rng.randint(2, 5))
    files = DEEP_BOOKS[asset]
    venues = [recorded_venue(v, asset, files[rng.randrange(len(files))]) for v in names]
    if asset == "BTC" and rng.random() < 0.4:
        venues.append(inverse_sized_venue(files[rng.randrange(len(files))], asset))
    return venues, rng, asset


def ten_venues(seed: int) -> tuple[list[VenueInput], random.Random]:
    """Ten venues: the five recorded BTC markets twice over, each on its own deep book."""
    rng = random.Random(seed)
    files = DEEP_BOOKS["BTC"]
    venues = []
    for i in range(10):
        v = recorded_venue(RECORDED[i % 5], "BTC", files[rng.randrange(len(files))])
        ins = replace(v.instrument, venue=f"{RECORDED[i % 5]}#{i}")
        venues.append(replace(v, instrument=ins))
    return venues, rng


INVERSE_MARKET = {
    "symbol": "BTC/USD:BTC", "base": "BTC", "quote": "USD", "settle": "BTC", "linear": False, "inverse": True,
    "contractSize": 1, "precision": {"price": 0.5, "amount": 1}, "limits": {"amount": {"min": 1, "max": 1_000_000}},
    "taker": 0.00055,
}


def inverse_venue(asks: list[tuple[float, float]], bids: list[tuple[float, float]], *, fee: float = 0.00055,
                  market: dict[str, Any] | None = None, name: str = "bybit") -> VenueInput:
    """Levels given in base at each price, turned into whole 1 USD contracts."""
    m = {**(market or INVERSE_MARKET), "taker": fee}
    ins = Instrument.from_market(m, name)
    cs = float(ins.contract_size)

    def contracts(levels: list[tuple[float, float]]) -> list[tuple[float, float]]:
        return [(p, float(max(round(q * p / cs), 1))) for p, q in levels]

    book = BookSnapshot.from_lists(name, ins.symbol, 1_700_000_000_000, contracts(bids), contracts(asks))
    return VenueInput(book, ins)


def linear_inverse_mix(seed: int) -> tuple[list[VenueInput], PlanRequest]:
    """Binance and Bybit linear (recorded markets, 200 levels of real books) beside Bybit's
    recorded BTC/USD:BTC with a real book in whole 1 USD contracts, at a VIP 0.02 % fee so the mix
    is worth it at every size; a buy or sell of 0.5, 4 or 25 BTC."""
    from sor_desktop.core.orders import Side
    from tests.shared_data import load_markets

    rng = random.Random(seed)
    files = DEEP_BOOKS["BTC"]
    venues = [recorded_venue(v, "BTC", files[rng.randrange(len(files))], max_levels=200)
              for v in ("binanceusdm", "bybit")]
    book = load_real_book(files[rng.randrange(len(files))])
    market = load_markets("bybit")["BTC/USD:BTC"]
    tick = float(market["precision"]["price"])
    asks = [(p, q) for p, q in rebased_levels(book, MIDS["BTC"] + tick, tick, "asks", 1.0, 200)]
    bids = [(p, q) for p, q in rebased_levels(book, MIDS["BTC"] - tick, tick, "bids", 1.0, 200)]
    venues.append(inverse_venue(asks, bids, fee=0.0002, market=market))
    return venues, PlanRequest(rng.choice([Side.BUY, Side.SELL]), rng.choice([0.5, 4.0, 25.0]))
