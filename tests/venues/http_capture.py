"""Record what a ``CcxtVenue`` sends at the HTTP layer, through ccxt's own request building and
error handling, and answer from a table of synthetic venue bodies.

``capture(venue, routes)`` replaces the exchange's ``fetch`` (the one method every ccxt REST call
goes through): each request is recorded as ``(method, url without query, query, body)`` and
answered by the first route whose ``(method, path suffix)`` matches; its ``(status, payload)``
then goes through the exchange class's real ``handle_errors`` (and ccxt's HTTP-status fallback),
as a real answer would. A request no route matches fails the test.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sor_desktop.venues.ccxt_venue import CcxtVenue

Answer = tuple[int, Any] | Callable[[str, str, Any], tuple[int, Any]]


@dataclass
class Capture:
    requests: list[tuple[str, str, str, Any]] = field(default_factory=list)

    def paths(self) -> list[tuple[str, str]]:
        return [(m, u) for m, u, _, _ in self.requests]


def capture(venue: CcxtVenue, routes: dict[tuple[str, str], Answer]) -> Capture:
    ex = venue._ex
    cap = Capture()

    async def fetch(url: str, method: str = "GET", headers: Any = None, body: Any = None) -> Any:
        base, _, query = url.partition("?")
        cap.requests.append((method, base, query, body))
        for (m, suffix), answer in routes.items():
            if m == method and base.endswith(suffix):
                status, payload = answer(method, url, body) if callable(answer) else answer
                text = json.dumps(payload)
                ex.handle_errors(status, "", url, method, {}, text, payload, headers, body)
                if status >= 400:
                    ex.handle_http_status_code(status, "", url, method, text)
                return payload
        raise AssertionError(f"unexpected request {method} {base}")

    ex.fetch = fetch
    return cap
