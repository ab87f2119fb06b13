"""A send that fails is "not placed" only when nothing left: ccxt's own refusal before any HTTP
request is a reject; the same error once a request went out is an unknown outcome (unless the
venue's code is on its "not placed" table). Uses the pack's recorded markets."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import ccxt
import pytest

from sor_desktop.core.account import PositionMode
from sor_desktop.core.orders import OrderRequest, Side
from sor_desktop.venues.ccxt_venue import ApiCredentials, CcxtConfig, CcxtVenue
from sor_desktop.venues.errors import OrderRejected, OutcomeUnknown
from tests.shared_data import VENUE_DATA, load_markets

pytestmark = pytest.mark.shared
REQUEST = OrderRequest("bybit", "BTC/USDT:USDT", Side.BUY, Decimal("0.002"), "route42-leg3-x",
                       limit_price=Decimal("60000.1"))


def venue() -> CcxtVenue:
    if not VENUE_DATA.exists():
        pytest.skip("../shared/venue-data absent")
    v = CcxtVenue("bybit", credentials=ApiCredentials("key", "secretsecret"), config=CcxtConfig(trading_allowed=True))
    v.use_markets(load_markets("bybit"))
    v._position_modes[REQUEST.symbol] = PositionMode.ONE_WAY  # as if read: this test is about the send
    return v


@pytest.mark.parametrize(("request_left", "expected"), [(False, OrderRejected), (True, OutcomeUnknown)])
@pytest.mark.asyncio
async def test_the_same_error_means_reject_only_if_no_request_left(request_left: bool, expected: type,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    v = venue()

    async def create_order(*args: Any, **kwargs: Any) -> Any:
        if request_left:
            try:
                await v._ex.fetch("https://api.bybit.com/v5/order/create", "POST", {}, "{}")
            except ccxt.NetworkError:
                pass
        raise ccxt.InvalidOrder("bybit amount of BTC/USDT:USDT must be greater than minimum")

    async def fetch(url: str, method: str = "GET", headers: Any = None, body: Any = None) -> Any:
        raise ccxt.RequestTimeout("bybit POST timed out")

    # the instrumented class's fetch counts the request, then reaches ccxt's (here: a timeout)
    monkeypatch.setattr(type(v._ex).__mro__[1], "fetch", fetch)
    v._ex.create_order = create_order
    try:
        with pytest.raises(expected):
            await v.submit_order(REQUEST)
    finally:
        await v.close()


@pytest.mark.asyncio
async def test_ccxts_own_precision_refusal_is_not_placed(monkeypatch: pytest.MonkeyPatch) -> None:
    """ccxt's ``amount_to_precision`` refuses an amount below the market's precision before any
    request exists; it was mapped as a failed send (an unknown outcome), which blocked every route
    for an acceptance window while nothing could have been placed."""
    v = venue()

    def refuse(symbol: str, amount: Any) -> str:
        raise ccxt.InvalidOrder("bybit amount of BTC/USDT:USDT must be greater than minimum amount precision of 0.001")

    monkeypatch.setattr(v._ex, "amount_to_precision", refuse)
    with pytest.raises(OrderRejected, match="minimum amount precision"):
        await v.submit_order(REQUEST)
    await v.close()
