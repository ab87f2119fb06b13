"""A plan's CPU budget is the plan's own work: a garbage collection that starts inside it (the
window's heap of Qt objects took 137 ms of the Qt thread in one impact-curve plan in the test
suite) cut the search, and a plan that takes 3 ms alone came out "within 0.024 bps" with a
0.025 BTC dust leg, or with its fill not proven. Here every collection costs 30 ms of CPU and
the collector runs every 50 allocations: the plans must be the ones planned without it."""

from __future__ import annotations

import gc
import random
import time
from collections.abc import Iterator

import pytest

from sor_desktop.core.orders import Side
from sor_desktop.core.router import RouteError, plan_route
from tests.core.router_cases import request, venue

SPECS = [("binanceusdm", "0.001", "0.001", 1, "0.0004"), ("bingx", "0.0001", None, 1, "0.0005"),
         ("bybit", "0.001", "0.001", 1, "0.00055"), ("mexc", "1", "1", "0.0001", "0.0002"),
         ("weex", "0.0001", "0.0001", 1, "0.0006")]


def _venues():  # type: ignore[no-untyped-def]
    """Five venues like the simulated market's under margin caps of about 1.64 BTC each: the
    lots of 0.001, 0.0001 and MEXC's 1e-4 BTC contracts with minimums, a leg cost of 1 USDT."""
    rng = random.Random(1)
    out = []
    for i, (name, step, least, size, fee) in enumerate(SPECS):
        mid = 60010 + rng.uniform(-1, 1)
        asks = [[round(mid + 0.1 * (k + 1), 1), round(rng.uniform(0.01, 0.4), 4)] for k in range(300)]
        bids = [[round(mid - 0.1 * (k + 1), 1), round(rng.uniform(0.01, 0.4), 4)] for k in range(300)]
        out.append(venue(name, asks, bids, step=step, min_amount=least, size=size, fee=fee, cap_base=1.64 - 0.005 * i))
    return out


@pytest.fixture
def slow_collector() -> Iterator[None]:
    def burn(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            t = time.thread_time()
            while time.thread_time() - t < 0.03:
                pass

    threshold = gc.get_threshold()
    gc.callbacks.append(burn)
    gc.set_threshold(50, 1, 1)
    try:
        yield
    finally:
        gc.callbacks.remove(burn)
        gc.set_threshold(*threshold)


@pytest.mark.parametrize("amount", [3.30875, 3.9705, 5.294])
def test_a_slow_garbage_collection_does_not_cut_a_plan(amount: float, slow_collector: None) -> None:
    venues = _venues()
    req = request(Side.BUY, amount, leg_cost=1.0)
    gc.disable()  # the reference, planned with no collection at all
    try:
        want = plan_route(req, venues)
    finally:
        gc.enable()
    assert want.gap_bps == 0 and want.filled == pytest.approx(amount, abs=1e-4)  # on the finest lot
    got = plan_route(req, venues)
    assert got.proof == want.proof and got.gap_bps == 0
    assert [(lg.venue, lg.contracts) for lg in got.legs] == [(lg.venue, lg.contracts) for lg in want.legs]
    assert gc.isenabled()  # the collector is back once the plan is done


def test_the_collector_comes_back_after_a_plan_that_fails_and_stays_off_if_it_was() -> None:
    with pytest.raises(RouteError):
        plan_route(request(Side.BUY, -1.0), _venues())
    assert gc.isenabled()
    gc.disable()
    try:
        plan_route(request(Side.BUY, 1.0), _venues())
        assert not gc.isenabled()  # the caller's choice is kept
    finally:
        gc.enable()


def test_plans_on_two_threads_at_once_leave_the_collector_on() -> None:
    """The preview worker and the Qt thread plan at the same time: the collector comes back only
    when the last plan ends, and it does come back."""
    import threading

    venues = _venues()
    done: list[float] = []
    barrier = threading.Barrier(2)

    def plan_twice() -> None:
        barrier.wait()
        for amount in (3.30875, 2.0):
            done.append(plan_route(request(Side.BUY, amount, leg_cost=1.0), venues).gap_bps)

    threads = [threading.Thread(target=plan_twice) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert done == [0.0] * 4  # every plan finished, proven
    assert gc.isenabled()
