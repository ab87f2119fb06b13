"""One simulated venue's order book for one symbol.

The book is a ladder of levels kept as whole ticks away from the touch and sizes in whole amount
steps, so every price is on the tick and every amount on the step. Each update moves the touch
to the venue's own mid (fair price, delayed by its data latency, plus a wandering basis), redraws
some sizes (often near the touch, rarely deep down) and lets liquidity taken by our own fills come
back over a couple of seconds. See ``profiles`` for where the shape comes from.

Amounts are contracts. A linear contract is ``contract_size`` base, worth that times the price; an
inverse contract (Bybit ``BTC/USD:BTC``) is ``contract_size`` USD whatever the price. Level sizes
are drawn as USD notional from the venue's profile and turned into whole steps of the contract, so
an inverse book holds the same USD depth as the venue's linear book of that base: its depth in
contracts is the base depth x price / contract size.
"""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np

from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.orders import Side
from sor_desktop.venues.sim.profiles import VenueProfile

_REFILL_S = 1.5  # time constant for taken liquidity to come back
_BASIS_REVERT_S = 30.0
# The profiles' shape (gaps in ticks, sizes per level) was measured on Binance's BTC book, whose
# tick is 0.1 at about 60,000: 0.017 bps. A coarser tick (DOGE's 0.00001 at 0.15 is 0.67 bps, 40
# of those) holds on each tick the levels that book spreads over that width: their sizes are drawn
# and added up (at most this many draws, scaled past that), and the gaps shrink by as much. Drawn
# as one level each, DOGE's few levels per 5 bps were redrawn from a 100x-wide distribution every
# half second, and 60 % of the plans a trader confirmed were short of their book 1.5 s later.
_REFERENCE_TICK_BPS = 0.1 / 60_000 * 1e4
_MOST_DRAWS = 32


def _decimals(step: Decimal) -> int:
    return max(0, -int(step.normalize().as_tuple().exponent))


class BookModel:
    def __init__(self, instrument: Instrument, profile: VenueProfile, rng: np.random.Generator, *,
                 price: float, start_time: float) -> None:
        self.instrument = instrument
        self.profile = profile
        self._rng = rng
        self._tick = float(instrument.price_tick)
        self._tick_dp = _decimals(instrument.price_tick)
        self._step = float(instrument.amount_step)
        self._step_dp = _decimals(instrument.amount_step)
        # USD value of one step: a linear step is worth price x this, an inverse step exactly this
        self._size_per_step = float(instrument.contract_size) * self._step
        self._inverse = not instrument.linear
        self._t = start_time
        self._basis = 0.0  # bps, around profile.basis_bps
        n = profile.levels
        self._depth_factor = np.exp(-np.arange(n) / 10.0)  # 1 at the touch, ~0 from level 30 on
        coarse = self._tick / price * 1e4 / _REFERENCE_TICK_BPS if price > 0 else 1.0
        self._coarse = max(1.0, coarse)  # reference ticks per tick
        # the reference book's levels on each tick of this one, by depth (one at least: fewer is a gap)
        self._natural = np.maximum(1.0, self._coarse / (1.0 + self._mean_gap(n)))
        self._draws = int(min(math.ceil(float(self._natural.max())), _MOST_DRAWS))
        every = np.arange(n)
        self._offsets = {Side.BUY: self._draw_offsets(n), Side.SELL: self._draw_offsets(n)}
        self._sizes = {Side.BUY: self._draw_sizes(every, price), Side.SELL: self._draw_sizes(every, price)}
        self._taken: dict[Side, dict[int, float]] = {Side.BUY: {}, Side.SELL: {}}
        self._best_bid = 0
        self._best_ask = 0
        self._place(price)

    # -- drawing ---------------------------------------------------------------------------------
    def _mean_gap(self, n: int) -> np.ndarray:
        """The reference book's mean extra gap (its ticks) after each of the first ``n`` levels."""
        p = self.profile
        return p.deep_gap_ticks + (p.top_gap_ticks - p.deep_gap_ticks) * self._depth_factor[:n]

    def _draw_offsets(self, n: int) -> np.ndarray:
        """Ticks from the touch of the first ``n`` levels: 0, then gaps of one tick or more."""
        gaps = 1 + self._rng.poisson(self._mean_gap(n) / self._coarse)
        gaps[0] = 0
        return np.cumsum(gaps)

    def _draw_sizes(self, levels: np.ndarray, price: float) -> np.ndarray:
        """Sizes of the levels at depths ``levels``, in whole amount steps: heavy-tailed
        (log-normal, capped); on a coarse tick the sum of the reference levels it holds."""
        p = self.profile
        usd_per_step = self._size_per_step if self._inverse else price * self._size_per_step
        median_steps = p.median_level_usd * p.depth / usd_per_step
        z = self._rng.standard_normal((len(levels), self._draws)) * p.size_log_sd
        each = np.exp(np.minimum(z, math.log(p.size_cap)))
        sizes = median_steps * each.sum(axis=1) * (self._natural[levels] / self._draws)
        return np.maximum(1, np.floor(sizes)).astype(np.int64)

    # -- time ------------------------------------------------------------------------------------
    def advance(self, t: float, fair: float) -> None:
        """Evolve the book to wall time ``t`` given the venue-delayed fair price."""
        dt = t - self._t
        if dt <= 0:
            return
        self._t = t
        p = self.profile
        keep = math.exp(-dt / _BASIS_REVERT_S)
        self._basis = self._basis * keep + p.basis_noise_bps * math.sqrt(1 - keep * keep) * float(
            self._rng.standard_normal())
        life = p.deep_churn_s - (p.deep_churn_s - p.top_churn_s) * self._depth_factor
        redraw_p = 1.0 - np.exp(-dt / life)
        for side in (Side.BUY, Side.SELL):
            sizes = self._sizes[side]
            mask = self._rng.random(len(sizes)) < redraw_p
            k = int(mask.sum())
            if k:
                sizes[mask] = self._draw_sizes(np.flatnonzero(mask), fair)
            if self._rng.random() < 1.0 - math.exp(-dt / p.top_churn_s):
                # the touch reshuffles: gaps near the top change, deeper levels keep their spacing
                head = self._draw_offsets(10)
                self._offsets[side] = np.concatenate([head, head[-1] + np.cumsum(np.diff(self._offsets[side][9:]))])
            decay = math.exp(-dt / _REFILL_S)
            taken = self._taken[side]
            for tick in list(taken):
                left = taken[tick] * decay
                if left < 0.5:
                    del taken[tick]
                else:
                    taken[tick] = left
        self._place(fair)

    def _place(self, fair: float) -> None:
        """The touch around this venue's mid (fair price plus its basis), kept straddling the fair
        price as this venue sees it: arbitrage keeps a venue's bid from standing above the price
        others trade at (and its ask below it), so the venues' mids differ by their basis within
        their spreads, and the consolidated book is crossed only while one venue's view of the fair
        price lags a move (by its data latency)."""
        p = self.profile
        mid = fair * (1.0 + (p.basis_bps + self._basis) / 1e4)
        extra = p.spread_bps * mid / 1e4 / self._tick * (0.5 + self._rng.random())
        spread = 1 + int(extra)
        mid_ticks = mid / self._tick
        fair_ticks = fair / self._tick
        bid = int(math.floor(mid_ticks - spread / 2.0))
        bid = min(bid, int(math.floor(fair_ticks)))  # never bid above the fair price
        bid = max(bid, int(math.ceil(fair_ticks)) - spread)  # nor ask below it
        self._best_bid = bid
        self._best_ask = bid + spread

    # -- output ----------------------------------------------------------------------------------
    def _side_ticks(self, side: Side) -> np.ndarray:
        off = self._offsets[side]
        return self._best_bid - off if side is Side.BUY else self._best_ask + off

    def _side_levels(self, side: Side) -> np.ndarray:
        ticks = self._side_ticks(side)
        boost = np.where(ticks % 100 == 0, self.profile.round_boost,
                         np.where(ticks % 10 == 0, 1.0 + (self.profile.round_boost - 1.0) / 4.0, 1.0))
        steps = np.floor(self._sizes[side] * boost)
        taken = self._taken[side]
        if taken:
            order = ticks if side is Side.SELL else -ticks
            for tick, amount in taken.items():
                i = int(np.searchsorted(order, tick if side is Side.SELL else -tick))
                if i < len(ticks) and ticks[i] == tick:
                    steps[i] = max(0.0, steps[i] - math.ceil(amount))
        keep = steps > 0
        prices = np.round(ticks[keep] * self._tick, self._tick_dp)
        amounts = np.round(steps[keep] * self._step, self._step_dp)
        return np.column_stack((prices, amounts))

    def snapshot(self, *, timestamp_ms: int, received: float, sequence: int) -> BookSnapshot:
        inst = self.instrument
        return BookSnapshot(inst.venue, inst.symbol, timestamp_ms, self._side_levels(Side.BUY),
                            self._side_levels(Side.SELL), sequence, received)

    def take(self, book_side: Side, price: Decimal, contracts: Decimal) -> None:
        """Record liquidity our fill removed (``book_side`` BUY = bids) so the next books show it."""
        tick = int((price / self.instrument.price_tick).to_integral_value())
        steps = float(contracts / self.instrument.amount_step)
        self._taken[book_side][tick] = self._taken[book_side].get(tick, 0.0) + steps
