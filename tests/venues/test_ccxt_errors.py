"""ccxt failures mapped once to the venue errors, by what was being done."""

from __future__ import annotations

import aiohttp
import ccxt
import pytest
from aiohttp.client_reqrep import ConnectionKey

from sor_desktop.logs import register_secret
from sor_desktop.venues import errors as ve
from sor_desktop.venues.ccxt_errors import Phase, map_error


def caused(exc: BaseException, cause: BaseException) -> BaseException:
    exc.__cause__ = cause
    return exc


@pytest.mark.parametrize(("exc", "phase", "expected"), [
    (ccxt.InsufficientFunds('bybit {"retCode":110007,"retMsg":"ab not enough for new order"}'), Phase.SUBMIT, ve.InsufficientMargin),
    (ccxt.InvalidOrder('bybit {"retCode":110017,"retMsg":"reduce-only rule not satisfied"}'), Phase.SUBMIT, ve.OrderRejected),
    # the venue answered with a code nobody listed as "not placed": maybe placed
    (ccxt.ExchangeError('binanceusdm {"code":-9999,"msg":"something odd"}'), Phase.SUBMIT, ve.OutcomeUnknown),
    (ccxt.ExchangeError('bybit {"retCode":10016,"retMsg":"System error."}'), Phase.SUBMIT, ve.OutcomeUnknown),
    (ccxt.InvalidOrder('bybit {"retCode":110072,"retMsg":"OrderLinkedID is duplicate"}'), Phase.SUBMIT, ve.OutcomeUnknown),
    (ccxt.InvalidOrder("bybit qty below minimum"), Phase.SUBMIT, ve.OutcomeUnknown),  # no code: no proof
    (ccxt.RateLimitExceeded('bybit {"retCode":10006,"retMsg":"too many visits"}'), Phase.SUBMIT, ve.RateLimited),
    (ccxt.DDoSProtection("binanceusdm 418"), Phase.READ, ve.RateLimited),
    (ccxt.AuthenticationError('bybit {"retCode":10004,"retMsg":"error sign"}'), Phase.SUBMIT, ve.AuthFailed),
    (ccxt.PermissionDenied("bybit no trade permission"), Phase.READ, ve.AuthFailed),
    (ccxt.RequestTimeout("bybit POST https://x/v5/order/create"), Phase.SUBMIT, ve.OutcomeUnknown),
    (ccxt.RequestTimeout("bybit GET https://x/v5/order/realtime"), Phase.READ, ve.VenueUnavailable),
    (ccxt.ExchangeNotAvailable("bybit POST https://x 502 Bad Gateway"), Phase.SUBMIT, ve.OutcomeUnknown),
    (ccxt.BadResponse("bybit garbled"), Phase.SUBMIT, ve.OutcomeUnknown),
    (ccxt.DuplicateOrderId("bybit duplicate orderLinkId"), Phase.SUBMIT, ve.OutcomeUnknown),
    (ccxt.NetworkError("bybit connection reset"), Phase.BOOK, ve.VenueUnavailable),
    (ccxt.ChecksumError("binanceusdm BTC/USDT:USDT checksum"), Phase.BOOK, ve.BookGap),
    (ccxt.InvalidNonce('binanceusdm {"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."}'),
     Phase.SUBMIT, ve.OrderRejected),
    (TimeoutError(), Phase.SUBMIT, ve.OutcomeUnknown),
])
def test_mapping(exc: BaseException, phase: Phase, expected: type) -> None:
    venue = str(exc).split(" ")[0] if str(exc) else "bybit"
    assert type(map_error(exc, venue, phase)) is expected


@pytest.mark.parametrize(("exc", "expected"), [
    (ccxt.InvalidOrder("bybit qty below minimum"), ve.OrderRejected),
    (ccxt.BadSymbol("bybit no market"), ve.OrderRejected),
    (ccxt.ArgumentsRequired("bybit needs a symbol"), ve.OrderRejected),
    (ccxt.NotSupported("mexc no futures orders"), ve.NotSupported),
])
def test_refused_before_any_request_left_is_not_placed(exc: BaseException, expected: type) -> None:
    assert type(map_error(exc, "bybit", Phase.SUBMIT, sent=False)) is expected


def test_connect_failure_is_surely_not_placed() -> None:
    conn = aiohttp.ClientConnectorError(connection_key=None, os_error=OSError(111, "refused"))  # type: ignore[arg-type]
    exc = caused(ccxt.ExchangeNotAvailable("bybit POST https://x"), conn)
    assert type(map_error(exc, "bybit", Phase.SUBMIT)) is ve.VenueUnavailable
    after_send = caused(ccxt.ExchangeNotAvailable("bybit POST https://x"), aiohttp.ServerDisconnectedError())
    assert type(map_error(after_send, "bybit", Phase.SUBMIT)) is ve.OutcomeUnknown


def test_reason_is_the_venues_words_without_query_strings_or_secrets() -> None:
    register_secret("SuperSecretKey123")
    exc = ccxt.InvalidOrder(
        'binanceusdm GET https://fapi.binance.com/fapi/v1/order?symbol=BTCUSDT&signature=abcdef&key=SuperSecretKey123 '
        '{"code":-4164,"msg":"Order\'s notional must be no smaller than 100"}')
    err = map_error(exc, "binanceusdm", Phase.SUBMIT)
    assert err.message == "Order's notional must be no smaller than 100 (code -4164)"
    plain = map_error(ccxt.RequestTimeout("binanceusdm GET https://h/p?signature=abc&k=SuperSecretKey123"),
                      "binanceusdm", Phase.READ)
    assert "signature" not in plain.message and "SuperSecretKey123" not in plain.message
    assert plain.message.startswith("GET https://h/p?")


@pytest.mark.parametrize(("cause", "words"), [
    (aiohttp.ClientConnectorError(ConnectionKey("fapi.binance.com", 443, True, True, None, None, None, None),
                                  OSError(-3, "Temporary failure in name resolution")),
     "Cannot connect to host fapi.binance.com:443 ssl:default [Temporary failure in name resolution]"),
    (OSError(111, "Connection refused"), "Connection refused"),
    (TimeoutError(), "timed out"),
    (aiohttp.ServerDisconnectedError(), "Server disconnected"),
])
def test_a_network_failure_says_what_failed_not_only_the_url(cause: BaseException, words: str) -> None:
    """With no network the window said "binanceusdm: down · last error: GET https://fapi...
    /exchangeInfo": the URL, not why (no name resolution, refused, timed out). ccxt keeps the
    transport's error as the cause; its words follow the URL."""
    exc = caused(ccxt.ExchangeNotAvailable("binanceusdm GET https://fapi.binance.com/fapi/v1/exchangeInfo"), cause)
    err = map_error(exc, "binanceusdm", Phase.READ)
    assert err.message.startswith("GET https://fapi.binance.com/fapi/v1/exchangeInfo")
    assert words in err.message


def test_a_cause_with_a_signed_url_is_cleaned_too() -> None:
    register_secret("AnotherSecretKey456")
    cause = OSError("Bad Gateway for https://h/p?signature=abc&k=AnotherSecretKey456")
    err = map_error(caused(ccxt.ExchangeError("bybit GET https://h/p?signature=abc"), cause), "bybit", Phase.READ)
    assert "Bad Gateway" in err.message and "AnotherSecretKey456" not in err.message and "signature" not in err.message
    assert err.message.startswith("GET https://h/p?…: ")


def test_a_cause_that_cannot_say_itself_still_maps() -> None:
    """aiohttp's errors format fields that a hand-made one may lack: the mapping must not raise."""
    conn = aiohttp.ClientConnectorError(connection_key=None, os_error=OSError(111, "refused"))  # type: ignore[arg-type]
    err = map_error(caused(ccxt.ExchangeNotAvailable("bybit GET https://x"), conn), "bybit", Phase.READ)
    assert err.message.startswith("GET https://x") and "ClientConnectorError" in err.message
