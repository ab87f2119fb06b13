"""Soak of the simulated market through the feed supervisor: five venues at 50 updates/s each.

Prints updates per second handled (books delivered to the consumer, and books the venues made),
event-loop lag p50/p99/max (the oversleep of a periodic 10 ms asyncio task), CPU share, and RSS
at start (after a warm-up), every minute, and at the end.

    .venv/bin/python benchmarks/bench_feed.py [--seconds 600] [--hz 50] [--symbol BTC/USDT:USDT]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import time
from collections import Counter

import numpy as np

from sor_desktop.core.book import BookSnapshot
from sor_desktop.engine.feed import FeedConfig, FeedHealth, FeedSupervisor
from sor_desktop.venues.sim import SimConfig, SimMarket
from sor_desktop.venues.sim.specs import VENUES

LAG_PERIOD_S = 0.01


def rss_mib() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


async def soak(seconds: float, hz: float, symbol: str, seed: int, warmup: float) -> None:
    market = SimMarket(SimConfig(seed=seed, update_hz=hz))
    venues = list(market.venues().values())
    delivered: Counter[str] = Counter()
    latest: dict[str, BookSnapshot] = {}

    def on_book(book: BookSnapshot) -> None:  # what the app's store does: keep the latest, count
        latest[book.venue] = book
        delivered[book.venue] += 1

    health: dict[str, FeedHealth] = {}

    def on_health(h: FeedHealth) -> None:  # as the app does: keep the latest health per venue
        health[h.venue] = h

    feeds = FeedSupervisor.for_symbol(venues, symbol, on_book=on_book, on_health=on_health, config=FeedConfig())
    # preallocated so that the probe's own samples do not show up as memory growth
    lags = np.zeros(int((seconds + 10) / LAG_PERIOD_S) + 1000)
    n_lags = 0
    measuring = False

    async def lag_probe() -> None:
        nonlocal n_lags
        while True:
            t = time.perf_counter()
            await asyncio.sleep(LAG_PERIOD_S)
            if measuring and n_lags < len(lags):
                lags[n_lags] = time.perf_counter() - t - LAG_PERIOD_S
                n_lags += 1

    probe = asyncio.create_task(lag_probe())
    feeds.start()
    await asyncio.sleep(warmup)
    made0 = sum(v.updates_made(symbol) for v in venues)
    delivered.clear()
    measuring = True
    rss0, cpu0, t0 = rss_mib(), cpu_s(), time.perf_counter()
    print(f"venues {len(venues)} x {hz:g} updates/s on {symbol}, {seconds:g} s after {warmup:g} s warm-up")
    print(f"RSS start {rss0:.1f} MiB")
    next_report = 60.0
    while (elapsed := time.perf_counter() - t0) < seconds:
        await asyncio.sleep(min(1.0, seconds - elapsed))
        if time.perf_counter() - t0 >= next_report:
            n = sum(delivered.values())
            print(f"  t={next_report:4.0f}s RSS {rss_mib():.1f} MiB, {n / (time.perf_counter() - t0):.1f} updates/s")
            next_report += 60.0
    elapsed = time.perf_counter() - t0
    rss1, cpu1 = rss_mib(), cpu_s()
    measuring = False
    made = sum(v.updates_made(symbol) for v in venues) - made0
    states = feeds.health()
    await feeds.stop()
    probe.cancel()

    total = sum(delivered.values())
    lag_ms = lags[:n_lags] * 1000.0
    print(f"updates handled: {total / elapsed:.1f}/s (target {len(venues) * hz:g}/s); "
          f"made by the venues {made / elapsed:.1f}/s")
    print("  per venue: " + ", ".join(f"{v} {delivered[v] / elapsed:.1f}/s" for v in VENUES))
    print("  feed states: " + ", ".join(f"{h.venue} {h.state.value}" for h in states))
    print(f"event-loop lag ({len(lag_ms)} samples of a {LAG_PERIOD_S * 1000:.0f} ms timer): "
          f"p50 {np.percentile(lag_ms, 50):.2f} ms, p99 {np.percentile(lag_ms, 99):.2f} ms, max {lag_ms.max():.2f} ms")
    print(f"CPU {100 * (cpu1 - cpu0) / elapsed:.1f}% of one core")
    print(f"RSS start {rss0:.1f} MiB, end {rss1:.1f} MiB ({rss1 - rss0:+.1f} MiB)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=600.0)
    ap.add_argument("--hz", type=float, default=50.0, help="book updates per second per venue")
    ap.add_argument("--symbol", default="BTC/USDT:USDT")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--warmup", type=float, default=5.0)
    args = ap.parse_args()
    asyncio.run(soak(args.seconds, args.hz, args.symbol, args.seed, args.warmup))


if __name__ == "__main__":
    main()
