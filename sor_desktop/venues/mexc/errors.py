"""MEXC futures (contract v1): the codes that prove an order was NOT placed.

MEXC answers with ``{"success": false, "code": N, "message": ...}``. Source: MEXC's contract
error code list, https://mexcdevelop.github.io/apidocs/contract_v1_en/#error-code (``DOC``), and
ccxt 4.5.90 ``mexc.py`` ``exceptions['exact']`` (``CCXT``; the test checks each code is there).
Deliberately NOT listed (unknown outcome, resolved by client id): 500 internal error, 501 system
busy, 513 invalid request, 603 "repeated requests" (a duplicate: likely our own earlier
attempt), 9999, and every code not below.
"""

from __future__ import annotations

from sor_desktop.venues.refusals import ErrorTable, NotPlaced, Refusal

DOC = "https://mexcdevelop.github.io/apidocs/contract_v1_en/#error-code"
CCXT = "ccxt mexc.py exceptions['exact']"


def _r(kind: Refusal, message: str) -> NotPlaced:
    return NotPlaced(kind, message, f"{DOC}; {CCXT}")


R, M, L, A = Refusal.REJECTED, Refusal.MARGIN, Refusal.RATE_LIMITED, Refusal.AUTH

TABLE = ErrorTable(
    venue="mexc",
    not_placed={
        "401": _r(A, "Not logged in or login has expired"),
        "402": _r(A, "API Key expired, please apply again"),
        "406": _r(A, "Accessing IP is not in the whitelist"),
        "510": _r(L, "Requests are too frequent, please try again later"),
        "600": _r(R, "Param error!"),
        "602": _r(A, "Signature verification failed"),
        "701": _r(A, "Please enable API Key read access"),
        "702": _r(A, "Please enable API Key write access"),
        "1001": _r(R, "Contract does not exist"),
        "1002": _r(R, "Contract not allow place order!"),
        "2003": _r(R, "Bid price is great than max allow price"),
        "2005": _r(M, "Insufficient balance!"),
        "2009": _r(R, "Position is not exists or closed."),
    },
    # MEXC's lookup by external id (``order/external/{symbol}/{external_oid}``): an empty
    # ``data`` is no order; 2040 is the code a public client's tests record for "not found"
    # (github.com search: mexc_readonly_order_status tests); not confirmed in MEXC's docs here
    not_found={"2040": "order not exist on order/external lookup (public client tests; unconfirmed in MEXC docs)"},
)
