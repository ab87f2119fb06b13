"""Each venue's "certainly not placed" table, fed through ccxt's real error handling.

For every listed code the venue's documented error body goes through the ccxt exchange class's
own ``handle_errors`` (then ccxt's HTTP-status fallback, as ``fetch`` does), and the exception
ccxt raises is mapped by ``map_error`` in the SUBMIT phase: it must be a refusal of the listed
kind. Every other code, system errors inside a 200 answer, and duplicate client ids must come out
``OutcomeUnknown`` (maybe placed: resolve by client id).
"""

from __future__ import annotations

import json
from typing import Any

import ccxt
import pytest

from sor_desktop.venues import errors as ve
from sor_desktop.venues.ccxt_errors import TABLES, Phase, is_not_found, map_error, venue_code
from sor_desktop.venues.refusals import Refusal

KINDS = {Refusal.REJECTED: ve.OrderRejected, Refusal.MARGIN: ve.InsufficientMargin,
         Refusal.RATE_LIMITED: ve.RateLimited, Refusal.AUTH: ve.AuthFailed}

# the order-placement endpoint, HTTP status and body shape each venue answers an error with
ENDPOINTS = {
    "binanceusdm": ("https://fapi.binance.com/fapi/v1/order", 400),
    "bybit": ("https://api.bybit.com/v5/order/create", 200),
    "bingx": ("https://open-api.bingx.com/openApi/swap/v2/trade/order", 200),
    "weex": ("https://api-contract.weex.com/capi/v3/order", 400),
    "mexc": ("https://contract.mexc.com/api/v1/private/order/submit", 200),
}


def body(venue: str, code: str, message: str) -> dict[str, Any]:
    c = int(code)
    if venue == "bybit":
        return {"retCode": c, "retMsg": message, "result": {}, "retExtInfo": {}, "time": 1700000000000}
    if venue == "bingx":
        return {"code": c, "msg": message, "data": {}}
    if venue == "mexc":
        return {"success": False, "code": c, "message": message}
    return {"code": c, "msg": message}  # binance, weex


def raised(venue: str, code: str, message: str) -> BaseException:
    """What ccxt's own error handling raises for this answer to an order."""
    ex = getattr(ccxt, venue)()
    url, status = ENDPOINTS[venue]
    payload = body(venue, code, message)
    text = json.dumps(payload)
    try:
        ex.handle_errors(status, "Bad Request" if status >= 400 else "OK", url, "POST", {}, text, payload, {}, "")
        ex.handle_http_status_code(status, "Bad Request", url, "POST", text)
    except ccxt.BaseError as exc:
        return exc
    raise AssertionError(f"ccxt {venue} raised nothing for {text}")


LISTED = [(v, code, entry) for v, t in TABLES.items() for code, entry in t.not_placed.items()]


@pytest.mark.parametrize(("venue", "code", "entry"), LISTED, ids=[f"{v}:{c}" for v, c, _ in LISTED])
def test_listed_code_is_a_refusal(venue: str, code: str, entry: Any) -> None:
    exc = raised(venue, code, entry.message)
    assert venue_code(exc) == code
    err = map_error(exc, venue, Phase.SUBMIT)
    assert type(err) is KINDS[entry.kind], err
    assert entry.message.split(",")[0][:20] in err.message  # the venue's own words reach the trader


@pytest.mark.parametrize(("venue", "code", "entry"), LISTED, ids=[f"{v}:{c}" for v, c, _ in LISTED])
def test_listed_code_names_a_source_that_holds(venue: str, code: str, entry: Any) -> None:
    assert entry.source.strip()
    if "ccxt" in entry.source:  # the cited ccxt table really has the code
        exact = getattr(ccxt, venue)().exceptions
        tables = [exact.get("exact", {})] + [t.get("exact", {}) for t in exact.values() if isinstance(t, dict)]
        assert any(code in t for t in tables), f"{code} not in ccxt {venue} exceptions"


UNKNOWN = [
    ("bybit", "10016", "System error. Please try again later."),
    ("bybit", "10016", "Request timeout, please try again later"),
    ("bybit", "10000", "Server Timeout"),
    ("bybit", "110072", "OrderLinkedID is duplicate"),
    ("bybit", "10014", "Request is duplicate"),
    ("bybit", "170999", "something new"),
    ("binanceusdm", "-4116", "ClientOrderId is duplicated."),
    ("binanceusdm", "-1000", "An unknown error occured while processing the request."),
    ("binanceusdm", "-1001", "Internal error; unable to process your request. Please try again."),
    ("binanceusdm", "-1007", "Timeout waiting for response from backend server. Send status unknown; execution status unknown."),
    ("binanceusdm", "-1008", "Server is currently overloaded with other requests. Please try again in a few minutes."),
    ("binanceusdm", "-9999", "something odd"),
    ("weex", "-1054", "System error, please retry later."),
    ("weex", "-1054", "FAILED_PRECONDITION: Move margin available amount not enough."),
    ("weex", "-1000", "An unknown error occurred."),
    ("weex", "-9876", "something new"),
    ("bingx", "80001", "service has some errors"),
    ("bingx", "80012", "{\"Code\":101253,\"Msg\":\"margin is not enough\"}"),
    ("bingx", "100500", "The current system is busy, please try again later"),
    ("bingx", "101481", "duplicate clientOrderID"),
    ("bingx", "999999", "something new"),
    ("mexc", "500", "Internal error"),
    ("mexc", "501", "System busy"),
    ("mexc", "603", "Repeated requests"),
    ("mexc", "77777", "something new"),
]


@pytest.mark.parametrize(("venue", "code", "message"), UNKNOWN, ids=[f"{v}:{c}:{m[:12]}" for v, c, m in UNKNOWN])
def test_unlisted_code_is_an_unknown_outcome(venue: str, code: str, message: str) -> None:
    exc = raised(venue, code, message)
    assert venue_code(exc) == code
    assert type(map_error(exc, venue, Phase.SUBMIT)) is ve.OutcomeUnknown


def test_no_table_entry_is_also_a_not_found_or_unknown_code() -> None:
    for t in TABLES.values():
        assert not set(t.not_placed) & set(t.not_found)
    assert {"10016", "10000", "110072"}.isdisjoint(TABLES["bybit"].not_placed)
    assert {"-4116", "-1000", "-1001", "-1007"}.isdisjoint(TABLES["binanceusdm"].not_placed)
    assert "-1054" not in TABLES["weex"].not_placed


NOT_FOUND = [(v, code) for v, t in TABLES.items() for code in t.not_found]


@pytest.mark.parametrize(("venue", "code"), NOT_FOUND, ids=[f"{v}:{c}" for v, c in NOT_FOUND])
def test_not_found_codes_are_recognised(venue: str, code: str) -> None:
    exc = raised(venue, code, "Order does not exist.")
    assert is_not_found(exc, venue)
    other = raised(venue, "-1054" if venue == "weex" else "10016", "System error")
    assert not is_not_found(other, venue)


@pytest.mark.parametrize("text", [
    'bybit {"retCode":10016,"retMsg":"System error","result":{},"retExtInfo":{},"time":1}',
    'binanceusdm order amount should be evenly divisible by lot size {"code":10016,"msg":"LOT_SIZE"}',
    'bybit {"ret_code":10016,"ret_msg":"x","result":null}',
    'mexc {"success":false,"code":"10016","message":"x"} trailing words',
    'weex {"ignored": {"nested": 1}} {"code":10016,"msg":"second body"}',
])
def test_code_is_found_in_every_body_shape(text: str) -> None:
    assert venue_code(ccxt.ExchangeError(text)) == "10016"


@pytest.mark.parametrize("text", ["bybit Request timeout", "binanceusdm 502 Bad Gateway <html>{oops</html>",
                                  'mexc {"success":true,"code":0}', 'binanceusdm {"code":200,"msg":"success"}'])
def test_no_code_is_none(text: str) -> None:
    assert venue_code(ccxt.ExchangeError(text)) is None


def test_reason_is_read_from_a_body_followed_by_more_text() -> None:
    from sor_desktop.venues.ccxt_errors import venue_reason

    exc = ccxt.InsufficientFunds('mexc {"success":false,"code":2005,"message":"Insufficient balance!"} (more)')
    assert venue_reason(exc, "mexc") == "Insufficient balance! (code 2005)"
