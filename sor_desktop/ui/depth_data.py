"""Numbers behind the depth views, as NumPy arrays: cumulative step curves per venue and merged,
fee-adjusted prices, average fill price against size. No widgets here, so it is quick to test."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.instrument import Instrument

Arr = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Side:
    prices: Arr  # best first
    cum: Arr  # cumulative amount (base, or USDT) at and better than each price


@dataclass(frozen=True, slots=True)
class VenueDepth:
    venue: str
    bids: Side
    asks: Side


def venue_depth(
    book: BookSnapshot, inst: Instrument, *, quote: bool, fee_adjusted: bool, max_levels: int = 400,
    band: tuple[float, float] | None = None,
) -> VenueDepth:
    """Cumulative depth of one book, in base (or quote) units, on raw or taker-effective prices.

    Fee-adjusted prices are what a taker really pays: ask*(1+fee) for a buy, bid*(1-fee) for a sell.
    ``band`` (lo, hi) in drawn prices keeps only the levels a chart of that range needs: bids down to
    the first one below lo, asks up to the first one above hi.
    """
    fee = float(inst.taker_fee) if fee_adjusted else 0.0
    size = float(inst.contract_size)
    out = []
    for levels, sign in ((book.bids, -1.0), (book.asks, 1.0)):
        lv = levels[:max_levels]
        px = lv[:, 0] * (1.0 + sign * fee)
        if band is not None and len(lv):
            # from the best out to the first level past the band's far edge (as drawn): the curve
            # still reaches the edge of the view, and its cumulative amounts still start at the best
            if sign < 0:
                n = int(np.searchsorted(-px, -band[0], side="right"))
            else:
                n = int(np.searchsorted(px, band[1], side="right"))
            lv, px = lv[: n + 1], px[: n + 1]
        amt = lv[:, 1] * size if inst.linear else lv[:, 1] * size / lv[:, 0]
        if quote:
            amt = amt * lv[:, 0]
        out.append(Side(px.astype(np.float64), np.cumsum(amt, dtype=np.float64)))
    return VenueDepth(book.venue, out[0], out[1])


def merged(depths: list[VenueDepth]) -> VenueDepth:
    """Depth of all venues together: every level of every venue, cumulated in price order."""
    sides = []
    for attr, descending in (("bids", True), ("asks", False)):
        px_parts, amt_parts = [], []
        for d in depths:
            s: Side = getattr(d, attr)
            if len(s.prices):
                px_parts.append(s.prices)
                amt_parts.append(np.diff(s.cum, prepend=0.0))
        if not px_parts:
            sides.append(Side(np.empty(0), np.empty(0)))
            continue
        px = np.concatenate(px_parts)
        amt = np.concatenate(amt_parts)
        order = np.argsort(-px if descending else px, kind="stable")
        sides.append(Side(px[order], np.cumsum(amt[order])))
    return VenueDepth("all venues", sides[0], sides[1])


def step_xy(side: Side) -> tuple[Arr, Arr]:
    """x, y for a step curve that starts at zero at the best price and steps at each level, with x
    ascending (pyqtgraph's clip-to-view bisects x: a bid curve drawn best-first would vanish)."""
    if not len(side.prices):
        return np.empty(0), np.empty(0)
    x = np.repeat(side.prices, 2)
    y = np.concatenate(([0.0], np.repeat(side.cum, 2)[:-1]))
    if len(x) > 1 and x[0] > x[-1]:
        return x[::-1].copy(), y[::-1].copy()
    return x, y


def cum_at(side: Side, price: float, *, bid: bool) -> float:
    """Cumulative amount available from the best price up to ``price`` (inclusive)."""
    if not len(side.prices):
        return 0.0
    if bid:
        n = int(np.searchsorted(-side.prices, -price, side="right"))
    else:
        n = int(np.searchsorted(side.prices, price, side="right"))
    return float(side.cum[n - 1]) if n else 0.0


def avg_price_curve(book: BookSnapshot, inst: Instrument, sizes_base: Arr, *, buy: bool) -> Arr:
    """Average taker fill price (fees included) for each base size on one venue; NaN beyond its depth."""
    levels = book.asks if buy else book.bids
    if not len(levels):
        return np.full(len(sizes_base), np.nan)
    size = float(inst.contract_size)
    amt = levels[:, 1] * size
    cum = np.cumsum(amt)
    notional = np.cumsum(amt * levels[:, 0])
    idx = np.searchsorted(cum, sizes_base, side="left")
    out = np.full(len(sizes_base), np.nan)
    ok = idx < len(cum)
    i = idx[ok]
    prev_cum = np.where(i > 0, cum[i - 1], 0.0)
    prev_not = np.where(i > 0, notional[i - 1], 0.0)
    total = prev_not + (sizes_base[ok] - prev_cum) * levels[i, 0]
    fee = float(inst.taker_fee)
    out[ok] = total / sizes_base[ok] * (1 + fee if buy else 1 - fee)
    return out


def best_prices(books: Mapping[str, BookSnapshot]) -> tuple[float | None, float | None]:
    bids = [b.best_bid for b in books.values() if b.best_bid is not None]
    asks = [b.best_ask for b in books.values() if b.best_ask is not None]
    return (max(bids) if bids else None, min(asks) if asks else None)
