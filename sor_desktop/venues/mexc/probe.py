"""Does MEXC take futures orders by API from this account? Ask with an order it must refuse.

MEXC switched futures order placement by API off in 2022 ("place order endpoints ... will be
closed temporarily", contract API update log 2022-07-25) and still answers most accounts
``{"success": false, "code": 1002, "message": "Contract not allow place order!"}`` (ccxt issues
#14474, #15055, #12332; ccxt maps the message to InvalidOrder). Nothing in the API says which
accounts may trade: ``contract/detail`` has a per-contract ``apiAllowed`` flag, but whitelisted
accounts trade contracts showing false.

The probe: ``order/create`` for the contract with ``vol`` 0, IOC (type 3), a buy at one tick.
It cannot fill (no volume, and a price far below any market); a venue that lets this account
trade refuses it for its fields (2011 "Order quantity error", 600 "Param error", ... : the
documented parameter codes), one that does not refuses it with 1002 first. What decides:

- 1002 / "Contract not allow place order": orders by API are off for this account.
- 401/402/602/701-704/406 (key refused, no trade permission, IP not whitelisted): not with
  this key.
- a parameter code: the venue looked at the order's fields, so it accepts API orders.
- anything else (network, 5xx, 500/501/510, unknown codes): could not tell; stay view-only.
- accepted (it should never be): orders are on; the probe order is cancelled by its id.

Assumed, not verified against the live venue: that MEXC checks the permission before the
fields (a venue checking fields first would make a refusing account look enabled; its real
orders would then be refused with 1002, never placed blind).

MEXC's API has no endpoint that reads a key's permissions or IP binding (spot
``POST /api/v3/apiKeyInfo`` only writes the whitelist): those cannot be checked on this venue.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import ccxt

from sor_desktop.venues.ccxt_errors import venue_code, venue_reason

log = logging.getLogger(__name__)

TRADING_OFF = frozenset({"1002"})  # "Contract not allow place order!" / "Contract not activated"
KEY_REFUSED = frozenset({"401", "402", "406", "602", "701", "702", "703", "704"})
# documented parameter refusals (contract API error codes): the order's fields were checked
FIELDS_CHECKED = frozenset({"600", "1004", "2001", "2002", "2003", "2004", "2007", "2008", "2011", "2015",
                            "2029", "2030"})
PROBE_ID_PREFIX = "sorprobe"
NOT_CHECKABLE = ("withdrawal permission and IP binding cannot be checked on this venue "
                 "(MEXC's API does not expose them)")


@dataclass(frozen=True, slots=True)
class OrderProbe:
    allowed: bool | None  # None: the answer did not tell
    reason: str  # in the trader's words, with the venue's code


def judge(code: str | None, said: str, contract: str) -> OrderProbe:
    """What a refusal of the probe order says about this account (``said``: the venue's words)."""
    if code in TRADING_OFF or "not allow place order" in said.lower():
        return OrderProbe(False, f"MEXC refuses futures orders by API for this account ({contract}: {said})")
    if code in KEY_REFUSED:
        return OrderProbe(False, f"MEXC refused this key for futures orders ({said})")
    if code in FIELDS_CHECKED:
        return OrderProbe(True, f"MEXC takes futures orders by API for this account ({contract}: probe refused "
                                f"for its fields, {said})")
    return OrderProbe(None, f"could not tell whether MEXC takes futures orders by API for this account ({said})")


async def probe_orders(ex: Any, contract: str, tick: str) -> OrderProbe:
    """Send the probe order for ``contract`` (a market id like BTC_USDT) through the ccxt
    client ``ex`` and judge the answer. Never raises for venue trouble."""
    client_id = f"{PROBE_ID_PREFIX}{int(time.time() * 1000)}"
    body = {"symbol": contract, "price": float(tick), "vol": 0, "side": 1, "type": 3, "openType": 2,
            "externalOid": client_id}
    try:
        await ex.contractPrivatePostOrderCreate(body)
    except ccxt.NetworkError as exc:
        return OrderProbe(None, f"could not reach MEXC to check futures orders by API ({type(exc).__name__})")
    except ccxt.BaseError as exc:
        result = judge(venue_code(exc), venue_reason(exc, "mexc"), contract)
        log.info("mexc order probe on %s: %s", contract, result.reason)
        return result
    log.warning("mexc order probe on %s was accepted: cancelling %s", contract, client_id)
    try:
        await ex.contractPrivatePostOrderCancelWithExternal({"symbol": contract, "externalOid": client_id})
    except ccxt.BaseError as exc:
        log.error("mexc: could not cancel the probe order %s: %s", client_id, type(exc).__name__)
    return OrderProbe(True, f"MEXC takes futures orders by API for this account ({contract}: probe accepted)")
