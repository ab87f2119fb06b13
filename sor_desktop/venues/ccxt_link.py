"""The ccxt.pro exchange class a ``CcxtVenue`` runs: ccxt's own, plus link timing and, where
ccxt does not check it, the book sequence check of ``book_sequence``.

Round-trip time: where the venue pings with a text frame and answers with a text pong (Bybit,
MEXC: ccxt's ``ping``/``handle_pong``) the time between the two; for the others, whose
keep-alive is a websocket control frame ccxt does not let us time, the last REST request's
duration (Binance refetches a REST snapshot on every subscribe, so it stays fresh).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sor_desktop.venues.bingx.heartbeat import text_heartbeat_class
from sor_desktop.venues.book_sequence import check_for, guarded_class
from sor_desktop.venues.mexc.limits import per_endpoint_limits_class

# per-venue subclasses of the ccxt.pro class for what the venue's protocol needs beyond ccxt
# (BingX: its text Ping is the sign of life; MEXC: rate limits per endpoint); see the venue's module
PROTOCOL_CLASSES: dict[str, Callable[[Any], type]] = {
    "bingx": text_heartbeat_class, "mexc": per_endpoint_limits_class}


@dataclass(slots=True)
class LinkStats:
    ping_sent: float | None = None  # monotonic seconds of the unanswered ping
    ws_rtt: float | None = None  # seconds, last ping-pong
    rest_rtt: float | None = None  # seconds, last successful REST request
    ws_rtt_at: float = 0.0
    rest_rtt_at: float = 0.0

    @property
    def rtt(self) -> float | None:
        """The most recent measurement, ping-pong preferred when it is as fresh."""
        if self.ws_rtt is not None and self.ws_rtt_at >= self.rest_rtt_at - 60:
            return self.ws_rtt
        return self.rest_rtt


# HTTP requests started inside the current ``counting_requests()`` block; a context variable, so
# concurrent calls on one exchange (an order beside a balance refresh) do not see each other's
_REQUESTS: ContextVar[list[int] | None] = ContextVar("sor_requests", default=None)


@contextmanager
def counting_requests() -> Iterator[list[int]]:
    """``box[0]`` becomes the number of HTTP requests this task started inside the block: 0
    proves an error was ccxt's own refusal, before anything left (so no order can exist)."""
    box = [0]
    token = _REQUESTS.set(box)
    try:
        yield box
    finally:
        _REQUESTS.reset(token)


def instrumented_class(base: Any) -> type:
    text_ping = callable(getattr(base, "ping", None)) and callable(getattr(base, "handle_pong", None))
    namespace: dict[str, Any] = {}

    def __init__(self: Any, config: dict[str, Any] | None = None) -> None:
        self.sor_link = LinkStats()
        base.__init__(self, config or {})

    async def fetch(self: Any, url: str, method: str = "GET", headers: Any = None, body: Any = None) -> Any:
        box = _REQUESTS.get()
        if box is not None:
            box[0] += 1
        start = time.monotonic()
        result = await base.fetch(self, url, method, headers, body)
        now = time.monotonic()
        self.sor_link.rest_rtt, self.sor_link.rest_rtt_at = now - start, now
        return result

    namespace.update(__init__=__init__, fetch=fetch)

    if text_ping:

        def ping(self: Any, client: Any) -> Any:
            self.sor_link.ping_sent = time.monotonic()
            return base.ping(self, client)

        def handle_pong(self: Any, client: Any, message: Any) -> Any:
            sent = self.sor_link.ping_sent
            if sent is not None:
                now = time.monotonic()
                self.sor_link.ws_rtt, self.sor_link.ws_rtt_at = now - sent, now
                self.sor_link.ping_sent = None
            return base.handle_pong(self, client, message)

        namespace.update(ping=ping, handle_pong=handle_pong)

    return type(f"Timed_{base.__name__}", (base,), namespace)


def exchange_class(base: Any, sequence_check: str | None, venue_id: str | None = None) -> type:
    """ccxt.pro ``base`` with the venue's protocol class, the sequence check named in the quirks
    table and link timing."""
    cls = PROTOCOL_CLASSES[venue_id](base) if venue_id in PROTOCOL_CLASSES else base
    cls = guarded_class(cls, check_for(sequence_check)) if sequence_check else cls
    return instrumented_class(cls)
