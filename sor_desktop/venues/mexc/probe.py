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
- accepted (it should never be): orders are on; the probe order is cancelled by its client id.

The probe is an order like any other (``ProbeJournal``, the executor's journal): its intent is
recorded before it is sent, or it is not sent (the venue stays view-only, saying why); a refusal
is recorded as such; a send that fails on the way is an unknown outcome, and an accepted probe
whose cancel fails is an open order of unknown state: both stay in the journal, shown in the
blotter, and trading waits until they are resolved by client id like any unknown leg.

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
from typing import Any, Protocol

import ccxt

from sor_desktop.core.instrument import Instrument
from sor_desktop.core.orders import OrderStatus
from sor_desktop.venues.ccxt_errors import venue_code, venue_reason

log = logging.getLogger(__name__)

TRADING_OFF = frozenset({"1002"})  # "Contract not allow place order!" / "Contract not activated"
KEY_REFUSED = frozenset({"401", "402", "406", "602", "701", "702", "703", "704"})
# documented parameter refusals (contract API error codes): the order's fields were checked
FIELDS_CHECKED = frozenset({"600", "1004", "2001", "2002", "2003", "2004", "2007", "2008", "2011", "2015",
                            "2029", "2030"})
PROBE_ID_PREFIX = "sorprobe"
# the first note is what the venue chip shows after "cannot be checked on this venue"
CANNOT_CHECK = "MEXC's API does not tell a key's permissions or IP binding"
KEY_ACCEPTED = "the key was accepted (futures account read)"
ASKED_AT_CONNECT = ("whether this account takes futures orders by API is asked at connect, by one journaled "
                    "probe order MEXC must refuse")


class ProbeJournal(Protocol):
    """Where the probe order is recorded (``engine.probe_journal``)."""

    def intent(self, instrument: Instrument, client_id: str) -> str | None:
        """Record the order before it is sent: None once recorded, else why it could not be."""

    def outcome(self, client_id: str, status: OrderStatus, reason: str) -> None:
        """Record what became of it (rejected, canceled, or unknown: then the trader is told)."""


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


def not_asked(why: str) -> OrderProbe:
    return OrderProbe(None, f"orders by API not asked of MEXC: {why}; view-only")


async def probe_orders(ex: Any, instrument: Instrument, journal: ProbeJournal) -> OrderProbe:
    """Journal, send and judge the probe order on ``instrument`` through the ccxt client ``ex``.
    Never raises for venue trouble."""
    contract = instrument.venue_symbol
    client_id = f"{PROBE_ID_PREFIX}{int(time.time() * 1000)}"
    unrecorded = journal.intent(instrument, client_id)
    if unrecorded is not None:
        return not_asked(f"the probe order could not be journaled ({unrecorded})")
    body = {"symbol": contract, "price": float(instrument.price_tick), "vol": 0, "side": 1, "type": 3,
            "openType": 2, "externalOid": client_id}
    try:
        await ex.contractPrivatePostOrderCreate(body)
    except ccxt.NetworkError as exc:
        # it may have landed: an unknown outcome, resolved by its client id like any order
        journal.outcome(client_id, OrderStatus.UNKNOWN, f"outcome unknown: {type(exc).__name__} on the probe order")
        return OrderProbe(None, f"could not reach MEXC to check futures orders by API ({type(exc).__name__})")
    except ccxt.BaseError as exc:
        result = judge(venue_code(exc), venue_reason(exc, "mexc"), contract)
        journal.outcome(client_id, OrderStatus.REJECTED, f"probe refused: {venue_reason(exc, 'mexc')}")
        log.info("mexc order probe on %s: %s", contract, result.reason)
        return result
    log.warning("mexc order probe on %s was accepted: cancelling %s", contract, client_id)
    try:
        await ex.contractPrivatePostOrderCancelWithExternal({"symbol": contract, "externalOid": client_id})
    except ccxt.BaseError as exc:
        why = venue_reason(exc, "mexc")
        log.error("mexc: could not cancel the probe order %s: %s", client_id, why)
        journal.outcome(client_id, OrderStatus.UNKNOWN, f"probe order accepted, its cancel failed ({why})")
        return OrderProbe(True, f"MEXC takes futures orders by API for this account ({contract}: probe accepted; "
                                f"its cancel failed, the probe order {client_id} may be open)")
    journal.outcome(client_id, OrderStatus.CANCELED, "probe order accepted and cancelled")
    return OrderProbe(True, f"MEXC takes futures orders by API for this account ({contract}: probe accepted)")
