"""The quote walk (``B_T``, router docstring) counts every usable venue however large its minimum:
the router walks books cut where no walk reaches, and a venue the cut would leave below its
minimum is walked whole. Against the oracle's walk over the whole books."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sor_desktop.core import router
from sor_desktop.core.orders import Side
from sor_desktop.core.plan import AmountUnit
from tests.core.oracle import grain_of, model, quote_target_grains, usable_inputs
from tests.core.router_cases import request, venue


def _book(price: float, step: float, lots: list[int]) -> tuple[list[list[float]], list[list[float]]]:
    asks = [[round(price + 0.5 * i, 1), step * n] for i, n in enumerate(lots)]
    bids = [[round(price - 1 - 0.5 * i, 1), step * n] for i, n in enumerate(lots)]
    return asks, bids


@settings(max_examples=150, deadline=None)
@given(side=st.sampled_from([Side.BUY, Side.SELL]),
       cheap=st.sampled_from([90.0, 99.0, 100.0, 110.0]), minimum=st.integers(1, 400),
       lots=st.lists(st.integers(1, 150), min_size=1, max_size=3),
       others=st.lists(st.tuples(st.sampled_from([100.0, 100.5, 101.0]), st.sampled_from(["0.001", "0.01", "1"]),
                                 st.lists(st.integers(1, 40), min_size=1, max_size=3)), min_size=1, max_size=2),
       amount=st.floats(50.0, 30_000.0))
def test_the_walk_to_the_notional_counts_every_usable_venue(side, cheap, minimum, lots, others, amount):
    asks, bids = _book(cheap, 1.0, lots)
    venues = [venue("big-min", asks, bids, step="1", size="0.01", min_amount=str(minimum), fee="0.0002")]
    for i, (price, step, own) in enumerate(others):
        asks, bids = _book(price, float(step), own)
        venues.append(venue(f"v{i}", asks, bids, step=step, size="1", fee="0.0005"))
    req = request(side, round(amount, 2), AmountUnit.QUOTE)
    walked: list[int] = []
    quote_target = router._quote_target
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(router, "_quote_target", lambda *a: walked.append(quote_target(*a)) or walked[-1])
        router.plan_route(req, venues)
    usable = usable_inputs(req, venues)
    grain = grain_of(usable)
    assert walked == [quote_target_grains([model(v, side, grain) for v in usable], req.amount, grain)]
