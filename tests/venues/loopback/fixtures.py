"""pytest fixtures: a started loopback server and a ``CcxtVenue`` pointed at it.

Import what a test module needs: ``from tests.venues.loopback.fixtures import binance_server``.
``loopback_venue(server, venue_id, **config)`` builds the venue with the loopback keys and
short timeouts; the caller closes it (or a ``FeedSupervisor`` does).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest_asyncio

from sor_desktop.venues.ccxt_venue import ApiCredentials, CcxtConfig, CcxtVenue
from tests.venues.loopback.binance import BinanceUsdmServer
from tests.venues.loopback.bybit import BybitServer
from tests.venues.loopback.common import API_KEY, SECRET, LoopbackServer
from tests.venues.loopback.weex import PASSPHRASE, WeexServer

KEYS = ApiCredentials(API_KEY, SECRET, PASSPHRASE)  # the passphrase only WEEX asks for


def loopback_venue(server: LoopbackServer, venue_id: str, *, keys: bool = True, **config: Any) -> CcxtVenue:
    settings: dict[str, Any] = {"request_timeout_ms": 2000, "keepalive_ms": 1000, "api_urls": server.api_urls}  # type: ignore[attr-defined]
    settings.update(config)
    venue = CcxtVenue(venue_id, credentials=KEYS if keys else None, config=CcxtConfig(**settings))
    venue._ex.timeout_on_exit = 0  # ccxt's 250 ms grace for TLS teardown; plain loopback needs none
    return venue


@pytest_asyncio.fixture
async def binance_server() -> AsyncIterator[BinanceUsdmServer]:
    server = BinanceUsdmServer()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest_asyncio.fixture
async def bybit_server() -> AsyncIterator[BybitServer]:
    server = BybitServer()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()



SERVERS: dict[str, type[LoopbackServer]] = {"binanceusdm": BinanceUsdmServer, "bybit": BybitServer, "weex": WeexServer}


@asynccontextmanager
async def serving(venue_id: str) -> AsyncIterator[Any]:
    """A started loopback server for ``venue_id`` (a key of ``SERVERS``), stopped on exit.

    A test module wanting one test per exchange defines::

        @pytest_asyncio.fixture(params=list(SERVERS))
        async def loopback(request):
            async with serving(request.param) as server:
                yield request.param, server
    """
    server = SERVERS[venue_id]()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
