"""Venue-like wording for the simulator's rejects, so traders and tests see what the venue says.

The codes and phrases follow each venue's API error documentation closely but are not a promise
of the exact text; what the engine relies on is the exception class (``OrderRejected``,
``InsufficientMargin``), never the words.
"""

from __future__ import annotations

_GENERIC: dict[str, str] = {
    "step": "quantity is not a multiple of the step",
    "min": "quantity is below the minimum",
    "max": "quantity is above the maximum",
    "notional": "order value is below the minimum",
    "tick": "price is not a multiple of the tick size",
    "margin": "insufficient margin",
    "duplicate": "duplicate client order id",
    "reduce_only": "reduce-only order would not reduce the position",
    "unknown_order": "order does not exist",
    "unknown_symbol": "unknown symbol",
    "no_liquidity": "no liquidity to fill a market order",
    "client_id": "client order id is too long",
    "price_required": "a limit order needs a price",
}

_VENUE: dict[str, dict[str, str]] = {
    "binanceusdm": {
        "step": "-1111 Precision is over the maximum defined for this asset.",
        "min": "-4003 Quantity less than minimum quantity.",
        "max": "-4005 Quantity greater than max quantity.",
        "notional": "-4164 Order's notional must be no smaller than 5 (unless you choose reduce only).",
        "tick": "-4014 Price not increased by tick size.",
        "margin": "-2019 Margin is insufficient.",
        "duplicate": "-4116 ClientOrderId is duplicated.",
        "reduce_only": "-2022 ReduceOnly Order is rejected.",
        "unknown_order": "-2011 Unknown order sent.",
        "unknown_symbol": "-1121 Invalid symbol.",
    },
    "bybit": {
        "step": "10001 Qty invalid",
        "min": "10001 The number of contracts exceeds minimum limit allowed",
        "max": "10001 The number of contracts exceeds maximum limit allowed",
        "tick": "10001 Price invalid",
        "margin": "110007 ab not enough for new order",
        "duplicate": "110072 OrderLinkedID is duplicate",
        "reduce_only": "110017 Reduce-only rule not satisfied",
        "unknown_order": "110001 Order does not exist",
        "unknown_symbol": "10001 symbol invalid",
    },
    "bingx": {
        "step": "109400 quantity precision is invalid",
        "tick": "109400 price precision is invalid",
        "margin": "101204 Insufficient margin",
        "duplicate": "80001 clientOrderID is duplicated",
        "reduce_only": "101205 No position to close",
        "unknown_order": "80016 order not exist",
    },
    "weex": {
        "step": "40020 size step is invalid",
        "min": "40020 size is less than the minimum",
        "tick": "40020 price step is invalid",
        "margin": "40762 The order amount exceeds the balance",
        "duplicate": "40786 Duplicate clientOid",
        "reduce_only": "40017 No position to close",
        "unknown_order": "40768 Order does not exist",
    },
    "mexc": {
        "step": "2015 Volume precision error",
        "min": "2008 The quantity is insufficient",
        "max": "2011 Order quantity error",
        "tick": "2016 Price precision error",
        "margin": "2005 Insufficient balance",
        "duplicate": "2040 externalOid repeated",
        "reduce_only": "2009 The position is nonexistent",
        "unknown_order": "2040 order not exist",
    },
}


def reason(venue: str, kind: str, detail: str | None = None) -> str:
    text = _VENUE.get(venue, {}).get(kind, _GENERIC[kind])
    return f"{text} ({detail})" if detail else text
