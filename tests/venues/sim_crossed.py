"""The consolidated book of the simulated venues over time: how often it is crossed across venues.
Shared by ``benchmarks/bench_sim_crossed.py`` and ``test_sim_books``."""

from __future__ import annotations

from sor_desktop.venues.quirks import DEFAULT_VENUES
from sor_desktop.venues.sim.clock import VirtualClock
from sor_desktop.venues.sim.config import SimConfig
from sor_desktop.venues.sim.market import SimMarket

SYMBOL = "BTC/USDT:USDT"


def crossed_stats(updates: list[tuple[str, float, float]]) -> tuple[int, int, float]:
    """``updates``: (venue, best bid, best ask) in time order. Returns snapshots, crossed, worst bps."""
    latest: dict[str, tuple[float, float]] = {}
    snaps = crossed = 0
    worst = 0.0
    for venue, bid, ask in updates:
        latest[venue] = (bid, ask)
        if len(latest) < 2:
            continue
        snaps += 1
        best_bid = max(b for b, _ in latest.values())
        best_ask = min(a for _, a in latest.values())
        if best_bid > best_ask:
            crossed += 1
            worst = max(worst, (best_bid / best_ask - 1) * 1e4)
    return snaps, crossed, worst


def simulate(seconds: float, seed: int) -> list[tuple[str, float, float]]:
    clock = VirtualClock()
    market = SimMarket(SimConfig(seed=seed, symbols=(SYMBOL,)), clock)
    events: list[tuple[float, str]] = []
    for v in DEFAULT_VENUES:
        period = 1.0 / market.profile(v).update_hz
        t = period
        while t <= seconds:
            events.append((t, v))
            t += period
    out = []
    start = clock.time()
    for i, (t, v) in enumerate(sorted(events)):
        b = market.book_at(v, SYMBOL, start + t, sequence=i + 1)
        out.append((v, float(b.bids[0, 0]), float(b.asks[0, 0])))
    return out
