"""Builders and invariant checks shared by the router tests."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.orders import Side
from sor_desktop.core.plan import AmountUnit, Plan, PlanRequest, VenueInput
from tests.core.oracle import Optimum, leg_cost_of, single_venue_costs

SYMBOL = "BTC/USDT:USDT"


def market(*, step: Any = "0.001", size: Any = 1, tick: Any = "0.1", fee: Any = "0.0004",
           min_amount: Any = None, min_notional: Any = None, max_amount: Any = None,
           linear: bool = True) -> dict[str, Any]:
    return {
        "symbol": SYMBOL, "id": "BTCUSDT", "base": "BTC", "quote": "USDT", "settle": "USDT",
        "linear": linear, "inverse": not linear, "contractSize": float(size),
        "precision": {"amount": float(step), "price": float(tick)},
        "limits": {"amount": {"min": None if min_amount is None else float(min_amount),
                              "max": None if max_amount is None else float(max_amount)},
                   "cost": {"min": None if min_notional is None else float(min_notional)}},
        "taker": float(fee), "maker": 0.0,
    }


def venue(name: str, asks: Sequence[Sequence[float]], bids: Sequence[Sequence[float]], *,
          cap_base: float | None = None, excluded: str | None = None, **spec: Any) -> VenueInput:
    ins = Instrument.from_market(market(**spec), name)
    book = BookSnapshot.from_lists(name, SYMBOL, 1_700_000_000_000, bids, asks)
    return VenueInput(book, ins, cap_base=cap_base, excluded=excluded)


def internal_cost(plan: Plan) -> float:
    """The router's minimised quantity: all-in cost (buy) or minus the proceeds (sell)."""
    return plan.total_cost if plan.side is Side.BUY else -plan.total_cost


def tolerance(notional: float) -> float:
    """0.01 bps of notional, with a floor for tiny plans."""
    return 1e-6 * max(notional, 1.0)


def plan_legs(plan: Plan, venues: Sequence[VenueInput] = ()) -> float:
    """The leg costs of the plan's legs (a venue's own, else the request's)."""
    own = {v.instrument.venue: v.leg_cost for v in venues if v.leg_cost is not None}
    return sum(own.get(lg.venue, plan.leg_cost) for lg in plan.legs)


def assert_matches(plan: Plan, opt: Optimum, grain: float, venues: Sequence[VenueInput] = ()) -> None:
    """Same fill as the exact optimum, the same cost with leg costs within 0.01 bps, and a
    ``gap_bps`` that is a true bound (and itself within 0.01 bps)."""
    assert abs(plan.filled - opt.fill_base) < grain / 2, (plan.filled, opt.fill_base, opt.lots)
    gap = internal_cost(plan) + plan_legs(plan, venues) - opt.cost
    assert abs(gap) <= tolerance(plan.notional), (gap, plan.to_json(), opt)
    assert 0 <= plan.gap_bps <= 0.01, plan.gap_bps
    assert gap <= plan.gap_bps * plan.notional / 1e4 + 1e-9 * max(plan.notional, 1.0), (gap, plan.gap_bps)


def assert_lot_exact(plan: Plan, request: PlanRequest, venues: Sequence[VenueInput]) -> None:
    by_name = {v.instrument.venue: v for v in venues}
    if request.max_venues is not None:
        assert len(plan.legs) <= request.max_venues
    for leg in plan.legs:
        v = by_name[leg.venue]
        ins = v.instrument
        contracts = Decimal(leg.contracts)
        assert contracts > 0 and contracts % ins.amount_step == 0, leg
        assert leg.contracts == ins.format_amount(contracts)
        if ins.min_amount is not None:
            assert contracts >= ins.min_amount
        if ins.max_amount is not None:
            assert contracts <= ins.max_amount
        if ins.min_notional is not None:
            assert leg.notional >= float(ins.min_notional) * (1 - 1e-9)
        base = contracts * ins.contract_size
        assert abs(leg.amount_base - float(base)) <= 1e-12 * float(base)
        if v.cap_base is not None:
            assert base <= Decimal(repr(v.cap_base))
        assert v.excluded is None and v.book.problem() is None
        _assert_limit(leg.limit_price, leg.worst_price, ins, request)


def _assert_limit(limit_s: str, worst: float, ins: Instrument, request: PlanRequest) -> None:
    limit = Decimal(limit_s)
    assert limit % ins.price_tick == 0, limit_s
    move = Decimal(repr(request.slippage_bps)) / 10_000
    hard = None if request.limit_price is None else Decimal(repr(request.limit_price))
    fee = ins.taker_fee if request.limit_on_fee_adjusted else Decimal(0)
    if request.side is Side.BUY:
        protect = Decimal(repr(worst)) * (1 + move)
        if hard is not None:
            assert Decimal(repr(worst)) * (1 + fee) <= hard  # the leg takes no level past the limit
            assert limit * (1 + fee) <= hard  # and its IOC cannot fill past it
            if limit < protect:  # clamped: the last tick inside the limit
                assert (limit + ins.price_tick) * (1 + fee) > hard
                return
        assert protect <= limit < protect + ins.price_tick  # up: never under-protects
    else:
        protect = Decimal(repr(worst)) * (1 - move)
        if hard is not None:
            assert Decimal(repr(worst)) * (1 - fee) >= hard
            assert limit * (1 - fee) >= hard
            if limit > protect:
                assert (limit - ins.price_tick) * (1 - fee) < hard
                return
        assert protect - ins.price_tick < limit <= protect  # down for a sell


def assert_not_worse_than_single(plan: Plan, request: PlanRequest, venues: Sequence[VenueInput],
                                 grain: float) -> None:
    fill = round(plan.filled / grain)
    singles = single_venue_costs(request, venues, fill)
    cost = internal_cost(plan)
    objective = cost + plan_legs(plan, venues)
    full = {n: c for n, (f, c) in singles.items() if f == fill}
    legs = {v.instrument.venue: leg_cost_of(request, v) for v in venues}
    for name, c in full.items():  # with leg costs the plan is no dearer than any venue alone
        assert objective <= c + legs[name] + tolerance(plan.notional), (name, c, objective)
    if any(v.leg_cost is not None for v in venues):
        return  # per-venue leg costs: the money comparison below need not hold
    for name, c in full.items():
        assert cost <= c + tolerance(plan.notional), (name, c, cost)
    if full:
        best = min(full.values())
        assert plan.best_single is not None and plan.best_single_note is None
        assert abs(plan.savings_quote - (best - cost)) <= tolerance(plan.notional) * 2
        assert plan.savings_quote >= -tolerance(plan.notional)
        if plan.single_venue_is_best:
            assert len(plan.legs) == 1 and plan.savings_quote == 0
    elif plan.filled > 0 and singles:
        assert plan.best_single_note is not None
        assert plan.savings_quote >= -tolerance(plan.notional)


def request(side: Side, amount: float, unit: AmountUnit = AmountUnit.BASE, max_venues: int | None = None,
            slippage_bps: float = 5.0, *, limit_price: float | None = None, fee_adjusted: bool = False,
            leg_cost: float = 0.0) -> PlanRequest:
    """A request; leg cost 0 unless given, so the price arithmetic of a case is all that decides it."""
    return PlanRequest(side, amount, unit, max_venues, slippage_bps, limit_price=limit_price,
                       limit_on_fee_adjusted=fee_adjusted, leg_cost=leg_cost)
