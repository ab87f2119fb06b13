"""WEEX contract (``/capi/v3``): the codes that prove an order was NOT placed.

Source: ccxt 4.5.90 ``weex.py`` ``exceptions['exact']`` (``CCXT``), whose comments carry WEEX's
own error names (e.g. ``-3200 CONTRACT_ORDER_NOT_EXIST``); the test checks each code is there.
WEEX's own contract docs, https://www.weex.com/api-doc/contract/ (``DOC``), were not reachable
from here to confirm more. Deliberately NOT listed (unknown outcome, resolved by client id):
-1000 UNKNOWN_ERROR, -1054 SYSTEM_ERROR "System error, please retry later" (ccxt maps a -1054
whose message says "amount not enough" to InsufficientFunds: still not a proof), -3613, and
every code not below.
"""

from __future__ import annotations

from sor_desktop.venues.refusals import ErrorTable, NotPlaced, Refusal

DOC = "https://www.weex.com/api-doc/contract/"
CCXT = "ccxt weex.py exceptions['exact']"


def _r(kind: Refusal, message: str) -> NotPlaced:
    return NotPlaced(kind, message, f"{CCXT}; {DOC}")


R, A = Refusal.REJECTED, Refusal.AUTH

TABLE = ErrorTable(
    venue="weex",
    not_placed={
        "-1040": _r(A, "ACCESS_KEY header is required."),
        "-1041": _r(A, "ACCESS_SIGN header is required."),
        "-1042": _r(A, "ACCESS_TIMESTAMP header is required."),
        "-1043": _r(A, "Invalid ACCESS_TIMESTAMP."),
        "-1044": _r(A, "Invalid ACCESS_KEY."),
        "-1046": _r(R, "Request timestamp expired."),
        "-1047": _r(A, "API authentication failed."),
        "-1049": _r(A, "API key or passphrase incorrect."),
        "-1051": _r(A, "Permission denied."),
        "-1052": _r(A, "Insufficient permissions for this action."),
        "-1053": _r(A, "Permission validation failed."),
        "-1056": _r(A, "Invalid IP address."),
        "-1115": _r(R, "Invalid timeInForce."),
        "-1116": _r(R, "Invalid order type."),
        "-1117": _r(R, "Invalid side."),
        "-1121": _r(R, "Invalid symbol."),
        "-1128": _r(R, "Combination of optional parameters invalid."),
        "-1135": _r(R, "Invalid JSON request."),
        "-1140": _r(R, "Parameter validation failed."),
        "-1141": _r(R, "Parameter cannot be empty."),
        "-1142": _r(R, "Parameter is invalid."),
        "-1160": _r(R, "Decimal precision error."),
        "-1180": _r(R, "client_oid length must not exceed 40 and must not contain special characters."),
        "-3006": _r(R, "Contract does not support ordering by contract units."),
        "-3007": _r(R, "Maximum contract order quantity exceeded."),
        "-3235": _r(A, "No permission for this trading pair."),
        "-3236": _r(A, "No permission to access this API."),
        "-3313": _r(R, "Leverage exceeds maximum limit."),
    },
    not_found={"-3200": f"CONTRACT_ORDER_NOT_EXIST Order does not exist. ({CCXT}: InvalidOrder)"},
)
