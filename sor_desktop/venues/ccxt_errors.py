"""ccxt exceptions mapped, once, to the venue errors of ``venues.errors``.

What an error means depends on what was being done, so the caller says which ``Phase``:

- ``SUBMIT``: an order was sent. Anything that may have reached the venue (timeout, dropped
  link, 5xx, garbled answer, "duplicate client id") is ``OutcomeUnknown``: never resend, resolve
  with ``fetch_order``. Only a failure to connect at all is ``VenueUnavailable`` (surely not sent).
- ``BOOK``: a websocket book. A nonce or checksum break is ``BookGap``.
- ``READ``: everything else (markets, balances, lookups, cancels).

Messages keep the venue's own words (``msg``/``retMsg``/...), with query strings cut off and
every registered secret masked, so no signature or key can reach a log or the UI.
"""

from __future__ import annotations

import asyncio
import json
import re
from enum import Enum

import aiohttp
import ccxt

from sor_desktop.logs import redact
from sor_desktop.venues import errors as ve


class Phase(Enum):
    SUBMIT = "submit"
    BOOK = "book"
    READ = "read"


_REASON_KEYS = ("msg", "retMsg", "ret_msg", "message", "errorMsg", "error_message", "err_msg")
_QUERY = re.compile(r"(https?://[^\s?]+)\?\S*")
_WS_QUERY = re.compile(r"(wss?://[^\s?]+)\?\S*")


def clean_message(text: str) -> str:
    """``text`` without URL query strings (signatures) and with registered secrets masked."""
    text = _WS_QUERY.sub(r"\1?…", _QUERY.sub(r"\1?…", text))
    return redact(text)


def venue_reason(exc: BaseException, venue: str) -> str:
    """The venue's own words from a ccxt error, else ccxt's message without the exchange id."""
    text = str(exc)
    start = text.find("{")
    if start >= 0:
        try:
            body = json.loads(text[start:])
        except ValueError:
            body = None
        if isinstance(body, dict):
            for key in _REASON_KEYS:
                value = body.get(key)
                if isinstance(value, str) and value:
                    code = body.get("code", body.get("retCode"))
                    return clean_message(f"{value} (code {code})" if code not in (None, 0, "0") else value)
    if text.startswith(venue + " "):
        text = text[len(venue) + 1:]
    return clean_message(text.strip() or type(exc).__name__)


def _connect_failed(exc: BaseException) -> bool:
    """True when the request surely never left: the TCP/TLS connection itself failed."""
    cause = exc.__cause__
    return isinstance(cause, aiohttp.ClientConnectorError) and not isinstance(
        cause, aiohttp.ServerDisconnectedError
    )


def map_error(exc: BaseException, venue: str, phase: Phase) -> ve.VenueError:
    """The one ``VenueError`` for a ccxt (or transport) failure. Never maps CancelledError."""
    if isinstance(exc, ve.VenueError):
        return exc
    reason = venue_reason(exc, venue)
    submit = phase is Phase.SUBMIT
    if isinstance(exc, ccxt.InvalidNonce):  # before NetworkError: it is one
        if phase is Phase.BOOK:
            return ve.BookGap(venue, f"book sequence broke: {reason}")
        # REST: timestamp outside recvWindow, the request was refused
        return ve.OrderRejected(venue, reason) if submit else ve.VenueUnavailable(venue, reason)
    if isinstance(exc, (ccxt.RateLimitExceeded, ccxt.DDoSProtection)):
        return ve.RateLimited(venue, reason)
    if isinstance(exc, ccxt.AuthenticationError):
        return ve.AuthFailed(venue, reason)
    if isinstance(exc, ccxt.InsufficientFunds):
        return ve.InsufficientMargin(venue, reason)
    if isinstance(exc, ccxt.DuplicateOrderId):
        # our id is already taken: most likely our own earlier attempt got through
        if submit:
            return ve.OutcomeUnknown(venue, f"client order id already used: {reason}")
        return ve.OrderRejected(venue, reason)
    if isinstance(exc, ccxt.NotSupported):
        return ve.NotSupported(venue, reason)
    if isinstance(exc, (ccxt.InvalidOrder, ccxt.BadRequest, ccxt.OperationRejected, ccxt.ArgumentsRequired)):
        return ve.OrderRejected(venue, reason)
    if isinstance(exc, ccxt.NetworkError) or isinstance(exc, ccxt.BadResponse):
        if submit and not _connect_failed(exc):
            return ve.OutcomeUnknown(venue, f"no clear answer to the order: {reason}")
        return ve.VenueUnavailable(venue, reason)
    if isinstance(exc, ccxt.ExchangeError):
        # the venue answered with an error body: for an order that is a refusal
        return ve.OrderRejected(venue, reason) if submit else ve.VenueError(venue, reason)
    if isinstance(exc, (asyncio.TimeoutError, aiohttp.ClientError, OSError)):
        if submit and not isinstance(exc, aiohttp.ClientConnectorError):
            return ve.OutcomeUnknown(venue, f"no clear answer to the order: {reason}")
        return ve.VenueUnavailable(venue, reason)
    return ve.VenueError(venue, f"{type(exc).__name__}: {reason}")
