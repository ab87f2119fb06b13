"""``gap_bps`` is a true bound: with the searches cut short on purpose (tiny window, pair and node
budgets, largest fills of three or more lot sizes left to their certificates, so plans are often
not proven), the plan's cost with leg costs is never further above the exact optimum than its
``gap_bps`` says, and a plan that could not prove its fill says so with an infinite gap. With the real budgets (every other router test) the gap is 0 or below 0.01 bps."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import HealthCheck, assume, given, settings

from sor_desktop.core import lot_fill, lot_groups, lot_solver
from sor_desktop.core.plan import AmountUnit
from sor_desktop.core.router import plan_route
from tests.core.oracle import brute_force, cheapest_at_fill, enumeration_size, grain_of, usable_inputs
from tests.core.router_cases import internal_cost, plan_legs
from tests.core.test_router_bruteforce import instances


@pytest.fixture
def starved(monkeypatch):
    monkeypatch.setattr(lot_groups, "WINDOW_LIMIT", 2)
    monkeypatch.setattr(lot_groups, "PAIR_LIMIT", 1)
    monkeypatch.setattr(lot_groups, "_GUESS_LIMIT", 2)
    monkeypatch.setattr(lot_solver, "NODE_LIMIT", 3)
    monkeypatch.setattr(lot_fill, "SEARCH_CALLS", 1)  # largest fills of 3+ lot sizes often unproven
    monkeypatch.setattr(lot_fill, "LANDINGS", 0)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(instances())
def test_gap_bps_bounds_the_distance_to_the_optimum(starved, case):
    req, venues = case
    assume(req.unit is AmountUnit.BASE)
    assume(enumeration_size(req, venues) <= 40_000)
    plan = plan_route(req, venues)
    opt = brute_force(req, venues)
    usable = usable_inputs(req, venues)
    grain = float(grain_of(usable)) if usable else 1.0
    assert plan.gap_bps >= 0
    if abs(plan.filled - opt.fill_base) >= grain / 2:  # the fill itself is not proven
        assert plan.filled < opt.fill_base and math.isinf(plan.gap_bps)
        return
    excess = internal_cost(plan) + plan_legs(plan, venues) - opt.cost
    slack = 1e-9 * max(plan.notional, 1.0)
    assert excess >= -slack  # never better than the optimum
    assert excess <= plan.gap_bps * plan.notional / 1e4 + slack, (excess, plan.gap_bps, plan.notional)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(instances())
def test_gap_bps_of_a_quote_plan_bounds_the_distance_to_the_cheapest_plan_of_its_fill(starved, case):
    """A quote plan's fill comes from its notional; its ``gap_bps`` is proven against every plan
    of that fill (the router's quote definition), and JSON never carries an infinity."""
    req, venues = case
    assume(req.unit is AmountUnit.QUOTE)
    assume(enumeration_size(req, venues) <= 40_000)
    plan = plan_route(req, venues)
    assert plan.notional <= req.amount * (1 + 1e-12)
    json.dumps(plan.to_json(), allow_nan=False)
    if not plan.legs:
        return
    grain = float(grain_of(usable_inputs(req, venues)))
    best = cheapest_at_fill(req, venues, round(plan.filled / grain))
    assert best is not None
    excess = internal_cost(plan) + plan_legs(plan, venues) - best
    slack = 1e-9 * max(plan.notional, 1.0)
    assert excess >= -slack
    assert excess <= plan.gap_bps * plan.notional / 1e4 + slack, (excess, plan.gap_bps, plan.notional)


@pytest.mark.shared
@pytest.mark.timeout(120)
@pytest.mark.parametrize("seed", [9, 16, 22, 24, 27, 12])
def test_gap_bps_bounds_the_milp_optimum_on_recorded_lot_mixes_when_starved(starved, seed):
    pytest.importorskip("scipy.optimize")
    from tests.core.oracle import milp_optimum
    from tests.core.real_instances import recorded_mix
    from tests.core.router_cases import request
    from tests.core.test_router_milp_lots import _amount

    venues, rng, asset = recorded_mix(seed)
    scale = 1.0 if asset == "BTC" else 20.0
    side = rng.choice(["buy", "sell"])
    from sor_desktop.core.orders import Side

    req = request(Side(side), _amount(rng, 0.5 * scale, 150 * scale), leg_cost=1.0)
    plan = plan_route(req, venues)
    opt = milp_optimum(req, venues)
    grain = float(grain_of(usable_inputs(req, venues)))
    if abs(plan.filled - opt.fill_base) >= grain / 2:
        assert math.isinf(plan.gap_bps)
        return
    excess = internal_cost(plan) + plan_legs(plan, venues) - opt.cost
    slack = 1e-6 * max(plan.notional, 1.0)  # the MILP's own tolerance (0.01 bps)
    assert excess <= plan.gap_bps * plan.notional / 1e4 + slack, (excess, plan.gap_bps)
