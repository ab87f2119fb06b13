"""Planning and sending for the session: the router for previews, the executor for routes.

The executor owns the safety (pre-trade checks, journal, client ids, unknown outcomes, no double
send); this module turns its events into the window's ``LegUpdate``s and refuses to hand the same
plan object to it twice (a double click on Route).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.client_ids import new_route_id
from sor_desktop.core.orders import OrderStatus
from sor_desktop.core.plan import AmountUnit, Plan, PlanRequest, VenueInput
from sor_desktop.core.price_format import limits_tick
from sor_desktop.engine.exec_events import ExecEvent, LegEvent, RouteEvent, RouteState, fill_status
from sor_desktop.engine.executor import Executor
from sor_desktop.engine.session_events import LegUpdate, Notice, RouteDone, RouteStarted

if TYPE_CHECKING:
    from sor_desktop.engine.session import Session

log = logging.getLogger(__name__)


class AlreadySent(RuntimeError):
    pass


class Router:
    def __init__(self, session: Session, executor: Executor) -> None:
        self.session = session
        self.executor = executor
        self._sent: set[int] = set()
        self.routes: dict[str, Plan] = {}
        self._unknown: set[tuple[str, int]] = set()
        executor.subscribe(self._on_exec)

    def plan(self, request: PlanRequest, inputs: Sequence[VenueInput]) -> Plan:
        from sor_desktop.core.router import plan_route  # lazily: the window opens even if it fails to import

        return plan_route(request, list(inputs))

    def submit(self, plan: Plan, reduce_only: bool = False) -> str:
        if id(plan) in self._sent:
            raise AlreadySent("this plan was already sent")
        if not plan.legs:
            raise ValueError("the plan has no legs to send")
        self._sent.add(id(plan))
        route_id = new_route_id()
        self.routes[route_id] = plan
        self.session.emit(RouteStarted(route_id, plan, time.time()))
        books = self.books_for(plan)
        self.session.spawn(self._execute(route_id, plan, books, reduce_only), f"route:{route_id[:8]}")
        return route_id

    def books_for(self, plan: Plan) -> dict[str, BookSnapshot]:
        """The legs' books as the checks find them (a companion market's by its key, core.market_key)."""
        route = self.session.route_books() if plan.symbol == self.session.symbol else {}
        return {**self.session.store.books(plan.symbol, [lg.venue for lg in plan.legs]),
                **{k: b for k, b in route.items() if " " in k}}

    async def _execute(self, route_id: str, plan: Plan, books: Mapping[str, BookSnapshot],
                       reduce_only: bool) -> None:
        result = await self.executor.execute(plan, books, route_id=route_id, reduce_only=reduce_only)
        if result.state is RouteState.BLOCKED:
            why = "; ".join(str(p) for p in result.problems)
            self.session.emit(Notice("error", f"route not sent: {why}"))
            for i, lg in enumerate(plan.legs):
                self.session.emit(LegUpdate(route_id, i, lg.venue, lg.symbol, plan.side_of(lg), OrderStatus.REJECTED,
                                            lg.contracts_dec, preview_price=lg.avg_price,
                                            reason=f"blocked: {why}"))

    def _on_exec(self, ev: ExecEvent) -> None:
        if isinstance(ev, RouteEvent):
            if ev.state in (RouteState.DONE, RouteState.UNRESOLVED):
                self.session.reread_margins()
            if ev.journal_error:
                self.session.emit(Notice("error", ev.journal_error))
            if ev.state is RouteState.DONE or ev.journal_error:
                self.session.emit(route_done(ev, self.routes.get(ev.route_id)))
            if ev.state is RouteState.UNRESOLVED:
                self.session.emit(Notice("warning", f"route {ev.route_id[:8]}: an outcome is still unknown; "
                                                    "trading waits until it is reconciled"))
            return
        if ev.filled_contracts > 0 or ev.status is OrderStatus.UNKNOWN:
            self.session.margin_changed(ev.venue)
        plan = self.routes.get(ev.route_id)
        self.session.emit(leg_update(ev, plan, self._unknown))


def route_done(ev: RouteEvent, plan: Plan | None) -> RouteDone:
    """The route's end with how much of the request filled, in the request's unit."""
    requested = plan.requested if plan is not None else 0.0
    unit = str(plan.unit) if plan is not None else "base"
    filled = 0.0
    if ev.tca is not None:
        filled = ev.tca.filled_base
        if unit == str(AmountUnit.QUOTE):
            filled = ev.tca.filled_base * (ev.tca.realised_avg_price or 0.0)
    base = ev.tca.filled_base if ev.tca is not None else 0.0
    in_full = (ev.tca is not None and plan is not None and len(ev.tca.legs) == len(plan.legs)
               and all(lg.status == OrderStatus.FILLED for lg in ev.tca.legs))
    if plan is not None:
        status = fill_status(plan, base, legs_in_full=in_full)
    else:
        status = "partly filled" if base > 0 else "not filled"
    symbol = plan.symbol if plan is not None else ""
    sides = {plan.side_of(lg) for lg in plan.legs} if plan is not None else set()
    side = "" if plan is None else str(plan.side) if len(sides) <= 1 else "mixed"
    return RouteDone(ev.route_id, ev.tca, requested, filled, unit, status, ev.journal_error, symbol, side,
                     as_planned=in_full, tick=limits_tick(lg.limit_price for lg in plan.legs) if plan else None)


def leg_update(ev: LegEvent, plan: Plan | None, unknown: set[tuple[str, int]]) -> LegUpdate:
    key = (ev.route_id, ev.leg_index)
    status = ev.status
    if str(status) == "pending":
        status = OrderStatus.SENT
    if status is OrderStatus.UNKNOWN:
        unknown.add(key)
    preview = plan.legs[ev.leg_index].avg_price if plan and ev.leg_index < len(plan.legs) else 0.0
    return LegUpdate(
        route_id=ev.route_id, leg=ev.leg_index, venue=ev.venue, symbol=ev.symbol, side=ev.side, status=status,
        contracts=ev.contracts, filled_contracts=ev.filled_contracts, filled_base=float(ev.filled_base),
        avg_price=float(ev.avg_price) if ev.avg_price is not None else None, preview_price=preview,
        reason=ev.reason, latency_ms=ev.latency_ms, was_unknown=key in unknown,
        venue_code=ev.venue_code, venue_text=ev.venue_text, failure=ev.failure,
        fee=float(ev.fee), fee_estimated=ev.fee_estimated,
    )
