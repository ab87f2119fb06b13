"""The executor against fake venues at the boundary: fills, rejections, unknown outcomes resolved by
client id, and the rule that nothing is ever sent twice."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from sor_desktop.core.checks import CheckLimits
from sor_desktop.core.orders import OrderStatus, Side
from sor_desktop.engine.exec_events import ExecEvent, LegEvent, RouteEvent, RouteState
from sor_desktop.engine.executor import Executor, ExecutorConfig
from sor_desktop.engine.journal import Journal
from sor_desktop.engine.reconcile import NOT_PLACED_REASON, ResolveConfig

from .exec_fakes import FakeVenue, book, make_plan

FAST = ResolveConfig(acceptance_window_s=0.2, fetch_timeout_s=0.5, backoff_start_s=0.01, backoff_max_s=0.05,
                     ioc_grace_s=0.1, give_up_s=2.0)


def setup(tmp_path: Path, *faults: list[str], config: ExecutorConfig | None = None, **kw: object):
    venues = {f"v{i}": FakeVenue(f"v{i}", faults=list(f)) for i, f in enumerate(faults)}
    journal = Journal(tmp_path / "j.sqlite3")
    events: list[ExecEvent] = []
    ex = Executor(venues, journal, config=config or ExecutorConfig(resolve=FAST, submit_timeout_s=0.3),
                  on_event=events.append, **kw)  # type: ignore[arg-type]
    books = {v: book(v) for v in venues}
    return ex, venues, journal, events, books


def buy_plan(n: int, contracts: str = "0.5", limit: str = "50010", avg: float = 50_001.0):
    return make_plan(Side.BUY, [(f"v{i}", contracts, limit, avg) for i in range(n)])


@pytest.mark.asyncio
async def test_all_legs_fill_with_deterministic_ids_and_events(tmp_path: Path) -> None:
    ex, venues, journal, events, books = setup(tmp_path, [], [], [])
    res = await ex.execute(buy_plan(3), books, route_id="abcdef0123456789abcd")
    assert res.state is RouteState.DONE
    assert [lg.client_order_id for lg in res.legs] == [f"sorabcdef0123456789abcdl{i}" for i in range(3)]
    assert all(lg.status is OrderStatus.FILLED and lg.filled_contracts == Decimal("0.5") for lg in res.legs)
    assert all(lg.latency_ms is not None and lg.latency_ms >= 0 for lg in res.legs)
    for i, v in enumerate(venues.values()):
        assert dict(v.accepted) == {f"sorabcdef0123456789abcdl{i}": 1}
    # the blotter sees pending then filled for every leg, and the route start and end
    leg_events = [e for e in events if isinstance(e, LegEvent)]
    for i in range(3):
        statuses = [e.status for e in leg_events if e.leg_index == i]
        assert statuses[0] is OrderStatus.PENDING and statuses[-1] is OrderStatus.FILLED
    route_states = [e.state for e in events if isinstance(e, RouteEvent)]
    assert route_states == [RouteState.SENDING, RouteState.DONE]
    assert res.tca is not None and res.tca.realised_avg_price == pytest.approx(50_010.0)
    # filled at the limit 50010 against a preview of 50001: a cost of 1.8 bps
    assert res.tca.slippage_bps == pytest.approx((50_010 / 50_001 - 1) * 1e4)
    assert res.tca.fees_paid == pytest.approx(3 * 0.5 * 50_010 * 0.0005)
    assert journal.tca(res.route_id) is not None


@pytest.mark.asyncio
async def test_one_leg_rejected_while_the_others_fill(tmp_path: Path) -> None:
    ex, venues, journal, _, books = setup(tmp_path, [], ["reject"], [])
    res = await ex.execute(buy_plan(3), books)
    by_venue = {lg.venue: lg for lg in res.legs}
    assert by_venue["v1"].status is OrderStatus.REJECTED
    assert by_venue["v1"].reason == "Order would immediately trigger (test rejection)"
    assert by_venue["v0"].status is OrderStatus.FILLED and by_venue["v2"].status is OrderStatus.FILLED
    assert res.state is RouteState.DONE
    assert res.remainder == pytest.approx(0.5)
    assert res.tca is not None and res.tca.fill_ratio == pytest.approx(2 / 3)
    kinds = [e.kind for e in journal.events(res.route_id) if e.venue == "v1"]
    assert kinds == ["intent", "reject"]


@pytest.mark.parametrize("fault", ["lost_after", "5xx_after", "hang_after"])
@pytest.mark.asyncio
async def test_accepted_then_outcome_unknown_is_found_by_client_id_not_resent(tmp_path: Path, fault: str) -> None:
    ex, venues, journal, events, books = setup(tmp_path, [fault], [])
    res = await ex.execute(buy_plan(2), books)
    leg = res.legs[0]
    assert leg.status is OrderStatus.FILLED and leg.filled_contracts == Decimal("0.5")
    assert venues["v0"].submits == [leg.client_order_id]  # one send, never a second
    assert venues["v0"].accepted[leg.client_order_id] == 1
    seen = [e.status for e in events if isinstance(e, LegEvent) and e.leg_index == 0]
    assert OrderStatus.UNKNOWN in seen and seen[-1] is OrderStatus.FILLED
    kinds = [e.kind for e in journal.events(res.route_id) if e.venue == "v0"]
    assert kinds[:2] == ["intent", "unknown"] and "resolved" in kinds


@pytest.mark.asyncio
async def test_lost_before_the_venue_is_marked_not_placed_only_after_the_window(tmp_path: Path) -> None:
    ex, venues, journal, _, books = setup(tmp_path, ["lost_before"])
    venues["v0"].fetch_failures = 2  # a 5xx while resolving proves nothing either
    res = await ex.execute(buy_plan(1), books)
    leg = journal.legs(res.route_id)[0]
    assert leg.status == "rejected" and leg.reason == NOT_PLACED_REASON
    assert leg.sent_ts is not None and leg.updated - leg.sent_ts >= FAST.acceptance_window_s
    assert venues["v0"].submits == [leg.client_order_id] and not venues["v0"].accepted
    assert res.state is RouteState.DONE and res.remainder == pytest.approx(0.5)


@pytest.mark.asyncio
async def test_a_request_that_lands_late_inside_the_window_is_found(tmp_path: Path) -> None:
    ex, venues, journal, _, books = setup(tmp_path, ["late"])
    venues["v0"].arrival_delay_s = FAST.acceptance_window_s / 2
    res = await ex.execute(buy_plan(1), books)
    assert res.legs[0].status is OrderStatus.FILLED and venues["v0"].accepted[res.legs[0].client_order_id] == 1


@pytest.mark.asyncio
async def test_unavailable_is_not_placed_at_once(tmp_path: Path) -> None:
    ex, venues, journal, _, books = setup(tmp_path, ["unavailable"], [])
    res = await ex.execute(buy_plan(2), books)
    assert res.legs[0].status is OrderStatus.REJECTED and res.legs[0].reason == "connection refused"


@pytest.mark.asyncio
async def test_unresolved_leg_blocks_trading_until_reconciled(tmp_path: Path) -> None:
    cfg = ExecutorConfig(resolve=ResolveConfig(acceptance_window_s=0.2, backoff_start_s=0.01, backoff_max_s=0.02,
                                               give_up_s=0.1), submit_timeout_s=0.3)
    ex, venues, journal, _, books = setup(tmp_path, ["lost_after"], config=cfg)
    venues["v0"].fetch_failures = 10_000  # the venue's order endpoint is down
    res = await ex.execute(buy_plan(1), books)
    assert res.state is RouteState.UNRESOLVED and res.legs[0].status is OrderStatus.UNKNOWN
    assert not ex.ready
    again = await ex.execute(buy_plan(1, contracts="0.2"), books)
    assert again.state is RouteState.BLOCKED and again.problems[0].code == "unreconciled"
    assert len(venues["v0"].submits) == 1
    venues["v0"].fetch_failures = 0
    report = await ex.recover()
    assert [lg.status for lg in report.resolved] == ["filled"] and ex.ready
    assert journal.route(res.route_id).state == "done"  # type: ignore[union-attr]
    assert venues["v0"].accepted[res.legs[0].client_order_id] == 1


@pytest.mark.asyncio
async def test_same_route_id_or_same_plan_is_never_sent_twice(tmp_path: Path) -> None:
    ex, venues, journal, _, books = setup(tmp_path, [], [])
    plan = buy_plan(2)
    first = await ex.execute(plan, books, route_id="0123456789abcdef0123")
    assert first.state is RouteState.DONE
    again = await ex.execute(plan, books, route_id="0123456789abcdef0123")
    assert again.state is RouteState.BLOCKED and [p.code for p in again.problems] == ["duplicate"]
    double_click = await ex.execute(buy_plan(2), books)  # same legs, new route id, within the window
    assert double_click.state is RouteState.BLOCKED
    assert sum(len(v.submits) for v in venues.values()) == 2


@pytest.mark.asyncio
async def test_concurrent_double_submit_sends_once(tmp_path: Path) -> None:
    import asyncio

    ex, venues, journal, _, books = setup(tmp_path, [], [])
    plan = buy_plan(2)
    a, b = await asyncio.gather(ex.execute(plan, books, route_id="0123456789abcdef0123"),
                                ex.execute(plan, books, route_id="0123456789abcdef0123"))
    assert sorted([a.state, b.state]) == sorted([RouteState.DONE, RouteState.BLOCKED])
    assert sum(len(v.submits) for v in venues.values()) == 2


@pytest.mark.asyncio
async def test_pre_trade_checks_block_the_whole_route(tmp_path: Path) -> None:
    from sor_desktop.venues.base import Capabilities

    cfg = ExecutorConfig(resolve=FAST, limits=CheckLimits(max_book_age_s=5, price_band_bps=50,
                                                          max_notional=Decimal("60000")))
    ex, venues, journal, events, books = setup(tmp_path, [], [], config=cfg)
    venues["v1"].capabilities = Capabilities(trading_allowed=False, view_only_reason="orders by API are off")
    stale = dict(books, v0=book("v0", received=0.0))
    res = await ex.execute(make_plan(Side.BUY, [("v0", "0.5", "50500", 50_001.0), ("v1", "0.7", "50010", 50_001.0)]),
                           stale)
    codes = sorted(p.code for p in res.problems)
    # v0: stale book (so no band check on it); v1: view-only; 0.5*50500 + 0.7*50010 > 60000
    assert codes == ["max_notional", "stale_book", "view_only"]
    assert res.state is RouteState.BLOCKED
    assert all(not v.submits for v in venues.values()) and journal.recent_routes() == []
    assert any(isinstance(e, RouteEvent) and e.state is RouteState.BLOCKED for e in events)


@pytest.mark.asyncio
async def test_reroute_remainder_on_fresh_books_once(tmp_path: Path) -> None:
    ex, venues, journal, _, books = setup(tmp_path, ["partial"], [])
    first = await ex.execute(buy_plan(2, contracts="1"), books)
    assert first.remainder == pytest.approx(0.5)
    asked = []

    def planner(request, fresh):  # type: ignore[no-untyped-def]
        asked.append((request.side, request.amount, set(fresh)))
        return make_plan(Side.BUY, [("v1", "0.5", "50020", 50_015.0)], requested=request.amount)

    fresh = {v: book(v, 50_010.0) for v in venues}
    child = await ex.reroute_remainder(first.route_id, fresh, planner)
    assert asked == [(Side.BUY, pytest.approx(0.5), {"v0", "v1"})]
    assert child is not None and child.state is RouteState.DONE and child.parent_route_id == first.route_id
    assert child.legs[0].filled_contracts == Decimal("0.5")
    twice = await ex.reroute_remainder(first.route_id, fresh, planner)
    assert twice is not None and twice.state is RouteState.BLOCKED
    assert venues["v1"].submits == [first.legs[1].client_order_id, child.legs[0].client_order_id]


@pytest.mark.asyncio
async def test_auto_reroute_follows_short_legs(tmp_path: Path) -> None:
    cfg = ExecutorConfig(resolve=FAST, auto_reroute_rounds=2)

    def planner(request, fresh):  # type: ignore[no-untyped-def]
        return make_plan(Side.BUY, [("v1", f"{request.amount:.3f}", "50020", 50_015.0)], requested=request.amount)

    venues = {"v0": FakeVenue("v0", faults=["none"]), "v1": FakeVenue("v1", faults=["ok", "partial", "ok"])}
    journal = Journal(tmp_path / "j.sqlite3")
    ex = Executor(venues, journal, config=cfg, planner=planner,
                  books_source=lambda: {v: book(v) for v in venues})
    res = await ex.execute(buy_plan(2, contracts="1"), {v: book(v) for v in venues})
    # v0 fills nothing (1 short) -> re-route 1 on v1, half fills -> re-route 0.5, fills
    assert [r.legs[0].filled_contracts for r in res.reroutes] == [Decimal("0.5"), Decimal("0.5")]
    assert res.remainder == pytest.approx(0.0)
    assert [r.parent_route_id for r in res.reroutes] == [res.route_id, res.reroutes[0].route_id]


@pytest.mark.asyncio
async def test_cancel_all_reaches_every_trading_venue(tmp_path: Path) -> None:
    from sor_desktop.venues.base import Capabilities

    ex, venues, journal, _, books = setup(tmp_path, ["rest"], [], [])
    venues["v2"].capabilities = Capabilities(trading_allowed=False)
    await venues["v0"].submit_order(__import__("sor_desktop.core.orders", fromlist=["OrderRequest"]).OrderRequest(
        "v0", "BTC/USDT:USDT", Side.BUY, Decimal("1"), "sorx000000000000l0", limit_price=Decimal("1")))

    async def broken(symbol=None):  # type: ignore[no-untyped-def]
        raise OSError("network down")

    venues["v1"].cancel_all = broken  # type: ignore[method-assign]
    out = await ex.cancel_all()
    assert out["v0"].cancelled == 1 and out["v0"].ok and "v2" not in out
    assert not out["v1"].ok and out["v1"].cancelled == 0 and "network down" in out["v1"].errors[0]
    assert venues["v0"].orders["sorx000000000000l0"].status is OrderStatus.CANCELED
    assert [e.kind for e in journal.events() if e.kind.startswith("cancel_all")] == ["cancel_all",
                                                                                    "cancel_all_failed"]


@pytest.mark.asyncio
async def test_reroute_of_a_swept_route_keeps_its_hard_limit_and_leg_cost(tmp_path: Path) -> None:
    """A sweep to P is 'never worse than P': the remainder's plan is asked with the same limit (and
    the same leg cost, venue count, holding time and liquidation distance), not a fresh unbounded
    request."""
    import dataclasses

    ex, venues, journal, _, books = setup(tmp_path, ["partial"], [])
    # all-in 50,040: the legs' 50,010 limits with the 5 bps taker fee (50,035.005) are within it
    swept = dataclasses.replace(buy_plan(2, contracts="1"), limit_price=50_040.0, limit_on_fee_adjusted=True,
                                leg_cost=2.5, max_venues=2, hold_hours=8.0, min_liq_distance=0.1)
    first = await ex.execute(swept, books)
    assert first.remainder == pytest.approx(0.5)
    asked = []

    def planner(request, fresh):  # type: ignore[no-untyped-def]
        asked.append(request)
        return make_plan(Side.BUY, [("v1", "0.5", "50010", 50_005.0)], requested=request.amount)

    await ex.reroute_remainder(first.route_id, {v: book(v, 50_010.0) for v in venues}, planner)
    assert len(asked) == 1
    assert asked[0].limit_price == 50_040.0 and asked[0].limit_on_fee_adjusted is True
    assert asked[0].leg_cost == 2.5
    # the venue count, the holding time its funding is counted over and the liquidation distance
    assert asked[0].max_venues == 2 and asked[0].hold_hours == 8.0 and asked[0].min_liq_distance == 0.1
