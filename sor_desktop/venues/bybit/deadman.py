"""Bybit's Disconnect Cancel All (DCP): armed only where the account allows it, and verified.

What Bybit documents (https://bybit-exchange.github.io/docs/v5/order/dcp):

- DCP is switched on for an account by Bybit ("contact your client manager"); the API can only
  set its time window: ``POST /v5/order/disconnected-cancel-all`` with ``product`` DERIVATIVES and
  ``timeWindow`` 3-300 s (ccxt: ``privatePostV5OrderDisconnectedCancelAll``, used by
  ``bybit.cancel_all_orders_after``). There is no API call to switch it off.
- It triggers only for a *private websocket subscribed to the "dcp" topic*: when that connection
  is gone (no reconnect and ``ping``) for the time window, every derivatives order is cancelled.
- ``GET /v5/account/info`` reports ``dcpStatus`` (ON/OFF) and ``timeWindow``: the verification.

So ``CcxtVenue`` sets the window, checks ``dcpStatus`` is ON, and only then holds a private
websocket subscribed to "dcp" (reconnecting when it drops). Where any step fails the account does
not have DCP and the engine's watchdog covers Bybit like the other venues (it does anyway for a
lost feed while the app lives). A deliberate close drops the link: Bybit then cancels the
account's derivatives orders after the window, as DCP is meant to.
"""

from __future__ import annotations

from typing import Any

PRODUCT = "DERIVATIVES"
MIN_S, MAX_S = 3, 300  # the range Bybit accepts for timeWindow
_REQ = "sor-dcp"


def window(seconds: float) -> int:
    return max(MIN_S, min(MAX_S, int(seconds)))


async def set_window(ex: Any, seconds: int) -> None:
    await ex.privatePostV5OrderDisconnectedCancelAll({"product": PRODUCT, "timeWindow": seconds})


async def status(ex: Any) -> tuple[bool, int | None]:
    """(DCP is ON for the account, its time window in seconds) from ``/v5/account/info``."""
    response = await ex.privateGetV5AccountInfo()
    result = response.get("result") or {}
    raw = result.get("timeWindow")
    return str(result.get("dcpStatus", "")).upper() == "ON", int(raw) if raw not in (None, "") else None


def private_url(ex: Any) -> str:
    url: str = ex.implode_hostname(ex.urls["api"]["ws"]["private"]["contract"])
    return url


async def hold_subscription(ex: Any) -> None:
    """Authenticate the private websocket and subscribe to "dcp". Nothing ever resolves this
    watch, so it stays pending while the link lives (ccxt keeps pinging) and raises when it
    drops: the caller reconnects."""
    url = private_url(ex)
    await ex.authenticate(url)
    await ex.watch(url, _REQ, {"op": "subscribe", "req_id": _REQ, "args": ["dcp"]}, _REQ)
