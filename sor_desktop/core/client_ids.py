"""Route ids and the client order ids derived from them.

A client order id is ``"sor" + route id + "l" + leg index``: the same route and leg always give the
same id, so an order whose outcome is unknown can be looked up on the venue, and never sent twice
under two names. Only ``[0-9a-z]`` is used: Binance (``[.A-Z:/a-z0-9_-]``), Bybit (letters, digits,
``-``, ``_``), BingX (letters, digits, ``_``, ``-``), MEXC and WEEX all accept that set, and no
venue folds case on it.
"""

from __future__ import annotations

import re
import secrets

PREFIX = "sor"
LEG_MARK = "l"
ROUTE_ID_LEN = 20  # 80 random bits
MIN_ROUTE_CHARS = 12  # below 48 bits of the route id two routes may share ids: refuse
DEFAULT_MAX_LEN = 36
_ROUTE_RE = re.compile(r"^[0-9a-z]{12,32}$")
_CLIENT_RE = re.compile(r"^sor([0-9a-z]+)l([0-9]+)$")


def new_route_id() -> str:
    """A fresh random route id (lower-case hex)."""
    return secrets.token_hex(ROUTE_ID_LEN // 2)


def check_route_id(route_id: str) -> str:
    if not _ROUTE_RE.match(route_id):
        raise ValueError(f"route id {route_id!r} must be 12-32 characters of 0-9 a-z")
    return route_id


def client_order_id(route_id: str, leg: int, max_len: int = DEFAULT_MAX_LEN) -> str:
    """The client order id of leg ``leg`` of route ``route_id``, at most ``max_len`` characters.

    When the venue allows fewer characters than the full form needs, the route part is cut from the
    right (it is random, so its prefix stays unique); a limit too short for ``MIN_ROUTE_CHARS``
    raises ``ValueError`` rather than risk two routes sharing an id.
    """
    check_route_id(route_id)
    if leg < 0:
        raise ValueError("leg index must be >= 0")
    suffix = f"{LEG_MARK}{leg}"
    room = min(max_len, DEFAULT_MAX_LEN) - len(PREFIX) - len(suffix)
    if room < MIN_ROUTE_CHARS:
        raise ValueError(f"a client order id limit of {max_len} characters is too short")
    return f"{PREFIX}{route_id[:room]}{suffix}"


def parse_client_order_id(cid: str) -> tuple[str, int] | None:
    """(route id prefix, leg) of one of our ids, or None for an id we did not make."""
    m = _CLIENT_RE.match(cid)
    if not m:
        return None
    return m.group(1), int(m.group(2))
