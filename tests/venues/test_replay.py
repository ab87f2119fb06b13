"""Record from the simulated market, replay it: the same books in order, at the chosen speed."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from sor_desktop.cli.record_cmd import record
from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.orders import OrderStatus, Side
from sor_desktop.venues.base import Mode
from sor_desktop.venues.errors import VenueUnavailable
from sor_desktop.venues.instruments import recorded_instrument
from sor_desktop.venues.recording import RecordingError, RecordingWriter, market_of, read_recording
from sor_desktop.venues.replay import open_replay
from sor_desktop.venues.sim import SimConfig, SimMarket, VirtualClock
from tests.venues.sim_helpers import BTC, order

VENUES = ("binanceusdm", "weex", "mexc")


async def _record(path: Path, seconds: float = 2.0) -> list[BookSnapshot]:
    """Record the simulated market on virtual time; also return what the venues gave, in order."""
    clock = VirtualClock()
    market = SimMarket(SimConfig(seed=4, venues=VENUES), clock)
    seen: list[BookSnapshot] = []
    with RecordingWriter(path) as writer:
        original = writer.write

        def spy(book: BookSnapshot, m: object, terms: object = None) -> None:
            seen.append(book)
            original(book, m, terms)  # type: ignore[arg-type]

        writer.write = spy  # type: ignore[method-assign]
        errors = await clock.drive(record(list(market.venues().values()), BTC, writer, seconds=seconds,
                                          clock=clock))
    assert errors == {}
    return seen


@pytest.mark.asyncio
async def test_record_then_replay_gives_the_same_books_in_order(tmp_path: Path) -> None:
    path = tmp_path / "books.jsonl"
    recorded = await _record(path)
    assert {b.venue for b in recorded} == set(VENUES)
    clock = VirtualClock()
    venues = open_replay(path, clock=clock, speed=1.0)
    assert set(venues) == set(VENUES)
    for vid, venue in venues.items():
        assert venue.mode is Mode.REPLAY
        expected = [b for b in recorded if b.venue == vid]
        got = [await clock.drive(venue.watch_order_book(BTC)) for _ in expected]
        for a, b in zip(expected, got, strict=True):
            assert (a.timestamp, a.sequence) == (b.timestamp, b.sequence)
            assert np.array_equal(a.bids, b.bids) and np.array_equal(a.asks, b.asks)
        with pytest.raises(VenueUnavailable, match="ended"):
            await clock.drive(venue.watch_order_book(BTC))


@pytest.mark.asyncio
async def test_recorded_markets_give_back_the_instruments(tmp_path: Path) -> None:
    path = tmp_path / "books.jsonl"
    await _record(path, seconds=0.5)
    market = SimMarket(SimConfig(venues=VENUES))
    for rec in read_recording(path):
        assert rec.market is not None
        inst = recorded_instrument(rec.market, rec.book.venue)
        assert inst == market.instrument(rec.book.venue, BTC)  # WEEX: contract size 1 (coins), as its books


@pytest.mark.asyncio
@pytest.mark.parametrize("speed", [1.0, 4.0])
async def test_replay_speed_on_a_virtual_clock(tmp_path: Path, speed: float) -> None:
    path = tmp_path / "books.jsonl"
    recorded = await _record(path, seconds=3.0)
    stamps = [b.timestamp for b in recorded if b.venue == "binanceusdm"]
    clock = VirtualClock()
    venue = open_replay(path, clock=clock, speed=speed)["binanceusdm"]
    got: list[tuple[float, int]] = []

    async def consume() -> None:
        while True:
            book = await venue.watch_order_book(BTC)
            got.append((clock.elapsed, book.timestamp))

    task = asyncio.ensure_future(consume())
    t0 = min(b.timestamp for b in recorded)
    await clock.advance(0.5)
    released = sum(1 for ts in stamps if (ts - t0) / 1000 / speed <= 0.5)
    assert len(got) == released and 0 < released < len(stamps)
    await clock.advance(10.0)
    task.cancel()
    assert [ts for _, ts in got] == stamps
    for when, ts in got:  # each book came out exactly when its recorded offset / speed came due
        assert when == pytest.approx((ts - t0) / 1000 / speed, abs=1e-6)


@pytest.mark.asyncio
async def test_orders_on_a_replay_match_locally(tmp_path: Path) -> None:
    path = tmp_path / "books.jsonl"
    await _record(path, seconds=0.5)
    clock = VirtualClock()
    venue = open_replay(path, clock=clock, balance=Decimal(5000))["binanceusdm"]
    book = await clock.drive(venue.watch_order_book(BTC))
    assert book.best_ask is not None
    rep = await venue.submit_order(order("binanceusdm", Side.BUY, "0.01", "r1", price=str(book.best_ask)))
    assert rep.status is OrderStatus.FILLED and rep.avg_price == Decimal(repr(book.best_ask))
    [bal] = await venue.fetch_balance()
    assert bal.total < Decimal(5000)  # the taker fee


def test_bad_recordings_fail_with_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    good = json.dumps({"venue": "bybit", "symbol": BTC, "timestamp": 1, "bids": [[1, 1]], "asks": [[2, 1]]})
    path.write_text(good + "\n\n{not json\n")
    with pytest.raises(RecordingError, match=r"bad.jsonl:3: not JSON"):
        list(read_recording(path))
    path.write_text(json.dumps({"venue": "bybit", "timestamp": 1}) + "\n")
    with pytest.raises(RecordingError, match="missing 'symbol'"):
        list(read_recording(path))
    with pytest.raises(RecordingError, match="cannot read"):
        list(read_recording(tmp_path / "absent.jsonl"))
    with pytest.raises(RecordingError, match="already exists"):
        RecordingWriter(path)


def test_market_of_round_trips_every_simulated_instrument() -> None:
    market = SimMarket(SimConfig())
    for venue in market.config.venues:
        for symbol in market.symbols(venue):
            inst = market.instrument(venue, symbol)
            assert recorded_instrument(market_of(inst), venue) == inst
