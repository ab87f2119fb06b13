"""BingX's websocket heartbeat, and how the keep-alive follows it.

BingX's protocol (WebSocket rules, bingx-api.github.io/docs-v3; its FAQ-05): the server sends the
text ``Ping`` (GZIP-compressed like every frame) about every 5 seconds and the client answers
``Pong``; a client that does not answer is disconnected. BingX documents no answer to websocket
ping frames.

ccxt 4.5.90 (``pro/bingx.py``) answers ``Ping`` with ``Pong`` but has no ``ping`` of its own, so its
keep-alive sends websocket ping frames and counts the link alive only on a pong frame
(``Client.lastPong``, ``ws/client.py``). With our lowered keep-alive (``CcxtConfig``: 4 s, 2
misses) a server that does not answer those frames has every healthy link torn down after
``keepalive x misses``: shown on the loopback BingX server, 2 reconnects in 5 s at a 600 ms
keep-alive (``tests/venues/test_bingx_heartbeat.py``), 2 in 30 s at BingX's real scale
(``benchmarks/bench_bingx_heartbeat.py``).

``text_heartbeat_class(cls)`` makes BingX's own ``Ping`` the sign of life: each one refreshes
``lastPong``. A healthy link (Ping every 5 s inside an 8 s window) is never dropped; a peer that
goes silent stops pinging, and the unchanged keep-alive finds it ``keepalive x misses`` after its
last Ping. Pong frames, where a server sends them, still count too.
"""

from __future__ import annotations

from typing import Any

PING_PERIOD_MS = 5000  # BingX's documented Ping interval ("the frequency might change")
PING = "Ping"


def text_heartbeat_class(base: Any) -> type:
    """``base`` (ccxt.pro's bingx class or a subclass) counting BingX's ``Ping`` as liveness."""

    def handle_message(self: Any, client: Any, message: Any) -> Any:
        if message == PING:
            client.lastPong = self.milliseconds()
        return base.handle_message(self, client, message)

    return type(f"TextHeartbeat_{base.__name__}", (base,), {"handle_message": handle_message})
