"""The fee a filled leg paid, through the real ccxt client against every loopback venue
(``fixtures.SERVERS``): what the venue charged, read from the venue's own answer (the order, or
the order's trades where the order carries none); where the venue does not say, an estimate at
the taker rate, marked as one. Never a silent 0, and a fee-free fill stays 0."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sor_desktop.core.orders import OrderReport, OrderStatus
from tests.venues.loopback.common import Placement
from tests.venues.loopback.suite import Loopback

pytestmark = pytest.mark.asyncio


async def _filled_ioc(trading: Loopback, client_id: str) -> tuple[OrderReport, Placement]:
    """A buy IOC at the best ask, filled; the report the executor keeps: the submit answer when it
    is final (Binance answers FILLED at once), else the lookup by client id."""
    v, server, case = trading.v, trading.server, trading.case
    report = await v.submit_order(trading.order(client_id, 5, case.best_ask(server)))
    if not report.status.final:
        found = await v.fetch_order(client_id, case.symbol)
        assert found is not None
        report = found
    placed = server.find(client_id)
    assert placed is not None and placed.filled == case.lots(5)
    assert report.status is OrderStatus.FILLED and report.filled_contracts == case.lots(5)
    return report, placed


@pytest.mark.parametrize("rate", ["0.0005", "0"], ids=["charged", "fee-free"])
async def test_filled_ioc_reports_the_fee_the_venue_charged(trading: Loopback, rate: str) -> None:
    trading.server.taker_rate = Decimal(rate)
    report, placed = await _filled_ioc(trading, "fee-1")
    charged = trading.server.charged(placed)
    assert (charged > 0) is (rate != "0")
    # ccxt hands some venues' fees over as floats: equal to the charge to 9 significant figures
    assert float(report.fee) == pytest.approx(float(charged), rel=1e-9, abs=0)
    assert report.fee_estimated is False
    again = await trading.v.fetch_order("fee-1", trading.case.symbol)  # a later lookup says the same
    assert again is not None and again.fee_estimated is False
    assert float(again.fee) == pytest.approx(float(charged), rel=1e-9, abs=0)


async def test_fee_the_venue_leaves_out_is_an_estimate_at_the_taker_rate(trading: Loopback) -> None:
    """The order answer has no fee and its trades are not listed (yet): the fill's value at the
    taker rate (here the market's: no account rate was read), said to be an estimate."""
    trading.server.fee_hidden = True
    report, placed = await _filled_ioc(trading, "fee-2")
    rate = trading.v.instruments()[trading.case.symbol].taker_fee
    assert rate > 0
    assert report.fee_estimated is True
    assert float(report.fee) == pytest.approx(float(trading.server.fill_value(placed) * rate), rel=1e-9)


async def test_unfilled_ioc_paid_no_fee(trading: Loopback) -> None:
    """Nothing filled, nothing charged: 0, and known (not an estimate)."""
    server, case = trading.server, trading.case
    server.fee_hidden = True
    await trading.v.submit_order(trading.order("fee-3", 3, case.away(server, case.best_ask(server), "-0.002")))
    found = await trading.v.fetch_order("fee-3", case.symbol)
    assert found is not None and found.filled_contracts == 0
    assert found.fee == 0 and found.fee_estimated is False
