"""Every venue's positions in every symbol, through the real ccxt client against each loopback
venue: the Positions panel reads them (``engine.positions_elsewhere``) to say what is open in the
symbols the window does not show. Asked without a symbol, each venue must answer for all: on Bybit
that is every linear settle coin (USDT, USDC) and the inverse category (``venues/position_scope``)."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from sor_desktop.core.instrument import Instrument
from sor_desktop.core.orders import OrderRequest, Side
from tests.venues.loopback.suite import Loopback


@pytest.mark.asyncio
async def test_positions_without_a_symbol_list_the_open_ones(trading: Loopback) -> None:
    server, case = trading.server, trading.case
    await trading.v.submit_order(trading.order("all-open", 2, case.best_ask(server), Side.BUY))
    mine = await trading.v.fetch_positions([case.symbol])
    every = await trading.v.fetch_positions(None)
    assert mine and all(p.contracts > 0 for p in mine)
    assert {(p.symbol, p.side, p.contracts) for p in mine} <= {(p.symbol, p.side, p.contracts) for p in every}


def _small_amount(inst: Instrument, price: Decimal) -> Decimal:
    """The fewest lots of ``inst`` that are an order the venue takes (its minimum amount and value)."""
    amount = max(inst.min_amount or inst.amount_step, inst.amount_step)
    if inst.linear and inst.min_notional:
        per_step = inst.contracts_to_base(inst.amount_step) * price
        amount = max(amount, math.ceil(inst.min_notional * Decimal("1.2") / per_step) * inst.amount_step)
    return amount.normalize()


@pytest.mark.asyncio
async def test_positions_in_other_symbols_are_listed_without_a_symbol_only(trading: Loopback) -> None:
    """A position in each of the venue's other markets (Bybit: other linear, USDC and inverse ones)
    is read by ``fetch_positions(None)`` and not by ``fetch_positions([the case's symbol])``."""
    server, case, venue = trading.server, trading.case, trading.v
    others = {s: i for s, i in venue.instruments().items() if s != case.symbol and i.venue_symbol in server.books}
    assert others, "the loopback server lists one market only"
    for n, (symbol, inst) in enumerate(sorted(others.items())):
        price = sorted(server.books[inst.venue_symbol].asks)[2]  # the third ask: the order fills
        await venue.submit_order(OrderRequest(case.venue_id, symbol, Side.BUY, _small_amount(inst, price),
                                              f"other-{n}", limit_price=price))
        placed = server.find(f"other-{n}")
        assert placed is not None and placed.filled > 0, symbol  # the venue's answer may carry only ids
    mine = await venue.fetch_positions([case.symbol])
    every = await venue.fetch_positions(None)
    assert {p.symbol for p in every if p.contracts > 0 and p.side is Side.BUY} >= set(others)
    assert not {p.symbol for p in mine} & set(others)
