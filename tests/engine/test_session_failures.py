"""The window's session passes every failure on: a rejected leg's update carries the venue's code
and words, and the route's end says "partly filled: X of Y"."""

from __future__ import annotations

import pytest

from sor_desktop.engine.session_events import LegUpdate, RouteDone

from .test_session_margin import make_session, req, settle


@pytest.mark.asyncio
async def test_a_rejected_leg_and_the_partly_filled_route_reach_the_window(tmp_path, monkeypatch) -> None:
    session, market, _ = await make_session(tmp_path, monkeypatch)
    events: list[object] = []
    session.listeners.append(events.append)
    try:
        plan = session.preview(req("3")).plan
        assert plan is not None and "mexc" in {lg.venue for lg in plan.legs}
        market.venue("mexc").faults.reject.append("2005 Insufficient balance")
        session.submit(plan)
        await settle(session, "route:")
        bybit = [e for e in events if isinstance(e, LegUpdate) and e.venue == "mexc"][-1]
        assert bybit.failure == "rejected" and bybit.venue_code == "2005"
        assert bybit.venue_text == "Insufficient balance"
        done = [e for e in events if isinstance(e, RouteDone)]
        assert len(done) == 1 and done[0].status == "partly filled"
        filled = sum(lg.amount_base for lg in plan.legs if lg.venue != "mexc")
        assert done[0].filled == pytest.approx(filled) and done[0].requested == 3
        price = done[0].tca.realised_avg_price
        assert done[0].summary == f"partly filled: {done[0].filled:g} of 3"
        assert done[0].headline == f"buy BTC/USDT:USDT partly filled: {done[0].filled:g} of 3 at {price:,.1f}"
        assert not done[0].as_planned  # a leg was rejected: not the plan's fill
    finally:
        await session.stop(timeout=1.0)


def test_a_route_summary_writes_amounts_as_a_trader_reads_them():
    from sor_desktop.engine.session_events import RouteDone

    # a flatten of DOGE read "partly filled: 395377 of 1.00004e+06"
    assert RouteDone("r", None, 1_000_039.0, 395_377.0, status="partly filled").summary == \
        "partly filled: 395,377 of 1,000,039"
    assert RouteDone("r", None, 3.0, 2.463, status="partly filled").summary == "partly filled: 2.463 of 3"
    assert RouteDone("r", None, 150_000.0, 150_011.23456, unit="quote", status="filled").summary == \
        "filled: 150,011.23 of 150,000.00"


def test_a_partial_fill_that_is_the_plans_is_said_so() -> None:
    """A 30,000,000 DOGE sell that the books could fill only 5,930,182 of, confirmed as such and
    filled in full, was a warning like any short route: "partly filled: 5,930,182 of 30,000,000"."""
    done = RouteDone("r", None, 30_000_000.0, 5_930_182.0, status="partly filled", symbol="DOGE/USDT:USDT",
                     side="sell", as_planned=True)
    assert done.headline == "sell DOGE/USDT:USDT partly filled as planned: 5,930,182 of 30,000,000"
