"""The one venue interface. The live ccxt.pro venue, the simulated market, paper trading and the
replay of a recording all implement it; the engine and UI know nothing else.

Contract
========

====================================  ========  ==============================================
method                                required  meaning
====================================  ========  ==============================================
``connect()``                         yes       open sessions, load instruments; idempotent
``instruments()``                     yes       ``{symbol: Instrument}`` after ``connect``
``watch_order_book(symbol)``          yes       wait for and return the next ``BookSnapshot``;
                                                raises a ``VenueError`` on a broken stream
                                                (``BookGap`` on a sequence gap). Never retries
                                                by itself: ``engine.feed`` supervises.
``fetch_balance()``                   yes       ``list[Balance]`` (settle currencies)
``fetch_positions(symbols)``          yes       ``list[Position]``
``submit_order(OrderRequest)``        yes       place with *our* client order id; returns the
                                                first ``OrderReport``. Raises
                                                ``OrderRejected`` (nothing placed) or
                                                ``OutcomeUnknown`` (maybe placed: never resend,
                                                call ``fetch_order``)
``fetch_order(client_order_id, sym)`` yes       ``OrderReport`` or ``None`` when the venue has
                                                no order with that id
``cancel_order(client_order_id, sym)`` yes      ``OrderReport`` after the cancel
``cancel_all(symbol=None)``           yes       cancel every open order of the venue's futures
                                                markets (never spot); returns how many
``cancel_all_report(symbol=None)``    optional  the same, as a ``CancelAllResult``: what was
                                                cancelled per symbol and what could not be
``close()``                           yes       stop streams, close sockets; idempotent
``capabilities``                      yes       ``Capabilities`` (what the venue allows)
``watch_orders()``                    optional  stream of ``OrderReport`` updates
``probe_permissions()``               optional  what the keys may do (see security)
``fetch_position_mode(symbol)``        optional  ``PositionMode`` of the account for ``symbol``;
                                                None when the venue does not say (or no keys)
``refresh_dead_man(seconds)``         optional  (re)arm the venue's own countdown cancel-all for
                                                ``seconds``; 0 disarms; returns what it armed, or
                                                None when the venue has no such switch
``fetch_terms(symbol)``                optional  ``VenueTerms``: the account's fee rates (or the
                                                market default, marked so), funding (rate,
                                                interval, next time) and leverage brackets
``round_trip()``                      optional  seconds of the last ping-pong or request round
                                                trip, for the feed's health; None if unknown
``restart_book(symbol)``              optional  drop the stream and cached book so the next
                                                watch starts afresh (a feed silent too long)
====================================  ========  ==============================================
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sor_desktop.core.account import Balance, Position, PositionMode
from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.orders import OrderReport, OrderRequest


class Mode(StrEnum):
    SIMULATED = "simulated"  # built-in simulated market, no network
    PAPER = "paper"  # live public books, orders matched locally
    LIVE = "live"  # real orders
    REPLAY = "replay"  # a recording streamed back


@dataclass(frozen=True, slots=True)
class Capabilities:
    ioc: bool = True
    reduce_only: bool = True
    hedge_mode: bool = False
    trading_allowed: bool = True  # False: view-only (e.g. MEXC futures orders by API are off)
    view_only_reason: str | None = None
    trading_note: str | None = None  # why trading is on where view-only is the default (a probe's answer)
    client_id_field: str = "clientOrderId"
    client_id_max_len: int = 36
    server_dead_man_switch: bool = False  # the venue cancels our orders itself if we vanish


@dataclass(frozen=True, slots=True)
class CancelAllResult:
    """What one venue's cancel-all did: orders the venue confirmed cancelled, the symbols they
    were on, and what could not be done or confirmed (one line each, the venue's words)."""

    venue: str
    cancelled: int = 0
    symbols: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    def __str__(self) -> str:
        done = f"{self.cancelled} confirmed cancelled" + (f" on {', '.join(self.symbols)}" if self.symbols else "")
        return done if self.ok else f"{done}; could not: {'; '.join(self.errors)}"


class Venue(ABC):
    """See the module docstring for the contract."""

    id: str
    mode: Mode
    capabilities: Capabilities = Capabilities()

    @abstractmethod
    async def connect(self) -> None: ...

    @abstractmethod
    def instruments(self) -> Mapping[str, Instrument]: ...

    @abstractmethod
    async def watch_order_book(self, symbol: str) -> BookSnapshot: ...

    @abstractmethod
    async def fetch_balance(self) -> list[Balance]: ...

    @abstractmethod
    async def fetch_positions(self, symbols: Sequence[str] | None = None) -> list[Position]: ...

    @abstractmethod
    async def submit_order(self, request: OrderRequest) -> OrderReport: ...

    @abstractmethod
    async def fetch_order(self, client_order_id: str, symbol: str) -> OrderReport | None: ...

    @abstractmethod
    async def cancel_order(self, client_order_id: str, symbol: str) -> OrderReport: ...

    @abstractmethod
    async def cancel_all(self, symbol: str | None = None) -> int: ...

    @abstractmethod
    async def close(self) -> None: ...

    async def cancel_all_report(self, symbol: str | None = None) -> CancelAllResult:
        """``cancel_all`` with what was cancelled where and what failed (optional)."""
        return CancelAllResult(self.id, await self.cancel_all(symbol), (symbol,) if symbol else ())

    async def refresh_dead_man(self, seconds: float) -> str | None:
        """(Re)arm the venue's countdown cancel-all (optional; None: the venue has none)."""
        return None

    async def fetch_position_mode(self, symbol: str) -> PositionMode | None:
        """One-way or hedge for ``symbol`` on this account (optional; None when unknown)."""
        return None

    def round_trip(self) -> float | None:
        """Seconds of the venue's last measured round trip (optional; None when unknown)."""
        return None

    async def restart_book(self, symbol: str) -> None:
        """Make the next ``watch_order_book(symbol)`` start from a fresh stream (optional)."""
        return None

    def __repr__(self) -> str:  # never show keys or clients
        return f"<{type(self).__name__} {getattr(self, 'id', '?')} {getattr(self, 'mode', '?')}>"
