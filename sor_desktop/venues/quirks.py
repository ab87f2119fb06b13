"""Per-venue facts ccxt's market dicts do not tell, kept in one table."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class VenueQuirks:
    # Unit that book and order quantities are counted in, when it differs from the market's
    # advertised contractSize (WEEX lists 0.0001 BTC but books and orders are in coins).
    quantity_unit: Decimal | None = None
    client_id_param: str = "clientOrderId"
    client_id_max_len: int = 36
    # ccxt checks the book sequence itself for these; for the others the venue adapter does.
    ccxt_checks_sequence: bool = False
    orders_by_api: bool = True  # False: view-only unless a probe shows otherwise
    view_only_reason: str | None = None
    server_dead_man_switch: bool = False


QUIRKS: dict[str, VenueQuirks] = {
    "binanceusdm": VenueQuirks(client_id_param="newClientOrderId", ccxt_checks_sequence=True),
    "bybit": VenueQuirks(client_id_param="orderLinkId", server_dead_man_switch=True),
    "bingx": VenueQuirks(client_id_param="clientOrderID", client_id_max_len=40),
    "weex": VenueQuirks(quantity_unit=Decimal(1), client_id_param="clientOrderId"),
    "mexc": VenueQuirks(
        client_id_param="externalOid",
        orders_by_api=False,
        view_only_reason="MEXC has switched off futures order placement by API for most accounts",
    ),
}

DEFAULT_VENUES: tuple[str, ...] = ("binanceusdm", "bybit", "bingx", "weex", "mexc")


def quirks_for(venue_id: str) -> VenueQuirks:
    return QUIRKS.get(venue_id, VenueQuirks())
