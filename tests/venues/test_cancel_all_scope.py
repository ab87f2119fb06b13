"""Cancel-all without a symbol stays on the futures API, on all five venues.

ccxt's ``fetch_open_orders(None)`` goes to the spot API on BingX, WEEX and MEXC; the kill switch
and the feed watchdog pass no symbol. Captured at the HTTP layer through ccxt (``http_capture``):
every request must hit the venue's futures endpoints, and the futures orders found are cancelled
per symbol. Uses the pack's recorded markets."""

from __future__ import annotations

from typing import Any

import pytest

from sor_desktop.venues.ccxt_venue import ApiCredentials, CcxtConfig, CcxtVenue
from tests.shared_data import VENUE_DATA, load_markets
from tests.venues.http_capture import capture

pytestmark = pytest.mark.shared

SYMBOLS = ("BTC/USDT:USDT", "ETH/USDT:USDT")
# what a futures request's path starts with, per venue (spot would be /api/v3, /openApi/spot, ...)
FUTURES = {
    "binanceusdm": "https://fapi.binance.com/fapi/",
    "bybit": "https://api.bybit.com/v5/order/",
    "bingx": "https://open-api.bingx.com/openApi/swap/",
    "weex": "https://api-contract.weex.com/capi/v3/",
    "mexc": "https://api.mexc.com/api/v1/private/",
}


def order(venue: str, market_id: str, n: int) -> dict[str, Any]:
    if venue == "bybit":
        return {"orderId": f"o{n}", "orderLinkId": f"c{n}", "symbol": market_id, "orderStatus": "New", "side": "Buy",
                "price": "1000", "qty": "0.01", "orderType": "Limit", "timeInForce": "GTC", "cumExecQty": "0",
                "createdTime": "1700000000000", "updatedTime": "1700000000000"}
    if venue == "mexc":
        return {"orderId": str(n), "symbol": market_id, "price": 1000, "vol": 1, "side": 1, "category": 1,
                "orderType": 1, "dealVol": 0, "state": 2, "externalOid": f"c{n}", "createTime": 1700000000000,
                "updateTime": 1700000000000}
    return {"orderId": n, "symbol": market_id, "status": "NEW", "clientOrderId": f"c{n}", "price": "1000",
            "origQty": "0.01", "executedQty": "0", "type": "LIMIT", "side": "BUY", "positionSide": "LONG",
            "timeInForce": "GTC", "time": 1700000000000, "updateTime": 1700000000000}


def routes(venue: str, ids: list[str], cancelled: list[str]) -> dict[tuple[str, str], Any]:
    """Two open orders on the first symbol, one on the second; a cancel-all records the market id,
    answers as the venue does for the orders it cancelled, and they are no longer listed open."""
    orders = [order(venue, ids[0], 1), order(venue, ids[0], 2), order(venue, ids[1], 3)]

    def still_open() -> list[dict[str, Any]]:
        return [o for o in orders if o["symbol"] not in cancelled]

    def listed(wrap: Any) -> Any:
        def run(method: str, url: str, body: Any) -> tuple[int, Any]:
            if venue == "bybit" and "category=linear" not in url:
                return 200, wrap([])
            return 200, wrap(still_open())
        return run

    def cancel(answer: Any) -> Any:
        def run(method: str, url: str, body: Any) -> tuple[int, Any]:
            text = f"{url} {body}".replace("%2F", "/").replace("%3A", ":")
            hit = [i for i in ids if i in text]
            cancelled.extend(hit)
            return 200, answer([o for o in orders if o["symbol"] in hit])
        return run

    if venue == "binanceusdm":
        return {("GET", "/fapi/v1/openOrders"): listed(lambda os: os),
                ("DELETE", "/fapi/v1/allOpenOrders"): cancel(lambda os: {"code": 200, "msg": "done"})}
    if venue == "bybit":
        return {("GET", "/v5/order/realtime"): listed(lambda os: {"retCode": 0, "retMsg": "OK", "time": 1, "result": {
                    "list": os, "nextPageCursor": ""}}),
                ("POST", "/v5/order/cancel-all"): cancel(lambda os: {"retCode": 0, "retMsg": "OK", "time": 1, "result": {
                    "list": [{"orderId": o["orderId"], "orderLinkId": o["orderLinkId"]} for o in os], "success": "1"}})}
    if venue == "bingx":
        return {("GET", "/openApi/swap/v2/trade/openOrders"): listed(lambda os: {"code": 0, "msg": "", "data": {
                    "orders": os}}),
                ("DELETE", "/openApi/swap/v2/trade/allOpenOrders"): cancel(lambda os: {"code": 0, "msg": "", "data": {
                    "success": os, "failed": None}})}
    if venue == "weex":
        return {("GET", "/capi/v3/openOrders"): listed(lambda os: os),
                ("DELETE", "/capi/v3/allOpenOrders"): cancel(lambda os: [{"orderId": o["orderId"], "success": True,
                                                                           "errorCode": "", "errorMessage": ""}
                                                                          for o in os])}
    return {("GET", "/api/v1/private/order/list/open_orders"): listed(lambda os: {"success": True, "code": 0,
                                                                                   "data": os}),
            ("POST", "/api/v1/private/order/cancel_all"): cancel(lambda os: {"success": True, "code": 0})}


def venue_for(venue_id: str) -> CcxtVenue:
    if not VENUE_DATA.exists():
        pytest.skip("../shared/venue-data absent")
    v = CcxtVenue(venue_id, credentials=ApiCredentials("key", "secretsecret", "password"),
                  config=CcxtConfig(trading_allowed=True,
                                    # Bybit: as the account probe finds it (no query-api call here)
                                    options={"enableUnifiedAccount": True, "enableUnifiedMargin": False}))
    v.use_markets(load_markets(venue_id))
    return v


@pytest.mark.parametrize("venue_id", list(FUTURES))
@pytest.mark.asyncio
async def test_cancel_all_without_symbol_sends_only_futures_requests(venue_id: str) -> None:
    v = venue_for(venue_id)
    ids = [v._ex.market(s)["id"] for s in SYMBOLS]
    cancelled: list[str] = []
    cap = capture(v, routes(venue_id, ids, cancelled))
    try:
        report = await v.cancel_all_report(None)
    finally:
        await v.close()
    assert cap.requests, "nothing was sent"
    for method, url, query, body in cap.requests:
        assert url.startswith(FUTURES[venue_id]), f"{method} {url} is not the futures API"
        if venue_id == "bybit":  # one host for all: the category says which market
            assert "category=linear" in query or "category=inverse" in query or '"linear"' in str(body)
    assert sorted(cancelled) == sorted(ids)  # each futures symbol with orders got its cancel-all
    assert report.ok and report.cancelled == 3 and set(report.symbols) == set(SYMBOLS)


@pytest.mark.parametrize("venue_id", list(FUTURES))
@pytest.mark.asyncio
async def test_cancel_all_with_a_symbol_cancels_that_symbol_only(venue_id: str) -> None:
    v = venue_for(venue_id)
    ids = [v._ex.market(s)["id"] for s in SYMBOLS]
    cancelled: list[str] = []
    cap = capture(v, routes(venue_id, ids, cancelled))
    try:
        n = await v.cancel_all(SYMBOLS[1])
    finally:
        await v.close()
    assert all(url.startswith(FUTURES[venue_id]) for _, url, _, _ in cap.requests)
    assert set(cancelled) <= {ids[1]} and cancelled
    assert n >= 1


@pytest.mark.asyncio
async def test_a_failing_symbol_is_reported_and_the_others_still_cancelled() -> None:
    v = venue_for("bingx")
    ids = [v._ex.market(s)["id"] for s in SYMBOLS]
    cancelled: list[str] = []
    r = routes("bingx", ids, cancelled)

    def flaky(method: str, url: str, body: Any) -> tuple[int, Any]:
        if ids[0] in url:
            return 200, {"code": 109500, "msg": "The current system is busy, please try again later"}
        cancelled.append(ids[1])
        return 200, {"code": 0, "msg": "", "data": {"success": [order("bingx", ids[1], 3)], "failed": None}}

    r[("DELETE", "/openApi/swap/v2/trade/allOpenOrders")] = flaky
    capture(v, r)
    try:
        report = await v.cancel_all_report(None)
    finally:
        await v.close()
    assert report.symbols == (SYMBOLS[1],) and report.cancelled == 1 and cancelled == [ids[1]]
    assert len(report.errors) == 1 and "system is busy" in report.errors[0] and SYMBOLS[0] in report.errors[0]
