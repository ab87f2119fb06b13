"""What the executor tells the blotter: frozen values, safe to hand to a Qt signal as they are."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from sor_desktop.core.checks import Problem
from sor_desktop.core.orders import OrderStatus, Side
from sor_desktop.core.plan import AmountUnit, Plan
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
    # the venue's own error code and words when it refused (or the send failed), split from ``reason``
    venue_code: str | None = None
    venue_text: str | None = None
    # set when the leg did not fill in full: "rejected" | "unknown" | "expired unfilled" | "partly filled"
    failure: str | None = None
    fee_estimated: bool = False  # ``fee`` is an estimate at the taker rate (``LegRow.fee_estimated``)

    @classmethod
    def from_row(cls, row: LegRow) -> LegEvent:
        return cls(row.route_id, row.leg_index, row.client_order_id, row.venue, row.symbol, row.side,
                   OrderStatus(row.status), row.contracts, row.limit_price, row.filled_contracts,
                   row.filled_base, row.avg_price, row.fee, row.latency_ms, row.reason, row.updated,
                   fee_estimated=row.fee_estimated)


@dataclass(frozen=True, slots=True)
class RouteEvent:
    route_id: str
    state: RouteState
    parent_route_id: str | None
    problems: tuple[Problem, ...] = ()
    tca: RouteTca | None = None
    ts: float = 0.0
    # "orders were sent to ...; their state could not be saved: ..." (trading is blocked)
    journal_error: str | None = None


# "-2019 Margin is insufficient.", "2005 Insufficient balance", "... (code 110007)"
_LEADING_CODE = re.compile(r"^\s*(-?\d{2,7})\b[\s:,-]*(.*)$", re.S)
_TRAILING_CODE = re.compile(r"^(.*?)\s*\((?:code|retCode)[ =:]*(-?\w+)\)\s*$", re.S)


def split_venue_code(message: str | None, code: object = None) -> tuple[str | None, str | None]:
    """The venue's error code and its words, from an error's text as the adapters word it
    (the simulator leads with the code as the venue does; ccxt errors end in "(code N)")."""
    if not message:
        return (str(code) if code is not None else None), None
    text = message
    if code is None:
        m = _LEADING_CODE.match(message)
        if m:
            code, text = m.group(1), m.group(2) or message
        else:
            m = _TRAILING_CODE.match(message)
            if m:
                text, code = m.group(1), m.group(2)
    return (str(code) if code is not None else None), text.strip()


def failure_of(ev: LegEvent) -> str | None:
    """How a final leg fell short of its order, or None (filled in full, or still open)."""
    status = ev.status
    if status is OrderStatus.REJECTED:
        return "rejected"
    if status is OrderStatus.UNKNOWN:
        return "unknown"
    if status is OrderStatus.CANCELED:  # an IOC's unfilled rest expired
        if ev.filled_contracts <= 0:
            return "expired unfilled"
        if ev.filled_contracts < ev.contracts:
            return "partly filled"
    if status is OrderStatus.PARTIALLY_FILLED and ev.filled_contracts < ev.contracts:
        return "partly filled"
    return None


def with_failure(ev: LegEvent) -> LegEvent:
    failure = failure_of(ev)
    if failure is None:
        return ev
    code, text = ev.venue_code, ev.venue_text
    if code is None and text is None and ev.reason:
        code, text = split_venue_code(ev.reason)
    return replace(ev, failure=failure, venue_code=code, venue_text=text)


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
    journal_error: str | None = None  # see RouteEvent.journal_error

    @property
    def sent(self) -> bool:
        return self.state is not RouteState.BLOCKED


LOT_REMAINDER = "below the venues' lot sizes"  # the router's words for a sliver no venue can take
WHOLE_CONTRACTS = "the inverse legs are whole contracts"  # less than one 1 USD contract, by design


def fill_status(plan: Plan, filled_base: float, *, legs_in_full: bool = False) -> str:
    """"filled" | "partly filled" | "not filled", against what the trader asked for. A sliver
    below every venue's lot (the router says so) is not asked of anyone: it does not count; a
    quote amount is filled when the planned base filled and the plan fell short of nothing.
    ``legs_in_full``: every leg filled all its contracts. That decides, not the base: an inverse
    leg's contracts are dollars, another base amount at every price (a flatten whose legs all
    filled read "partly filled: 1.89993340 of 1.89999092")."""
    short = plan.unfilled > 0 and not (plan.unfilled_reason and (LOT_REMAINDER in plan.unfilled_reason
                                                                 or WHOLE_CONTRACTS in plan.unfilled_reason))
    if plan.unit is AmountUnit.QUOTE or (plan.unfilled > 0 and not short):
        target = plan.filled
    else:
        target = plan.requested
    tol = max(abs(target) * 1e-9, 1e-12)
    if filled_base > 0 and (legs_in_full or filled_base >= target - tol) and not short:
        return "filled"
    return "partly filled" if filled_base > 0 else "not filled"


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
