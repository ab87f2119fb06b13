"""How each simulated venue behaves: spread, depth, book size, update rate, latencies, basis.

The book shape parameters come from the real Binance USD-M BTC and ETH books of 2024-08-08 in
``../shared/real-books`` (1,000 levels a side): about 60-80 % of neighbouring levels are one tick
apart, gaps are wider near the touch (3-5 ticks in the first ten levels) than deeper (about 1.3-1.5),
level sizes are log-normal with a log standard deviation of 2.0-2.5 (median about 4,000 USDT of
notional, a few levels 100x that), and round prices hold several times the size of their neighbours.
The other venues are thinner and wider; their update rates and latencies are typical public figures.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class VenueProfile:
    levels: int = 300  # per side
    spread_bps: float = 0.0  # extra spread above one tick, in bps of the price
    depth: float = 1.0  # level size scale against Binance
    median_level_usd: float = 4_000.0
    size_log_sd: float = 2.1
    size_cap: float = 200.0  # largest level, as a multiple of the median
    top_gap_ticks: float = 3.0  # mean extra gap (ticks) at the touch, decaying with depth
    deep_gap_ticks: float = 0.4  # mean extra gap deep in the book
    round_boost: float = 3.0  # size multiple on round prices
    update_hz: float = 10.0  # book updates per second
    data_latency_ms: float = 30.0  # exchange event to our receipt
    order_latency_ms: float = 40.0  # one way, for order requests and their answers
    basis_bps: float = 0.0  # steady offset of this venue's mid from the fair price
    basis_noise_bps: float = 1.0  # stationary standard deviation of its wander around that
    top_churn_s: float = 0.5  # mean life of a size at the touch
    deep_churn_s: float = 20.0  # mean life of a size deep in the book

    def scaled(self, *, update_hz: float | None = None, latency: float = 1.0) -> VenueProfile:
        return replace(
            self,
            update_hz=self.update_hz if update_hz is None else update_hz,
            data_latency_ms=self.data_latency_ms * latency,
            order_latency_ms=self.order_latency_ms * latency,
        )


PROFILES: dict[str, VenueProfile] = {
    "binanceusdm": VenueProfile(levels=500, depth=1.0, update_hz=10.0, data_latency_ms=20, order_latency_ms=15),
    "bybit": VenueProfile(levels=500, depth=0.7, update_hz=20.0, data_latency_ms=25, order_latency_ms=20,
                          basis_bps=0.3),
    "bingx": VenueProfile(levels=200, depth=0.25, spread_bps=0.15, top_gap_ticks=5.0, deep_gap_ticks=0.8,
                          update_hz=5.0, data_latency_ms=80, order_latency_ms=60, basis_bps=-0.8,
                          basis_noise_bps=1.5),
    "weex": VenueProfile(levels=200, depth=0.15, spread_bps=0.3, top_gap_ticks=6.0, deep_gap_ticks=1.0,
                         update_hz=4.0, data_latency_ms=100, order_latency_ms=80, basis_bps=1.2,
                         basis_noise_bps=2.0),
    "mexc": VenueProfile(levels=300, depth=0.5, spread_bps=0.0, update_hz=10.0, data_latency_ms=40,
                         order_latency_ms=40, basis_bps=-0.3),
}

START_PRICES: dict[str, float] = {
    "BTC/USDT:USDT": 60_000.0,
    "ETH/USDT:USDT": 3_000.0,
    "SOL/USDT:USDT": 150.0,
    "XRP/USDT:USDT": 0.6,
    "DOGE/USDT:USDT": 0.15,
}


def profile_for(venue: str) -> VenueProfile:
    return PROFILES.get(venue, VenueProfile())
