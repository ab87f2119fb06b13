"""The preview's margin cap for a sell while long: one-way accounts net it against the long (the
closing part needs no new margin); hedge-mode accounts do not (a sell that is not reduce-only
opens a short beside the long and needs margin for all of it)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sor_desktop.core.account import Balance, Position, PositionMode
from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.orders import Side
from sor_desktop.engine.margin_caps import venue_margin

SYM = "BTC/USDT:USDT"
INST = Instrument.from_market({
    "symbol": SYM, "id": "BTCUSDT", "base": "BTC", "quote": "USDT", "settle": "USDT", "linear": True,
    "inverse": False, "contractSize": "1", "precision": {"price": "0.1", "amount": "0.001"},
    "limits": {"amount": {"min": "0.001", "max": "100"}, "cost": {"min": "5"}}, "taker": "0.0005",
}, "binanceusdm")
BOOK = BookSnapshot.from_lists("binanceusdm", SYM, 0, [(60000.0 - i, 10.0) for i in range(20)],
                               [(60001.0 + i, 10.0) for i in range(20)])
# the account is long 2 BTC (12,000 USDT margin at 10x) with 20,000 USDT free
BALANCE = [Balance("binanceusdm", "USDT", Decimal(32000), Decimal(20000), Decimal(12000))]
LONG = [Position("binanceusdm", SYM, Side.BUY, Decimal(2), Decimal(2), Decimal(60000), leverage=Decimal(10))]


def cap(hedge: bool) -> float:
    got = venue_margin(Side.SELL, BOOK, INST, BALANCE, LONG, leverage=10.0, hedge=hedge)
    assert got is not None
    return got.cap_base


def test_one_way_sell_while_long_nets_against_the_long() -> None:
    assert cap(hedge=False) > 2.0  # the 2 BTC close, then what the free margin opens


def test_hedge_mode_sell_while_long_needs_margin_for_all_of_it() -> None:
    hedged, netted = cap(hedge=True), cap(hedge=False)
    assert 1.0 < hedged < 3.4  # ~20,000 USDT less headroom at 10x: under 3.4 BTC of new short
    assert hedged < netted - 1.99  # the 2 BTC long does not pay for any of it


@pytest.mark.asyncio
async def test_the_session_reads_each_venues_mode_and_caps_by_it(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tests.engine.test_session_margin import SYMBOL as SIM_SYMBOL
    from tests.engine.test_session_margin import make_session, req

    session, market, clock = await make_session(tmp_path, monkeypatch)
    try:
        venue = session.venues["binanceusdm"]
        inst = session.symbol_instruments()["binanceusdm"]
        long = Position("binanceusdm", SIM_SYMBOL, Side.BUY, inst.base_to_contracts(Decimal("0.5")), Decimal("0.5"),
                        Decimal(60000), leverage=Decimal(10))

        async def positions(symbols=None):  # type: ignore[no-untyped-def]
            return [long]

        async def hedge(symbol: str) -> PositionMode:
            return PositionMode.HEDGE

        monkeypatch.setattr(venue, "fetch_positions", positions)
        await session.refresh_accounts()
        netted = session.margin_caps(session.store.books(SIM_SYMBOL, session.symbol_instruments()),
                                     req("1", Side.SELL))["binanceusdm"]
        monkeypatch.setattr(venue, "fetch_position_mode", hedge)
        await session.refresh_accounts()
        assert session.position_modes["binanceusdm"] is PositionMode.HEDGE
        hedged = session.margin_caps(session.store.books(SIM_SYMBOL, session.symbol_instruments()),
                                     req("1", Side.SELL))["binanceusdm"]
    finally:
        await session.stop()
    assert hedged < netted - 0.49  # the 0.5 BTC long no longer pays for a sell
