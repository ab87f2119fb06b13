"""ccxt exceptions mapped, once, to the venue errors of ``venues.errors``.

What an error means depends on what was being done, so the caller says which ``Phase``:

- ``SUBMIT``: an order was sent. Only a code on the venue's "certainly not placed" table
  (``venues/<venue>/errors.py``) is a refusal (``OrderRejected``, ``InsufficientMargin``,
  ``RateLimited``, ``AuthFailed``), and a failure to connect at all is ``VenueUnavailable``
  (surely not sent). Everything else is ``OutcomeUnknown``: unmapped codes, system errors inside
  a 200 answer (Bybit 10016/10000, WEEX -1054), server timeouts, 5xx, garbled answers,
  "duplicate client id" (Binance -4116, Bybit 110072). Never resend; resolve by client id.
  When the caller knows no request left at all (``sent=False``: ccxt refused the call locally),
  ccxt's class decides as for any other phase.
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
from sor_desktop.venues.binanceusdm.errors import TABLE as BINANCEUSDM
from sor_desktop.venues.bingx.errors import TABLE as BINGX
from sor_desktop.venues.bybit.errors import TABLE as BYBIT
from sor_desktop.venues.mexc.errors import TABLE as MEXC
from sor_desktop.venues.refusals import ErrorTable, Refusal
from sor_desktop.venues.weex.errors import TABLE as WEEX

TABLES: dict[str, ErrorTable] = {t.venue: t for t in (BINANCEUSDM, BYBIT, BINGX, WEEX, MEXC)}
_REFUSALS: dict[Refusal, type[ve.VenueError]] = {
    Refusal.REJECTED: ve.OrderRejected,
    Refusal.MARGIN: ve.InsufficientMargin,
    Refusal.RATE_LIMITED: ve.RateLimited,
    Refusal.AUTH: ve.AuthFailed,
}


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


_CODE_KEYS = ("code", "retCode", "ret_code")
_DECODER = json.JSONDecoder()


def _bodies(text: str) -> list[dict[str, object]]:
    """Every JSON object embedded in ``text`` (ccxt puts the venue's body after the exchange
    id, sometimes after its own words, sometimes before more text)."""
    out: list[dict[str, object]] = []
    start = text.find("{")
    while start >= 0:
        try:
            value, end = _DECODER.raw_decode(text, start)
        except ValueError:
            start = text.find("{", start + 1)
            continue
        if isinstance(value, dict):
            out.append(value)
        start = text.find("{", end)
    return out


def venue_code(exc: BaseException) -> str | None:
    """The venue's error code in a ccxt exception's text, as a string, or None.

    Binance/BingX/WEEX/MEXC put it in ``code``, Bybit in ``retCode`` (``ret_code`` on old
    endpoints); every venue's ccxt ``handle_errors`` appends the raw body. ``0``/``200`` are
    success codes, not errors. A body without a code (or no body: a message-only match, an HTML
    5xx page) gives None, which is never on a "not placed" table."""
    for body in _bodies(str(exc)):
        for key in _CODE_KEYS:
            value = body.get(key)
            if isinstance(value, bool) or value is None:
                continue
            if isinstance(value, (int, str)) and str(value).strip() not in ("", "0", "200"):
                return str(value).strip()
    return None


def is_not_found(exc: BaseException, venue: str) -> bool:
    """The venue answered a lookup with its "no such order" code (or ccxt's OrderNotFound)."""
    if isinstance(exc, ccxt.OrderNotFound):
        return True
    table = TABLES.get(venue)
    code = venue_code(exc) if isinstance(exc, ccxt.ExchangeError) else None
    return table is not None and code is not None and code in table.not_found


def venue_reason(exc: BaseException, venue: str) -> str:
    """The venue's own words from a ccxt error, else ccxt's message without the exchange id."""
    text = str(exc)
    for body in _bodies(text):
        for key in _REASON_KEYS:
            value = body.get(key)
            if isinstance(value, str) and value:
                code = venue_code(exc)
                return clean_message(f"{value} (code {code})" if code is not None else value)
    if text.startswith(venue + " "):
        text = text[len(venue) + 1:]
    text = text.strip() or type(exc).__name__
    cause = _transport_words(exc.__cause__)
    # cleaned apart: a signed URL's query is cut up to the next space, the colon with it
    return f"{clean_message(text)}: {clean_message(cause)}" if cause and cause not in text else clean_message(text)


def _transport_words(cause: BaseException | None) -> str | None:
    """Why the transport failed (ccxt's own message is only the method and URL): no name
    resolution, refused, reset, timed out. None for anything else."""
    if isinstance(cause, (TimeoutError, asyncio.TimeoutError)):
        return "timed out"
    if isinstance(cause, (aiohttp.ClientError, OSError)):
        try:
            words = str(cause).strip()
        except (AttributeError, TypeError, ValueError):  # aiohttp formats fields a hand-made error may lack
            words = ""
        return (words or type(cause).__name__).splitlines()[0][:200]
    return None


def _connect_failed(exc: BaseException) -> bool:
    """True when the request surely never left: the TCP/TLS connection itself failed."""
    cause = exc.__cause__
    return isinstance(cause, aiohttp.ClientConnectorError) and not isinstance(
        cause, aiohttp.ServerDisconnectedError
    )


def _submit_error(exc: BaseException, venue: str, reason: str) -> ve.VenueError:
    """An order request left and failed: a listed refusal, a connect failure, else unknown."""
    table = TABLES.get(venue)
    code = venue_code(exc)
    refusal = table.not_placed.get(code) if table is not None and code is not None else None
    if refusal is not None:
        return _REFUSALS[refusal.kind](venue, reason)
    if _connect_failed(exc) or isinstance(exc, aiohttp.ClientConnectorError):
        return ve.VenueUnavailable(venue, reason)
    return ve.OutcomeUnknown(venue, f"no clear answer to the order: {reason}")


def map_error(exc: BaseException, venue: str, phase: Phase, *, sent: bool = True) -> ve.VenueError:
    """The one ``VenueError`` for a ccxt (or transport) failure. Never maps CancelledError.

    ``sent`` (SUBMIT only): False when no HTTP request left during the call (ccxt refused it
    locally, e.g. an argument check); then nothing can have been placed."""
    if isinstance(exc, ve.VenueError):
        return exc
    reason = venue_reason(exc, venue)
    if phase is Phase.SUBMIT and sent:
        return _submit_error(exc, venue, reason)
    submit = phase is Phase.SUBMIT
    table = TABLES.get(venue)
    code = venue_code(exc) if table is not None and table.slow_down else None
    if table is not None and code is not None and code in table.slow_down:
        return ve.RateLimited(venue, reason)
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
        # SUBMIT here means ccxt refused the call before any request left
        return ve.OrderRejected(venue, reason) if submit else ve.VenueError(venue, reason)
    if isinstance(exc, (asyncio.TimeoutError, aiohttp.ClientError, OSError)):
        if submit and not isinstance(exc, aiohttp.ClientConnectorError):
            return ve.OutcomeUnknown(venue, f"no clear answer to the order: {reason}")
        return ve.VenueUnavailable(venue, reason)
    return ve.VenueError(venue, f"{type(exc).__name__}: {reason}")
