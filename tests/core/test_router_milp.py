"""Exactness against scipy's MILP (HiGHS) on multi-venue instances built from real books."""

from __future__ import annotations

import pytest

from sor_desktop.core.orders import Side
from sor_desktop.core.plan import AmountUnit
from sor_desktop.core.router import plan_route
from tests.core.oracle import grain_of, milp_optimum, usable_inputs
from tests.core.real_instances import real_instance
from tests.core.router_cases import assert_lot_exact, assert_matches, request

pytest.importorskip("scipy.optimize")


@pytest.mark.shared
@pytest.mark.parametrize("seed", range(40))
def test_plan_equals_milp_optimum_on_real_books(seed):
    venues, rng = real_instance(seed)
    side = rng.choice([Side.BUY, Side.SELL])
    amount = round(rng.choice([0.003, 0.05, 0.7, 3.0, 12.0, 40.0]) * rng.uniform(0.5, 1.5), 4)
    max_venues = rng.choice([None, None, 1, 2, 3])
    req = request(side, amount, AmountUnit.BASE, max_venues)
    plan = plan_route(req, venues)
    opt = milp_optimum(req, venues)
    grain = float(grain_of(usable_inputs(req, venues)))
    if plan.filled == 0:  # too small for every minimum: the MILP must agree, and the plan says why
        assert plan.unfilled_reason
    assert_matches(plan, opt, grain)
    assert_lot_exact(plan, req, venues)
