"""FeedSupervisor over a scripted in-memory venue: backoff after errors, stale when a book stops
moving, gaps, coalescing for a slow consumer, clean stop that closes each venue once."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from sor_desktop.core.account import Balance, Position
from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.orders import OrderReport, OrderRequest
from sor_desktop.engine.feed import FeedConfig, FeedHealth, FeedState, FeedSupervisor, backoff_delay
from sor_desktop.venues.base import Mode, Venue
from sor_desktop.venues.errors import BookGap, VenueUnavailable


def book(seq: int, bid: float = 99.0, ask: float = 101.0) -> BookSnapshot:
    return BookSnapshot.from_lists("fake", "X/USDT:USDT", 0, [[bid, 1.0]], [[ask, 1.0]], sequence=seq)


class ScriptedVenue(Venue):
    """Plays a script: a BookSnapshot is returned after ``interval``; an exception is raised;
    ``"hang"`` waits forever (a book that stopped moving). After the script, books keep coming."""

    mode = Mode.SIMULATED

    def __init__(self, script: Sequence[Any], interval: float = 0.005) -> None:
        self.id = "fake"
        self.script = list(script)
        self.interval = interval
        self.calls = 0
        self.call_times: list[float] = []
        self.closed = 0
        self.seq = 1000

    async def connect(self) -> None:
        return None

    def instruments(self) -> Mapping[str, Instrument]:
        return {"X/USDT:USDT": None}  # type: ignore[dict-item]

    async def watch_order_book(self, symbol: str) -> BookSnapshot:
        self.calls += 1
        self.call_times.append(asyncio.get_running_loop().time())
        step = self.script.pop(0) if self.script else None
        if isinstance(step, BaseException):
            raise step
        if step == "hang":
            await asyncio.Event().wait()
        await asyncio.sleep(self.interval)
        self.seq += 1
        return step if isinstance(step, BookSnapshot) else book(self.seq)

    def round_trip(self) -> float | None:
        return 0.012

    async def fetch_balance(self) -> list[Balance]:
        return []

    async def fetch_positions(self, symbols: Sequence[str] | None = None) -> list[Position]:
        return []

    async def submit_order(self, request: OrderRequest) -> OrderReport:
        raise NotImplementedError

    async def fetch_order(self, client_order_id: str, symbol: str) -> OrderReport | None:
        return None

    async def cancel_order(self, client_order_id: str, symbol: str) -> OrderReport:
        raise NotImplementedError

    async def cancel_all(self, symbol: str | None = None) -> int:
        return 0

    async def close(self) -> None:
        self.closed += 1


class Sink:
    def __init__(self, delay: float = 0.0) -> None:
        self.books: list[BookSnapshot] = []
        self.health: list[FeedHealth] = []
        self.delay = delay

    async def on_book(self, b: BookSnapshot) -> None:
        self.books.append(b)
        if self.delay:
            await asyncio.sleep(self.delay)

    def on_health(self, h: FeedHealth) -> None:
        self.health.append(h)


FAST = FeedConfig(stale_after_s=0.15, backoff_initial_s=0.02, backoff_max_s=0.08, health_interval_s=0.03)


async def run_for(venue: Venue, sink: Sink, seconds: float, config: FeedConfig = FAST) -> FeedSupervisor:
    sup = FeedSupervisor([(venue, "X/USDT:USDT")], on_book=sink.on_book, on_health=sink.on_health,
                         config=config, rng=random.Random(1))
    sup.start()
    await asyncio.sleep(seconds)
    await sup.stop()
    return sup


def states(sink: Sink) -> list[FeedState]:
    out: list[FeedState] = []
    for h in sink.health:
        if not out or out[-1] is not h.state:
            out.append(h.state)
    return out


def test_backoff_grows_to_the_cap_with_bounded_jitter() -> None:
    cfg = FeedConfig(backoff_initial_s=0.25, backoff_max_s=15.0, backoff_jitter=0.2)
    rng = random.Random(3)
    delays = [backoff_delay(a, cfg, rng) for a in range(12)]
    for attempt, d in enumerate(delays):
        nominal = min(15.0, 0.25 * 2**attempt)
        assert nominal * 0.8 <= d <= min(15.0, nominal * 1.2)
    assert delays[-1] <= 15.0 and delays[-1] >= 12.0


@pytest.mark.asyncio
async def test_errors_are_retried_with_growing_backoff_and_recover_live() -> None:
    err = VenueUnavailable("fake", "connection reset")
    venue = ScriptedVenue([book(1), err, err, err, err])
    sink = Sink()
    sup = await run_for(venue, sink, 0.6)
    gaps = [b - a for a, b in zip(venue.call_times[1:6], venue.call_times[2:7], strict=False)]
    # four failures in a row: waits ~0.02, 0.04, 0.08 (cap) ...
    assert gaps[0] < gaps[2]
    assert states(sink)[:4] == [FeedState.LIVE, FeedState.STALE, FeedState.DOWN, FeedState.LIVE]
    down = next(h for h in sink.health if h.state is FeedState.DOWN)
    assert down.reason == "connection reset" and not down.routable
    final = sup.health()[0]
    assert final.reconnects == 4 and final.state is FeedState.DOWN and final.reason == "stopped"


@pytest.mark.asyncio
async def test_a_book_that_stops_moving_goes_stale() -> None:
    venue = ScriptedVenue([book(1), book(2), "hang"])
    sink = Sink()
    await run_for(venue, sink, 0.4)
    stale = [h for h in sink.health if h.state is FeedState.STALE]
    assert stale and stale[0].book_age_s is not None and stale[0].book_age_s > FAST.stale_after_s
    assert "no book update" in (stale[0].reason or "")


@pytest.mark.asyncio
async def test_sequence_gap_marks_stale_until_the_next_book() -> None:
    venue = ScriptedVenue([book(1), BookGap("fake", "u jumped"), book(5)])
    sink = Sink()
    sup = await run_for(venue, sink, 0.2)
    assert states(sink)[:3] == [FeedState.LIVE, FeedState.STALE, FeedState.LIVE]
    assert sup.health()[0].gaps == 1
    assert venue.call_times[2] - venue.call_times[1] < 0.015  # a gap is resynced at once


@pytest.mark.asyncio
async def test_crossed_book_is_not_routable() -> None:
    venue = ScriptedVenue([book(1, bid=102.0, ask=101.0), "hang"])
    sink = Sink()
    await run_for(venue, sink, 0.1)
    assert sink.health[0].state is FeedState.STALE and "crossed" in (sink.health[0].reason or "")


@pytest.mark.asyncio
async def test_slow_consumer_gets_only_the_latest_book() -> None:
    venue = ScriptedVenue([], interval=0.002)
    sink = Sink(delay=0.05)
    await run_for(venue, sink, 0.4)
    seqs = [b.sequence for b in sink.books]
    assert venue.calls > 3 * len(seqs)  # many books skipped...
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)  # ...never stale or repeated
    assert seqs[-1] is not None and seqs[-1] > seqs[0] + len(seqs)


@pytest.mark.asyncio
async def test_health_reports_rate_rtt_and_age() -> None:
    venue = ScriptedVenue([], interval=0.01)
    sink = Sink()
    await run_for(venue, sink, 0.5, FeedConfig(health_interval_s=0.05, rate_window_s=0.25))
    live = [h for h in sink.health if h.state is FeedState.LIVE]
    h = live[-1]
    assert h.rtt_ms == pytest.approx(12.0)
    assert 30 < h.updates_per_s < 110  # ~one book per 10 ms plus loop overhead
    assert h.book_age_s is not None and h.book_age_s < 0.05


@pytest.mark.asyncio
async def test_stop_cancels_and_closes_each_venue_once() -> None:
    venue = ScriptedVenue(["hang"])
    sink = Sink()
    sup = FeedSupervisor([(venue, "X/USDT:USDT"), (venue, "Y/USDT:USDT")], on_book=sink.on_book,
                         on_health=sink.on_health, config=FAST)
    sup.start()
    await asyncio.sleep(0.05)
    await asyncio.wait_for(sup.stop(), 1.0)
    assert venue.closed == 1
    assert [h.state for h in sup.health()] == [FeedState.DOWN, FeedState.DOWN]
    assert not [t for t in asyncio.all_tasks() if t.get_name().startswith(("feed:", "deliver:"))]


@pytest.mark.asyncio
async def test_a_failing_callback_does_not_stop_the_feed() -> None:
    venue = ScriptedVenue([], interval=0.005)
    seen: list[int] = []

    def bad(b: BookSnapshot) -> None:
        seen.append(b.sequence or 0)
        raise RuntimeError("consumer bug")

    sup = FeedSupervisor([(venue, "X/USDT:USDT")], on_book=bad, config=FAST)
    sup.start()
    await asyncio.sleep(0.15)
    await sup.stop()
    assert len(seen) > 5


@pytest.mark.asyncio
async def test_a_silent_stream_is_restarted() -> None:
    restarted: list[str] = []

    class Restartable(ScriptedVenue):
        async def restart_book(self, symbol: str) -> None:
            restarted.append(symbol)

    venue = Restartable([book(1), "hang"])
    sink = Sink()
    sup = await run_for(venue, sink, 0.4, FeedConfig(stale_after_s=0.05, restart_after_s=0.15,
                                                     backoff_initial_s=0.01, health_interval_s=0.02))
    assert restarted == ["X/USDT:USDT"]
    assert sup.health()[0].reconnects == 1
    assert any("restarting the stream" in (h.reason or "") for h in sink.health)
    assert len(sink.books) > 3  # books flow again after the restart
