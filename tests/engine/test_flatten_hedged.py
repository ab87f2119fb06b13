"""A flatten of longs on one venue and shorts on another is ONE route (issue #16): one plan whose
legs carry their own side (``Leg.side``, ``Plan.mixed``), sent reduce-only by the executor under one
route id, journaled with each leg's side, its cost analysis per leg, and recovered after a restart
by client id like any other route."""

from __future__ import annotations

import asyncio
import csv
import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from sor_desktop.core.account import Position
from sor_desktop.core.checks import CheckLimits, check_plan
from sor_desktop.core.orders import OrderRequest, OrderStatus, Side
from sor_desktop.engine.exec_events import RouteState
from sor_desktop.engine.executor import Executor, ExecutorConfig, plan_fingerprint
from sor_desktop.engine.flatten import plan_flatten, plan_flatten_underlying
from sor_desktop.engine.journal import MIXED, Journal
from sor_desktop.engine.preview import PreviewRequest
from sor_desktop.engine.session_events import LegUpdate, RouteDone, RouteStarted
from sor_desktop.engine.store import LinkState, VenueHealth
from sor_desktop.engine.tca import export_csv, journal_route_tca

from .exec_fakes import SYMBOL, FakeVenue, book, make_plan
from .test_executor import FAST
from .test_reconcile import Crash
from .test_session import make_session

RID = "ffffffffffffffffffff"


def _hedged(venues: dict[str, FakeVenue], long_base: str = "0.5", short_base: str = "0.3"):
    """A long on v0 and a short on v1, flattened on the fake venues' books (mid 50,000)."""
    positions = {
        "v0": [Position("v0", SYMBOL, Side.BUY, Decimal(long_base), Decimal(long_base), Decimal(49_000))],
        "v1": [Position("v1", SYMBOL, Side.SELL, Decimal(short_base), Decimal(short_base), Decimal(51_000))],
    }
    insts = {v: fv.instruments()[SYMBOL] for v, fv in venues.items()}
    books = {v: book(v) for v in venues}
    health = {v: VenueHealth(v, LinkState.CONNECTED) for v in venues}
    fl = plan_flatten(SYMBOL, positions, insts, books, health)
    assert fl.problems == () and fl.plan is not None
    return fl.plan, books


def _executor(tmp_path: Path, venues: dict[str, FakeVenue], **kw: object) -> Executor:
    return Executor(venues, Journal(tmp_path / "j.sqlite3"),
                    config=ExecutorConfig(resolve=FAST, submit_timeout_s=0.3), **kw)  # type: ignore[arg-type]


def test_a_long_and_a_short_flatten_as_one_plan_each_leg_on_its_side() -> None:
    venues = {v: FakeVenue(v) for v in ("v0", "v1")}
    plan, books = _hedged(venues)
    assert plan.mixed and plan.sides == (Side.SELL, Side.BUY)
    assert [(lg.venue, lg.side, lg.contracts) for lg in plan.legs] == [("v0", Side.SELL, "0.5"),
                                                                       ("v1", Side.BUY, "0.3")]
    sell, buy = plan.legs
    # each limit on its own side of its book, within the slippage of what was walked
    assert Decimal(sell.limit_price) < Decimal(str(books["v0"].bids[0, 0]))
    assert Decimal(buy.limit_price) > Decimal(str(books["v1"].asks[0, 0]))
    assert plan.filled == pytest.approx(0.8) and plan.meta == {"intent": "flatten"}
    sides = [lg.get("side") for lg in plan.to_json()["legs"]]
    assert sides == ["sell", "buy"] and plan.to_json()["sides"] == ["sell", "buy"]
    # the checks take each leg's band on its own side: a buy limit above the ask is not "below the mid"
    insts = {v: fv.instruments()[SYMBOL] for v, fv in venues.items()}
    assert check_plan(plan, books=books, instruments=insts, gates={}, now=books["v0"].received,
                      limits=CheckLimits()) == []


def test_a_one_sided_plan_is_unchanged_in_json_and_fingerprint() -> None:
    plan = make_plan(Side.BUY, [("v0", "0.5", "50010", 50_001.0), ("v1", "0.5", "50010", 50_001.0)])
    assert not plan.mixed and plan.sides == (Side.BUY,)
    j = plan.to_json()
    assert "sides" not in j and all("side" not in lg for lg in j["legs"])
    import hashlib
    legs = [(lg.venue, lg.symbol, lg.contracts, lg.limit_price) for lg in plan.legs]
    raw = json.dumps([plan.symbol, "buy", legs], sort_keys=True)
    assert plan_fingerprint(plan) == hashlib.sha256(raw.encode()).hexdigest()[:32]
    # a leg saying the plan's own side is the same plan
    same = replace(plan, legs=tuple(replace(lg, side=Side.BUY) for lg in plan.legs))
    assert not same.mixed and plan_fingerprint(same) == plan_fingerprint(plan)
    # the same legs with one of them selling is another plan
    other = replace(plan, legs=(plan.legs[0], replace(plan.legs[1], side=Side.SELL)))
    assert other.mixed and plan_fingerprint(other) != plan_fingerprint(plan)


def test_a_hedge_mode_venue_may_close_its_long_and_its_short_in_one_plan_but_not_twice_one_side() -> None:
    venues = {"v0": FakeVenue("v0")}
    positions = {"v0": [Position("v0", SYMBOL, Side.BUY, Decimal("0.5"), Decimal("0.5"), Decimal(49_000)),
                        Position("v0", SYMBOL, Side.SELL, Decimal("0.2"), Decimal("0.2"), Decimal(51_000))]}
    insts = {"v0": venues["v0"].instruments()[SYMBOL]}
    books = {"v0": book("v0")}
    fl = plan_flatten(SYMBOL, positions, insts, books, {"v0": VenueHealth("v0", LinkState.CONNECTED)})
    assert fl.plan is not None and [(lg.venue, lg.side) for lg in fl.plan.legs] == [("v0", Side.SELL),
                                                                                     ("v0", Side.BUY)]
    now = books["v0"].received
    assert check_plan(fl.plan, books=books, instruments=insts, gates={}, now=now, limits=CheckLimits()) == []
    twice = replace(fl.plan, legs=(fl.plan.legs[0], replace(fl.plan.legs[1], side=Side.SELL)))
    codes = [p.code for p in check_plan(twice, books=books, instruments=insts, gates={}, now=now,
                                        limits=CheckLimits())]
    assert "duplicate_leg" in codes


@pytest.mark.asyncio
async def test_the_executor_sends_a_mixed_plan_as_one_reduce_only_route(tmp_path: Path) -> None:
    venues = {v: FakeVenue(v) for v in ("v0", "v1")}
    plan, books = _hedged(venues)
    sent: list[OrderRequest] = []
    ex = _executor(tmp_path, venues, before_send=sent.append)
    res = await ex.execute(plan, books, route_id=RID, reduce_only=True)
    assert res.state is RouteState.DONE
    # what was confirmed is what was sent: each leg's side, amount and limit, reduce-only
    assert [(r.venue, r.side, str(r.contracts), str(r.limit_price), r.reduce_only) for r in sent] == [
        (lg.venue, lg.side, lg.contracts, lg.limit_price, True) for lg in plan.legs]
    assert {v: [o.side for o in fv.orders.values()] for v, fv in venues.items()} == {"v0": [Side.SELL],
                                                                                      "v1": [Side.BUY]}
    journal = ex.journal
    (route,) = journal.recent_routes()
    assert route.route_id == RID and route.side is None and route.reduce_only
    assert [(lg.venue, lg.side, lg.status) for lg in journal.legs(RID)] == [("v0", Side.SELL, "filled"),
                                                                            ("v1", Side.BUY, "filled")]
    assert json.loads(route.plan_json)["sides"] == ["sell", "buy"]
    # cost analysis per leg on its own side: both filled at their limits, a cost on each side
    tca = journal_route_tca(journal, RID)
    assert tca is not None and tca.side == MIXED and tca.realised_avg_price is None
    by_venue = {lg.venue: lg for lg in tca.legs}
    assert by_venue["v0"].side == "sell" and by_venue["v1"].side == "buy"
    sell, buy = plan.legs
    sell_slip = (1 - float(sell.limit_price) / sell.avg_price) * 1e4
    buy_slip = (float(buy.limit_price) / buy.avg_price - 1) * 1e4
    assert by_venue["v0"].slippage_bps == pytest.approx(sell_slip) and sell_slip > 0
    assert by_venue["v1"].slippage_bps == pytest.approx(buy_slip) and buy_slip > 0
    w_sell, w_buy = 0.5 * sell.avg_price, 0.3 * buy.avg_price
    assert tca.slippage_bps == pytest.approx((sell_slip * w_sell + buy_slip * w_buy) / (w_sell + w_buy))
    assert tca.filled_base == pytest.approx(0.8) and tca.fill_ratio == pytest.approx(1.0)
    # the CSV export writes each leg's own side
    out = tmp_path / "tca.csv"
    assert export_csv(journal, out) == 2
    rows = list(csv.DictReader(out.open()))
    assert [(r["venue"], r["side"]) for r in rows] == [("v0", "sell"), ("v1", "buy")]
    # the same plan again is a double send
    again = await ex.execute(plan, books, reduce_only=True)
    assert again.state is RouteState.BLOCKED and any(p.code == "duplicate" for p in again.problems)


@pytest.mark.asyncio
async def test_a_mixed_plan_is_never_sent_without_reduce_only(tmp_path: Path) -> None:
    venues = {v: FakeVenue(v) for v in ("v0", "v1")}
    plan, books = _hedged(venues)
    ex = _executor(tmp_path, venues)
    res = await ex.execute(plan, books, route_id=RID)
    assert res.state is RouteState.BLOCKED and [p.code for p in res.problems] == ["mixed"]
    assert all(not fv.submits for fv in venues.values()) and ex.journal.recent_routes() == []


@pytest.mark.asyncio
async def test_an_unknown_outcome_in_a_mixed_route_is_resolved_by_client_id_not_resent(tmp_path: Path) -> None:
    venues = {"v0": FakeVenue("v0"), "v1": FakeVenue("v1", faults=["lost_after"])}
    plan, books = _hedged(venues)
    ex = _executor(tmp_path, venues)
    res = await ex.execute(plan, books, route_id=RID, reduce_only=True)
    assert res.state is RouteState.DONE
    buy = res.legs[1]
    assert buy.side is Side.BUY and buy.status is OrderStatus.FILLED
    assert dict(venues["v1"].accepted) == {buy.client_order_id: 1} and len(venues["v1"].submits) == 1


@pytest.mark.asyncio
async def test_a_mixed_route_cut_by_a_crash_is_recovered_with_its_sides(tmp_path: Path) -> None:
    venues = {v: FakeVenue(v) for v in ("v0", "v1")}
    plan, books = _hedged(venues)
    sent: list[str] = []

    def die_after_first(req: OrderRequest) -> None:
        if sent:
            raise Crash
        sent.append(req.client_order_id)

    path = tmp_path / "j.sqlite3"
    ex = Executor(venues, Journal(path), config=ExecutorConfig(resolve=FAST), before_send=die_after_first)
    with pytest.raises(Crash):
        await ex.execute(plan, books, route_id=RID, reduce_only=True)
    ex.journal.close()
    # a new process on the same journal: the open legs are asked of their venues, nothing is sent
    journal = Journal(path)
    (route,) = journal.recent_routes()
    assert route.side is None and [lg.side for lg in journal.open_legs()] == [Side.SELL, Side.BUY]
    fresh = {v: FakeVenue(v, orders=venues[v].orders, accepted=venues[v].accepted) for v in venues}
    ex2 = Executor(fresh, journal, config=ExecutorConfig(resolve=FAST))
    assert not ex2.ready
    report = await ex2.recover()
    assert ex2.ready and report.clean
    assert [(lg.venue, lg.side) for lg in report.resolved] == [("v0", Side.SELL)]
    assert [(lg.venue, lg.side) for lg in report.not_placed] == [("v1", Side.BUY)]
    assert all(not fv.submits for fv in fresh.values())
    assert journal.route(RID).state == "done"  # type: ignore[union-attr]
    tca = journal_route_tca(journal, RID)
    assert tca is not None and tca.side == MIXED and tca.filled_base == pytest.approx(0.5)
    # what is left (the short) is not re-routed as if it were one side: the trader flattens again
    again = await ex2.reroute_remainder(RID, books, planner=lambda *_: plan)
    assert again is not None and again.state is RouteState.BLOCKED and again.problems[0].code == "mixed"
    assert all(not fv.submits for fv in fresh.values())


@pytest.mark.asyncio
async def test_a_hedged_flatten_with_the_bybit_inverse_market_is_one_route_and_ends_flat(tmp_path, monkeypatch):
    """On the simulated market: long on Binance, short on BingX and short on Bybit's inverse
    BTC/USD:BTC; one flatten, one route of a sell and two buys, every position closed."""
    inverse, key = "BTC/USD:BTC", "bybit BTC/USD:BTC"
    session, market = await make_session(tmp_path, monkeypatch, symbols=(SYMBOL, inverse))
    session.store.put_book(market.book_at("bybit", inverse, market.clock.time(), sequence=1), chip=False)
    events: list[object] = []
    session.listeners.append(events.append)

    async def route(side: Side, amount: str, included: set[str], off: frozenset[str] = frozenset()) -> None:
        pv = session.preview(PreviewRequest(SYMBOL, side, amount, included=frozenset(included), switched_off=off))
        assert pv.plan is not None and pv.plan.legs, pv
        session.submit(pv.plan)
        await asyncio.wait([t for t in session.tasks if t.get_name().startswith("route:")], timeout=10)

    try:
        await route(Side.BUY, "1", {"binanceusdm"})
        await route(Side.SELL, "0.6", {"bingx"})
        await route(Side.SELL, "0.4", {"bybit"}, frozenset({"bybit"}))  # the inverse market alone
        await session.refresh_accounts()
        held = {(p.venue, p.symbol, p.side) for ps in session.positions.values() for p in ps if p.contracts}
        assert held == {("binanceusdm", SYMBOL, Side.BUY), ("bingx", SYMBOL, Side.SELL),
                        ("bybit", inverse, Side.SELL)}
        fl = plan_flatten_underlying(SYMBOL, session.companions(), session.positions, session.route_instruments(),
                                     session.route_books(), session.health_now())
        assert fl.problems == () and fl.plan is not None and fl.plan.mixed
        assert [(lg.venue, lg.symbol, lg.side) for lg in fl.plan.legs] == [
            ("binanceusdm", SYMBOL, Side.SELL), ("bingx", SYMBOL, Side.BUY), ("bybit", inverse, Side.BUY)]
        before = len(session.executor.journal.recent_routes())
        route_id = session.submit(fl.plan, True)
        await asyncio.wait([t for t in session.tasks if t.get_name().startswith("route:")], timeout=10)
        started = [e for e in events if isinstance(e, RouteStarted)]
        assert started[-1].route_id == route_id
        final = {e.leg: e for e in events if isinstance(e, LegUpdate) and e.route_id == route_id}
        assert [(u.venue, u.side, u.status) for _, u in sorted(final.items())] == [
            ("binanceusdm", Side.SELL, OrderStatus.FILLED), ("bingx", Side.BUY, OrderStatus.FILLED),
            ("bybit", Side.BUY, OrderStatus.FILLED)]
        done = [e for e in events if isinstance(e, RouteDone) and e.route_id == route_id]
        assert done and done[0].status == "filled" and done[0].tca is not None and done[0].tca.side == MIXED
        await session.refresh_accounts()
        assert not [p for ps in session.positions.values() for p in ps if p.contracts]
        # the journal, read as a restart reads it: one more route, its legs with their own sides
        reader = Journal(session.executor.journal.path, exclusive=False)
        try:
            routes = reader.recent_routes()
            assert len(routes) == before + 1 and routes[0].route_id == route_id and routes[0].side is None
            assert [(lg.venue, lg.symbol, lg.side) for lg in reader.legs(route_id)] == [
                (lg.venue, lg.symbol, lg.side) for lg in fl.plan.legs]
            assert reader.open_legs() == []
        finally:
            reader.close()
        assert key in session.companions()
    finally:
        await session.stop(timeout=1.0)


@pytest.mark.parametrize(("on_close", "closed"), [(False, True), (True, False)])
def test_a_position_under_the_minimum_order_value_is_flattened_where_the_venue_takes_the_close(
        on_close: bool, closed: bool) -> None:
    """A 0.00005 BTC (2.5 USDT) long under a 5 USDT minimum order value: Binance and Bybit take
    a reduce-only close under it, and the flatten planned no leg ("only 0 of 5e-05 can be closed
    now: no venue can take the order", the minimum unnamed). Where the minimum holds for a close,
    the problem names it."""
    venues = {"v0": FakeVenue("v0")}
    inst = replace(venues["v0"].instruments()[SYMBOL], amount_step=Decimal("0.00001"), min_amount=None,
                   min_notional=Decimal(5), min_notional_on_close=on_close)
    positions = {"v0": [Position("v0", SYMBOL, Side.BUY, Decimal("0.00005"), Decimal("0.00005"), Decimal(49_000))]}
    fl = plan_flatten(SYMBOL, positions, {"v0": inst}, {"v0": book("v0")},
                      {"v0": VenueHealth("v0", LinkState.CONNECTED)})
    if closed:
        assert [lg.contracts for lg in fl.legs] == ["0.00005"] and not fl.problems
    else:
        assert not fl.legs
        assert "minimum order value" in fl.problems[0][1]
