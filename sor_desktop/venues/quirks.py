"""Per-venue facts ccxt's market dicts do not tell, kept in one table.

Every entry was checked against the installed ccxt 4.5.90 source
(``ccxt/{binance,bybit,bingx,weex,mexc}.py`` and ``ccxt/pro/*.py``):

=============  ======================  ====================================================
venue          client id on the wire   where ccxt sets it from our unified ``clientOrderId``
=============  ======================  ====================================================
binanceusdm    ``newClientOrderId``    binance.create_order_request (``safe_string_n`` of
                                       newClientOrderId/clientOrderId); max 36 chars
bybit          ``orderLinkId``         bybit.create_order_request; max 36 chars
bingx          ``clientOrderID``       bingx.create_order_request (swap); 1-40 chars
weex           ``newClientOrderId``    weex.create_contract_order_request; max 36 chars: WEEX's
                                       V3 place-order reference gives the pattern
                                       ``^[.A-Z:/a-z0-9_-]{1,36}$`` (ccxt's -1180 text says 40)
mexc           ``externalOid``         mexc.create_swap_order; ccxt states no maximum (its own
                                       examples are 35 chars), 36 assumed
=============  ======================  ====================================================

Book sequence, as ccxt 4.5.90 handles it (``ccxt/pro``):

- binanceusdm: ccxt checks ``pu`` == previous ``u`` and rejects the watch with ChecksumError,
  dropping the cached book and the subscription, so the next watch refetches a snapshot.
- bybit: ccxt applies deltas blindly (no ``u``/``seq`` check): we check ``u`` += 1.
- weex: ccxt stores ``u`` as the nonce but never compares it. WEEX frames overlap by one id
  (``U`` == previous ``u``, the first delta's ``U`` == the snapshot's ``u``; JKorf/Weex.Net's
  books check that against the live venue): we check ``U`` == last ``u`` (the first delta on a
  snapshot may start before it) and fetch the REST book when a subscribe brings no snapshot
  (``venues/weex/books.py``; loopback-proven).
- bingx: every ``depth`` frame is a full snapshot (``orderbook.reset``): nothing to chain.
- mexc: ccxt only skips deltas older than the book; gaps are not detected. Not checked here
  either: whether MEXC contract ``version`` numbers are strictly consecutive is not verified.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True, slots=True)
class VenueQuirks:
    # Unit that book and order quantities are counted in, when it differs from the market's
    # advertised contractSize (WEEX lists 0.0001 BTC but books and orders are in coins).
    quantity_unit: Decimal | None = None
    client_id_param: str = "clientOrderId"  # the venue's own name on the wire
    client_id_max_len: int = 36
    # ccxt checks the book sequence itself for these; for the others the venue adapter does.
    ccxt_checks_sequence: bool = False
    # which check ``book_sequence`` applies when ccxt does not ("bybit", "weex"), or None
    sequence_check: str | None = None
    orders_by_api: bool = True  # False: view-only unless a probe shows otherwise
    view_only_reason: str | None = None
    server_dead_man_switch: bool = False
    # ccxt options so only swap markets load (fewer requests, no spot symbol clashes)
    ccxt_options: Mapping[str, Any] = field(default_factory=dict)
    book_limit: int | None = None  # depth to subscribe; None: ccxt's default


QUIRKS: dict[str, VenueQuirks] = {
    "binanceusdm": VenueQuirks(
        client_id_param="newClientOrderId",
        ccxt_checks_sequence=True,
        # cancel_all with no symbol lists open orders of every symbol, which ccxt refuses unless told
        ccxt_options={"warnOnFetchOpenOrdersWithoutSymbol": False},
    ),
    "bybit": VenueQuirks(
        client_id_param="orderLinkId",
        sequence_check="bybit",
        server_dead_man_switch=True,
        ccxt_options={"fetchMarkets": {"types": ["linear", "inverse"]}},
        # watch defaults to 50 but un_watch to 500: an explicit depth keeps them on one topic
        book_limit=50,
    ),
    "bingx": VenueQuirks(client_id_param="clientOrderID", client_id_max_len=40),
    "weex": VenueQuirks(
        # WEEX's V3 reference counts sizes in the base asset (exchangeInfo minOrderSize/
        # maxOrderSize "(base asset)", orders' executedQty "in the base asset") although
        # contractVal is 0.0001
        quantity_unit=Decimal(1),
        client_id_param="newClientOrderId",
        client_id_max_len=36,  # V3 PlaceOrder: newClientOrderId 1-36 characters
        sequence_check="weex",
    ),
    "mexc": VenueQuirks(
        client_id_param="externalOid",
        orders_by_api=False,
        view_only_reason="MEXC has switched off futures order placement by API for most accounts",
        ccxt_options={"fetchMarkets": {"types": {"spot": False, "swap": {"linear": True, "inverse": False}}}},
    ),
}

DEFAULT_VENUES: tuple[str, ...] = ("binanceusdm", "bybit", "bingx", "weex", "mexc")


def quirks_for(venue_id: str) -> VenueQuirks:
    return QUIRKS.get(venue_id, VenueQuirks())
