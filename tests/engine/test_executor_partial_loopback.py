"""A leg the venue fills only in part, on every loopback venue through the real ccxt client: the
IOC asks for more than the best level holds at a limit on that level, the venue fills the level
and expires the rest. The executor books it partly filled (not failed, not filled) with the
venue's quantities and average, the journal keeps them, and the blotter row says it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from sor_desktop.core.orders import OrderStatus, Side
from sor_desktop.engine.exec_events import RouteState
from sor_desktop.engine.executor import Executor
from sor_desktop.engine.journal import Journal
from sor_desktop.engine.session_events import RouteStarted
from sor_desktop.engine.session_routes import leg_update
from sor_desktop.ui.blotter import FAILURE_TINT, Blotter
from tests.venues.loopback.suite import Loopback, trading

from .exec_fakes import make_plan
from .test_executor_loopback import CFG

__all__ = ["trading"]


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    j = Journal(tmp_path / "journal.sqlite3")
    yield j
    j.close()


@pytest.mark.asyncio
async def test_a_partly_filled_ioc_leg_is_booked_journaled_and_shown(trading: Loopback, journal: Journal,
                                                                     qapp: QApplication) -> None:
    v, server, case = trading.v, trading.server, trading.case
    server.paused = False  # a streamed book for the executor's checks (not every venue has a REST one)
    book = await v.watch_order_book(case.symbol)
    server.paused = True
    best = case.best_ask(server)
    held = server.books[case.market_id].asks[best]
    wanted = held + case.lots(3)
    plan = make_plan(Side.BUY, [(v.id, str(wanted), str(best), float(best))])
    plan = replace(plan, symbol=case.symbol, legs=tuple(replace(lg, symbol=case.symbol) for lg in plan.legs))
    ex = Executor({v.id: v}, journal, config=CFG)
    res = await ex.execute(plan, {v.id: book})

    (leg,) = res.legs
    placed = server.find(leg.client_order_id)
    assert placed is not None and placed.filled == held < placed.qty == wanted
    assert res.state is RouteState.DONE
    assert leg.status is OrderStatus.CANCELED and leg.failure == "partly filled"  # done, short of its order
    assert (leg.contracts, leg.filled_contracts, leg.avg_price) == (wanted, held, best)
    assert [p.client_id for p in server.placements] == [leg.client_order_id]  # the rest is not resent

    row = journal.leg(leg.client_order_id)
    assert row.status == OrderStatus.CANCELED and Decimal(row.filled_contracts) == held
    assert Decimal(str(row.avg_price)) == best
    kinds = [e.kind for e in journal.events(res.route_id)]
    assert kinds[0] == "intent" and "reject" not in kinds and "unknown" not in kinds

    blotter = Blotter()
    blotter.on_route(RouteStarted(res.route_id, plan, 0.0))
    blotter.on_leg(leg_update(leg, plan, set()))
    child = blotter.routes[res.route_id].items[0]
    assert child.text(2).startswith("partly filled")
    assert child.background(0).color().name() == FAILURE_TINT["partly filled"]
    # what filled, not the order's amount rounded to its digits (0.267 of 0.270 was shown "0.27")
    assert float(child.text(4).replace(",", "")) == pytest.approx(float(leg.filled_base), rel=1e-6)
