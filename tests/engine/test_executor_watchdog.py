"""The watchdog cancels open orders on venues without a dead-man switch when their feed goes quiet."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from sor_desktop.core.orders import OrderRequest, OrderStatus, Side
from sor_desktop.engine.executor import Executor
from sor_desktop.engine.journal import Journal
from sor_desktop.engine.watchdog import Watchdog, ages_from_health
from sor_desktop.venues.base import Capabilities

from .exec_fakes import SYMBOL, FakeVenue


async def _until(done: Callable[[], bool], timeout_s: float = 5.0) -> None:
    """Lets the watchdog's task run until ``done`` (a loaded machine may take many intervals)."""
    import asyncio

    for _ in range(int(timeout_s / 0.005)):
        if done():
            return
        await asyncio.sleep(0.005)


async def _rest(v: FakeVenue, cid: str) -> None:
    v.faults.append("rest")
    await v.submit_order(OrderRequest(v.id, SYMBOL, Side.BUY, Decimal("1"), cid, limit_price=Decimal("100")))


@pytest.mark.asyncio
async def test_cancels_once_per_outage_only_where_the_venue_would_not(tmp_path: Path) -> None:
    plain = FakeVenue("plain")
    dms = FakeVenue("dms", capabilities=Capabilities(server_dead_man_switch=True))
    view = FakeVenue("view", capabilities=Capabilities(trading_allowed=False))
    ex = Executor({"plain": plain, "dms": dms, "view": view}, Journal(tmp_path / "j.sqlite3"))
    await _rest(plain, "sorplain00000000000l0")
    await _rest(dms, "sordms0000000000000l0")
    ages: dict[str, float | None] = {"plain": 0.5, "dms": 0.5, "view": 0.5}
    fired = []
    dog = Watchdog(ex, lambda: ages, threshold_s=10.0, on_fire=fired.append)
    assert dog.guarded() == ["plain"]
    assert await dog.check_once() == []  # feeds live: arms
    ages.update(plain=10.0, dms=60.0)  # at the threshold: not yet
    assert await dog.check_once() == []
    ages.update(plain=10.5)
    out = await dog.check_once()
    assert [(f.venue, f.silent_s, f.result.cancelled, f.result.ok) for f in out] == [("plain", 10.5, 1, True)]
    assert plain.orders["sorplain00000000000l0"].status is OrderStatus.CANCELED
    assert dms.orders["sordms0000000000000l0"].status is OrderStatus.ACKNOWLEDGED  # the venue does it itself
    assert dms.cancel_all_calls == 0 and view.cancel_all_calls == 0
    assert await dog.check_once() == []  # once per outage
    ages.update(plain=None)  # feed reports no book at all: still the same outage
    assert await dog.check_once() == []
    ages.update(plain=0.2)  # back: re-armed
    await dog.check_once()
    ages.update(plain=30.0)
    assert [f.venue for f in await dog.check_once()] == ["plain"]
    assert plain.cancel_all_calls == 2 and len(fired) == 2


@pytest.mark.asyncio
async def test_no_book_for_a_moment_is_not_an_outage_until_the_threshold(tmp_path: Path) -> None:
    """A symbol switch drops every book and restarts every feed: for the second before the new
    books came, each venue "reported no book at all", and the watchdog cancelled every open order
    on every venue (a trader's resting orders too). No book counts as silence from when the feed
    was last seen live, against the same threshold as a stale one."""
    v = FakeVenue("v")
    now = [0.0]
    ages: dict[str, float | None] = {"v": 0.5}
    dog = Watchdog(Executor({"v": v}, Journal(tmp_path / "j.sqlite3")), lambda: ages, threshold_s=10.0,
                   clock=lambda: now[0])
    assert await dog.check_once() == []  # live: armed
    ages.update(v=None)  # the book dropped for the new symbol
    now[0] = 3.0
    assert await dog.check_once() == [] and v.cancel_all_calls == 0
    ages.update(v=0.1)  # the new symbol's first book
    now[0] = 4.0
    assert await dog.check_once() == []
    ages.update(v=None)  # dropped again, and nothing comes back
    now[0] = 13.9
    assert await dog.check_once() == []  # 10 s since that book: at the threshold
    now[0] = 14.4
    out = await dog.check_once()
    assert [f.venue for f in out] == ["v"] and out[0].silent_s == pytest.approx(10.5) and v.cancel_all_calls == 1


@pytest.mark.asyncio
async def test_a_venue_without_the_symbol_is_not_watched(tmp_path: Path) -> None:
    """The window switched to DOGE, which the simulated mexc does not list: "feed of mexc silent
    (None s): cancel-all", and a "feed lost" warning, for a venue with no feed to lose. A venue
    missing from the ages (nothing subscribed there) is not watched until its feed is live again."""
    v = FakeVenue("v")
    now = [0.0]
    ages: dict[str, float | None] = {"v": 0.5}
    dog = Watchdog(Executor({"v": v}, Journal(tmp_path / "j.sqlite3")), lambda: ages, threshold_s=10.0,
                   clock=lambda: now[0])
    assert await dog.check_once() == []
    ages.clear()
    now[0] = 60.0
    assert await dog.check_once() == [] and v.cancel_all_calls == 0
    ages.update(v=None)  # listed again, its feed starting: not armed until it is live
    now[0] = 120.0
    assert await dog.check_once() == [] and v.cancel_all_calls == 0
    ages.update(v=0.3)
    assert await dog.check_once() == []
    ages.update(v=11.0)
    assert [f.venue for f in await dog.check_once()] == ["v"]


@pytest.mark.asyncio
async def test_a_venue_never_seen_live_is_left_alone(tmp_path: Path) -> None:
    v = FakeVenue("v")
    dog = Watchdog(Executor({"v": v}, Journal(tmp_path / "j.sqlite3")), lambda: {"v": None})
    assert await dog.check_once() == [] and v.cancel_all_calls == 0


def test_ages_from_feed_health_takes_the_freshest_symbol() -> None:
    class H:
        def __init__(self, venue: str, age: float | None) -> None:
            self.venue, self.book_age_s = venue, age

    assert ages_from_health([H("a", 3.0), H("a", 1.0), H("b", None), H("c", None), H("c", 2.0)]) == {
        "a": 1.0, "b": None, "c": 2.0}


@pytest.mark.asyncio
async def test_a_journal_that_cannot_record_the_cancel_does_not_stop_the_watchdog(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """The feed-loss cancel recorded itself in the journal outside any guard: a full disk there
    ended the watchdog's task with no log line and no notice (feed-loss protection off for the
    rest of the session), and its stop() then raised, so the session's shutdown stopped short."""
    import sqlite3

    v = FakeVenue("v")
    ex = Executor({"v": v}, Journal(tmp_path / "j.sqlite3"))
    await _rest(v, "sorv00000000000000l0")

    def full(*_a: object, **_k: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(ex.journal, "record_event", full)
    ages: dict[str, float | None] = {"v": 0.5}
    fired: list[object] = []
    errors: list[str] = []
    dog = Watchdog(ex, lambda: ages, threshold_s=10.0, interval_s=0.01, on_fire=fired.append,
                   on_error=errors.append)
    dog.start()
    await _until(lambda: "v" in dog._armed)  # seen live: armed
    ages.update(v=30.0)  # the feed goes silent
    await _until(lambda: bool(fired))
    assert v.orders["sorv00000000000000l0"].status is OrderStatus.CANCELED  # the cancel itself went out
    assert [f.venue for f in fired] == ["v"]  # and the trader is told
    # the journal's failure is said, and no more route goes out on a journal that cannot write
    assert ex.trading_refused is not None and "disk is full" in ex.trading_refused
    assert "disk is full" in caplog.text
    assert dog._task is not None and not dog._task.done()  # still watching
    await dog.stop()  # and stops cleanly


@pytest.mark.asyncio
async def test_a_failing_check_is_said_once_and_the_watchdog_goes_on(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:

    v = FakeVenue("v")
    ex = Executor({"v": v}, Journal(tmp_path / "j.sqlite3"))
    calls = [0]

    async def broken() -> list[object]:
        calls[0] += 1
        raise RuntimeError("watchdog bug")

    errors: list[str] = []
    dog = Watchdog(ex, lambda: {"v": 0.5}, interval_s=0.01, on_error=errors.append)
    dog.check_once = broken  # type: ignore[method-assign]
    dog.start()
    await _until(lambda: calls[0] >= 3)
    assert calls[0] >= 3  # still running after the first failure
    assert len(errors) == 1 and "watchdog bug" in errors[0]  # said once, not every second
    assert caplog.text.count("watchdog bug") >= 1
    await dog.stop()
