"""What the executor tells the blotter: frozen values, safe to hand to a Qt signal as they are."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from sor_desktop.core.checks import Problem
from sor_desktop.core.orders import OrderStatus, Side
from sor_desktop.engine.journal import LegRow
from sor_desktop.engine.tca import RouteTca

log = logging.getLogger(__name__)


class RouteState(StrEnum):
    BLOCKED = "blocked"  # a pre-trade check failed: nothing sent
    SENDING = "sending"  # intents journaled, orders going out
    DONE = "done"  # every leg final
    UNRESOLVED = "unresolved"  # a leg's outcome is still unknown: trading blocked until reconciled


@dataclass(frozen=True, slots=True)
class LegEvent:
    route_id: str
    leg_index: int
    client_order_id: str
    venue: str
    symbol: str
    side: Side
    status: OrderStatus
    contracts: Decimal
    limit_price: Decimal
    filled_contracts: Decimal
    filled_base: Decimal
    avg_price: Decimal | None
    fee: Decimal
    latency_ms: float | None  # send -> acknowledgement
    reason: str | None
    ts: float

    @classmethod
    def from_row(cls, row: LegRow) -> LegEvent:
        return cls(row.route_id, row.leg_index, row.client_order_id, row.venue, row.symbol, row.side,
                   OrderStatus(row.status), row.contracts, row.limit_price, row.filled_contracts,
                   row.filled_base, row.avg_price, row.fee, row.latency_ms, row.reason, row.updated)


@dataclass(frozen=True, slots=True)
class RouteEvent:
    route_id: str
    state: RouteState
    parent_route_id: str | None
    problems: tuple[Problem, ...] = ()
    tca: RouteTca | None = None
    ts: float = 0.0


ExecEvent = LegEvent | RouteEvent


@dataclass(frozen=True, slots=True)
class RouteResult:
    route_id: str
    state: RouteState
    legs: tuple[LegEvent, ...]
    problems: tuple[Problem, ...] = ()
    tca: RouteTca | None = None
    remainder: float = 0.0  # still to do, in the route's unit (base, or quote notional)
    parent_route_id: str | None = None
    reroutes: tuple[RouteResult, ...] = ()  # automatic re-routes of the remainder, in order

    @property
    def sent(self) -> bool:
        return self.state is not RouteState.BLOCKED


class EventBus:
    """Plain callbacks. A failing subscriber is logged and never stops the executor."""

    def __init__(self) -> None:
        self._subs: list[Callable[[ExecEvent], None]] = []

    def subscribe(self, callback: Callable[[ExecEvent], None]) -> Callable[[], None]:
        self._subs.append(callback)
        return lambda: self._subs.remove(callback) if callback in self._subs else None

    def emit(self, event: ExecEvent) -> None:
        for cb in list(self._subs):
            try:
                cb(event)
            except Exception:
                log.exception("execution event subscriber failed")
