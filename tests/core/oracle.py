"""Exact oracles for the router, written independently of it.

Both read the same inputs as ``plan_route`` (a ``PlanRequest`` and ``VenueInput``s) but derive
everything again from the instrument's Decimal fields and the raw book levels: lot sizes, the
grain (a Fraction gcd), depth and caps in lots (Decimal division of the recorded amounts),
minimum lots (walking the book level by level), and each venue's cost of ``x`` lots.

- ``brute_force``: enumerates every allocation (small instances) with NumPy broadcasting.
- ``milp_optimum``: scipy's HiGHS MILP, lots per level as continuous variables, lots per venue
  as integers, an on/off binary per venue for minimums, the venue count and the leg cost; two
  stages (largest fill, then cheapest at that fill). Unit ``base`` only.

``per_base`` (optional, venue name -> quote units per base unit) adds a linear cost on top of the
book, as funding over a holding time does; the futures tests compute it themselves.

"Cheapest" counts each used venue's leg cost (``VenueInput.leg_cost``, else the request's):
``Optimum.cost`` is money plus leg costs, ``Optimum.money`` the money alone.

The quote-unit definition checked by ``brute_force`` is the router's (``core/router.py``):
``B_T`` from the fee-aware continuous walk; the cheapest plan at the largest reachable fill not
above ``B_T`` rounded down to the largest usable lot; the largest fill up to ``B_T`` whose
cheapest plan on that plan's venues fits (up by bisection when it fits, down by ratio steps and
a bisection when it is over); at that fill the cheapest plan of all venues when it fits too.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from fractions import Fraction

import numpy as np

from sor_desktop.core.orders import Side
from sor_desktop.core.plan import AmountUnit, PlanRequest, VenueInput

SLACK = 1e-9  # relative slack of the minimum-notional test (same definition as the router)


@dataclass(frozen=True)
class VenueModel:
    name: str
    m: int  # lot in grains
    lot_base: float
    lo: int
    hi: int
    cost: np.ndarray  # cost[x] for x = 0..hi (negative proceeds for a sell)
    notional: np.ndarray
    levels: list[tuple[float, float, float]]  # (price, base, all-in key) within hi lots


@dataclass(frozen=True)
class Optimum:
    fill_grains: int
    fill_base: float
    cost: float  # the router's internal sign: all-in cost (or minus the proceeds) plus leg costs
    notional: float
    lots: tuple[int, ...]
    names: tuple[str, ...]
    legs: float = 0.0  # the leg costs in ``cost``


def leg_cost_of(request: PlanRequest, v: VenueInput) -> float:
    return request.leg_cost if v.leg_cost is None else float(v.leg_cost)


def _dec(x: float) -> Decimal:
    return Decimal(repr(float(x)))


def _floor(x: Decimal) -> int:
    return int(x.to_integral_value(rounding=ROUND_FLOOR))


def _ceil(x: Decimal) -> int:
    return int(x.to_integral_value(rounding=ROUND_CEILING))


def usable_inputs(request: PlanRequest, venues: Sequence[VenueInput]) -> list[VenueInput]:
    side = request.side
    out = []
    for v in venues:
        book = v.book.asks if side is Side.BUY else v.book.bids
        if v.excluded or v.book.problem() or not v.instrument.linear or not len(book):
            continue
        if v.cap_base is not None and v.cap_base <= 0:
            continue
        out.append(v)
    return out


def grain_of(venues: Sequence[VenueInput]) -> Fraction:
    lots = [Fraction(v.instrument.amount_step * v.instrument.contract_size) for v in venues]
    g = lots[0]
    for f in lots[1:]:
        g = Fraction(math.gcd(g.numerator * f.denominator, f.numerator * g.denominator),
                     g.denominator * f.denominator)
    return g


def model(v: VenueInput, side: Side, grain: Fraction, hi_limit: int | None = None,
          per_base: float = 0.0, slippage_bps: float = 0.0) -> VenueModel:
    """``slippage_bps``: a sell's IOC limit is its worst level moved down by it, rounded down to
    the tick; the venue checks the minimum order value at that limit (contracts x limit)."""
    ins = v.instrument
    step = ins.amount_step
    lot = step * ins.contract_size
    raw = v.book.asks if side is Side.BUY else v.book.bids
    levels = [(float(p), _dec(a)) for p, a in raw]
    depth = sum((a for _, a in levels), Decimal(0))
    hi = _floor(depth / step)
    if v.cap_base is not None:
        hi = min(hi, _floor(_dec(v.cap_base) / lot))
    if ins.max_amount is not None:
        hi = min(hi, _floor(ins.max_amount / step))
    if hi_limit is not None:
        hi = min(hi, hi_limit)
    fee = float(ins.taker_fee)
    cs = float(ins.contract_size)
    cost = np.zeros(hi + 1)
    notional = np.zeros(hi + 1)
    # walk the book one lot at a time, splitting lots across levels exactly (Decimal contracts)
    j, left = 0, levels[0][1] if levels else Decimal(0)
    run_n = 0.0
    worst = np.zeros(hi + 1)
    for x in range(1, hi + 1):
        need = step
        while need > 0:
            take = min(need, left)
            run_n += levels[j][0] * float(take) * cs
            worst[x] = levels[j][0]
            need -= take
            left -= take
            if left == 0 and j + 1 < len(levels):
                j += 1
                left = levels[j][1]
        notional[x] = run_n
    cost = notional * (1 + fee) if side is Side.BUY else -notional * (1 - fee)
    cost = cost + per_base * float(lot) * np.arange(hi + 1)
    lo = 1
    if ins.min_amount is not None:
        lo = max(lo, _ceil(ins.min_amount / step))
    if ins.min_notional is not None:
        mn = float(ins.min_notional)
        checked = notional
        if side is Side.SELL:
            tick = ins.price_tick
            move = Decimal(repr(float(slippage_bps))) / Decimal(10_000)
            limits = [float((Decimal(repr(float(w))) * (1 - move) / tick).to_integral_value(rounding="ROUND_FLOOR") * tick)
                      for w in worst]
            checked = np.minimum(notional, np.arange(hi + 1) * float(lot) * np.asarray(limits))
        ok = np.nonzero(checked >= mn * (1 - SLACK))[0]
        lo = max(lo, int(ok[0]) if len(ok) else hi + 1)
    kept: list[tuple[float, float, float]] = []
    room = float(hi * lot)
    for p, a in levels:
        b = min(float(a) * cs, room)
        room -= b
        if b > 0:
            kept.append((p, b, (p * (1 + fee) if side is Side.BUY else -p * (1 - fee)) + per_base))
    m = Fraction(lot) / grain
    assert m.denominator == 1
    return VenueModel(v.instrument.venue, int(m), float(lot), lo, hi, cost, notional, kept)


def quote_target_grains(models: Sequence[VenueModel], amount: float, grain: Fraction) -> int:
    # venues whose minimum is out of reach are not usable and do not count (as in the router)
    pieces = sorted((key, i, p, b) for i, vm in enumerate(models) if vm.lo <= vm.hi for p, b, key in vm.levels)
    walked, spent = 0.0, 0.0
    for _, _, p, b in pieces:
        if spent + p * b >= amount:
            walked += (amount - spent) / p
            break
        spent += p * b
        walked += b
    return int(math.floor(walked / float(grain) + 1e-9))


def _enumerate(models: Sequence[VenueModel], max_venues: int | None, legs: Sequence[float]):
    """Every allocation: fills (grains), costs (with leg costs), notionals and the lot vectors."""
    choices = [np.array([0, *range(vm.lo, vm.hi + 1)], dtype=np.int64) for vm in models]
    grids = np.meshgrid(*choices, indexing="ij")
    x = np.stack([g.ravel() for g in grids], axis=1)
    fill = sum(vm.m * x[:, i] for i, vm in enumerate(models))
    cost = sum(vm.cost[x[:, i]] + legs[i] * (x[:, i] > 0) for i, vm in enumerate(models))
    notional = sum(vm.notional[x[:, i]] for i, vm in enumerate(models))
    if max_venues is not None:
        keep = (x > 0).sum(axis=1) <= max_venues
        x, fill, cost, notional = x[keep], fill[keep], cost[keep], notional[keep]
    return x, np.asarray(fill), np.asarray(cost, dtype=float), np.asarray(notional, dtype=float)


def enumeration_size(request: PlanRequest, venues: Sequence[VenueInput]) -> int:
    usable = usable_inputs(request, venues)
    if not usable:
        return 1
    g = grain_of(usable)
    return math.prod(model(v, request.side, g).hi + 2 for v in usable)


def brute_force(request: PlanRequest, venues: Sequence[VenueInput],
                per_base: Mapping[str, float] | None = None) -> Optimum:
    usable = usable_inputs(request, venues)
    if not usable:
        return Optimum(0, 0.0, 0.0, 0.0, (), ())
    grain = grain_of(usable)
    extra = per_base or {}
    models = [model(v, request.side, grain, per_base=extra.get(v.instrument.venue, 0.0),
                    slippage_bps=request.slippage_bps) for v in usable]
    names = tuple(vm.name for vm in models)
    legs = [leg_cost_of(request, v) for v in usable]
    x, fill, cost, notional = _enumerate(models, request.max_venues, legs)
    if request.unit is AmountUnit.BASE:
        target = int(math.floor(Fraction(_dec(request.amount)) / grain))
        ok = fill <= target
    else:
        target = quote_target_grains(models, request.amount, grain)
        ok = fill <= target
    x, fill, cost, notional = x[ok], fill[ok], cost[ok], notional[ok]
    order = np.lexsort((cost, -fill))  # by fill descending, then cost
    if request.unit is AmountUnit.BASE:
        k = order[0]
        return Optimum(int(fill[k]), float(fill[k] * grain), float(cost[k]), float(notional[k]),
                       tuple(int(v) for v in x[k]), names, _legs_of(x[k], legs))
    # quote (the router's definition, step by step): the plan for B_T; if over, the largest
    # fitting fill searched on its venues (ratio steps down, then bisection up), then the
    # cheapest plan of all at that fill when it fits too
    def cheapest_in(sel: np.ndarray, t: int) -> tuple[int, int] | None:
        sel = sel[fill[sel] <= t]
        if not len(sel):
            return None
        f = int(fill[sel].max())
        sel = sel[fill[sel] == f]
        best = cost[sel].min()
        tied = sel[cost[sel] <= best + 1e-9 * (1 + abs(best))]
        return f, int(tied[np.argmin(notional[tied])])

    def fits(k: int) -> bool:
        return bool(notional[k] <= request.amount * (1 + 1e-12))

    def bisect(sel: np.ndarray, fitting: tuple[int, int], over: int) -> tuple[int, int]:
        best, lo, hi = fitting, fitting[0], over
        while hi - lo > 1:
            mid = (lo + hi) // 2
            probe = cheapest_in(sel, mid)
            if probe is None or probe[0] <= lo:
                lo = mid
            elif fits(probe[1]):
                best, lo = probe, mid
            else:
                hi = probe[0]
        return best

    def largest_fitting(sel: np.ndarray, k: int) -> tuple[int, int] | None:
        over = int(fill[k])
        while True:
            t = min(over - 1, math.floor(over * (request.amount / float(notional[k]))))
            probe = cheapest_in(sel, t) if t > 0 else None
            if probe is None or probe[0] == 0:
                return None
            if fits(probe[1]):
                return bisect(sel, probe, over)
            over, k = probe

    every = np.arange(len(fill))
    able = [vm.m for vm in models if vm.lo <= vm.hi and vm.lo * vm.m <= target]
    coarse = max(able, default=1)
    found = cheapest_in(every, target - target % coarse or target)
    assert found is not None
    f, k = found
    if f > 0:
        on = x[k] > 0
        same_venues = np.flatnonzero(((x > 0) == on).all(axis=1))
        searched: tuple[int, int] | None = None
        if fits(k):
            top = cheapest_in(same_venues, target)
            if top is not None and top[0] > f:
                searched = top if fits(top[1]) else bisect(same_venues, (f, k), top[0])
                if searched == (f, k):
                    searched = None
        else:
            searched = largest_fitting(same_venues, k)
            if searched is None:
                f, k = largest_fitting(every, k) or cheapest_in(every, 0) or (0, 0)
        if searched is not None:
            f, k = searched
            rival = cheapest_in(every[fill == f], f)
            if rival is not None and cost[rival[1]] < cost[k] - 1e-9 * (1 + abs(cost[k])) and fits(rival[1]):
                k = rival[1]
    return Optimum(f, float(f * grain), float(cost[k]), float(notional[k]), tuple(int(v) for v in x[k]), names,
                   _legs_of(x[k], legs))


def cheapest_at_fill(request: PlanRequest, venues: Sequence[VenueInput], fill_grains: int) -> float | None:
    """The least cost (money plus leg costs) of every plan with exactly ``fill_grains``, or None."""
    usable = usable_inputs(request, venues)
    grain = grain_of(usable)
    models = [model(v, request.side, grain, slippage_bps=request.slippage_bps) for v in usable]
    _, fill, cost, _ = _enumerate(models, request.max_venues, [leg_cost_of(request, v) for v in usable])
    sel = fill == fill_grains
    return float(cost[sel].min()) if sel.any() else None


def _legs_of(lots: np.ndarray, legs: Sequence[float]) -> float:
    return float(sum(c for c, n in zip(legs, lots, strict=True) if n > 0))


def single_venue_costs(request: PlanRequest, venues: Sequence[VenueInput], fill_grains: int
                       ) -> dict[str, tuple[int, float]]:
    """Per venue alone: (largest fill <= fill_grains, its cost)."""
    usable = usable_inputs(request, venues)
    if not usable:
        return {}
    grain = grain_of(usable)
    out = {}
    for v in usable:
        vm = model(v, request.side, grain, slippage_bps=request.slippage_bps)
        x = min(vm.hi, fill_grains // vm.m)
        if x >= vm.lo:
            out[vm.name] = (x * vm.m, float(vm.cost[x]))
    return out


def milp_optimum(request: PlanRequest, venues: Sequence[VenueInput],
                 per_base: Mapping[str, float] | None = None) -> Optimum:
    """Two-stage MILP optimum (unit base): largest fill, then the cheapest plan with that fill."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    assert request.unit is AmountUnit.BASE
    usable = usable_inputs(request, venues)
    grain = grain_of(usable)
    target = int(math.floor(Fraction(_dec(request.amount)) / grain))
    side = request.side
    specs = []
    for v in usable:
        ins = v.instrument
        step = ins.amount_step
        lot = float(step * ins.contract_size)
        vm_hi = model_bounds(v, side, target, grain, request.slippage_bps)
        raw = v.book.asks if side is Side.BUY else v.book.bids
        fee = float(ins.taker_fee)
        prices, lots = [], []
        room = vm_hi[1]
        for p, a in raw:  # only the levels the venue could ever reach
            if room <= 0:
                break
            n = float(_dec(a) / step)
            prices.append(float(p))
            lots.append(n)
            room -= n
        unit = np.array(prices) * lot * ((1 + fee) if side is Side.BUY else -(1 - fee))
        unit = unit + (per_base or {}).get(ins.venue, 0.0) * lot
        specs.append((vm_hi, np.array(lots), unit, int(Fraction(step * ins.contract_size) / grain)))
    n_v = len(specs)
    legs = [leg_cost_of(request, v) for v in usable]
    n_q = sum(len(s[1]) for s in specs)
    # variable order: n_0..n_{V-1}, z_0..z_{V-1}, q (all levels, venue by venue)
    size = 2 * n_v + n_q
    lb = np.zeros(size)
    ub = np.zeros(size)
    integrality = np.zeros(size)
    integrality[: 2 * n_v] = 1
    rows, lo_b, up_b = [], [], []
    qoff = 2 * n_v
    cost = np.zeros(size)
    fill_row = np.zeros(size)
    for i, ((lo, hi), lots, unit, m) in enumerate(specs):
        ub[i] = hi
        ub[n_v + i] = 1
        cost[n_v + i] = legs[i]
        ub[qoff: qoff + len(lots)] = lots
        cost[qoff: qoff + len(lots)] = unit
        link = np.zeros(size)
        link[qoff: qoff + len(lots)] = 1
        link[i] = -1
        rows.append(link)
        lo_b.append(0)
        up_b.append(0)
        r = np.zeros(size)  # n_i >= lo_i z_i
        r[i], r[n_v + i] = 1, -lo
        rows.append(r)
        lo_b.append(0)
        up_b.append(np.inf)
        r = np.zeros(size)  # n_i <= hi_i z_i
        r[i], r[n_v + i] = 1, -hi
        rows.append(r)
        lo_b.append(-np.inf)
        up_b.append(0)
        fill_row[i] = m
        qoff += len(lots)
    if request.max_venues is not None:
        r = np.zeros(size)
        r[n_v: 2 * n_v] = 1
        rows.append(r)
        lo_b.append(0)
        up_b.append(request.max_venues)
    base = LinearConstraint(np.array(rows), np.array(lo_b), np.array(up_b))
    opts = {"mip_rel_gap": 1e-12, "time_limit": 120}
    # HiGHS judges optimality on reduced costs to about 1e-7 absolute: with a 1e-6 ETH lot two
    # levels 0.06 apart differ by 6e-8 per lot and look equal. Scaled so the finest venue's cost
    # per lot is about 1, level choices are seen (the objective is recomputed unscaled).
    nonzero = np.abs(cost[cost != 0])
    scale = 1.0 / float(nonzero.min()) if len(nonzero) else 1.0
    los = [s[0][0] for s in specs]

    def stages(z_lb: np.ndarray, z_ub: np.ndarray) -> tuple[int, float, np.ndarray] | None:
        lb2, ub2 = lb.copy(), ub.copy()
        lb2[n_v: 2 * n_v], ub2[n_v: 2 * n_v] = z_lb, z_ub
        one = milp(-fill_row, constraints=[base, LinearConstraint(fill_row[None, :], 0, target)],
                   integrality=integrality, bounds=Bounds(lb2, ub2), options=opts)
        if not one.success:
            return None
        f = int(round(-one.fun))
        two = milp(cost * scale, constraints=[base, LinearConstraint(fill_row[None, :], f, f)],
                   integrality=integrality, bounds=Bounds(lb2, ub2), options=opts)
        assert two.success, two.message
        return f, float(np.dot(cost, two.x)), two.x

    def honest(x: np.ndarray) -> bool:
        """The on/off binaries are whole: with a big lot count as big-M, HiGHS's integrality
        tolerance lets z = 4e-7 carry 26 lots (no leg cost paid, no minimum enforced)."""
        return all(round(x[i]) == 0 or (round(x[n_v + i]) == 1 and round(x[i]) >= los[i]) for i in range(n_v))

    found = stages(np.zeros(n_v), np.ones(n_v))
    assert found is not None
    if not honest(found[2]):  # then every set of venues on its own, binaries fixed
        best = None
        k = n_v if request.max_venues is None else request.max_venues
        for size in range(1, min(k, n_v) + 1):
            for on in itertools.combinations(range(n_v), size):
                z = np.zeros(n_v)
                z[list(on)] = 1
                got = stages(z, z)
                if got is not None and (best is None or (got[0], -got[1]) > (best[0], -best[1])):
                    best = got
        assert best is not None
        found = best
    fill, value, x = found
    lots_v = tuple(int(round(v)) for v in x[:n_v])
    return Optimum(fill, float(fill * grain), value, float("nan"), lots_v,
                   tuple(v.instrument.venue for v in usable), _legs_of(np.array(lots_v), legs))


def model_bounds(v: VenueInput, side: Side, target: int, grain: Fraction,
                 slippage_bps: float = 0.0) -> tuple[int, int]:
    """(lo, hi) lots of one venue, as in ``model`` but without walking every lot."""
    ins = v.instrument
    step = ins.amount_step
    lot = step * ins.contract_size
    m = int(Fraction(lot) / grain)
    raw = v.book.asks if side is Side.BUY else v.book.bids
    amounts = [_dec(a) for _, a in raw]
    hi = min(_floor(sum(amounts, Decimal(0)) / step), target // m)
    if v.cap_base is not None:
        hi = min(hi, _floor(_dec(v.cap_base) / lot))
    if ins.max_amount is not None:
        hi = min(hi, _floor(ins.max_amount / step))
    lo = 1
    if ins.min_amount is not None:
        lo = max(lo, _ceil(ins.min_amount / step))
    if ins.min_notional is not None:
        # notional of x lots walking the book, level by level
        mn = float(ins.min_notional) * (1 - SLACK)
        spent, lots_done = 0.0, Decimal(0)
        need = None
        for (p, _), a in zip(raw, amounts, strict=True):
            n = a / step
            level_value = float(p) * float(lot) * float(n)
            if spent + level_value >= mn:
                need = lots_done + Decimal(repr((mn - spent) / (float(p) * float(lot))))
                break
            spent += level_value
            lots_done += n
        if need is None:
            return hi + 1, hi
        x = max(1, _ceil(need))
        cs = float(ins.contract_size)
        while x > 1 and _notional_of(raw, amounts, step, cs, x - 1) >= mn:
            x -= 1
        while _notional_of(raw, amounts, step, cs, x) < mn:
            x += 1
        if side is Side.SELL:  # the venue checks contracts x the IOC limit, below the worst level
            move = Decimal(repr(float(slippage_bps))) / Decimal(10_000)
            while x <= hi and float(lot) * x * float(
                    (Decimal(repr(float(_worst_of(raw, amounts, step, x)))) * (1 - move) / ins.price_tick)
                    .to_integral_value(rounding=ROUND_FLOOR) * ins.price_tick) < mn:
                x += 1
        lo = max(lo, x)
    return lo, hi


def _worst_of(raw, amounts: Sequence[Decimal], step: Decimal, x: int) -> float:
    """Price of the level the ``x``-th lot ends in."""
    need, price = step * x, 0.0
    for (p, _), a in zip(raw, amounts, strict=True):
        price = float(p)
        need -= a
        if need <= 0:
            break
    return price


def _notional_of(raw, amounts: Sequence[Decimal], step: Decimal, cs: float, x: int) -> float:
    need, total = step * x, 0.0
    for (p, _), a in zip(raw, amounts, strict=True):
        take = min(need, a)
        total += float(p) * float(take) * cs
        need -= take
        if need <= 0:
            break
    return total
