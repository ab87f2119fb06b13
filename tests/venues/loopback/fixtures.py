"""The registry of loopback venue cases, and a ``CcxtVenue`` pointed at a started server.

``SERVERS`` maps a case id (the id the parametrised suite shows: ``[binanceusdm]``,
``[bybit-inverse]``) to a ``VenueCase``: which ccxt venue, which loopback server class, which
market, and the few venue facts a test must not guess (lot, settle currency, the venue's own
rejection). Every test function of ``tests/venues/test_ccxt_loopback_*.py`` runs once per case,
so a new venue is proven by writing its server (see ``common.LoopbackServer`` for the contract)
and adding ONE entry here::

    "bingx": VenueCase("bingx", BingxServer, symbol="BTC/USDT:USDT", market_id="BTC-USDT",
                       settle="USDT", lot=Decimal("0.0001"),
                       reject=(101204, "Insufficient margin"), reject_error=InsufficientMargin),

``loopback_venue(server, venue_id, **config)`` builds the venue with the loopback keys and short
timeouts; the caller closes it (or a ``FeedSupervisor`` does). ``serving(case_id)`` starts and
stops the case's server.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_UP, Decimal
from typing import Any

import pytest_asyncio

from sor_desktop.engine.executor import Executor
from sor_desktop.engine.journal import Journal
from sor_desktop.venues.ccxt_venue import ApiCredentials, CcxtConfig, CcxtVenue
from sor_desktop.venues.errors import (
    InsufficientMargin,
    OrderRejected,
    OutcomeUnknown,
    RateLimited,
    VenueError,
)
from tests.venues.loopback.binance import BinanceUsdmServer
from tests.venues.loopback.bingx import BingxServer
from tests.venues.loopback.bybit import BybitServer
from tests.venues.loopback.common import API_KEY, PASSPHRASE, SECRET, LoopbackServer
from tests.venues.loopback.mexc import MexcServer
from tests.venues.loopback.weex import WeexServer

KEYS = ApiCredentials(API_KEY, SECRET)
KEYS_WITH_PASSPHRASE = ApiCredentials(API_KEY, SECRET, PASSPHRASE)


@dataclass(frozen=True)
class VenueCase:
    """One venue (and market) the whole loopback suite runs against.

    ``venue_id``: the ccxt id ``CcxtVenue`` is built with. ``server``: the ``LoopbackServer``
    subclass (built with no arguments). ``symbol``/``market_id``: the unified symbol traded and
    the venue's id for it (the key of ``server.books``). Units: ``lot`` is the amount step in
    the venue's contracts (tests trade small multiples of it), ``contract_size`` what one
    contract is (base units; quote units when ``inverse``), ``settle`` the margin currency whose
    balance the server reports. ``reject``: a (code, message) the venue really answers to a
    refused order, and ``reject_error`` the ``OrderRejected`` subclass it must map to.
    ``full_snapshots``: every book frame is a whole book (nothing to chain, so a dropped frame
    cannot corrupt it). ``config``: ``CcxtConfig`` overrides every venue of this case gets (e.g.
    ``trading_allowed=True`` where the venue is view-only by default). ``passphrase``: the
    venue's keys carry one (``common.PASSPHRASE``; the server checks it). ``hedge_mode``: the
    venue offers hedge mode for this market (its server then honours ``position_mode``; else
    the market is one-way whatever the account's setting). ``rate_limited_send``: what an order
    the venue's rate limiter answered (``server.RATE_LIMIT``) must be: ``RateLimited`` only where
    the venue documents that answer as a refusal (its ``errors.py`` table), else ``OutcomeUnknown``.
    """

    venue_id: str
    server: type[LoopbackServer]
    symbol: str
    market_id: str
    settle: str
    lot: Decimal
    reject: tuple[int, str]
    reject_error: type[OrderRejected] = OrderRejected
    contract_size: Decimal = Decimal(1)
    inverse: bool = False
    full_snapshots: bool = False
    config: Mapping[str, Any] = field(default_factory=dict)
    passphrase: bool = False
    hedge_mode: bool = True
    rate_limited_send: type[VenueError] = OutcomeUnknown

    def lots(self, n: int | str | Decimal) -> Decimal:
        """``n`` lots as an amount in contracts (``n`` may be fractional: off the step)."""
        return (self.lot * Decimal(str(n))).normalize()

    def tick(self, server: LoopbackServer) -> Decimal:
        return server.books[self.market_id].tick

    def best_ask(self, server: LoopbackServer) -> Decimal:
        return min(server.books[self.market_id].asks)

    def best_bid(self, server: LoopbackServer) -> Decimal:
        return max(server.books[self.market_id].bids)

    def away(self, server: LoopbackServer, price: Decimal, fraction: str) -> Decimal:
        """``price`` moved by ``fraction`` of itself (negative: lower), on the tick, toward it."""
        tick = self.tick(server)
        moved = price * (1 + Decimal(fraction))
        rounding = ROUND_UP if Decimal(fraction) < 0 else ROUND_DOWN
        return (moved / tick).quantize(Decimal(1), rounding=rounding) * tick


SERVERS: dict[str, VenueCase] = {
    "binanceusdm": VenueCase(
        "binanceusdm", BinanceUsdmServer, symbol="BTC/USDT:USDT", market_id="BTCUSDT", settle="USDT",
        lot=Decimal("0.001"),
        reject=(-4164, "Order's notional must be no smaller than 100 (unless you choose reduce only)."),
        # ccxt's rate limiter spaces Binance's depth snapshots by weight (limit 100: 5 x 50 ms)
        config={"book_limit": 100}, rate_limited_send=RateLimited,  # -1003 at HTTP 429: a 4XX refusal
    ),
    "bybit": VenueCase(
        "bybit", BybitServer, symbol="BTC/USDT:USDT", market_id="BTCUSDT", settle="USDT", lot=Decimal("0.001"),
        reject=(110007, "ab not enough for new order"), reject_error=InsufficientMargin, rate_limited_send=RateLimited,
    ),
    # coin-margined: one contract is 1 USD, margin and balance in BTC (v5 category=inverse)
    "bybit-inverse": VenueCase(
        "bybit", BybitServer, symbol="BTC/USD:BTC", market_id="BTCUSD", settle="BTC", lot=Decimal(1),
        contract_size=Decimal(1), inverse=True, hedge_mode=False,  # inverse perpetuals: one-way only
        reject=(110007, "ab not enough for new order"), reject_error=InsufficientMargin, rate_limited_send=RateLimited,
    ),
    # --- BEGIN venue rows: bingx, weex, mexc helpers each add their case below this line ---
    "bingx": VenueCase(
        "bingx", BingxServer, symbol="BTC/USDT:USDT", market_id="BTC-USDT", settle="USDT", lot=Decimal("0.001"),
        reject=(101204, "Insufficient margin"), reject_error=InsufficientMargin,  # BingX place-order errors
        full_snapshots=True,  # every depth frame is the whole book, keyed by its ts (no update id)
    ),
    "weex": VenueCase(
        "weex", WeexServer, symbol="BTC/USDT:USDT", market_id="BTCUSDT", settle="USDT", lot=Decimal("0.0001"),
        # WEEX's documented CONTRACT_MAX_ORDER_QUANTITY_EXCEEDED (ccxt weex.py exceptions: InvalidOrder)
        reject=(-3007, "Maximum contract order quantity exceeded."), passphrase=True,
    ),
    # MEXC books and orders count contracts of 0.0001 BTC; orders by API are off for most accounts,
    # so the case's account has them on (the probe deciding it is tested in test_mexc_probe.py).
    # 2005 "Insufficient balance!": MEXC's code (contract API error codes) with the text ccxt matches
    "mexc": VenueCase(
        "mexc", MexcServer, symbol="BTC/USDT:USDT", market_id="BTC_USDT", settle="USDT", lot=Decimal(1),
        contract_size=Decimal("0.0001"), reject=(2005, "Insufficient balance!"), reject_error=InsufficientMargin,
        config={"trading_allowed": True}, rate_limited_send=RateLimited,  # 510
    ),
    # --- END venue rows ---
}


def case_ids() -> list[str]:
    return list(SERVERS)


def loopback_venue(server: LoopbackServer, venue_id: str, *, keys: bool = True, passphrase: bool = False,
                   **config: Any) -> CcxtVenue:
    """A ``CcxtVenue`` for ccxt id ``venue_id`` whose URLs point at ``server``."""
    settings: dict[str, Any] = {"request_timeout_ms": 2000, "keepalive_ms": 1000, "api_urls": server.api_urls}
    settings.update(config)
    credentials = (KEYS_WITH_PASSPHRASE if passphrase else KEYS) if keys else None
    venue = CcxtVenue(venue_id, credentials=credentials, config=CcxtConfig(**settings))
    venue._ex.timeout_on_exit = 0  # ccxt's 250 ms grace for TLS teardown; plain loopback needs none
    return venue


def case_venue(case: VenueCase, server: LoopbackServer, *, keys: bool = True, **config: Any) -> CcxtVenue:
    """``loopback_venue`` with the case's own config under the test's overrides."""
    return loopback_venue(server, case.venue_id, keys=keys, passphrase=case.passphrase,
                          **{**case.config, **config})


def journaled(venue: CcxtVenue) -> Executor:
    """``venue`` under an executor, as in a session: a probe order at connect (MEXC's) is journaled
    there; without one it is not sent and the venue stays view-only."""
    return Executor({venue.id: venue}, Journal(":memory:"))


@asynccontextmanager
async def serving(case_id: str) -> AsyncIterator[Any]:
    """A started loopback server for ``case_id`` (a key of ``SERVERS``), stopped on exit."""
    server = SERVERS[case_id].server()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest_asyncio.fixture
async def binance_server() -> AsyncIterator[BinanceUsdmServer]:
    async with serving("binanceusdm") as server:
        yield server


@pytest_asyncio.fixture
async def bybit_server() -> AsyncIterator[BybitServer]:
    async with serving("bybit") as server:
        yield server
