"""Cumulative depth and the cost of walking one side of a book, in base units.

Shared by the router (which works in whole lots on top of these curves), the price-impact view
and the depth chart. Book levels hold amounts in the venue's contracts (see ``Instrument``); here
they become base units so venues with different contract sizes line up. Inverse contracts count
``contract_size`` quote units, so a level's base amount is ``contracts * size / price``.

A buy walks the asks (best = lowest first), a sell walks the bids (best = highest first).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sor_desktop.core.book import Levels
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.orders import Side

Floats = npt.NDArray[np.float64]


def level_base(levels: Levels, instrument: Instrument) -> Floats:
    """Base amount of each level."""
    size = float(instrument.contract_size)
    if instrument.linear:
        return levels[:, 1] * size
    return levels[:, 1] * size / levels[:, 0]


def fee_factor(instrument: Instrument, side: Side) -> float:
    """What one unit of notional costs all-in (buy) or brings after fees (sell)."""
    fee = float(instrument.taker_fee)
    return 1.0 + fee if side is Side.BUY else 1.0 - fee


@dataclass(frozen=True, slots=True)
class Depth:
    """Cumulative base and notional at the end of each level (arrays of the same length)."""

    prices: Floats
    base: Floats  # cumulative base amount
    notional: Floats  # cumulative price * base

    @property
    def total_base(self) -> float:
        return float(self.base[-1]) if len(self.base) else 0.0


def cumulative_depth(levels: Levels, instrument: Instrument) -> Depth:
    base = level_base(levels, instrument)
    return Depth(levels[:, 0].copy(), np.cumsum(base), np.cumsum(base * levels[:, 0]))


@dataclass(frozen=True, slots=True)
class FillCost:
    base: float  # what the book can give, at most the amount asked
    notional: float
    avg_price: float  # nan when nothing fills
    worst_price: float  # nan when nothing fills
    fee: float
    cost: float  # all-in: notional + fee (buy), notional - fee (sell proceeds)

    @property
    def complete(self) -> bool:
        return not np.isnan(self.avg_price)


def fill_cost(levels: Levels, instrument: Instrument, side: Side, base_amount: float) -> FillCost:
    """Walk ``levels`` (the side a ``side`` order takes from) for ``base_amount`` base units.

    Continuous in the amount: lot sizes and minimums are the router's business, not the chart's.
    """
    depth = cumulative_depth(levels, instrument)
    base, notional, worst = _walk(depth, np.asarray([base_amount], dtype=np.float64))
    fee = float(notional[0]) * float(instrument.taker_fee)
    n = float(notional[0])
    b = float(base[0])
    return FillCost(
        base=b,
        notional=n,
        avg_price=n / b if b > 0 else float("nan"),
        worst_price=float(worst[0]) if b > 0 else float("nan"),
        fee=fee,
        cost=n + fee if side is Side.BUY else n - fee,
    )


def fill_curve(
    levels: Levels, instrument: Instrument, side: Side, base_amounts: npt.ArrayLike
) -> tuple[Floats, Floats, Floats]:
    """Vectorised walk: (filled base, average price, all-in cost) for each requested amount.

    Average price is nan where nothing fills; amounts beyond the book fill only the book.
    """
    amounts = np.asarray(base_amounts, dtype=np.float64)
    depth = cumulative_depth(levels, instrument)
    base, notional, _ = _walk(depth, amounts)
    with np.errstate(invalid="ignore", divide="ignore"):
        avg = np.where(base > 0, notional / np.where(base > 0, base, 1.0), np.nan)
    return base, avg, notional * fee_factor(instrument, side)


def price_impact_bps(levels: Levels, instrument: Instrument, side: Side, base_amounts: npt.ArrayLike) -> Floats:
    """Average fill price against the best price, in bps, positive = worse for the trader."""
    _, avg, _ = fill_curve(levels, instrument, side, base_amounts)
    if not len(levels):
        return np.full(np.shape(base_amounts), np.nan)
    best = float(levels[0, 0])
    sign = 1.0 if side is Side.BUY else -1.0
    return sign * (avg - best) / best * 1e4


def _walk(depth: Depth, amounts: Floats) -> tuple[Floats, Floats, Floats]:
    if not len(depth.base):
        zeros = np.zeros_like(amounts)
        return zeros, zeros, np.full_like(amounts, np.nan)
    take = np.clip(amounts, 0.0, depth.total_base)
    # the level in which each amount ends: first level whose cumulative base reaches it
    j = np.minimum(np.searchsorted(depth.base, take, side="left"), len(depth.base) - 1)
    prev_base = np.where(j > 0, depth.base[j - 1], 0.0)
    prev_notional = np.where(j > 0, depth.notional[j - 1], 0.0)
    notional = prev_notional + (take - prev_base) * depth.prices[j]
    return take, notional, depth.prices[j]
