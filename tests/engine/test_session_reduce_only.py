"""Reduce-only on the simulated market: a leg closes the position it reduces in the venue's own
contracts, exactly, on an inverse market (Bybit's BTC/USD:BTC, 1 USD contracts) as on a linear
one with a contract size (MEXC, 0.0001 BTC), and the unfilled reason names reduce-only."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from sor_desktop.core.orders import Side
from sor_desktop.engine.preview import PreviewRequest
from tests.engine.test_session_inverse import INVERSE, SYMBOL, _session


async def _send(session, plan, reduce_only=False) -> None:
    session.submit(plan, reduce_only)
    await asyncio.wait([t for t in session.tasks if t.get_name().startswith("route:")], timeout=10)
    await session.refresh_accounts()


async def _long_everywhere(session, market):
    """Buy 12 BTC, then 0.3 (as the auditor did): legs on every venue, the inverse market included."""
    for amount in ("12", "0.3"):
        pv = session.preview(PreviewRequest(SYMBOL, Side.BUY, amount))
        assert pv.plan is not None
        if pv.plan.legs:
            await _send(session, pv.plan)
    held = {(v, p.symbol): p.contracts for v, ps in session.positions.items() for p in ps if p.side is Side.BUY}
    assert held[("bybit", INVERSE)] > 100_000 and held[("mexc", SYMBOL)] > 1_000
    return held


async def _tick(session, market, seconds: float, seq: int) -> None:
    """The books move on (the positions' base values, read at their own marks, do not)."""
    await market.clock.advance(seconds)
    now = market.clock.time()
    for v in session.venues:
        session.store.put_book(market.book_at(v, SYMBOL, now, sequence=seq))
    session.store.put_book(market.book_at("bybit", INVERSE, now, sequence=seq), chip=False)


@pytest.mark.asyncio
async def test_a_reduce_only_sell_closes_the_inverse_position_in_exactly_its_contracts(tmp_path, monkeypatch):
    """Seen: 293,078 contracts held, the preview's leg 293,144 then 293,054 on the next tick, 292,976
    sent, 102 contracts left open; 'unfilled 15.16 BTC: not enough room under the venue caps'."""
    session, market = await _session(tmp_path, monkeypatch)
    try:
        held = await _long_everywhere(session, market)
        contracts = held[("bybit", INVERSE)]
        req = PreviewRequest(SYMBOL, Side.SELL, "20", max_venues=1, reduce_only=True)
        for seq in range(2, 6):  # every tick: the whole position, never more, never a contract short
            await _tick(session, market, 1.5, seq)
            pv = session.preview(req)
            assert pv.plan is not None and pv.error is None
            (leg,) = pv.plan.legs
            assert (leg.venue, leg.symbol) == ("bybit", INVERSE)
            assert Decimal(leg.contracts) == contracts
            reason = pv.plan.unfilled_reason or ""
            assert "reduce-only" in reason and "max venues (1)" in reason, reason
            assert "venue caps" not in reason
        await _send(session, pv.plan, reduce_only=True)
        left = [p for p in session.positions["bybit"] if p.symbol == INVERSE and p.contracts]
        assert left == []
    finally:
        await session.stop(timeout=1.0)


@pytest.mark.asyncio
async def test_reduce_only_on_a_contract_sized_linear_venue_closes_its_contracts(tmp_path, monkeypatch):
    session, market = await _session(tmp_path, monkeypatch)
    try:
        held = await _long_everywhere(session, market)
        await _tick(session, market, 1.5, 2)
        req = PreviewRequest(SYMBOL, Side.SELL, "20", reduce_only=True, included=frozenset({"mexc"}))
        pv = session.preview(req)
        assert pv.plan is not None
        (leg,) = pv.plan.legs
        assert leg.venue == "mexc" and Decimal(leg.contracts) == held[("mexc", SYMBOL)]
        assert "reduce-only" in (pv.plan.unfilled_reason or "")
        await _send(session, pv.plan, reduce_only=True)
        assert not [p for p in session.positions["mexc"] if p.symbol == SYMBOL and p.contracts]
    finally:
        await session.stop(timeout=1.0)
