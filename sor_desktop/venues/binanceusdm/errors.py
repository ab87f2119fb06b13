"""Binance USDⓈ-M: the error codes that prove an order was NOT placed.

Source: Binance's USDⓈ-M error code list, https://developers.binance.com/docs/derivatives/usds-margined-futures/error-code
(``DOC``), and ccxt 4.5.90 ``binance.py`` ``exceptions['linear']['exact']`` / ``['exact']``
(``CCXT``: the code is in ccxt's table; the test checks it is). Deliberately NOT listed (so an
unknown outcome, resolved by client id): -1000 UNKNOWN, -1001 DISCONNECTED, -1006
UNEXPECTED_RESP and -1007 TIMEOUT ("execution status unknown"), -1008 server overloaded, and
-4116 DUPLICATED_CLIENT_ORDER_ID (our id is taken: most likely by our own earlier attempt).
"""

from __future__ import annotations

from sor_desktop.venues.refusals import ErrorTable, NotPlaced, Refusal

DOC = "https://developers.binance.com/docs/derivatives/usds-margined-futures/error-code"
CCXT = "ccxt binance.py exceptions['exact']"


def _r(kind: Refusal, message: str) -> NotPlaced:
    return NotPlaced(kind, message, f"{DOC}; {CCXT}")


R, M, L, A = Refusal.REJECTED, Refusal.MARGIN, Refusal.RATE_LIMITED, Refusal.AUTH

TABLE = ErrorTable(
    venue="binanceusdm",
    not_placed={
        "-1003": _r(L, "Too many requests; current limit is 2400 requests per minute."),
        "-1013": _r(R, "Invalid quantity."),
        "-1015": _r(L, "Too many new orders; current limit is 300 orders per 10 SECOND."),
        "-1021": _r(R, "Timestamp for this request is outside of the recvWindow."),
        "-1022": _r(A, "Signature for this request is not valid."),
        "-1102": _r(R, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed."),
        "-1106": _r(R, "Parameter 'reduceOnly' sent when not required."),
        "-1111": _r(R, "Precision is over the maximum defined for this asset."),
        "-1115": _r(R, "Invalid timeInForce."),
        "-1116": _r(R, "Invalid orderType."),
        "-1117": _r(R, "Invalid side."),
        "-1121": _r(R, "Invalid symbol."),
        "-2014": _r(A, "API-key format invalid."),
        "-2015": _r(A, "Invalid API-key, IP, or permissions for action."),
        "-2018": _r(M, "Balance is insufficient."),
        "-2019": _r(M, "Margin is insufficient."),
        "-2022": _r(R, "ReduceOnly Order is rejected."),
        "-2027": _r(R, "Exceeded the maximum allowable position at current leverage."),
        "-4003": _r(R, "Quantity less than or equal to zero."),
        "-4014": _r(R, "Price not increased by tick size."),
        "-4016": _r(R, "Limit price can't be higher than 63000.00."),
        "-4023": _r(R, "Quantity not increased by step size."),
        "-4024": _r(R, "Limit price can't be lower than 57000.00."),
        "-4061": _r(R, "Order's position side does not match user's setting."),
        "-4131": _r(R, "The counterparty's best price does not meet the PERCENT_PRICE filter limit."),
        "-4164": _r(R, "Order's notional must be no smaller than 100 (unless you choose reduce only)."),
    },
    not_found={"-2013": f"Order does not exist. ({DOC}; {CCXT}: OrderNotFound)"},
)
