"""BingX's heartbeat on the loopback BingX server, through the real ccxt.pro client.

BingX sends the text ``Ping`` (gzip) every few seconds and wants ``Pong``; it documents no answer
to websocket ping frames, which are all ccxt's keep-alive sends for bingx (``pro/bingx.py`` has no
``ping``) and the only thing that refreshes ccxt's ``lastPong``. With our lowered keep-alive a
healthy link would then be torn down every ``keepalive x misses``; ``venues.bingx.heartbeat``
counts BingX's own ``Ping`` as the peer's sign of life instead. That a silent peer is still found
is the shared suite's ``test_silent_dead_peer_is_found_within_seconds[bingx]``."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from sor_desktop.venues.ccxt_venue import CcxtConfig
from tests.venues.loopback.bingx import BingxServer
from tests.venues.loopback.fixtures import loopback_venue, serving

SYMBOL = "BTC/USDT:USDT"


async def _watch_for(venue: Any, seconds: float) -> int:
    """Watch books for ``seconds``; how many watches failed (a dropped link fails one)."""
    failures = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            await venue.watch_order_book(SYMBOL)
        except Exception:  # noqa: BLE001 - counting drops is the point
            failures += 1
            await asyncio.sleep(0.05)
    return failures


@pytest.mark.asyncio
async def test_a_healthy_link_is_never_dropped_by_the_keepalive() -> None:
    async with serving("bingx") as server:
        assert isinstance(server, BingxServer) and not server.answers_ping_frames
        # 600 ms keep-alive, 2 misses: ccxt gives a link 1.2-1.8 s without a pong; watch ~3 windows
        # (ccxt alone drops it 2-3 times here)
        venue = loopback_venue(server, "bingx", keys=False, keepalive_ms=600)
        try:
            failures = await _watch_for(venue, 5.0)
        finally:
            await venue.close()
    assert server.ping_frames > 0, "ccxt's keep-alive still probes with ping frames"
    assert server.pongs >= server.pings_sent - 2 > 10, "every BingX Ping was answered with Pong"
    assert (server.ws_connections, failures) == (1, 0)


def test_the_default_keepalive_leaves_room_for_bingx_ping_period() -> None:
    """BingX pings every 5 s (its WebSocket rules page); the liveness window must outlast that."""
    from sor_desktop.venues.bingx.heartbeat import PING_PERIOD_MS

    cfg = CcxtConfig()
    assert cfg.keepalive_ms * cfg.max_ping_misses >= 1.5 * PING_PERIOD_MS
