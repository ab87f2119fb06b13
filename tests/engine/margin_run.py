"""One simulated session of random routes, counting legs the venue rejected for margin though the
preview planned them. Shared by ``benchmarks/bench_margin.py`` (1,000 routes) and the test."""

from __future__ import annotations

import asyncio
import dataclasses
import math
import random
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sor_desktop.core.orders import OrderStatus, Side
from sor_desktop.engine.preview import PreviewRequest
from sor_desktop.engine.session import Session
from sor_desktop.engine.session_events import LegUpdate
from sor_desktop.engine.wiring import build_session
from sor_desktop.venues.base import Mode
from sor_desktop.venues.sim.clock import VirtualClock
from sor_desktop.venues.sim.config import SimConfig
from sor_desktop.venues.sim.market import SimMarket
from sor_desktop.venues.sim.reasons import reason

SYMBOL = "BTC/USDT:USDT"


@dataclass
class MarginRun:
    routes: int = 0  # routes asked for
    sent: int = 0  # routes with at least one leg sent
    legs_planned: int = 0
    legs_filled: int = 0  # filled or partly filled
    rejected_margin: list[str] = field(default_factory=list)
    rejected_other: list[str] = field(default_factory=list)
    no_plan: int = 0  # nothing routable (bad amount, every venue excluded)


def _is_margin(update: LegUpdate) -> bool:
    text = update.reason or ""
    return reason(update.venue, "margin") in text or "margin" in text.lower() or "balance" in text.lower()


async def run_margin_session(n_routes: int, *, seed: int = 11, balance: str = "10000") -> MarginRun:
    from decimal import Decimal

    clock = VirtualClock()
    market = SimMarket(SimConfig(seed=seed, symbols=(SYMBOL,), balance=Decimal(balance)), clock)
    # a journal of its own: a run is 1,000 routes on virtual time, never the trader's journal
    tmp = tempfile.TemporaryDirectory(prefix="sor-margin-run-")
    session = build_session(Mode.SIMULATED, None, SYMBOL, venues=list(market.venues().values()),
                            clock=clock.time, monotonic=clock.monotonic, journal_path=Path(tmp.name) / "j.sqlite3")
    # a stress run sends far more than a trader's day: the daily guard is not what is measured here
    session.executor.config = dataclasses.replace(session.executor.config, max_day_notional=1e12)
    rng = random.Random(seed)
    out = MarginRun()
    updates: list[LegUpdate] = []
    session.listeners.append(lambda e: updates.append(e) if isinstance(e, LegUpdate) else None)
    await clock.drive(session.connect_venues())
    await clock.drive(session.refresh_accounts())
    try:
        for _ in range(n_routes):
            out.routes += 1
            await clock.advance(rng.uniform(0.2, 4.0))  # the trader types the next order
            _put_books(session, market, clock)
            side = rng.choice((Side.BUY, Side.SELL))
            size = math.exp(rng.uniform(math.log(0.0001), math.log(40.0)))  # dust to far above the caps
            req = PreviewRequest(SYMBOL, side, f"{size:.6f}", reduce_only=rng.random() < 0.25)
            plan = session.preview(req).plan
            if plan is None or not plan.legs:
                out.no_plan += 1
                continue
            out.sent += 1
            out.legs_planned += len(plan.legs)
            updates.clear()
            session.submit(plan, reduce_only=req.reduce_only)
            await _drive_all(session, clock, "route:")
            await _drive_all(session, clock, "accounts after fill")
            final = {u.leg: u for u in updates}
            for u in final.values():
                if u.status is OrderStatus.REJECTED:
                    (out.rejected_margin if _is_margin(u) else out.rejected_other).append(f"{u.venue}: {u.reason}")
                elif u.filled_contracts > 0:
                    out.legs_filled += 1
    finally:
        await session.stop(timeout=1.0)
        tmp.cleanup()
    return out


def _put_books(session: Session, market: SimMarket, clock: VirtualClock) -> None:
    for v in session.venues:
        session.store.put_book(market.book_at(v, SYMBOL, clock.time(), sequence=int(clock.elapsed * 1000) + 1))


async def _drive_all(session: Session, clock: VirtualClock, prefix: str) -> None:
    tasks = [t for t in session.tasks if t.get_name().startswith(prefix) and not t.done()]
    if tasks:
        await clock.drive(asyncio.gather(*tasks))
