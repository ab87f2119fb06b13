"""The session keeps each venue's fee, funding and brackets and the preview routes with them."""

from __future__ import annotations

import pytest

from sor_desktop.core.orders import Side
from sor_desktop.engine.preview import PreviewRequest, to_plan_request
from sor_desktop.engine.venue_terms import DAILY_S, TermsKeeper
from sor_desktop.venues.errors import VenueUnavailable
from tests.engine.test_session import SYMBOL, make_session

pytestmark = pytest.mark.asyncio


def _req(amount: str, **kw) -> PreviewRequest:
    return PreviewRequest(symbol=SYMBOL, side=kw.pop("side", Side.BUY), amount_text=amount, **kw)


async def test_preview_uses_the_accounts_fees_funding_and_brackets(tmp_path, monkeypatch):
    session, market = await make_session(tmp_path, monkeypatch)
    try:
        clock = market.clock
        await clock.drive(session.terms.refresh(session.venues, SYMBOL, clock.time()))
        terms = session.terms.for_symbol(SYMBOL)
        assert set(terms) == set(session.venues)
        assert terms["binanceusdm"].fee.label() == "your fee 0.032 %"
        assert terms["bingx"].fee.label().startswith("default fee")
        plan = session.preview(_req("2", hold_hours=24)).plan
        assert plan is not None and plan.hold_hours == 24 and plan.funding is not None
        assert all(lg.funding is not None and lg.liquidation_price is not None for lg in plan.legs)
        for lg in plan.legs:  # the account's fee is what the leg pays
            assert lg.fee == pytest.approx(lg.notional * terms[lg.venue].fee.taker)
            assert lg.liquidation_price < lg.avg_price  # a long's liquidation is below its entry
        off = session.preview(_req("2")).plan
        assert off is not None and off.funding is None and all(lg.funding is None for lg in off.legs)
    finally:
        await session.stop(timeout=1.0)


async def test_the_keeper_refetches_daily_and_tells_a_failure_once(tmp_path, monkeypatch):
    session, market = await make_session(tmp_path, monkeypatch)
    told: list[tuple[str, str]] = []
    keeper = TermsKeeper(lambda level, text: told.append((level, text)))
    try:
        clock = market.clock
        bybit = session.venues["bybit"]
        calls = []
        real = bybit.fetch_terms

        async def counting(symbol):
            calls.append(symbol)
            return await real(symbol)

        bybit.fetch_terms = counting  # type: ignore[method-assign]
        now = clock.time()
        await clock.drive(keeper.refresh({"bybit": bybit}, SYMBOL, now))
        await clock.drive(keeper.refresh({"bybit": bybit}, SYMBOL, now + 3600))
        assert len(calls) == 1  # fresh: not fetched again within the day
        await clock.drive(keeper.refresh({"bybit": bybit}, SYMBOL, now + DAILY_S + 1))
        assert len(calls) == 2

        async def failing(symbol):
            raise VenueUnavailable("bybit", "maintenance")

        bybit.fetch_terms = failing  # type: ignore[method-assign]
        for k in range(3):
            await clock.drive(keeper.refresh({"bybit": bybit}, SYMBOL, now + 3 * DAILY_S + k))
        assert [lvl for lvl, _ in told] == ["warning"] and "maintenance" in told[0][1]
        assert keeper.for_symbol(SYMBOL)["bybit"].fee.own  # the last good terms are kept
    finally:
        await session.stop(timeout=1.0)


async def test_to_plan_request_carries_the_hold_and_liquidation_distance(tmp_path, monkeypatch):
    session, _ = await make_session(tmp_path, monkeypatch)
    try:
        insts = session.symbol_instruments()
        books = session.store.books(SYMBOL, insts)
        pr = to_plan_request(_req("1", hold_hours=8, min_liq_distance=0.0), insts, books)
        assert pr.hold_hours == 8 and pr.min_liq_distance is None and pr.now_ms
        assert to_plan_request(_req("1"), insts, books).hold_hours is None
    finally:
        await session.stop(timeout=1.0)
