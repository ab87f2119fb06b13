"""What each of the five venues' create-order request carries on the wire, as ccxt 4.5.90 signs
it from ``CcxtVenue``'s params: our client order id under the venue's own name (the quirks
table), IOC, reduce-only, and the amount in the venue's unit. Uses the pack's markets."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from sor_desktop.core.account import PositionMode
from sor_desktop.core.orders import OrderRequest, Side
from sor_desktop.venues.ccxt_venue import ApiCredentials, CcxtConfig, CcxtVenue
from sor_desktop.venues.quirks import DEFAULT_VENUES, quirks_for
from tests.shared_data import VENUE_DATA, load_markets

pytestmark = pytest.mark.shared

# (symbol, contracts, price): WEEX counts coins (0.01 BTC), MEXC contracts of 0.0001 BTC
ORDERS = {
    "binanceusdm": ("BTC/USDT:USDT", "0.002", "60000.1"),
    "bybit": ("BTC/USDT:USDT", "0.002", "60000.1"),
    "bingx": ("BTC/USDT:USDT", "0.002", "60000.1"),
    "weex": ("BTC/USDT:USDT", "0.01", "60000.1"),
    "mexc": ("BTC/USDT:USDT", "10", "60000.1"),
}
AMOUNT_FIELD = {"binanceusdm": "quantity", "bybit": "qty", "bingx": "quantity", "weex": "quantity", "mexc": "vol"}


class Sent(Exception):
    pass


async def wire_request(venue_id: str, reduce_only: bool, cancel: bool = False,
                       mode: PositionMode = PositionMode.ONE_WAY) -> dict[str, Any]:
    if not VENUE_DATA.exists():
        pytest.skip("../shared/venue-data absent")
    v = CcxtVenue(venue_id, credentials=ApiCredentials("key", "secretsecret", "password"),
                  config=CcxtConfig(trading_allowed=True,
                                    options={"enableUnifiedAccount": True, "enableUnifiedMargin": False}))
    v.use_markets(load_markets(venue_id))
    seen: dict[str, Any] = {}

    async def fetch(url: str, method: str = "GET", headers: Any = None, body: Any = None) -> Any:
        seen.update(url=url, method=method, body=body)
        raise Sent()

    v._ex.fetch = fetch
    symbol, contracts, price = ORDERS[venue_id]
    v._position_modes[symbol] = mode  # as if read: the stub answers no request but the order
    v._margins[symbol] = None  # likewise MEXC's margin type (ccxt's cross default then)
    request = OrderRequest(venue_id, symbol, Side.SELL if reduce_only else Side.BUY, Decimal(contracts),
                           "route42-leg3-x", limit_price=Decimal(price), reduce_only=reduce_only)
    try:
        if cancel:
            await v.cancel_order(request.client_order_id, symbol)
        else:
            await v.submit_order(request)
    except Exception as exc:  # the stub stops every request once it is captured
        assert isinstance(exc.__cause__, Sent) or isinstance(exc, Sent) or seen, exc
    finally:
        await v.close()
    fields: dict[str, Any] = dict(parse_qsl(urlsplit(seen["url"]).query))
    body = seen.get("body")
    if body:
        fields.update(json.loads(body) if body.lstrip().startswith("{") else dict(parse_qsl(body)))
    return fields


@pytest.mark.asyncio
@pytest.mark.parametrize("venue_id", DEFAULT_VENUES)
async def test_our_client_id_goes_out_under_the_venues_name(venue_id: str) -> None:
    fields = await wire_request(venue_id, reduce_only=False)
    name = quirks_for(venue_id).client_id_param
    assert fields.get(name) == "route42-leg3-x"
    others = [k for k, v in fields.items() if v == "route42-leg3-x" and k != name]
    assert others == []  # sent once, under one name
    assert Decimal(str(fields[AMOUNT_FIELD[venue_id]])) == Decimal(ORDERS[venue_id][1])


@pytest.mark.asyncio
@pytest.mark.parametrize("venue_id", ["binanceusdm", "bybit", "bingx", "weex"])
async def test_ioc_and_reduce_only_reach_the_wire(venue_id: str) -> None:
    fields = await wire_request(venue_id, reduce_only=True)
    assert str(fields.get("timeInForce")).upper() == "IOC"
    reduce = {k: v for k, v in fields.items() if k.lower() == "reduceonly"}
    assert [str(v).lower() for v in reduce.values()] == ["true"], fields


@pytest.mark.asyncio
async def test_mexc_ioc_is_order_type_3() -> None:
    fields = await wire_request("mexc", reduce_only=True)
    assert fields["type"] == 3 and fields["side"] == 4  # IOC; close long (reduce-only sell)
    assert "timeInForce" not in fields


CANCEL_FIELD = {"binanceusdm": "origClientOrderId", "bybit": "orderLinkId", "bingx": "clientOrderID",
                "weex": "origClientOrderId", "mexc": "externalOid"}


@pytest.mark.asyncio
@pytest.mark.parametrize("venue_id", DEFAULT_VENUES)
async def test_cancel_goes_out_by_our_client_id(venue_id: str) -> None:
    fields = await wire_request(venue_id, reduce_only=False, cancel=True)
    assert fields.get(CANCEL_FIELD[venue_id]) == "route42-leg3-x", fields


HEDGE_FIELDS = {  # what a hedge-mode account needs on the wire (see the venues' account.py)
    "binanceusdm": (("positionSide", "LONG"), "reduceOnly"),
    "bybit": (("positionIdx", 1), "reduceOnly"),
}


@pytest.mark.asyncio
@pytest.mark.parametrize("venue_id", sorted(HEDGE_FIELDS))
async def test_hedge_mode_close_of_a_long_names_the_long_side(venue_id: str) -> None:
    fields = await wire_request(venue_id, reduce_only=True, mode=PositionMode.HEDGE)
    (side_field, side_value), dropped = HEDGE_FIELDS[venue_id]
    assert fields.get("side") in ("SELL", "Sell")
    assert fields.get(side_field) == side_value
    assert dropped not in fields  # Binance refuses it in hedge mode (-1106); the side says it closes
