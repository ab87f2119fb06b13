"""Time from the trader's confirmation to the last of 5 legs sent, on the loopback exchange servers.

Five loopback servers on 127.0.0.1 (three Binance USDⓈ-M, two Bybit v5), the real ccxt.pro client
signing every request, the real journal on disk (WAL, synchronous=FULL). For each route:
``confirm`` is the call to ``Executor.execute``; a leg is *handed over* when the executor calls the
venue's ``submit_order`` (checks done, intents committed) and *received* when the server records the
order (its clock, ms resolution). Run twice: with ccxt's rate limiter on, as the app runs it, and
off. ccxt's leaky bucket does not refill while idle, so after any order (cost 5 at a 50 ms rate
limit) the next Binance order waits ~200 ms however long ago the last one was. Also printed: the same on in-memory fake venues (the executor
and journal alone), and confirm to every leg final.

Run: ``.venv/bin/python benchmarks/bench_execution.py [--routes N]``
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sor_desktop.core.orders import OrderRequest, Side  # noqa: E402
from sor_desktop.engine.executor import Executor, ExecutorConfig  # noqa: E402
from sor_desktop.engine.journal import Journal  # noqa: E402
from sor_desktop.venues.base import Venue  # noqa: E402
from tests.engine.exec_fakes import FakeVenue, book, make_plan  # noqa: E402
from tests.venues.loopback.fixtures import SERVERS, loopback_venue  # noqa: E402

SYMBOL = "BTC/USDT:USDT"
KINDS = ("binanceusdm", "bybit", "binanceusdm", "bybit", "binanceusdm")


class Alias(Venue):
    """Presents a venue under another id, so two servers of one kind are two venues to the executor
    (the inner venue keeps its real ccxt id, which its order lookups depend on)."""

    def __init__(self, inner: Any, alias: str) -> None:
        self.inner, self.id, self.mode, self.capabilities = inner, alias, inner.mode, inner.capabilities

    async def connect(self) -> None:
        await self.inner.connect()

    def instruments(self) -> Any:
        return self.inner.instruments()

    async def watch_order_book(self, symbol: str) -> Any:
        return dataclasses.replace(await self.inner.watch_order_book(symbol), venue=self.id)

    async def fetch_balance(self) -> Any:
        return await self.inner.fetch_balance()

    async def fetch_positions(self, symbols: Any = None) -> Any:
        return await self.inner.fetch_positions(symbols)

    async def submit_order(self, request: OrderRequest) -> Any:
        return await self.inner.submit_order(dataclasses.replace(request, venue=self.inner.id))

    async def fetch_order(self, client_order_id: str, symbol: str) -> Any:
        return await self.inner.fetch_order(client_order_id, symbol)

    async def cancel_order(self, client_order_id: str, symbol: str) -> Any:
        return await self.inner.cancel_order(client_order_id, symbol)

    async def cancel_all(self, symbol: str | None = None) -> int:
        return int(await self.inner.cancel_all(symbol))

    async def close(self) -> None:
        await self.inner.close()


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def show(name: str, xs: list[float]) -> None:
    print(f"  {name:<44} median {statistics.median(xs):7.2f} ms   p90 {pct(xs, 0.9):7.2f} ms   "
          f"max {max(xs):7.2f} ms")


async def loopback(routes: int, journal_dir: Path, gap: float, rate_limit: bool) -> None:
    servers = [SERVERS[k]() for k in KINDS]
    await asyncio.gather(*(s.start() for s in servers))
    venues: dict[str, Any] = {}
    by_id: dict[str, Any] = {}
    for i, (kind, server) in enumerate(zip(KINDS, servers, strict=True)):
        v = Alias(loopback_venue(server, kind, request_timeout_ms=3000), f"{kind}-{i}")
        venues[v.id] = v
        by_id[v.id] = server
    await asyncio.gather(*(v.connect() for v in venues.values()))
    for v in venues.values():
        v.inner._ex.enableRateLimit = rate_limit
    handed: dict[str, float] = {}

    def before_send(req: OrderRequest) -> None:
        handed[req.client_order_id] = time.time()

    journal = Journal(journal_dir / "loopback.sqlite3")
    ex = Executor(venues, journal, config=ExecutorConfig(duplicate_window_s=0.0), before_send=before_send)
    to_handed, to_received, to_final = [], [], []
    try:
        for n in range(routes + 2):
            await asyncio.sleep(gap)
            books = dict(zip(venues, await asyncio.gather(*(v.watch_order_book(SYMBOL) for v in venues.values())),
                             strict=True))
            legs = [(vid, "0.002", str(Decimal(str(b.best_ask)) + 5), float(b.best_ask)) for vid, b in books.items()]
            plan = make_plan(Side.BUY, legs)
            handed.clear()
            t0 = time.time()
            res = await ex.execute(plan, books)
            t_final = time.time()
            assert len(res.legs) == 5 and res.state == "done", res.problems
            received = [by_id[lg.venue].find(lg.client_order_id).created_ms / 1000 for lg in res.legs]
            if n < 2:
                continue  # warm-up: connection pools, first signatures
            to_handed.append((max(handed.values()) - t0) * 1000)
            to_received.append((max(received) - t0) * 1000)
            to_final.append((t_final - t0) * 1000)
    finally:
        await asyncio.gather(*(v.close() for v in venues.values()))
        await asyncio.gather(*(s.stop() for s in servers))
        journal.close()
    print(f"loopback servers (real ccxt.pro client, journal on disk), {routes} routes x 5 legs, {gap:g} s apart, "
          f"ccxt rate limiter {'ON (as in the app)' if rate_limit else 'OFF'}:")
    show("confirm -> last leg handed to the venue", to_handed)
    show("confirm -> last order received by its server", to_received)
    show("confirm -> every leg final", to_final)


async def fakes(routes: int, journal_dir: Path) -> None:
    venues = {f"v{i}": FakeVenue(f"v{i}") for i in range(5)}
    handed: list[float] = []
    journal = Journal(journal_dir / "fake.sqlite3")
    ex = Executor(venues, journal, config=ExecutorConfig(duplicate_window_s=0.0),
                  before_send=lambda req: handed.append(time.perf_counter()))
    out = []
    for _ in range(routes):
        books = {v: book(v) for v in venues}
        plan = make_plan(Side.BUY, [(v, "0.5", "50010", 50_001.0) for v in venues])
        handed.clear()
        t0 = time.perf_counter()
        await ex.execute(plan, books)
        out.append((max(handed) - t0) * 1000)
    journal.close()
    print(f"in-memory fake venues (executor + journal fsync only), {routes} routes x 5 legs:")
    show("confirm -> last leg handed to the venue", out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--routes", type=int, default=20)
    ap.add_argument("--gap", type=float, default=0.5, help="seconds between routes (default %(default)s)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-exec-") as d:
        asyncio.run(loopback(args.routes, Path(d), args.gap, True))
        asyncio.run(loopback(args.routes, Path(d), args.gap, False))
        asyncio.run(fakes(args.routes, Path(d)))


if __name__ == "__main__":
    main()
