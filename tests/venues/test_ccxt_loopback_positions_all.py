"""Every venue's positions in every symbol, through the real ccxt client against each loopback
venue: the Positions panel reads them (``engine.positions_elsewhere``) to say what is open in the
symbols the window does not show. Asked without a symbol, each venue must answer for all."""

from __future__ import annotations

import pytest

from sor_desktop.core.orders import Side
from tests.venues.loopback.suite import Loopback


@pytest.mark.asyncio
async def test_positions_without_a_symbol_list_the_open_ones(trading: Loopback) -> None:
    server, case = trading.server, trading.case
    await trading.v.submit_order(trading.order("all-open", 2, case.best_ask(server), Side.BUY))
    mine = await trading.v.fetch_positions([case.symbol])
    every = await trading.v.fetch_positions(None)
    assert mine and all(p.contracts > 0 for p in mine)
    assert {(p.symbol, p.side, p.contracts) for p in mine} <= {(p.symbol, p.side, p.contracts) for p in every}
