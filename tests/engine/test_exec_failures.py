"""Every leg that does not fill in full is in the log file and in the events, with the venue's
code and words, so the window can show it (issue 10: rejected legs wrote nothing anywhere)."""

from __future__ import annotations

import logging
from decimal import Decimal
from pathlib import Path

import pytest

from sor_desktop.core.orders import Side
from sor_desktop.engine.exec_events import LegEvent, split_venue_code
from sor_desktop.engine.executor import Executor, ExecutorConfig
from sor_desktop.engine.journal import Journal
from sor_desktop.engine.reconcile import ResolveConfig
from sor_desktop.venues.sim.reasons import reason

from .exec_fakes import FakeVenue, book, make_plan

FAST = ResolveConfig(acceptance_window_s=0.2, fetch_timeout_s=0.5, backoff_start_s=0.01, backoff_max_s=0.05,
                     ioc_grace_s=0.1, give_up_s=2.0)


@pytest.mark.parametrize(("message", "code", "text"), [
    (reason("mexc", "margin", "needs 49.99, free 41.33"), "2005", "Insufficient balance (needs 49.99, free 41.33)"),
    (reason("binanceusdm", "margin"), "-2019", "Margin is insufficient."),
    ("Order price is out of the allowed band (code 110094)", "110094", "Order price is out of the allowed band"),
    ("request timed out", None, "request timed out"),
])
def test_the_venue_code_and_words_are_split_from_the_error_text(message: str, code: str | None, text: str) -> None:
    assert split_venue_code(message) == (code, text)


@pytest.mark.asyncio
async def test_rejected_expired_partial_and_unknown_legs_are_logged_and_carry_code_and_text(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    venues = {"v0": FakeVenue("v0", faults=["reject"]), "v1": FakeVenue("v1", faults=["partial"]),
              "v2": FakeVenue("v2", faults=["none"]), "v3": FakeVenue("v3", faults=["lost_before"]),
              "v4": FakeVenue("v4")}
    events: list[object] = []
    ex = Executor(venues, Journal(tmp_path / "j.sqlite3"), config=ExecutorConfig(resolve=FAST),
                  on_event=events.append)
    plan = make_plan(Side.BUY, [(v, "0.5", "50010", 50_001.0) for v in venues])
    with caplog.at_level(logging.WARNING, logger="sor_desktop.engine.executor"):
        res = await ex.execute(plan, {v: book(v) for v in venues})
    last = {e.venue: e for e in events if isinstance(e, LegEvent)}
    assert last["v0"].failure == "rejected" and last["v0"].venue_text == "Order would immediately trigger " \
                                                                        "(test rejection)"
    assert last["v1"].failure == "partly filled" and last["v1"].filled_contracts == Decimal("0.25")
    assert last["v2"].failure == "expired unfilled"
    assert last["v3"].failure == "rejected"  # lost before arrival: proven not placed after the window
    assert last["v4"].failure is None
    assert {lg.venue: lg.failure for lg in res.legs} == {v: e.failure for v, e in last.items()}
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for venue, words in (("v0", "rejected: Order would immediately trigger"), ("v1", "partly filled"),
                         ("v2", "expired unfilled"), ("v3", "rejected")):
        assert f"on {venue}: {words}" in logged, logged
    assert "on v4:" not in logged


@pytest.mark.asyncio
async def test_a_margin_reject_of_the_simulated_venue_carries_its_code(tmp_path: Path) -> None:
    from sor_desktop.venues.sim.clock import VirtualClock
    from sor_desktop.venues.sim.config import SimConfig
    from sor_desktop.venues.sim.market import SimMarket

    clock = VirtualClock()
    market = SimMarket(SimConfig(seed=1, venues=("mexc",), symbols=("BTC/USDT:USDT",), balance=Decimal(5),
                                 latency_scale=0.0), clock)
    venue = market.venue("mexc")
    await venue.connect()
    b = await clock.drive(venue.watch_order_book("BTC/USDT:USDT"))
    events: list[object] = []
    ex = Executor({"mexc": venue}, Journal(tmp_path / "j.sqlite3"), on_event=events.append,
                  clock=clock.time, monotonic=clock.monotonic)
    limit = str(int(b.asks[0, 0]) + 10)
    res = await clock.drive(ex.execute(make_plan(Side.BUY, [("mexc", "100", limit, float(b.asks[0, 0]))]),
                                       {"mexc": b}))
    leg = res.legs[0]
    assert leg.failure == "rejected" and leg.venue_code == "2005"
    assert leg.venue_text is not None and leg.venue_text.startswith("Insufficient balance (needs ")
