"""Stateful property test: random sequences of routes, venue faults, crashes between sends,
restarts, fetch outages and re-routes. Whatever happens:

- no client order id is ever submitted twice (across process lifetimes);
- every order a venue holds was journaled as an intent first;
- every leg the journal calls final agrees with the venue: filled amounts equal, and a leg
  recorded as rejected / not placed is not held by the venue;
- after a restart and reconciliation, nothing is left open and trading is allowed.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from sor_desktop.core.orders import OrderRequest, Side
from sor_desktop.engine.exec_events import RouteState
from sor_desktop.engine.executor import Executor, ExecutorConfig
from sor_desktop.engine.journal import Journal
from sor_desktop.engine.reconcile import ResolveConfig

from .exec_fakes import FakeVenue, book, make_plan

VENUES = ("v0", "v1", "v2")
ROUTE_IDS = [f"{i:x}" * 20 for i in range(1, 6)]  # a small pool: repeats must be refused
SEND_FAULTS = st.sampled_from(["ok", "ok", "partial", "none", "reject", "unavailable", "lost_before",
                               "lost_after", "5xx_after", "hang_after", "late"])
CFG = ExecutorConfig(resolve=ResolveConfig(acceptance_window_s=0.03, fetch_timeout_s=0.5, backoff_start_s=0.005,
                                           backoff_max_s=0.02, ioc_grace_s=0.02, give_up_s=5.0),
                     submit_timeout_s=0.05, duplicate_window_s=0.0)


class Crash(BaseException):
    pass


class ExecutionMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="sor-exec-props-"))
        self.loop = asyncio.new_event_loop()
        self.venues = {v: FakeVenue(v) for v in VENUES}
        self.alive = True
        self.crash_at: int | None = None
        self.sends_this_route = 0
        self.executor = self._new_executor()

    def _new_executor(self) -> Executor:
        return Executor(self.venues, Journal(self.dir / "journal.sqlite3"), config=CFG, before_send=self._hook)

    def _hook(self, req: OrderRequest) -> None:
        if self.crash_at is not None and self.sends_this_route == self.crash_at:
            raise Crash
        self.sends_this_route += 1

    def teardown(self) -> None:
        self.executor.journal.close()
        self.loop.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def _run(self, coro):  # type: ignore[no-untyped-def]
        return self.loop.run_until_complete(coro)

    def _die(self) -> None:
        """The process is gone: nothing it was doing goes on, the journal is what was committed."""
        pending = [t for t in asyncio.all_tasks(self.loop) if not t.done()]
        for t in pending:
            t.cancel()
        if pending:
            self.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self.executor.journal.close()
        self.alive = False

    # -- rules ----------------------------------------------------------------------------------
    @precondition(lambda self: self.alive)
    @rule(venues=st.lists(st.sampled_from(VENUES), min_size=1, max_size=3, unique=True),
          faults=st.lists(SEND_FAULTS, min_size=3, max_size=3),
          amounts=st.lists(st.integers(min_value=1, max_value=9), min_size=3, max_size=3),
          route_id=st.sampled_from(ROUTE_IDS + [None]),
          crash_at=st.one_of(st.none(), st.integers(min_value=0, max_value=2)))
    def route(self, venues: list[str], faults: list[str], amounts: list[int], route_id: str | None,
              crash_at: int | None) -> None:
        for v, f in zip(venues, faults, strict=False):
            self.venues[v].faults = [f]
        plan = make_plan(Side.BUY, [(v, f"0.{a}", "50010", 50_001.0) for v, a in zip(venues, amounts, strict=False)])
        self.crash_at, self.sends_this_route = crash_at, 0
        try:
            res = self._run(self.executor.execute(plan, {v: book(v) for v in self.venues}, route_id=route_id))
        except Crash:
            self._die()
            return
        finally:
            self.crash_at = None
            for v in self.venues.values():
                v.faults = []
        if route_id is not None and res.state is not RouteState.BLOCKED:
            assert ROUTE_IDS.count(route_id) == 1

    @precondition(lambda self: self.alive)
    @rule(venue=st.sampled_from(VENUES), n=st.integers(min_value=1, max_value=3))
    def fetch_outage(self, venue: str, n: int) -> None:
        self.venues[venue].fetch_failures = n

    @precondition(lambda self: self.alive)
    @rule(venue=st.sampled_from(VENUES))
    def reroute_last(self, venue: str) -> None:
        routes = [r for r in self.executor.journal.recent_routes(5) if r.state == "done"]
        if not routes:
            return

        def planner(request, books):  # type: ignore[no-untyped-def]
            amount = Decimal(str(request.amount)).quantize(Decimal("0.001"))
            return make_plan(Side.BUY, [(venue, str(amount), "50010", 50_001.0)], requested=request.amount)

        self._run(self.executor.reroute_remainder(routes[0].route_id, {v: book(v) for v in self.venues}, planner))

    @rule()
    def restart(self) -> None:
        if self.alive:
            self._die()
        for v in self.venues.values():
            v.fetch_failures = 0
        self.executor = self._new_executor()
        self.alive = True
        report = self._run(self.executor.recover())
        assert report.clean and self.executor.ready
        assert self.executor.journal.open_legs() == []

    # -- invariants -----------------------------------------------------------------------------
    @invariant()
    def nothing_sent_twice(self) -> None:
        submits = Counter(cid for v in self.venues.values() for cid in v.submits)
        assert all(n == 1 for n in submits.values()), submits
        assert all(n == 1 for v in self.venues.values() for n in v.accepted.values())

    @invariant()
    def journal_matches_the_venues(self) -> None:
        with Journal(self.dir / "journal.sqlite3", exclusive=False) as j:  # what a new process would read
            legs = {lg.client_order_id: lg for lg in j.all_legs()}
        for v in self.venues.values():
            for cid in v.accepted:
                assert cid in legs, f"{cid} on {v.id} was never journaled"
        for cid, lg in legs.items():
            held = self.venues[lg.venue].orders.get(cid)
            if lg.status in ("filled", "canceled"):
                assert held is not None and held.filled_contracts == lg.filled_contracts, (lg, held)
            elif lg.status == "rejected":
                assert held is None, (lg, held)


TestExecutionMachine = ExecutionMachine.TestCase
TestExecutionMachine.settings = settings(max_examples=40, stateful_step_count=10, deadline=None,
                                         suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.slow
class TestExecutionMachineDeep(ExecutionMachine.TestCase):  # type: ignore[name-defined,misc]
    """The same machine, longer and wider (``pytest -m slow``)."""

    settings = settings(max_examples=400, stateful_step_count=25, deadline=None,
                        suppress_health_check=[HealthCheck.too_slow])
