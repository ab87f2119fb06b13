"""Linear and inverse markets routed together (core/inverse_venue.py), checked against a MILP
written here that knows nothing of pseudo-lots: the inverse venue's decision is a whole number of
contracts (1 USD each), walked level by level on its own book, on one USD basis.

For the plan's own fill ``F`` the MILP finds the cheapest plan buying at least ``F`` (a sell: the
largest proceeds selling at most ``F``), with the venues' minimums, maxima, depth and leg costs;
the plan must be within 0.01 bps of it and within its own ``gap_bps``. The fill must be the
largest the lot grids allow up to the one-contract rounding."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from sor_desktop.core.orders import Side
from sor_desktop.core.plan import AmountUnit, Plan, PlanRequest, VenueInput
from sor_desktop.core.router import plan_route
from tests.core.real_instances import INVERSE_MARKET, inverse_venue
from tests.core.router_cases import venue


def _random_instance(seed: int) -> tuple[list[VenueInput], PlanRequest]:
    rng = random.Random(seed)
    mid = rng.choice([60_000.0, 91_234.5])
    venues = []
    for i in range(rng.randint(1, 3)):
        step = rng.choice(["0.001", "0.01", "0.0001"])
        off = rng.uniform(0, 3)
        asks = [[round(mid + off + 0.5 * (k + 1), 1), round(rng.uniform(0.01, 0.8), 3)] for k in range(40)]
        bids = [[round(mid - off - 0.5 * (k + 1), 1), round(rng.uniform(0.01, 0.8), 3)] for k in range(40)]
        venues.append(venue(f"lin{i}", asks, bids, step=step, size="1", tick="0.1",
                            fee=rng.choice(["0.0002", "0.0004", "0.0005"]),
                            min_amount=rng.choice([None, step]), min_notional=rng.choice([None, 5])))
    off = rng.uniform(0, 3)  # its own book is never crossed (the router would exclude it)
    inv_asks = [(mid + off + 0.5 * (k + 1), rng.uniform(0.01, 0.8)) for k in range(40)]
    inv_bids = [(mid - off - 0.5 * (k + 1), rng.uniform(0.01, 0.8)) for k in range(40)]
    market = {**INVERSE_MARKET, "limits": {"amount": {"min": rng.choice([1, 100]), "max": 1_000_000}}}
    venues.append(inverse_venue(inv_asks, inv_bids, fee=rng.choice([0.0002, 0.00055]), market=market))
    side = rng.choice([Side.BUY, Side.SELL])
    request = PlanRequest(side, round(rng.uniform(0.05, 12.0), 4), leg_cost=rng.choice([0.0, 1.0]),
                          max_venues=rng.choice([None, None, 2]))
    return venues, request


def milp_mixed(request: PlanRequest, venues: list[VenueInput], fill: float) -> tuple[float, float]:
    """(cheapest internal cost of plans buying at least ``fill`` / selling at most ``fill``, the
    largest fill reachable up to the request), whole contracts and lots, independent of the router."""
    buy = request.side is Side.BUY
    cols_c: list[float] = []  # objective per column
    cols_b: list[float] = []  # base per column
    integ: list[int] = []
    lb: list[float] = []
    ub: list[float] = []
    rows: list[tuple[dict[int, float], float, float]] = []

    def col(c: float, b: float, lo: float, hi: float, integer: bool) -> int:
        cols_c.append(c)
        cols_b.append(b)
        integ.append(1 if integer else 0)
        lb.append(lo)
        ub.append(hi)
        return len(cols_c) - 1

    switches = []
    for v in venues:
        ins = v.instrument
        fee = float(ins.taker_fee)
        levels = v.book.asks if buy else v.book.bids
        step = float(ins.amount_step)
        cs = float(ins.contract_size)
        per_level = []
        for p, q in levels.tolist():  # q in contracts; a column counts steps (a linear lot, contracts)
            if ins.linear:
                unit_base, unit_cost = cs * step, p * cs * step
            else:
                unit_base, unit_cost = cs * step / p, cs * step
            money = unit_cost * (1 + fee) if buy else -unit_cost * (1 - fee)
            per_level.append(col(money, unit_base, 0.0, q / step, False))
        max_steps = sum(float(q) for q in levels[:, 1]) / step
        if ins.max_amount is not None:
            max_steps = min(max_steps, float(ins.max_amount) / step)
        n = col(0.0, 0.0, 0.0, np.floor(max_steps + 1e-9), True)
        on = col(v.leg_cost if v.leg_cost is not None else request.leg_cost, 0.0, 0.0, 1.0, True)
        switches.append(on)
        rows.append(({**{j: 1.0 for j in per_level}, n: -1.0}, 0.0, 0.0))  # a whole number of steps
        min_steps = float(ins.min_amount or ins.amount_step) / step
        rows.append(({n: 1.0, on: -min_steps}, 0.0, np.inf))
        rows.append(({n: 1.0, on: -np.floor(max_steps + 1e-9)}, -np.inf, 0.0))
        if ins.min_notional is not None and ins.linear:  # notional of what is bought, on the linear legs
            rows.append(({**{j: float(levels[k, 0]) * cs * step for k, j in enumerate(per_level)},
                          on: -float(ins.min_notional)}, 0.0, np.inf))
    if request.max_venues is not None:
        rows.append(({s: 1.0 for s in switches}, 0.0, float(request.max_venues)))
    k = len(cols_c)
    # HiGHS judges optimality to about 1e-7 absolute: scaled so the smallest column is about 1
    # (a contract of base is 1e-5 BTC), or it stops at a plan 40 USD short of the optimum
    b_scale = 1.0 / min(b for b in cols_b if b > 0)
    c_scale = 1.0 / min(abs(c) for c in cols_c if c != 0)
    base_row = {j: b * b_scale for j, b in enumerate(cols_b)}

    def solve(objective: np.ndarray, extra: list[tuple[dict[int, float], float, float]]) -> Any:
        a = np.zeros((len(rows) + len(extra), k))
        lo, hi = [], []
        for r, (coef, lo_r, hi_r) in enumerate(rows + extra):
            for j, c in coef.items():
                a[r, j] = c
            lo.append(lo_r)
            hi.append(hi_r)
        return milp(objective, constraints=LinearConstraint(a, lo, hi), integrality=np.array(integ),
                    bounds=Bounds(lb, ub), options={"time_limit": 60, "mip_rel_gap": 1e-12})

    most = solve(-np.array(cols_b) * b_scale, [(base_row, 0.0, request.amount * b_scale)])
    assert most.success
    f = fill * b_scale
    at = [(base_row, f * (1 - 1e-12), np.inf)] if buy else [(base_row, 0.0, f * (1 + 1e-12))]
    best = solve(np.array(cols_c) * c_scale, at)
    assert best.success
    return float(np.dot(cols_c, best.x)), float(np.dot(cols_b, most.x))


def _internal(plan: Plan, venues: list[VenueInput]) -> float:
    legs = sum(next(v.leg_cost for v in venues if v.instrument.venue == lg.venue and v.instrument.symbol == lg.symbol)
               or plan.leg_cost for lg in plan.legs)
    return (plan.total_cost if plan.side is Side.BUY else -plan.total_cost) + legs


def _check_legs(plan: Plan, venues: list[VenueInput]) -> None:
    for lg in plan.legs:
        v = next(v for v in venues if v.instrument.venue == lg.venue and v.instrument.symbol == lg.symbol)
        ins = v.instrument
        n = Decimal(lg.contracts)
        assert n % ins.amount_step == 0 and n >= (ins.min_amount or 0), lg
        assert ins.max_amount is None or n <= ins.max_amount
        assert Decimal(lg.limit_price) % ins.price_tick == 0
        if plan.side is Side.BUY:
            assert float(lg.limit_price) >= lg.worst_price
        else:
            assert float(lg.limit_price) <= lg.worst_price
        if not ins.linear:  # the leg's base is its contracts walked on its own book
            assert lg.notional == pytest.approx(float(n * ins.contract_size))
            levels = v.book.asks if plan.side is Side.BUY else v.book.bids
            left, base = float(n), 0.0
            for p, q in levels.tolist():
                take = min(left, q)
                base += take * float(ins.contract_size) / p
                left -= take
            assert lg.amount_base == pytest.approx(base, rel=1e-12)


@pytest.mark.parametrize("seed", range(40))
def test_mixed_linear_inverse_plan_is_the_milp_optimum_of_its_fill(seed: int) -> None:
    venues, request = _random_instance(seed)
    plan = plan_route(request, venues)
    _check_legs(plan, venues)
    cost, most = milp_mixed(request, venues, plan.filled)
    mine = _internal(plan, venues)
    tol = 1e-6 * max(plan.notional, 1.0)  # 0.01 bps
    assert mine <= cost + tol + plan.gap_bps * plan.notional * 1e-4
    assert plan.gap_bps <= 0.01
    assert mine >= cost - tol  # the MILP is a true optimum: nothing cheaper for that fill
    # the fill: the largest on the lot grids, short of it by at most one linear lot and one contract
    lots = [float(v.instrument.amount_step * v.instrument.contract_size) for v in venues if v.instrument.linear]
    top = max(float(v.book.asks[-1, 0] if request.side is Side.BUY else v.book.bids[0, 0]) for v in venues)
    slack = max(lots) + 100.0 / top * 2 + 1e-9
    assert plan.filled <= request.amount + 1e-9
    assert plan.filled >= most - slack, (plan.filled, most)


def test_inverse_legs_are_whole_contracts_and_say_why_the_fill_is_short() -> None:
    mid = 90_000.0
    asks = [[mid + 0.5 * (k + 1), 0.5] for k in range(50)]
    bids = [[mid - 0.5 * (k + 1), 0.5] for k in range(50)]
    lin = venue("binanceusdm", asks, bids, step="0.001", size="1", tick="0.1", fee="0.0005")
    inv = inverse_venue([(p - 1.0, q / 3) for p, q in asks], [(p - 0.5, q / 3) for p, q in bids], fee=0.0002)
    plan = plan_route(PlanRequest(Side.BUY, 30.0), [lin, inv])
    by = {lg.symbol: lg for lg in plan.legs}
    assert set(by) == {"BTC/USDT:USDT", "BTC/USD:BTC"}
    assert plan.symbol == "BTC/USDT:USDT"
    inverse = by["BTC/USD:BTC"]
    assert Decimal(inverse.contracts) == Decimal(inverse.contracts).to_integral_value()
    assert inverse.notional == float(inverse.contracts)  # 1 USD a contract
    assert 0 < plan.unfilled < 100 / mid  # less than one contract of base short
    assert plan.unfilled_reason is not None and "whole contracts" in plan.unfilled_reason
    assert 0 < plan.gap_bps < 0.01


def test_quote_amount_counts_inverse_contracts_as_usd() -> None:
    mid = 90_000.0
    asks = [[mid + 0.5 * (k + 1), 0.5] for k in range(50)]
    bids = [[mid - 0.5 * (k + 1), 0.5] for k in range(50)]
    inv = inverse_venue([(p - 1.0, q) for p, q in asks], [(p - 0.5, q) for p, q in bids], fee=0.0002)
    plan = plan_route(PlanRequest(Side.BUY, 150_000.0, AmountUnit.QUOTE), [inv])
    assert plan.notional <= 150_000.0
    assert 150_000.0 - plan.notional < 100  # within the pseudo-lot rounding of the walk
    assert float(plan.legs[0].contracts) == plan.notional


@pytest.mark.parametrize("seed", range(4))
def test_real_books_with_bybits_recorded_inverse_market(seed: int) -> None:
    """Binance and Bybit linear beside Bybit's recorded BTC/USD:BTC market, all on real deep books
    (../shared); the inverse book's recorded depth in USD is kept, in whole 1 USD contracts."""
    from tests.core.real_instances import MIDS, linear_inverse_mix

    venues, request = linear_inverse_mix(seed)
    plan = plan_route(request, venues)
    _check_legs(plan, venues)
    assert "BTC/USD:BTC" in {lg.symbol for lg in plan.legs}
    cost, most = milp_mixed(request, venues, plan.filled)
    mine = _internal(plan, venues)
    tol = 1e-6 * max(plan.notional, 1.0)
    assert cost - tol <= mine <= cost + tol
    assert plan.filled >= most - 0.001 - 2 / MIDS["BTC"]


@pytest.mark.parametrize(("side", "leverage", "notional"), [(Side.BUY, 10, 50_000.0), (Side.SELL, 10, 50_000.0),
                                                           (Side.BUY, 50, 3e6), (Side.SELL, 3, 3e6)])
def test_inverse_liquidation_is_where_the_coin_margin_meets_maintenance(side: Side, leverage: float,
                                                                       notional: float) -> None:
    from sor_desktop.core.brackets import Bracket, inverse_liquidation_price

    tiers = (Bracket(2e6, 100, 0.005), Bracket(4e6, 50, 0.01))
    entry, n = 90_000.0, notional  # n USD contracts of 1 USD
    p = inverse_liquidation_price(side, entry, notional, leverage, tiers)
    mmr = 0.005 if notional <= 2e6 else 0.01
    sign = 1 if side is Side.BUY else -1
    margin = n / (entry * leverage)
    pnl = sign * n * (1 / entry - 1 / p)
    assert margin + pnl == pytest.approx(mmr * n / entry, rel=1e-9)
    assert (p < entry) if side is Side.BUY else (p > entry)


def test_inverse_leg_carries_its_liquidation_estimate_with_brackets_and_leverage() -> None:
    from dataclasses import replace

    from sor_desktop.core.brackets import Bracket, inverse_liquidation_price

    mid = 90_000.0
    asks = [(mid + 0.5 * (k + 1), 0.5) for k in range(50)]
    bids = [(mid - 0.5 * (k + 1), 0.5) for k in range(50)]
    tiers = (Bracket(2e6, 100, 0.005),)
    inv = replace(inverse_venue(asks, bids, fee=0.0002), brackets=tiers, leverage=10.0, mark_price=mid)
    plan = plan_route(PlanRequest(Side.BUY, 2.0, min_liq_distance=None), [inv])
    (leg,) = plan.legs
    assert leg.liquidation_price == pytest.approx(
        inverse_liquidation_price(Side.BUY, leg.avg_price, leg.amount_base * mid, 10.0, tiers))
    assert leg.liquidation_price < leg.avg_price * 0.92


@pytest.mark.parametrize("side", [Side.BUY, Side.SELL])
def test_when_no_single_venue_fills_the_saving_still_splits_into_price_fee_and_funding(side: Side) -> None:
    from dataclasses import replace as _replace

    from sor_desktop.core.funding import Funding

    mid = 60_000.0
    # steep books (5 USD a level): at the 5 BTC one venue can fill, a split is still cheaper
    a = venue("a", [[mid + 1 + 5 * k, 1.0] for k in range(5)], [[mid - 1 - 5 * k, 1.0] for k in range(5)], fee="0.0002")
    b = venue("b", [[mid + 0.5 + 5 * k, 1.0] for k in range(5)], [[mid - 0.5 - 5 * k, 1.0] for k in range(5)],
              fee="0.0002")
    fund = Funding(rate=0.0001, interval_hours=8.0)
    a, b = _replace(a, funding=fund), _replace(b, funding=_replace(fund, rate=0.00005))
    plan = plan_route(PlanRequest(side, 7.0, hold_hours=24.0, leg_cost=0.0), [a, b])
    assert plan.best_single_note and plan.best_single is not None and plan.best_single.filled == 5.0
    parts = plan.savings_parts
    assert parts is not None and parts["funding"] != 0.0 and plan.savings_quote > 0
    assert sum(parts.values()) == pytest.approx(plan.savings_quote, abs=1e-6)


@pytest.mark.parametrize("seed", range(40))
def test_the_saving_split_sums_to_the_saving_when_inverse_legs_round_down(seed: int) -> None:
    """The plan fills a few contracts' worth less than asked (inverse legs are whole contracts)
    while the single venue compared fills it all: the split must not count the unfilled sliver's
    notional as a price saving (it did: price + fee + funding came to about one sliver above it)."""
    venues, request = _random_instance(seed)
    plan = plan_route(request, venues)
    parts = plan.savings_parts
    if parts is None or plan.best_single is None or plan.best_single_note:
        return
    assert sum(parts.values()) == pytest.approx(plan.savings_quote, abs=1e-6 * max(1.0, plan.notional * 1e-4))
