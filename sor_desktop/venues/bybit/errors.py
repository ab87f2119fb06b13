"""Bybit v5: the retCodes that prove an order was NOT placed.

Bybit answers errors with HTTP 200 and a non-zero ``retCode``. Source: Bybit's v5 error code
list, https://bybit-exchange.github.io/docs/v5/error (``DOC``), and ccxt 4.5.90 ``bybit.py``
``exceptions['exact']`` (``CCXT``; the test checks the code is there). Deliberately NOT listed
(unknown outcome, resolved by client id): 10000 "Server Timeout", 10016 "Server error" /
"service is restarting" (ccxt: ExchangeError, or RequestTimeout by message), 10014 "request is
duplicate", 110072 "OrderLinkedID is duplicate" (our id is taken: likely by our own earlier
attempt), and every code not below.
"""

from __future__ import annotations

from sor_desktop.venues.refusals import ErrorTable, NotPlaced, Refusal

DOC = "https://bybit-exchange.github.io/docs/v5/error"
CCXT = "ccxt bybit.py exceptions['exact']"


def _r(kind: Refusal, message: str) -> NotPlaced:
    return NotPlaced(kind, message, f"{DOC}; {CCXT}")


R, M, L, A = Refusal.REJECTED, Refusal.MARGIN, Refusal.RATE_LIMITED, Refusal.AUTH

TABLE = ErrorTable(
    venue="bybit",
    not_placed={
        "10001": _r(R, "params error"),
        "10002": _r(R, "invalid request, please check your server timestamp or recv_window param"),
        "10003": _r(A, "API key is invalid."),
        "10004": _r(A, "Error sign, please check your signature generation algorithm."),
        "10005": _r(A, "Permission denied, please check your API key permissions."),
        "10006": _r(L, "Too many visits. Exceeded the API Rate Limit."),
        "10010": _r(A, "Unmatched IP, please check your API key's bound IP addresses."),
        "110003": _r(R, "Order price exceeds the allowable range."),
        "110004": _r(M, "Wallet balance is insufficient."),
        "110006": _r(M, "Cannot afford estimated position_margin."),
        "110007": _r(M, "ab not enough for new order"),
        "110012": _r(M, "Insufficient available balance."),
        "110016": _r(R, "Requested quantity of contracts exceeds risk limit."),
        "110017": _r(R, "current position is zero, cannot fix reduce-only order qty"),
        "110020": _r(R, "Not allowed to have more than 500 active orders."),
        "110021": _r(R, "Not allowed to exceeded position limits due to Open Interest."),
        "110040": _r(R, "The order will trigger a forced liquidation, please re-submit the order."),
        "110044": _r(M, "Available margin is insufficient."),
        "110045": _r(M, "Wallet balance is insufficient."),
        "110094": _r(R, "Order notional value below the lower limit."),
    },
    not_found={"110001": f"Order does not exist. ({DOC}; {CCXT}: OrderNotFound)"},
)
