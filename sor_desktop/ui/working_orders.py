"""The trader's own orders still working on a venue, for the ladder's ``mine`` column.

Routes send IOC legs, so an order works from the moment it is sent until the venue says it is done;
one whose outcome is unknown stays listed (marked ``?``) until it is resolved by its client id: the
trader sees where money may still be at risk. Fed by the session's ``RouteStarted`` and
``LegUpdate`` events."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from decimal import Decimal

from sor_desktop.core.orders import OrderStatus, Side
from sor_desktop.engine.session_events import LegUpdate, RouteStarted


@dataclass(frozen=True, slots=True)
class WorkingOrder:
    venue: str
    symbol: str
    side: Side
    contracts: Decimal
    limit_price: float
    status: OrderStatus = OrderStatus.PENDING
    filled: Decimal = Decimal(0)

    def describe(self) -> str:
        done = f", {self.filled} filled" if self.filled else ""
        flag = " (outcome unknown)" if self.status is OrderStatus.UNKNOWN else ""
        return f"{self.venue} {self.side} {self.contracts} {self.symbol} limit {self.limit_price:,.10g}: {self.status}{done}{flag}"


class WorkingOrders:
    def __init__(self) -> None:
        self._orders: dict[tuple[str, int], WorkingOrder] = {}

    def on_route(self, ev: RouteStarted) -> None:
        for i, lg in enumerate(ev.plan.legs):
            self._orders[(ev.route_id, i)] = WorkingOrder(lg.venue, lg.symbol, ev.plan.side_of(lg), lg.contracts_dec,
                                                          float(lg.limit_price_dec))

    def on_leg(self, u: LegUpdate) -> None:
        key = (u.route_id, u.leg)
        if u.status.final:
            self._orders.pop(key, None)
            return
        order = self._orders.get(key)
        if order is not None:
            self._orders[key] = replace(order, status=u.status, filled=u.filled_contracts)

    def current(self, symbols: Collection[str] | None = None) -> list[WorkingOrder]:
        """The working orders in ``symbols`` (the window's and its companions'; None: all)."""
        return [o for o in self._orders.values() if symbols is None or o.symbol in symbols]
