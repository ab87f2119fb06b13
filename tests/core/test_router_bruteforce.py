"""Exactness against exhaustive enumeration on small random instances (hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sor_desktop.core.orders import Side
from sor_desktop.core.plan import AmountUnit
from sor_desktop.core.router import plan_route
from tests.core.oracle import brute_force, cheapest_at_fill, enumeration_size, grain_of, usable_inputs
from tests.core.router_cases import (
    assert_lot_exact,
    assert_matches,
    assert_not_worse_than_single,
    request,
    venue,
)

# (amount step, contract size): lots of 0.001, 0.0001, 0.0001 (MEXC style), 0.002, 0.0005,
# 0.01 and 0.003 BTC, so grids that do and do not divide each other meet
LOTS = [("0.001", "1"), ("0.0001", "1"), ("1", "0.0001"), ("0.002", "1"), ("5", "0.0001"),
        ("0.01", "1"), ("3", "0.001")]
FEES = ["0", "0.0002", "0.0004", "0.0006", "0.001", "0.0025"]


@st.composite
def venue_inputs(draw: st.DrawFn, name: str, offset: float):
    step_s, size_s = draw(st.sampled_from(LOTS))
    step, size = Decimal(step_s), Decimal(size_s)
    lot_base = float(step * size)
    n = draw(st.integers(1, 4))
    quarters = draw(st.lists(st.integers(1, 24), min_size=n, max_size=n))
    gaps = draw(st.lists(st.integers(0, 30), min_size=n, max_size=n))
    price = 100.0 + offset
    asks, bids = [], []
    ask, bid = price, price - 0.5
    for q, g in zip(quarters, gaps, strict=True):
        amount = float(step * q / 4)
        asks.append([round(ask, 1), amount])
        bids.append([round(bid, 1), amount])
        ask += 0.1 * (g + 1)
        bid -= 0.1 * (g + 1)
    spec = {
        "step": step_s, "size": size_s, "fee": draw(st.sampled_from(FEES)),
        "min_amount": draw(st.none() | st.integers(1, 4).map(lambda k: str(step * k))),
        "min_notional": draw(st.none() | st.floats(0.3, 5).map(lambda u: round(u * lot_base * 100, 4))),
        "max_amount": draw(st.none() | st.integers(2, 20).map(lambda k: str(step * k))),
    }
    cap = draw(st.none() | st.floats(1, 25).map(lambda u: round(u * lot_base, 6)))
    excluded = draw(st.sampled_from([None] * 9 + ["stale book"]))
    v = venue(name, asks, bids, cap_base=cap, excluded=excluded, **spec)
    own_leg = draw(st.sampled_from([None] * 5 + [0.0, 0.05, 0.4]))  # a venue's own leg cost
    return replace(v, leg_cost=own_leg)


@st.composite
def instances(draw: st.DrawFn):
    k = draw(st.integers(2, 3))
    offsets = draw(st.lists(st.sampled_from([0.0, 0.1, 0.2, 0.5, 1.0]), min_size=k, max_size=k))
    venues = [draw(venue_inputs(f"v{i}", off)) for i, off in enumerate(offsets)]
    side = draw(st.sampled_from([Side.BUY, Side.SELL]))
    unit = draw(st.sampled_from([AmountUnit.BASE, AmountUnit.QUOTE]))
    depth = sum(float(sum(Decimal(repr(float(a))) for _, a in (v.book.asks if side is Side.BUY else v.book.bids))
                      * v.instrument.contract_size) for v in venues)
    frac = draw(st.floats(0.1, 1.3))
    amount = round(depth * frac, 6) if unit is AmountUnit.BASE else round(depth * frac * 100, 2)
    assume(amount > 0)
    max_venues = draw(st.sampled_from([None, None, 1, 2]))
    slip = draw(st.sampled_from([0.0, 5.0, 12.5]))
    # leg costs against lot notionals of 0.01 to 1 quote: from none to more than a lot saves
    leg = draw(st.sampled_from([0.0, 0.0, 0.01, 0.1, 0.5, 2.0]))
    return request(side, amount, unit, max_venues, slip, leg_cost=leg), venues


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_plan_equals_exhaustive_optimum(case):
    req, venues = case
    assume(enumeration_size(req, venues) <= 40_000)
    plan = plan_route(req, venues)
    opt = brute_force(req, venues)
    usable = usable_inputs(req, venues)
    grain = float(grain_of(usable)) if usable else 1.0
    if req.unit is AmountUnit.QUOTE and plan.filled > opt.fill_base + grain / 2:
        # the oracle follows the documented procedure (the largest fill from B_T rounded to the
        # coarsest lot, searched on that plan's venues); a plan that fills more within the
        # notional is better for the trader: it must fit and be the exact optimum of its fill
        assert plan.notional <= req.amount * (1 + 1e-12)
        fill = round(plan.filled / grain)
        best = cheapest_at_fill(req, venues, fill)
        assert best is not None
        opt = replace(opt, fill_grains=fill, fill_base=plan.filled, cost=best)
    assert_matches(plan, opt, grain, venues)
    assert_lot_exact(plan, req, venues)
    assert_not_worse_than_single(plan, req, venues, grain)
    if req.unit is AmountUnit.QUOTE:
        assert plan.notional <= req.amount * (1 + 1e-12)
    else:
        assert plan.filled <= req.amount * (1 + 1e-12)
    if plan.unfilled > 0:
        assert plan.unfilled_reason
    excluded = {n for n, _ in plan.excluded}
    assert {v.instrument.venue for v in venues if v.excluded} <= excluded
