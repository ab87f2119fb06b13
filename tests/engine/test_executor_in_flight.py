"""Legs of a route still in flight block new routes once their outcome is unknown."""

from __future__ import annotations

import asyncio

import pytest

from sor_desktop.core.orders import OrderStatus, Side
from sor_desktop.engine.exec_events import RouteState


@pytest.mark.asyncio
async def test_no_new_route_while_a_leg_of_a_route_in_flight_is_unknown(tmp_path) -> None:
    """A route whose leg timed out after the venue took it stays in flight while the leg is
    asked for; its unknown leg was exempt from the block as "being sent", so a re-planned
    second route (a hair larger, past the duplicate guard) went out and doubled the position."""
    from sor_desktop.engine.executor import Executor, ExecutorConfig
    from sor_desktop.engine.journal import Journal
    from sor_desktop.engine.reconcile import ResolveConfig

    from .exec_fakes import FakeVenue, book, make_plan

    a = FakeVenue("a")
    a.faults = ["lost_after"]
    a.fetch_failures = 10**6  # every lookup fails: the leg stays unknown for the whole window
    ex = Executor({"a": a}, Journal(tmp_path / "j.sqlite3"), config=ExecutorConfig(resolve=ResolveConfig(
        acceptance_window_s=0.2, backoff_start_s=0.05, backoff_max_s=0.1, give_up_s=1.0)))
    first = asyncio.create_task(ex.execute(make_plan(Side.BUY, [("a", "1.000", "50010.0", 50000.5)]),
                                           {"a": book("a")}))
    for _ in range(100):
        await asyncio.sleep(0.02)
        if [lg.status for lg in ex.journal.open_legs()] == [OrderStatus.UNKNOWN]:
            break
    wait = ex.blocked()
    assert wait is not None and wait.state == "waiting: earlier orders unresolved"
    second = await ex.execute(make_plan(Side.BUY, [("a", "1.001", "50010.0", 50000.5)]), {"a": book("a")})
    assert second.state is RouteState.BLOCKED and [p.code for p in second.problems] == ["unreconciled"]
    assert len(a.accepted) == 1
    await first


@pytest.mark.asyncio
async def test_a_wall_clock_step_does_not_shorten_the_acceptance_window(tmp_path) -> None:
    """A time sync stepping the wall clock 20 s forward at the first lookup made "not found" look
    conclusive at once: the leg was closed "not placed" after 0 s of real time while the request
    was still queued, and the venue then filled it. The window is measured on the monotonic clock."""
    import time

    from sor_desktop.engine.executor import Executor, ExecutorConfig
    from sor_desktop.engine.journal import Journal
    from sor_desktop.engine.reconcile import ResolveConfig

    from .exec_fakes import FakeVenue, book, make_plan

    step = [0.0]

    class Stepped(FakeVenue):
        async def fetch_order(self, cid, symbol):  # type: ignore[no-untyped-def]
            step[0] = 20.0
            return await super().fetch_order(cid, symbol)

    a = Stepped("a")
    a.faults = ["late"]
    a.arrival_delay_s = 0.3  # the request reaches the venue after the send already said "timed out"
    ex = Executor({"a": a}, Journal(tmp_path / "j.sqlite3"), clock=lambda: time.time() + step[0],
                  config=ExecutorConfig(resolve=ResolveConfig(acceptance_window_s=1.0, backoff_start_s=0.05,
                                                              backoff_max_s=0.1, give_up_s=5.0)))
    result = await ex.execute(make_plan(Side.BUY, [("a", "1.000", "50010.0", 50000.5)]), {"a": book("a")})
    (leg,) = result.legs
    assert leg.status is OrderStatus.FILLED and leg.filled_contracts == 1  # found, not closed as not placed


@pytest.mark.asyncio
async def test_a_leg_given_up_after_a_partial_fill_keeps_its_fill_and_says_it_is_unresolved(tmp_path, caplog) -> None:
    """An IOC the venue let rest, partly filled, whose cancel kept failing: when the search gave
    up, the journal and the blotter kept the acknowledgement (0 filled) and no failure was said."""
    from dataclasses import replace
    from decimal import Decimal

    from sor_desktop.engine.executor import Executor, ExecutorConfig
    from sor_desktop.engine.journal import Journal
    from sor_desktop.engine.reconcile import ResolveConfig
    from sor_desktop.venues.errors import OutcomeUnknown

    from .exec_fakes import FakeVenue, book, make_plan

    class Resting(FakeVenue):
        fetches = 0

        async def fetch_order(self, cid, symbol):  # type: ignore[no-untyped-def]
            self.fetches += 1
            r = self.orders.get(cid)
            if r is not None and self.fetches >= 2:  # the resting IOC now shows a partial fill
                r = self.orders[cid] = replace(r, status=OrderStatus.PARTIALLY_FILLED,
                                               filled_contracts=Decimal("0.4"), avg_price=Decimal("50001"))
            return r

        async def cancel_order(self, cid, symbol):  # type: ignore[no-untyped-def]
            raise OutcomeUnknown(self.id, "cancel: 503 Service Unavailable")

    a = Resting("a")
    a.faults = ["rest"]
    ex = Executor({"a": a}, Journal(tmp_path / "j.sqlite3"), config=ExecutorConfig(resolve=ResolveConfig(
        acceptance_window_s=0.2, backoff_start_s=0.05, backoff_max_s=0.1, ioc_grace_s=0.1, give_up_s=1.0)))
    result = await ex.execute(make_plan(Side.BUY, [("a", "1.000", "50010.0", 50000.5)]), {"a": book("a")})
    assert result.state is RouteState.UNRESOLVED
    (leg,) = result.legs
    assert leg.status is OrderStatus.UNKNOWN and leg.filled_contracts == Decimal("0.4") and leg.failure
    (row,) = ex.journal.open_legs()
    assert row.filled_contracts == Decimal("0.4") and row.status == "unknown"
    assert any("still open" in r.getMessage() for r in caplog.records)
