"""The fee-aware smart order router: ``plan_route(request, venues) -> Plan``.

What it optimises
-----------------
A buy walks each venue's asks, a sell its bids. Every venue order is a whole number of lots
(the venue's amount step), so a plan is lot-exact by construction. Costs are all-in:
``sum price * base * (1 + taker fee)`` for a buy; for a sell the proceeds
``sum price * base * (1 - taker fee)`` are maximised (internally: their negative minimised).
Every venue used also costs its fixed leg cost (``VenueInput.leg_cost``, else
``PlanRequest.leg_cost``, default ``DEFAULT_LEG_COST``), so a venue is in a plan only when it
saves more than that. Constraints: each venue's depth, step, minimum amount, minimum notional
(checked on the expected notional of the order walking the book, ``lot_curve.meets_notional``),
maximum order amount, the optional base cap per venue, exclusions (``VenueInput.excluded``, a
book with a ``problem()``, inverse contracts), the maximum number of venues, and the request's
hard price limit (``price_limit``: levels past it are not there; every IOC limit is clamped inside
it). ``Plan.gap_bps`` is the proven distance to the optimum (``lot_solver``): 0 when proven.

Unit ``base``: the fill is the largest base amount, on the venues' lot grids, that does not
exceed the target; among the plans with that fill the plan is the cheapest (leg costs
included). The fill is an integer number of grains, and the cost the optimum (``lot_solver``).

Unit ``quote`` (a notional in USDT before fees). Taking "the largest notional not above T" as
the first criterion would be a subset sum over real-valued lot notionals: intractable, and it
would choose venues by how their notionals add up rather than by price. Cost and notional also
pull apart when fees differ. So the target is turned into a base amount along the fee-aware price
order, and the plan is the cheapest for a base amount:
1. ``B_T``: walk the levels of every usable venue (not excluded, and its minimum order within
   reach; depth, caps and max order amount applied) in order of all-in
   price per base unit (``price * (1 + fee)`` ascending for a buy, ``price * (1 - fee)``
   descending for a sell), lots and minimums ignored, until the notional reaches the target;
   ``B_T`` is the base walked, floored to the grain (``floor(B_T / grain + 1e-9)``).
2. The first plan is the cheapest plan for the largest base reachable on the lot grids not above
   ``B_T`` rounded down to the largest lot ``Q`` of the venues that could take part
   (``B_T - B_T mod Q``, or ``B_T`` when that is 0): a fill to the grain would otherwise force
   whichever venue has the finest lot into the plan, whatever its price, for a last 1e-8 BTC.
3. The fill is then searched on the venues of that plan, each from its minimum (box problems,
   cheap): if the first plan fits, the largest fill up to ``B_T`` whose cheapest plan on them fits
   (their plan at ``B_T``, else a bisection); if it is over the notional (lot rounding, minimums,
   a venue limit that pushes it deeper than the walk), the target steps down to
   ``min(F - 1, floor(F * T / N))`` grains (``F`` the fill, ``N`` the notional) until a plan fits,
   then a bisection between that fill and the smallest over-target one: probe the middle target;
   a probe whose plan fits (or reaches nothing above the fitting fill) moves up, else the over
   fill comes down. Should no plan on them fit, the same steps run with all venues.
4. At the fill found, the cheapest plan of all venues (a search started from the plan found, so
   ``gap_bps`` is proven against every plan of that fill) is the plan when it fits too; else the
   plan found stays, with that bound.
So a quote plan never exceeds the notional, and it is always the cheapest plan for what it buys.

Best single venue
-----------------
The best plan restricted to one venue for the plan's own filled base amount (largest fill, then
cheapest). When no single venue can fill that much, the comparison is made fairly at the most one
venue can fill: the router's optimum for that smaller amount against that venue, and
``best_single_note`` says so. Savings are never negative: the single-venue plan is one of the
plans the router chooses from. When one venue alone is optimal, the plan is that venue alone and
``single_venue_is_best`` is true.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import partial
from typing import Any

import numpy as np

from sor_desktop.core import collector, futures_costs, lot_groups
from sor_desktop.core.book import Levels
from sor_desktop.core.brackets import inverse_liquidation_price, liquidation_price
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.inverse_venue import InverseVenue, as_linear, contracts_base
from sor_desktop.core.lot_curve import LotCurve, build_curve, meets_notional
from sor_desktop.core.lot_fill import fill_bound
from sor_desktop.core.lot_solver import Allocation, FixedSet, Prepared, fills_more, solve
from sor_desktop.core.orders import Side
from sor_desktop.core.plan import AmountUnit, Leg, Plan, PlanRequest, SingleVenue, VenueInput
from sor_desktop.core.price_format import amount_digits
from sor_desktop.core.price_limit import clamp_ioc, levels_within

__all__ = ["plan_route", "RouteError"]


class RouteError(ValueError):
    """A request the router cannot plan (bad amount, bad slippage)."""


@dataclass(slots=True)
class _Venue:
    name: str
    instrument: Instrument
    curve: LotCurve
    m: int  # lot size in grains
    leg_cost: float  # fixed cost of using this venue (quote units)
    source: VenueInput | None = None  # the input as routed (the account's fee, futures caps applied)
    futures: futures_costs.VenueCosts = futures_costs.VenueCosts()  # funding per base over the hold
    inverse: InverseVenue | None = None  # an inverse venue planned in pseudo-lots of base
    inverse_levels: Levels | None = None  # its own side of the book (contracts), within the limit


@dataclass(frozen=True, slots=True)
class _Grid:
    grain: Decimal
    lots: tuple[int, ...]


def _grid(lot_sizes: Sequence[Decimal]) -> _Grid:
    """The largest base amount dividing every lot, and each lot in those grains."""
    exp = max(0, *(-d.normalize().as_tuple().exponent for d in lot_sizes))  # type: ignore[operator]
    ints = [int(d.scaleb(exp)) for d in lot_sizes]
    g = math.gcd(*ints)
    return _Grid(Decimal(g).scaleb(-exp), tuple(i // g for i in ints))


MAX_SLIPPAGE_BPS = 10_000.0
REDUCE_ONLY = "reduce-only"  # a curve's limit: the position a reduce-only leg closes (VenueInput.reduce_contracts)
_NO_CAP = "no margin available (cap is 0)"


def _check(request: PlanRequest) -> None:
    if not (isinstance(request.amount, int | float) and math.isfinite(request.amount) and request.amount > 0):
        raise RouteError(f"amount must be a positive number, got {request.amount!r}")
    if not (math.isfinite(request.slippage_bps) and request.slippage_bps >= 0):
        raise RouteError(f"slippage must be a non-negative number of bps, got {request.slippage_bps!r}")
    if request.slippage_bps >= MAX_SLIPPAGE_BPS:  # a sell's limit would be zero or negative: no protection
        raise RouteError(f"slippage must be below {MAX_SLIPPAGE_BPS:g} bps (100 %), got {request.slippage_bps:g}")
    if request.max_venues is not None and request.max_venues < 1:
        raise RouteError(f"max venues must be at least 1, got {request.max_venues}")
    limit = request.limit_price
    if limit is not None and not (isinstance(limit, int | float) and math.isfinite(limit) and limit > 0):
        raise RouteError(f"limit price must be a positive number, got {limit!r}")
    if not (isinstance(request.leg_cost, int | float) and math.isfinite(request.leg_cost) and request.leg_cost >= 0):
        raise RouteError(f"leg cost must be zero or a positive number, got {request.leg_cost!r}")
    hold = request.hold_hours
    if hold is not None and not (isinstance(hold, int | float) and math.isfinite(hold) and hold >= 0):
        raise RouteError(f"holding time must be zero or a positive number of hours, got {hold!r}")
    dist = request.min_liq_distance
    if dist is not None and not (isinstance(dist, int | float) and 0 <= dist < 1):
        raise RouteError(f"minimum liquidation distance must be a fraction from 0 to below 1, got {dist!r}")


def _reducing(v: VenueInput, side: Side) -> VenueInput:
    """``v`` with a reduce-only position as its cap in base (``VenueInput.reduce_contracts``): the
    base its contracts come to on the side of the book the leg takes (``contracts_base``)."""
    if v.reduce_contracts is None:
        return v
    levels = v.book.asks if side is Side.BUY else v.book.bids
    # a close is taken under the minimum order value where the venue says so (Binance, Bybit)
    ins = v.instrument if v.instrument.min_notional_on_close else replace(v.instrument, min_notional=None)
    return replace(v, instrument=ins, cap_base=contracts_base(v.instrument, levels, v.reduce_contracts))


def _side_levels(v: VenueInput, request: PlanRequest) -> Levels:
    """The levels the order may take: its side of the book, cut at the request's price limit."""
    levels = v.book.asks if request.side is Side.BUY else v.book.bids
    if request.limit_price is None:
        return levels
    return levels_within(levels, v.instrument, request.side, request.limit_price, request.limit_on_fee_adjusted)


def _limit_words(request: PlanRequest) -> str:
    what = "all-in price" if request.limit_on_fee_adjusted else "price"
    return f"{'above' if request.side is Side.BUY else 'below'} the limit {what} {_limit_text(request)}"


def _limit_text(request: PlanRequest) -> str:
    """The limit in the reasons as it was given (':g' wrote 100000.1 as "100000", 0.00001234 as
    "1.234e-05")."""
    return format(Decimal(repr(float(request.limit_price or 0.0))), "f")


def _screen(venues: Sequence[VenueInput], request: PlanRequest
            ) -> tuple[list[tuple[VenueInput, Levels]], list[tuple[str, str]]]:
    side = request.side
    usable: list[tuple[VenueInput, Levels]] = []
    excluded: list[tuple[str, str]] = []
    for v in venues:
        name = v.instrument.venue or v.book.venue
        reason = v.excluded or v.book.problem()
        if reason is None and not len(v.book.asks if side is Side.BUY else v.book.bids):
            reason = "no asks to buy from" if side is Side.BUY else "no bids to sell to"
        if reason is None and v.cap_base is not None and not v.cap_base > 0:
            reason = _NO_CAP
        if reason is None and v.leg_cost is not None and not (math.isfinite(v.leg_cost) and v.leg_cost >= 0):
            raise RouteError(f"{name}: leg cost must be zero or a positive number, got {v.leg_cost!r}")
        if reason is None and v.fee is not None and not (math.isfinite(v.fee) and -0.01 < v.fee < 0.1):
            raise RouteError(f"{name}: taker fee must be a rate between -0.01 and 0.1, got {v.fee!r}")
        if reason is None and v.leverage is not None and not (math.isfinite(v.leverage) and v.leverage > 0):
            raise RouteError(f"{name}: leverage must be a positive number, got {v.leverage!r}")
        levels = _side_levels(v, request) if reason is None else None
        if levels is not None and not len(levels):
            reason = f"every {'ask' if side is Side.BUY else 'bid'} is {_limit_words(request)}"
        if reason is None and levels is not None:
            usable.append((v, levels))
        else:
            excluded.append((name, reason or ""))
    return usable, excluded


def _unusable_reason(c: LotCurve, ins: Instrument) -> str:
    if c.hi == 0:
        return {"cap": "cap is below one lot", REDUCE_ONLY: "the position to reduce is below one lot",
                "max amount": "max order amount is below one lot",
                "depth": "less than one lot is available"}.get(c.limit or "", "the amount is below one lot")
    what = {None: "amount", REDUCE_ONLY: "position to reduce"}.get(c.limit, c.limit)
    allows = f"the {what} allows"
    if ins.min_notional is not None and not meets_notional(c.notional(c.hi), float(ins.min_notional)):
        # the venue's minimum order value binds: even the most it could take is worth less (``c.lo``
        # is then only one lot past that, not the order the minimum needs)
        return f"its minimum order value ({ins.format_price(ins.min_notional)} {ins.quote}) is more than {allows}"
    return f"its minimum order ({ins.format_amount(ins.amount_step * c.lo)} contracts) is more than {allows}"


def plan_route(request: PlanRequest, venues: Sequence[VenueInput]) -> Plan:
    """The exactly optimal plan (module docstring) for ``request`` across ``venues``."""
    with collector.paused():  # its CPU budget is its own work, not a collection's (core.collector)
        return _plan_route(request, venues)


def _plan_route(request: PlanRequest, venues: Sequence[VenueInput]) -> Plan:
    t0 = time.perf_counter()
    _check(request)
    lot_groups.forget()
    side = request.side
    venues = [_reducing(v, side) for v in venues]
    applied = [futures_costs.apply(v, request) for v in venues]  # the account's fee, funding, bracket caps
    venues = [a for a, _ in applied]
    futures = {id(a): c for a, c in applied}
    inverse: dict[int, tuple[InverseVenue, Levels]] = {}
    for i, a in enumerate(venues):  # on one base basis with the linear ones (core/inverse_venue.py)
        if not a.instrument.linear and not a.excluded and a.book.problem() is None:
            seen, how = as_linear(a)
            venues[i] = seen
            futures[id(seen)] = futures[id(a)]
            inverse[id(seen)] = (how, _side_levels(a, request))
    screened, excluded = _screen(venues, request)
    # a cap of 0 set by the brackets or the liquidation distance says so (it is not the margin)
    capped = {a.instrument.venue or a.book.venue: c.cap_reason for a, c in applied if c.cap_reason}
    excluded = [(n, f"no room under the {capped[n]}" if n in capped and r == _NO_CAP else r) for n, r in excluded]
    candidates = [v for v, _ in screened]
    # a plan over linear and inverse markets is named by its linear symbol (each leg has its own)
    symbol = next((v.instrument.symbol for v in venues if id(v) not in inverse),
                  next((v.instrument.symbol for v in venues), ""))
    if not candidates:
        return _empty(request, symbol, excluded, "no venue can take the order")
    grid = _grid([v.instrument.lot for v in candidates])
    quote = request.unit is AmountUnit.QUOTE
    target = 0 if quote else int(Decimal(repr(float(request.amount))) / grid.grain)

    deadline = time.thread_time() + PLAN_CPU_BUDGET_S
    whole: _Routed | None = None
    if quote:  # B_T from the curves as deep as a walk can go, then trimmed to it as for a base amount
        whole = _route(screened, grid, futures, inverse, request, _walk_bound(screened, request.amount, grid),
                       deadline, [], [], walk=True)
        target = _quote_target(whole, side, request.amount, float(grid.grain)) if whole else 0
    below_min: list[str] = []  # venues whose minimum order is more than they could take here
    routed = _route(screened, grid, futures, inverse, request, target, deadline, excluded, below_min, whole)
    if not routed:
        return _empty(request, symbol, excluded, "no venue can take the order")

    if quote:
        alloc = _quote_plan(routed, target, request.amount, request.max_venues, side)
    else:
        alloc = _solve(routed, target, request.max_venues)

    single, single_alloc, note, saving, basis, note_parts = _best_single(routed, alloc, request, float(grid.grain))
    one_venue = False
    if (single_alloc is not None and single_alloc.fill == alloc.fill
            and single_alloc.total <= alloc.total + _tol(alloc.total)):
        # the search's bound still holds: it is over every plan of this fill
        bound = min(alloc.bound, single_alloc.total)
        if single_alloc.lots == alloc.lots:
            # the search's own plan, its total summed another way (the last bit can differ): its
            # proven gap holds too, where the min above made a 1e-12 bps gap of that bit
            bound = max(bound, single_alloc.total - alloc.gap)
        alloc = Allocation(single_alloc.fill, single_alloc.cost, single_alloc.lots, single_alloc.total, bound)
        saving, one_venue = 0.0, True
    comparison = {
        "best_single": single, "savings_quote": saving, "savings_bps": saving / basis * 1e4 if basis > 0 else 0.0,
        "single_venue_is_best": one_venue, "best_single_note": note,
    }
    plan = _assemble(request, symbol, routed, alloc, grid, target, excluded, below_min, comparison)
    if note_parts is not None:  # no single venue fills it: the split at the amount compared
        plan = replace(plan, savings_parts=note_parts)
    gap = alloc.gap + _rounding_gap(routed, alloc, plan)
    plan = replace(plan, gap_bps=0.0 if gap == 0 else gap / plan.notional * 1e4 if plan.notional > 0 else math.inf)
    plan.meta["route_ms"] = (time.perf_counter() - t0) * 1e3
    return plan


def _route(screened: Sequence[tuple[VenueInput, Levels]], grid: _Grid, futures: dict[int, Any],
           inverse: dict[int, tuple[InverseVenue, Levels]], request: PlanRequest, target: int | None,
           deadline: float, excluded: list[tuple[str, str]], below_min: list[str],
           whole: _Routed | None = None, walk: bool = False) -> _Routed:
    """The venues' lot curves (trimmed to ``target`` grains when given: cut from ``whole``'s
    curves when they were built already); the unusable ones go to ``excluded`` and, when only
    their minimum is out of reach, to ``below_min``. For the quote ``walk`` the target is only
    where no walk reaches (``_walk_bound``): a venue whose minimum the cut puts out of reach is
    built whole, so the walk's venues are those of the whole books."""
    routed = _Routed()
    routed.deadline = deadline
    built = {id(w.source): w.curve for w in whole} if whole is not None else {}
    for (v, levels), m in zip(screened, grid.lots, strict=True):
        costs = futures[id(v)]
        max_lots = None if target is None else target // m
        if id(v) in built and max_lots is not None:
            curve = built[id(v)].trimmed(max_lots)
        else:
            curve = build_curve(levels, v.instrument, request.side, cap_base=v.cap_base, max_lots=max_lots,
                                per_base=costs.funding_per_base, slippage_bps=request.slippage_bps)
            if walk and curve.lo > curve.hi and curve.limit is None:
                curve = build_curve(levels, v.instrument, request.side, cap_base=v.cap_base,
                                    per_base=costs.funding_per_base, slippage_bps=request.slippage_bps)
        full = v.book.asks if request.side is Side.BUY else v.book.bids
        if len(levels) < len(full) and curve.limit == "depth":
            curve = replace(curve, limit="price limit")
        if curve.limit == "cap" and v.reduce_contracts is not None and not costs.cap_reason:
            curve = replace(curve, limit=REDUCE_ONLY)  # the cap is the position a reduce-only leg closes
        name = v.instrument.venue or v.book.venue
        if curve.lo > curve.hi:
            excluded.append((name, _unusable_reason(curve, v.instrument)))
            if curve.hi > 0:
                below_min.append(name)
        else:
            leg = request.leg_cost if v.leg_cost is None else float(v.leg_cost)
            how, own = inverse.get(id(v), (None, None))
            routed.append(_Venue(name, v.instrument, curve, m, leg, v, costs, how, own))
    return routed


def _tol(cost: float) -> float:
    return 1e-9 * (1.0 + abs(cost))


# CPU seconds all the searches of one plan may open nodes for (a quote-unit plan makes several)
PLAN_CPU_BUDGET_S = 0.035


class _Routed(list[_Venue]):
    """The routed venues, with what every solve over them shares (prepared on first use)."""

    prepared: Prepared | None = None
    deadline: float | None = None


def _solve(routed: Sequence[_Venue], target: int, max_venues: int | None,
           incumbent: Allocation | None = None) -> Allocation:
    curves, ms, legs = [v.curve for v in routed], [v.m for v in routed], [v.leg_cost for v in routed]
    return solve(curves, ms, target, max_venues, legs, _prepared(routed), incumbent)


def _prepared(routed: Sequence[_Venue]) -> Prepared:
    prepared = routed.prepared if isinstance(routed, _Routed) else None
    if prepared is None:
        prepared = Prepared([v.curve for v in routed], [v.m for v in routed], [v.leg_cost for v in routed])
        if isinstance(routed, _Routed):
            routed.prepared = prepared
            prepared.deadline = routed.deadline
    return prepared


def _notional(routed: Sequence[_Venue], alloc: Allocation) -> float:
    return sum(v.curve.notional(x) for v, x in zip(routed, alloc.lots, strict=True) if x)


def _quote_plan(routed: Sequence[_Venue], target: int, amount: float, max_venues: int | None,
                side: Side = Side.SELL) -> Allocation:
    """Steps 2-4 of the quote definition (module docstring)."""
    def fits(a: Allocation) -> bool:
        return _notional(routed, a) <= amount * (1 + 1e-12)

    coarse = max((v.m for v in routed if v.curve.lo * v.m <= target), default=1)
    start = target - target % coarse or target
    first = _solve(routed, start, max_venues)
    if first.fill == 0:
        return first
    chosen = [i for i, x in enumerate(first.lots) if x]
    fixed = FixedSet([v.curve for v in routed], [v.m for v in routed], chosen, [v.leg_cost for v in routed],
                     _prepared(routed))
    notional = partial(_notional, routed)
    if fits(first):
        top = fixed.solve(target)
        if top is None or top.fill <= first.fill:
            return first
        over_at = _surely_over(routed, fixed, chosen, amount) if side is Side.BUY else None
        found = top if fits(top) else _bisect(fixed.solve, first, top.fill, fits, period=fixed.period,
                                              over_at=over_at)
        if found is first:
            return first
    else:
        over_at = _surely_over(routed, fixed, chosen, amount) if side is Side.BUY else None
        on_them = _largest_fitting(fixed.solve, first, fits, notional, amount, period=fixed.period, over_at=over_at)
        if on_them is None:  # the venues' minimums keep every smaller plan on them over: all venues again
            anywhere = _largest_fitting(lambda t: _solve(routed, t, max_venues), first, fits, notional, amount,
                                        stop=lambda: _out_of_time(routed))
            return anywhere or Allocation(0, 0.0, (0,) * len(routed), 0.0, 0.0)
        found = on_them
    proof = _solve(routed, found.fill, max_venues, incumbent=found)
    if proof.fill == found.fill and fits(proof):
        return proof
    bound = proof.bound if proof.fill == found.fill else -math.inf
    return Allocation(found.fill, found.cost, found.lots, found.total, min(bound, found.total))


def _largest_fitting(cheapest: Callable[[int], Allocation | None], over_plan: Allocation,
                     fits: Callable[[Allocation], bool], notional: Callable[[Allocation], float],
                     amount: float, stop: Callable[[], bool] = lambda: False, period: int = 1,
                     over_at: Callable[[int], int | None] | None = None) -> Allocation | None:
    """The largest fill whose ``cheapest`` plan fits, below ``over_plan``'s (which does not):
    ratio steps down, then a bisection between the last fitting and the smallest over fill."""
    over, alloc = over_plan.fill, over_plan
    while True:
        t = min(over - 1, math.floor(over * (amount / notional(alloc))))
        probe = cheapest(t) if t > 0 else None
        if probe is None or probe.fill == 0:
            return None
        if fits(probe):
            return _bisect(cheapest, probe, over, fits, stop, period, over_at)
        over, alloc = probe.fill, probe


def _bisect(cheapest: Callable[[int], Allocation | None], fitting: Allocation, over: int,
            fits: Callable[[Allocation], bool], stop: Callable[[], bool] = lambda: False,
            period: int = 1, over_at: Callable[[int], int | None] | None = None) -> Allocation:
    """Between a fitting plan and the smallest fill known to be over: probe the middle target; a
    probe that fits (or reaches nothing above the fitting fill) moves up, else ``over`` comes down.
    ``stop`` ends it early with the largest fit found (full searches past the plan's CPU budget;
    the box probes on one plan's venues are cheap and never stop).

    ``period`` divides every fill ``cheapest`` can return (both ends included), so the probes run
    in its units: a target between two multiples has the lower one's answer, and the halving in
    grains takes the same steps on those multiples plus empty ones below the last (a 1e-4 BTC lot
    among 1e-8 grains: 13 probes fewer, the same plan). ``over_at(target)``, when it gives a
    fill, is the fill of ``cheapest(target)`` and that plan is surely over: no plan is solved."""
    best, lo, hi = fitting, fitting.fill // period, over // period
    while hi - lo > 1 and not stop():
        mid = (lo + hi) // 2
        known = over_at(mid * period) if over_at is not None else None
        if known is not None and known > lo * period:
            hi = known // period
            continue
        probe = cheapest(mid * period)
        if probe is None or probe.fill <= lo * period:  # nothing reachable in (lo, mid]
            lo = mid
        elif fits(probe):
            best, lo = probe, mid
        else:
            hi = probe.fill // period
    return best


def _surely_over(routed: Sequence[_Venue], fixed: FixedSet, chosen: Sequence[int], amount: float
                 ) -> Callable[[int], int | None]:
    """For a buy on ``fixed``'s venues: the fill their cheapest plan at a target has, when that
    plan's notional surely passes ``amount``, else None. Every plan of a fill walks each venue's
    asks from the best, so it pays at least the cheapest that many grains of all their levels
    (minimums aside): past the notional, the plan is over without solving it. Only where the
    plan is surely found (two lot sizes or fewer: ``lot_groups.min_cost`` is exact there)."""
    if len(fixed.groups) > 2:
        return lambda target: None
    per, grains = [], []
    for i in chosen:
        c, m = routed[i].curve, routed[i].m
        lots = np.diff(np.minimum(c.xs, c.hi))  # what the venue may take of each level
        took = lots > 0
        per.append(np.diff(c.cum_notional)[took] / np.diff(c.xs)[took] / m)  # a level's notional per grain
        grains.append(lots[took] * m)
    order = np.argsort(np.concatenate(per), kind="stable")
    cum_g = np.concatenate(([0.0], np.cumsum(np.concatenate(grains)[order])))
    cum_n = np.concatenate(([0.0], np.cumsum((np.concatenate(per) * np.concatenate(grains))[order])))

    def over_at(target: int) -> int | None:
        fill = fixed.fill(target)
        if fill is None or fill > cum_g[-1]:
            return None
        # the relative margin covers the sums' rounding against the plans' own notionals
        return fill if float(np.interp(fill, cum_g, cum_n)) > amount * (1 + 1e-9) else None

    return over_at


def _out_of_time(routed: Sequence[_Venue]) -> bool:
    deadline = routed.deadline if isinstance(routed, _Routed) else None
    return deadline is not None and time.thread_time() > deadline


def _walk_bound(screened: Sequence[tuple[VenueInput, Levels]], amount: float, grid: _Grid) -> int:
    """Grains the quote walk never reaches, a venue's lot and more: every level costs at least the
    lowest price of any, so no walk to ``amount`` takes more base than ``amount`` over it. The
    curves cut there walk as the whole ones (no venue runs out before the walk stops) and trim to
    the same curves, for a tenth of the levels of deep books."""
    low = min(float(levels[:, 0].min()) for _, levels in screened)
    if not low > 0:
        return sys.maxsize
    return int(min(amount / low / float(grid.grain), 1e18)) + 2 * max(grid.lots) + 2


def _quote_target(routed: Sequence[_Venue], side: Side, amount: float, grain: float) -> int:
    """``B_T`` in grains: the fee-aware continuous walk of the merged books (module docstring)."""
    # every venue's levels in one array (a venue's own arrays are short: per-venue calls cost more)
    sizes = [len(v.curve.prices) for v in routed]
    per_venue = partial(np.repeat, repeats=sizes)
    p = np.concatenate([v.curve.prices for v in routed])
    cum = (np.minimum(np.concatenate([v.curve.xs[1:] for v in routed]), per_venue([v.curve.hi for v in routed]))
           * per_venue([v.curve.lot_base for v in routed]))
    before = np.concatenate(([0.0], cum[:-1]))
    before[np.cumsum([0, *sizes[:-1]])] = 0.0  # each venue's walk starts from nothing
    b = cum - before
    fees = [float(v.instrument.taker_fee) for v in routed]
    rate = per_venue([1 + f if side is Side.BUY else 1 - f for f in fees])
    k = (p * rate if side is Side.BUY else -p * rate) + per_venue([v.futures.funding_per_base for v in routed])
    order = np.argsort(k, kind="stable")
    p, b = p[order], b[order]
    cum_b = np.concatenate(([0.0], np.cumsum(b)))
    cum_n = np.concatenate(([0.0], np.cumsum(b * p)))
    walked = float(np.interp(amount, cum_n, cum_b)) if amount < cum_n[-1] else float(cum_b[-1])
    return int(math.floor(walked / grain + 1e-9))


def _best_single(routed: Sequence[_Venue], alloc: Allocation, request: PlanRequest, grain: float
                 ) -> tuple[SingleVenue | None, Allocation | None, str | None, float, float, dict[str, float] | None]:
    """Best one-venue plan for the plan's fill, and the fair saving against it (docstring); when
    no single venue fills it, the saving's split into price, fee and funding at the amount compared."""
    best: tuple[int, float, int, int] | None = None  # fill, cost with the leg cost, venue index, lots
    for i, v in enumerate(routed):
        c = v.curve
        x = min(c.hi, alloc.fill // v.m)
        if x < c.lo:
            continue
        cand = (x * v.m, c.cost(x) + v.leg_cost, i, x)
        if best is None or cand[0] > best[0] or (cand[0] == best[0] and cand[1] < best[1] - _tol(best[1])):
            best = cand
    if best is None or alloc.fill == 0:
        return None, None, None, 0.0, 0.0, None
    fill, _, i, x = best
    v = routed[i]
    cost = v.curve.cost(x)
    base = x * v.curve.lot_base
    notional = v.curve.notional(x)
    fee = notional * float(v.instrument.taker_fee)
    total = notional + fee if request.side is Side.BUY else notional - fee
    funding = v.futures.funding_per_base * base if request.hold_hours else None
    # an inverse market by its own name, as its legs are shown ("bybit BTC/USD:BTC", not "bybit")
    name = f"{v.name} {v.inverse.original.symbol}" if v.inverse is not None else v.name
    single = SingleVenue(name, notional / base, total, base, fee, funding)
    lots = tuple(x if j == i else 0 for j in range(len(routed)))
    single_alloc = Allocation(fill, cost, lots, cost + v.leg_cost, cost + v.leg_cost)
    if fill == alloc.fill:
        return single, single_alloc, None, cost - alloc.cost, _notional(routed, alloc), None
    # no single venue fills as much: compare the router's optimum for what that venue can fill,
    # searched from the plan's own legs trimmed to that fill, or from that venue's plan (a plan
    # of the fill either way, so the search always ends at the fill) over the tree of the plan's
    # search
    start = _trimmed(routed, alloc, fill)
    if start is None or start.total >= single_alloc.total:
        start = single_alloc
    same = _solve(routed, fill, request.max_venues, incumbent=start)
    asked = alloc.fill * grain  # written to its lots and grouped: '5244342' read as a price
    note = (f"no single venue can fill {asked:,.{amount_digits([asked])}f}; "
            f"compared at {base:,.{amount_digits([base])}f}, the most {name} alone can fill")
    used = [(r, x) for r, x in zip(routed, same.lots, strict=True) if x]
    same_notional = sum(r.curve.notional(x) for r, x in used)
    same_fee = sum(r.curve.notional(x) * float(r.instrument.taker_fee) for r, x in used)
    same_funding = sum(r.futures.funding_per_base * x * r.curve.lot_base for r, x in used) if request.hold_hours else 0.0
    sign = 1.0 if request.side is Side.BUY else -1.0  # a buy saves on a lower notional, a sell on a higher one
    parts = {"price": sign * (notional - same_notional), "fee": fee - same_fee,
             "funding": (funding or 0.0) - same_funding}
    return single, single_alloc, note, cost - same.cost, same_notional, parts


def _trimmed(routed: Sequence[_Venue], alloc: Allocation, fill: int) -> Allocation | None:
    """The cheapest plan of ``fill`` grains made from ``alloc`` (a larger fill) by dropping some of
    its legs and taking lots off one other: most often the optimum of the smaller fill (the same
    venues, fewer or shorter legs), so the comparison's search starts from it and mostly proves
    it. Every subset of up to ``_TRIM_LEGS`` legs is tried (32 at most, each leg to shorten)."""
    used = [i for i, x in enumerate(alloc.lots) if x]
    if len(used) > _TRIM_LEGS:
        return None
    best: Allocation | None = None
    for mask in range(1 << len(used)):
        dropped = [i for b, i in enumerate(used) if mask >> b & 1]
        left = alloc.fill - sum(routed[i].m * alloc.lots[i] for i in dropped)
        over = left - fill
        if over < 0:
            continue
        for i in used:
            v, x = routed[i], alloc.lots[i]
            if i in dropped or over % v.m:
                continue
            y = x - over // v.m
            if y < 0 or 0 < y < v.curve.lo:
                continue
            lots = tuple(0 if j in dropped else y if j == i else n for j, n in enumerate(alloc.lots))
            cost = sum(routed[j].curve.cost(n) for j, n in enumerate(lots) if n)
            total = cost + sum(routed[j].leg_cost for j, n in enumerate(lots) if n)
            if best is None or total < best.total:
                best = Allocation(fill, cost, lots, total, total)
    return best


_TRIM_LEGS = 5


def _assemble(request: PlanRequest, symbol: str, routed: Sequence[_Venue], alloc: Allocation,
              grid: _Grid, target: int, excluded: list[tuple[str, str]], below_min: list[str],
              comparison: dict[str, Any]) -> Plan:
    side = request.side
    legs: list[Leg] = []
    for v, x in zip(routed, alloc.lots, strict=True):
        if x:
            legs.append(_leg(v, x, request))
    filled = float(sum((Decimal(repr(lg.amount_base)) if v.inverse else Decimal(lg.contracts) * v.instrument.contract_size
                        for lg, v in zip(legs, [r for r, x in zip(routed, alloc.lots, strict=True) if x], strict=True)),
                       Decimal(0)))
    notional = sum(lg.notional for lg in legs)
    fees = sum(lg.fee for lg in legs)
    legs = [replace(lg, share=lg.amount_base / filled) for lg in legs]
    funding = sum(lg.funding or 0.0 for lg in legs) if request.hold_hours else None
    unknown = tuple(sorted({v.name for v, x in zip(routed, alloc.lots, strict=True)
                            if x and request.hold_hours and (v.source is None or v.source.funding is None)}))
    quote = request.unit is AmountUnit.QUOTE
    unfilled = request.amount - (notional if quote else filled)
    reason = None
    if not quote and alloc.fill == target and target * grid.grain < Decimal(repr(float(request.amount))):
        reason = "the remainder is below the venues' lot sizes"
    elif (quote and alloc.fill > 0 and unfilled > 0) or alloc.fill < target or alloc.fill == 0:
        reason = _unfilled_reason(request, routed, alloc, target)
        if below_min:
            reason += f"; the order is too small for the minimums of {', '.join(below_min)}"
    else:
        unfilled = 0.0
    whole = [v.inverse.original for v, x in zip(routed, alloc.lots, strict=True) if x and v.inverse is not None]
    if whole and not quote and reason is None and request.amount > filled:
        unfilled = request.amount - filled  # the inverse legs were rounded down to whole contracts
        reason = "the inverse legs are whole contracts (" + ", ".join(
            f"{i.venue} {i.symbol}: {i.format_amount(i.lot)} {i.quote}" for i in whole) + ")"
    single = comparison["best_single"]
    parts = None
    if single is not None and not comparison["best_single_note"] and legs:
        sign = 1.0 if side is Side.BUY else -1.0  # a buy saves on a lower notional, a sell on a higher one
        # inverse legs rounded down to whole contracts fill a sliver less than the single venue
        # compared: the single venue is counted at the plan's fill, or the sliver's notional would
        # read as a price saving; the saving is then what the parts sum to
        k = filled / single.filled if whole and single.filled > filled > 0 else 1.0
        parts = {"price": sign * (single.avg_price * single.filled * k - notional), "fee": single.fee * k - fees,
                 "funding": (single.funding or 0.0) * k - (funding or 0.0)}
        if k != 1.0:
            saving = sum(parts.values())
            comparison = {**comparison, "savings_quote": saving,
                          "savings_bps": saving / notional * 1e4 if notional > 0 else 0.0}
    return Plan(
        side=side, unit=request.unit, symbol=symbol, requested=request.amount, filled=filled,
        avg_price=notional / filled if filled else 0.0, notional=notional, fees=fees,
        total_cost=notional + fees if side is Side.BUY else notional - fees, legs=tuple(legs),
        unfilled=max(unfilled, 0.0), unfilled_reason=reason, excluded=tuple(excluded),
        slippage_bps=request.slippage_bps, **comparison, **_echo(request), funding=funding, funding_unknown=unknown,
        savings_parts=parts,
    )


def _leg(v: _Venue, x: int, request: PlanRequest) -> Leg:
    side = request.side
    ins = v.instrument
    c = v.curve
    contracts = ins.amount_step * x
    base = float(contracts * ins.contract_size)
    notional = c.notional(x)
    worst = c.worst_price(x)
    if v.inverse is not None and v.inverse_levels is not None:  # back to whole contracts, walked again
        walk = v.inverse.to_contracts(v.inverse_levels, base)
        held = v.source.reduce_contracts if v.source is not None else None
        if held is not None and (walk.contracts > held or (x == c.hi and c.limit == REDUCE_ONLY)):
            # reduce-only up to its position: exactly the contracts held (the rounding down to
            # whole contracts would leave one open, a base cap priced elsewhere one too many)
            walk = v.inverse.walk(v.inverse_levels, held)
        ins, contracts, base, notional, worst = (v.inverse.original, walk.contracts, walk.base, walk.notional,
                                                 walk.worst_price)
    move = Decimal(repr(float(request.slippage_bps))) / Decimal(10_000)
    raw = Decimal(repr(worst)) * (1 + move if side is Side.BUY else 1 - move)
    limit = clamp_ioc(ins.round_price(raw, up=side is Side.BUY), ins, side, request.limit_price,
                      request.limit_on_fee_adjusted)
    fee = notional * float(ins.taker_fee)
    return Leg(
        venue=v.name, symbol=ins.symbol, contracts=ins.format_amount(contracts), amount_base=base,
        avg_price=notional / base, worst_price=worst, limit_price=ins.format_price(limit),
        notional=notional, fee=fee, cost=notional + fee if side is Side.BUY else notional - fee,
        funding=v.futures.funding_per_base * base if request.hold_hours else None,
        liquidation_price=_liquidation(v, side, notional / base, base), tick=ins.format_price(ins.price_tick),
    )


def _rounding_gap(routed: Sequence[_Venue], alloc: Allocation, plan: Plan) -> float:
    """What rounding the inverse legs down to whole contracts can add to the distance from the
    optimum of the plan's fill (quote units): the base dropped, priced at the widest all-in spread
    between the plan's dearest level and the best level of any venue it could have come from."""
    inverse = [(v, x) for v, x in zip(routed, alloc.lots, strict=True) if x and v.inverse is not None]
    if not inverse or not plan.legs:
        return 0.0
    lost = sum(x * v.curve.lot_base for v, x in inverse) - sum(
        lg.amount_base for lg in plan.legs if any(lg.venue == v.name and lg.symbol == v.inverse.original.symbol
                                                   for v, _ in inverse if v.inverse is not None))
    fee = max(float(v.instrument.taker_fee) for v in routed)
    prices = [lg.worst_price for lg in plan.legs] + [float(v.curve.prices[0]) for v in routed if len(v.curve.prices)]
    return max(lost, 0.0) * (max(prices) - min(prices)) * (1 + abs(fee)) + max(lost, 0.0) * max(prices) * 2 * abs(fee)


def _liquidation(v: _Venue, side: Side, entry: float, base: float) -> float | None:
    """The leg's isolated liquidation estimate (``core.brackets``): known with brackets and a
    leverage, for a position that after the fill is on the leg's side (a held position is taken
    as entered at the leg's price)."""
    src = v.source
    if src is None or not src.brackets or not src.leverage:
        return None
    after = src.position_base + (base if side is Side.BUY else -base)
    size = after if side is Side.BUY else -after
    if size <= 0:
        return None
    if v.inverse is not None:  # margined in the coin: its own formula, tier by the USD notional
        return inverse_liquidation_price(side, entry, size * (src.mark_price or entry), src.leverage, src.brackets)
    return liquidation_price(side, entry, size, src.leverage, src.brackets, src.mark_price)


def _unfilled_reason(request: PlanRequest, routed: Sequence[_Venue], alloc: Allocation, target: int) -> str:
    """Why the plan falls short of the request: depth or caps, the venue count, or lot grids."""
    quote = request.unit is AmountUnit.QUOTE
    limits = {v.curve.limit for v in routed}
    if quote:
        short = sum(v.curve.notional(v.curve.hi) for v in routed) < request.amount * (1 - 1e-9)
    else:  # a curve trimmed to the target (limit None) could take it all alone
        short = None not in limits and sum(v.curve.hi * v.m for v in routed) < target
    if short:
        names = {"depth": "depth", "cap": "room under the venue caps", "max amount": "room under max order sizes",
                 "price limit": f"depth within the limit price {_limit_text(request)}",
                 REDUCE_ONLY: "position to reduce (reduce-only)"}
        reason = "not enough " + " / ".join(names[k] for k in sorted(k for k in limits if k))
        legs = sum(1 for x in alloc.lots if x)
        if request.max_venues is not None and request.max_venues <= legs < len(routed):
            # even all venues would fall short, and a venue left out could add to the fill
            reason += f"; max venues ({request.max_venues}) limits the fill"
        return reason
    lots_only = "the remainder is below the venues' lot sizes / minimums"
    if quote and request.amount - _notional(routed, alloc) <= max(
            float(v.curve.prices.max()) * v.curve.lot_base * max(v.curve.lo, 1) for v in routed):
        return lots_only  # less than one lot (or minimum) of some venue is left: no search needed
    if quote and request.max_venues is not None and request.max_venues < len(routed):
        # no search just for words: the venue count binds when the plan uses all it may and a venue
        # left out could add its smallest order within what is left of the notional
        used = [i for i, x in enumerate(alloc.lots) if x]
        left = request.amount - _notional(routed, alloc)
        if len(used) >= request.max_venues and any(
                v.curve.notional(max(v.curve.lo, 1)) <= left for i, v in enumerate(routed) if i not in used):
            return f"max venues ({request.max_venues}) limits the fill"
        return lots_only
    if request.max_venues is not None and request.max_venues < len(routed):
        # every venue, minimums ignored, is a bound on what the count keeps out; without minimums
        # above one lot it is the answer, and a search of fills alone is left for the venues that
        # have some
        prepared = routed.prepared if isinstance(routed, _Routed) else None
        # the search's root box asked the same largest fill: its answer is kept
        bound = (prepared.fill_bound(target) if prepared is not None
                 else fill_bound([(v.m, v.curve.hi) for v in routed], target))
        if bound > alloc.fill:
            more = True if all(v.curve.lo <= 1 for v in routed) else fills_more(
                [v.curve for v in routed], [v.m for v in routed], target, alloc.fill, bound)
            if more:
                return f"max venues ({request.max_venues}) limits the fill"
            if more is None:
                return f"max venues ({request.max_venues}) or the venues' lot sizes / minimums limit the fill"
    return lots_only


def _empty(request: PlanRequest, symbol: str, excluded: list[tuple[str, str]], reason: str) -> Plan:
    return Plan(
        side=request.side, unit=request.unit, symbol=symbol, requested=request.amount, filled=0.0,
        avg_price=0.0, notional=0.0, fees=0.0, total_cost=0.0, legs=(), best_single=None,
        savings_bps=0.0, savings_quote=0.0, unfilled=request.amount, unfilled_reason=reason,
        excluded=tuple(excluded), slippage_bps=request.slippage_bps, **_echo(request),
    )


def _echo(request: PlanRequest) -> dict[str, Any]:
    """The request's terms the plan reports with it."""
    return {"leg_cost": request.leg_cost, "limit_price": request.limit_price,
            "limit_on_fee_adjusted": request.limit_on_fee_adjusted, "hold_hours": request.hold_hours,
            "max_venues": request.max_venues, "min_liq_distance": request.min_liq_distance}
