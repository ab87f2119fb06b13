"""BingX perpetual swap (v2): the codes that prove an order was NOT placed.

BingX answers errors with HTTP 200 and a non-zero ``code``. Source: ccxt 4.5.90 ``bingx.py``
``exceptions['exact']`` (``CCXT``, whose comments quote BingX's bodies; the test checks each
code is there) and BingX's swap API error list, https://bingx-api.github.io/docs/#/en-us/swapV2/
(``DOC``). Deliberately NOT listed (unknown outcome, resolved by client id): 80001 and 80012
(ccxt maps them to BadRequest / InsufficientFunds, but BingX documents 80001 as "service has
some errors" and 80012 as "service unavailable": not a proof), 100410 / 100500 / 109500 /
110500 ("system is busy"), 100440 / 100503, the duplicate-id codes 101481 / 109201, and every
code not below.
"""

from __future__ import annotations

from sor_desktop.venues.refusals import ErrorTable, NotPlaced, Refusal

DOC = "https://bingx-api.github.io/docs/#/en-us/swapV2/"
CCXT = "ccxt bingx.py exceptions['exact']"


def _r(kind: Refusal, message: str) -> NotPlaced:
    return NotPlaced(kind, message, f"{CCXT}; {DOC}")


R, M, A = Refusal.REJECTED, Refusal.MARGIN, Refusal.AUTH

TABLE = ErrorTable(
    venue="bingx",
    not_placed={
        "100001": _r(A, "Signature verification failed"),
        "100004": _r(A, "Permission denied, the API key was created without the permission"),
        "100412": _r(A, "Null signature"),
        "100413": _r(A, "Incorrect apiKey, please check your valid api key"),
        "100202": _r(M, "Insufficient balance"),
        "101204": _r(M, "Insufficient margin"),
        "101205": _r(R, "No position to close"),
        "101400": _r(R, "The minimum order amount is 0.0001 BTC."),
        "110425": _r(R, "Please ensure that the minimum nominal value of the order placed must be greater than 2u"),
        "80014": _r(R, "Invalid parameters, err:Key: 'Quantity' Error:Field validation failed"),
        "109400": _r(R, "Invalid parameters, err:price field is required"),
    },
    not_found={
        "80016": f"order does not exist ({CCXT}: OrderNotFound)",
        "109421": f"order does not exist ({CCXT}: OrderNotFound)",
    },
    # ccxt maps them to OperationFailed (a read then said "OperationFailed: ..." and was not backed
    # off); not a proof an order was not placed, so not in ``not_placed``
    slow_down={
        "100410": f"{CCXT}: OperationFailed, 'The current system is busy, please try again later' (rate limitation)",
        "100500": f"{CCXT}: OperationFailed, 'The current system is busy, please try again later'",
    },
)
