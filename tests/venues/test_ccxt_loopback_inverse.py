"""Bybit inverse (coin-margined) units through the real ccxt client: what the parametrised suite
cannot say for every venue. Contracts are 1 USD each, so a position's base amount is contracts /
price, and the venue's book and orders count contracts, not coins."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sor_desktop.core.orders import Side
from tests.venues.loopback.fixtures import SERVERS, case_venue, serving


@pytest.mark.asyncio
async def test_inverse_position_counts_usd_contracts_and_its_base_is_contracts_over_price() -> None:
    case = SERVERS["bybit-inverse"]
    async with serving("bybit-inverse") as server:
        server.held["BTCUSD"] = ("Buy", Decimal(30000), Decimal(60000))  # 30,000 USD long at 60,000
        venue = case_venue(case, server)
        try:
            await venue.connect()
            (pos,) = await venue.fetch_positions([case.symbol])
            inst = venue.instruments()[case.symbol]
        finally:
            await venue.close()
    assert (pos.symbol, pos.side, pos.contracts) == ("BTC/USD:BTC", Side.BUY, Decimal(30000))
    assert pos.entry_price == Decimal(60000)
    mark = Decimal(str(server.books["BTCUSD"].mid))
    assert pos.mark_price == mark
    assert pos.base_amount == Decimal(30000) / mark  # 0.5 BTC at 60,000
    assert pos.pnl_currency == "BTC"  # ccxt's unrealizedPnl is in the settle coin
    assert inst.contracts_to_base(Decimal(30000), Decimal(60000)) == Decimal("0.5")
    assert inst.base_to_contracts(Decimal("0.5"), Decimal(60000)) == Decimal(30000)


@pytest.mark.asyncio
async def test_inverse_book_counts_contracts() -> None:
    case = SERVERS["bybit-inverse"]
    async with serving("bybit-inverse") as server:
        venue = case_venue(case, server, keys=False)
        try:
            book = await venue.watch_order_book(case.symbol)
        finally:
            await venue.close()
    sizes = book.bids[:, 1].tolist() + book.asks[:, 1].tolist()
    assert all(s == int(s) and s >= 1 for s in sizes)  # whole 1-USD contracts, not fractions of a coin
